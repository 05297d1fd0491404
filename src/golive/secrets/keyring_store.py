"""The OS keyring: whether a usable backend answers, and golive's entries in it (get, store,
delete; and their async forms for the wizard). `keyring` is imported lazily (about 180 ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr

from golive.secrets.redaction import register_secret
from golive.session.errors import BadInputError, GoliveError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from golive.session.model import Session

from golive.secrets.names import check_name, describe, env_var_name, keyring_service

# --- the keyring backend -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyringStatus:
    """Whether golive can keep secrets in the OS keyring here, and why not in plain words."""

    usable: bool
    backend: str
    explanation: str
    reason: str = ""  # the explanation's first sentence, without the ways forward


def ways_forward(
    env_var: str = "GOLIVE_STAGING_CLIENT_SECRET", *, keyring_usable: bool = False
) -> str:
    """Every way to give golive a secret: the keyring (or how to get one), a variable, a prompt."""
    first = (
        "(1) store it in the OS keyring with `golive secret set SESSION --env staging|production` "
        "(or `golive secret set SESSION NAME`)"
        if keyring_usable
        else "(1) start a Secret Service (gnome-keyring or KeePassXC on Linux; the README's "
        "'A keyring on a headless server' shows how), then run `golive secret set SESSION ...`"
    )
    return (
        f"{first}; (2) give the secret for this run only in the environment variable {env_var} "
        "(GOLIVE_STAGING_CLIENT_SECRET, GOLIVE_PRODUCTION_CLIENT_SECRET, GOLIVE_SECRET_<NAME>); "
        "(3) type it when golive asks for it; it stays in memory for this run only. "
        "golive never writes secrets to a plain file"
    )


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _unusable_reason(backend: object) -> str:
    """Why this backend cannot keep a secret, or "" when it can."""
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null

    if isinstance(backend, keyring.backends.fail.Keyring):
        return (
            "no OS keyring is available on this machine "
            "(no Secret Service, Keychain or Credential Locker was found)"
        )
    if isinstance(backend, keyring.backends.null.Keyring):
        return "the keyring backend is the null backend, which forgets everything it is given"
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        usable = [b for b in backend.backends if not _unusable_reason(b)]
        if not usable:
            return "no OS keyring is available on this machine (the keyring chain is empty)"
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module.startswith("keyrings.cryptfile"):
        return (
            f"the keyring backend {_backend_name(backend)} keeps secrets in a file, "
            "which golive does not use"
        )
    return ""


def _keyring_module() -> KeyringBackend:
    """Import keyring (lazily: about 180 ms) and return its backend."""
    import keyring

    return keyring.get_keyring()


def keyring_status() -> KeyringStatus:
    """Check the keyring once, up front: is there a usable backend, unlocked, that answers?"""
    import keyring.errors

    try:
        backend = _keyring_module()
    except keyring.errors.KeyringError as error:  # pragma: no cover - get_keyring rarely raises
        reason = _explain(error)
        return KeyringStatus(False, "unknown", f"{reason} Ways forward: {ways_forward()}", reason)
    name = _backend_name(backend)
    reason = _unusable_reason(backend)
    if reason:
        return KeyringStatus(False, name, f"{reason}. Ways forward: {ways_forward()}", reason)
    try:
        # A read of an entry that does not exist: proves the backend answers and is unlocked.
        backend.get_password("golive:probe", "probe")
    except keyring.errors.KeyringError as error:
        reason = _explain(error)
        return KeyringStatus(False, name, f"{reason} Ways forward: {ways_forward()}", reason)
    return KeyringStatus(True, name, f"secrets are kept in the OS keyring ({name})")


async def akeyring_status() -> KeyringStatus:
    """keyring_status off the event loop."""
    import asyncio

    return await asyncio.to_thread(keyring_status)


def _explain(error: BaseException) -> str:
    """A keyring error in plain words."""
    import keyring.errors

    if isinstance(error, keyring.errors.KeyringLocked):
        return "the OS keyring is locked (unlock your login keyring, then try again)."
    if isinstance(error, keyring.errors.NoKeyringError):
        return "no OS keyring is available on this machine."
    if isinstance(error, keyring.errors.InitError):
        return (
            "the OS keyring could not be opened (it may not be unlocked, or no keyring has been "
            "created yet: unlock or create your login keyring, then try again)."
        )
    if isinstance(error, keyring.errors.PasswordDeleteError):
        return "the keyring refused to delete the entry."
    return f"the OS keyring failed ({type(error).__name__})."


def _keyring_error(error: BaseException, action: str, name: str) -> GoliveError:
    from golive.secrets.redaction import redact

    detail = redact(str(error)).strip()
    explanation = _explain(error)
    if detail and type(error).__name__ not in ("NoKeyringError",):
        explanation = f"{explanation} The keyring said: {detail}"
    return GoliveError(
        f"could not {action} {name!r} in the OS keyring: {explanation}",
        where=f"keyring entry {name}",
        advice=ways_forward(env_var_name(name)),
    )


def _usable_backend(name: str, action: str) -> KeyringBackend:
    import keyring.errors

    try:
        backend = _keyring_module()
    except keyring.errors.KeyringError as error:  # pragma: no cover
        raise _keyring_error(error, action, name) from None
    reason = _unusable_reason(backend)
    if reason:
        raise GoliveError(
            f"could not {action} {name!r}: {reason}",
            where=f"keyring entry {name}",
            advice=ways_forward(env_var_name(name)),
        )
    return backend


# --- keyring entries -----------------------------------------------------------------------------


def get_secret(session: Session, name: str) -> SecretStr | None:
    """The keyring's value for this session's secret, or None when there is no entry."""
    import keyring.errors

    backend = _usable_backend(name, "read")
    try:
        value = backend.get_password(keyring_service(session), name)
    except keyring.errors.KeyringError as error:
        raise _keyring_error(error, "read", name) from None
    if value is None:
        return None
    register_secret(value)
    return SecretStr(value)


def store_secret(session: Session, name: str, value: SecretStr, *, description: str = "") -> None:
    """Put the secret in the OS keyring and record the reference (never the value) in the session.

    The caller saves the session (golive.session.store) to keep the reference.
    """
    import keyring.errors

    from golive.session.model import SecretReference

    check_name(name)
    text = value.get_secret_value()
    if not text:
        raise BadInputError(f"{describe(session, name)} is empty", advice="give the secret itself")
    register_secret(text)
    backend = _usable_backend(name, "store")
    try:
        backend.set_password(keyring_service(session), name, text)
    except keyring.errors.KeyringError as error:
        raise _keyring_error(error, "store", name) from None
    old = session.credentials.secrets.get(name)
    kept = description or (old.description if old is not None else "")
    session.credentials.secrets = {
        **session.credentials.secrets,
        name: SecretReference(store="keyring", description=kept),
    }


def delete_secret(session: Session, name: str) -> bool:
    """Delete the keyring entry and the session's reference; True if a keyring entry was deleted.

    The caller saves the session to drop the reference.
    """
    import keyring.errors

    backend = _usable_backend(name, "delete")
    service = keyring_service(session)
    deleted = False
    try:
        if backend.get_password(service, name) is not None:
            backend.delete_password(service, name)
            deleted = True
    except keyring.errors.KeyringError as error:
        raise _keyring_error(error, "delete", name) from None
    if name in session.credentials.secrets:
        session.credentials.secrets = {
            key: ref for key, ref in session.credentials.secrets.items() if key != name
        }
    return deleted


async def aget(session: Session, name: str) -> SecretStr | None:
    """get_secret off the event loop (the wizard awaits this)."""
    import asyncio

    return await asyncio.to_thread(get_secret, session, name)


async def aset(session: Session, name: str, value: SecretStr, *, description: str = "") -> None:
    """store_secret off the event loop."""
    import asyncio

    await asyncio.to_thread(store_secret, session, name, value, description=description)


async def adelete(session: Session, name: str) -> bool:
    """delete_secret off the event loop."""
    import asyncio

    return await asyncio.to_thread(delete_secret, session, name)
