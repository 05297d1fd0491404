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
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import SecretStr

from golive.secrets.redaction import install_redaction, register_secret
from golive.session.errors import BadInputError, GoliveError

if TYPE_CHECKING:
    from golive.session.model import ItemState, Session

from golive.secrets.keyring_store import (
    KeyringStatus,
    adelete,
    aget,
    akeyring_status,
    aset,
    delete_secret,
    get_secret,
    keyring_status,
    store_secret,
    ways_forward,
)
from golive.secrets.names import (
    ENVIRONMENTS,
    PRODUCT_WORDS,
    PRODUCTS,
    ResolvedSecret,
    Source,
    check_name,
    client_secret_name,
    describe,
    env_var_name,
    keyring_service,
)

__all__ = [  # the names as they were before the split
    "ENVIRONMENTS",
    "PRODUCTS",
    "PRODUCT_WORDS",
    "KeyringStatus",
    "ResolvedSecret",
    "Source",
    "adelete",
    "aget",
    "akeyring_status",
    "aset",
    "check_name",
    "client_secret_name",
    "delete_secret",
    "describe",
    "env_var_name",
    "get_secret",
    "keyring_service",
    "keyring_status",
    "store_secret",
    "ways_forward",
]


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
