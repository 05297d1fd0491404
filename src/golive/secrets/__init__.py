"""golive's own secrets: in the OS keyring, never on disk; the session holds references only.

Resolution order for any secret golive needs to run live tests:

1. the environment variable (``GOLIVE_STAGING_CLIENT_SECRET``, ``GOLIVE_PRODUCTION_CLIENT_SECRET``,
   ``GOLIVE_STAGING_EINVOICING_CLIENT_SECRET``, ``GOLIVE_SECRET_<NAME>``), which takes precedence,
   and golive says that it used it;
2. the OS keyring entry (service ``golive:<session_id>``, username the secret's name);
3. a prompt that keeps the value in memory for this run, when the caller offers one;
4. otherwise a GoliveError naming every way forward.

``keyring`` is imported lazily inside functions: importing it costs about 180 ms and the wizard's
first paint must not pay for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr

from golive.secrets.redaction import install_redaction, register_secret
from golive.session.errors import BadInputError, GoliveError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from golive.session.model import ItemState, Session

Source = Literal["environment", "keyring", "prompt"]
ENVIRONMENTS = ("staging", "production")
# ONESOURCE products with credentials of their own. Determination's secret keeps its old name
# (``staging.client_secret``); E-Invoicing's is ``staging.einvoicing.client_secret``, used only
# when the session says E-Invoicing does not share the Determination credentials.
PRODUCTS = ("determination", "einvoicing")
PRODUCT_WORDS = {"determination": "", "einvoicing": "E-Invoicing "}


@dataclass(frozen=True)
class ResolvedSecret:
    """A secret golive can use now, where it came from, and a sentence saying so."""

    name: str
    value: SecretStr
    source: Source
    notice: str


def client_secret_name(environment: str, product: str = "determination") -> str:
    """The secret's name for an environment's OAuth client secret: ``staging.client_secret``
    (Determination) or ``staging.einvoicing.client_secret`` (E-Invoicing's own)."""
    if environment not in ENVIRONMENTS:
        raise BadInputError(
            f"{environment!r} is not an environment",
            advice="use staging or production",
        )
    if product not in PRODUCTS:
        raise BadInputError(
            f"{product!r} is not a product",
            where="--product",
            advice="use determination or einvoicing",
        )
    if product == "einvoicing":
        return f"{environment}.einvoicing.client_secret"
    return f"{environment}.client_secret"


def _client_secret_of(name: str) -> tuple[str, str] | None:
    """(environment, product) when `name` is a client secret's name."""
    for environment in ENVIRONMENTS:
        if name == f"{environment}.client_secret":
            return environment, "determination"
        if name == f"{environment}.einvoicing.client_secret":
            return environment, "einvoicing"
    return None


def env_var_name(name: str) -> str:
    """The environment variable that gives a secret for this run only."""
    known = _client_secret_of(name)
    if known is not None:
        environment, product = known
        middle = "_EINVOICING" if product == "einvoicing" else ""
        return f"GOLIVE_{environment.upper()}{middle}_CLIENT_SECRET"
    return "GOLIVE_SECRET_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def keyring_service(session: Session) -> str:
    """The keyring service golive uses for one session: two sessions never collide."""
    return f"golive:{session.meta.session_id}"


def describe(session: Session | None, name: str) -> str:
    """The secret in words, for prompts and messages: "the staging client secret"."""
    known = _client_secret_of(name)
    if known is not None:
        environment, product = known
        return f"the {environment} {PRODUCT_WORDS[product]}client secret"
    if session is not None:
        reference = session.credentials.secrets.get(name)
        if reference is not None and reference.description:
            return f"the secret {name!r} ({reference.description})"
    return f"the secret {name!r}"


def check_name(name: str) -> str:
    """A secret's name: letters, digits, '.', '_' and '-', starting with a letter."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]{0,63}", name):
        raise BadInputError(
            f"{name!r} is not a usable secret name",
            advice="use letters, digits, '.', '_' or '-', starting with a letter "
            "(for example alerting_webhook)",
        )
    return name


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


# --- resolution: environment, keyring, prompt ----------------------------------------------------


def resolve_secret(
    session: Session, name: str, *, prompt: Callable[[str], str] | None = None
) -> ResolvedSecret:
    """The secret golive should use now: the environment variable when set (which takes precedence,
    and the notice says so), else the keyring entry, else the prompt if given, else a GoliveError
    naming every way forward. Every value returned is registered for redaction.
    """
    variable = env_var_name(name)
    words = describe(session, name)
    from_env = os.environ.get(variable, "")
    if from_env:
        register_secret(from_env)
        return ResolvedSecret(
            name,
            SecretStr(from_env),
            "environment",
            f"used {variable} from the environment (it takes precedence over the keyring)",
        )
    why_not_keyring = ""
    keyring_usable = False
    try:
        value = get_secret(session, name)
    except GoliveError as error:
        why_not_keyring = error.message
    else:
        if value is not None:
            return ResolvedSecret(name, value, "keyring", f"used {words} from the OS keyring")
        keyring_usable = True
        why_not_keyring = f"the OS keyring has no entry for {words} in this session"
    if prompt is not None:
        typed = prompt(f"{words[0].upper()}{words[1:]} for this run (kept in memory only): ")
        typed = typed.strip("\r\n")
        if not typed:
            raise BadInputError(f"no value was typed for {words}", advice=ways_forward(variable))
        register_secret(typed)
        return ResolvedSecret(
            name,
            SecretStr(typed),
            "prompt",
            f"used {words} typed at the prompt, for this run only ({why_not_keyring})",
        )
    raise GoliveError(
        f"golive needs {words} and cannot find it: {why_not_keyring}; {variable} is not set",
        where=f"secret {name}",
        advice=ways_forward(variable, keyring_usable=keyring_usable),
    )


def resolve_client_secret(
    session: Session,
    environment: str,
    *,
    prompt: Callable[[str], str] | None = None,
    product: str = "determination",
) -> ResolvedSecret:
    """The OAuth client secret for staging or production (see resolve_secret), of Determination
    or of E-Invoicing."""
    return resolve_secret(session, client_secret_name(environment, product), prompt=prompt)


def needs_einvoicing_secret(session: Session, environment: str) -> bool:
    """True when E-Invoicing has credentials of its own in this environment (the session says
    it does not share Determination's); otherwise the Determination secret is used for both."""
    settings = getattr(session.environments, environment)
    return not settings.einvoicing.shares_credentials


async def aresolve_secret(
    session: Session, name: str, *, prompt: Callable[[str], str] | None = None
) -> ResolvedSecret:
    """resolve_secret off the event loop (the prompt, if any, runs in the worker thread)."""
    import asyncio

    return await asyncio.to_thread(resolve_secret, session, name, prompt=prompt)


async def aresolve_client_secret(
    session: Session,
    environment: str,
    *,
    prompt: Callable[[str], str] | None = None,
    product: str = "determination",
) -> ResolvedSecret:
    """resolve_client_secret off the event loop."""
    import asyncio

    return await asyncio.to_thread(
        resolve_client_secret, session, environment, prompt=prompt, product=product
    )


# --- access to the production credentials --------------------------------------------------------


def record_access_review(session: Session, *, by: str | None = None) -> ItemState | None:
    """`credentials.access` is done when the session names the people authorised to use or read
    the production credentials; returns the new state, or None when nobody is named yet (the
    item is left as it is). In memory; the caller saves.
    """
    from golive.session.checklist import build_checklist, set_item_status
    from golive.session.model import ItemStatus

    people = session.credentials.authorized_people
    if not people:
        return None
    names = ", ".join(p.name for p in people)
    note = f"{len(people)} authorised: {names}"
    current = build_checklist(session)["credentials.access"]
    if current.status is ItemStatus.DONE and current.note == note:
        return current.state
    return set_item_status(session, "credentials.access", ItemStatus.DONE, by=by, note=note)


# Any process that can hold one of golive's secrets redacts its logs (see golive.secrets.redaction).
install_redaction()
