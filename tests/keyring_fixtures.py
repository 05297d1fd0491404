"""Fixtures for the secrets tests: a pytest plugin (`pytest_plugins = ["keyring_fixtures"]` in
tests/test_secret*.py), not a conftest.

Keyring tests run against a real Secret Service: `tests/with-keyring.sh` starts gnome-keyring in a
private D-Bus session. Without one they skip, saying why, unless GOLIVE_REQUIRE_KEYRING=1 (CI),
which turns the skip into a failure.

The test modules also import helpers from here, before pytest loads it as a plugin:
PYTEST_DONT_REWRITE (it has no asserts to rewrite).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from keyring.backend import KeyringBackend

from golive.secrets import KeyringStatus
from golive.session.model import Session

REQUIRE_KEYRING = os.environ.get("GOLIVE_REQUIRE_KEYRING") == "1"
NO_KEYRING_ENV = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def real_keyring() -> KeyringStatus:
    """The real OS keyring, usable; else skip (or fail when GOLIVE_REQUIRE_KEYRING=1)."""
    from golive.secrets import keyring_status

    status = keyring_status()
    if not status.usable:
        message = (
            f"no usable Secret Service here ({status.backend}: {status.reason}); "
            "run the tests under tests/with-keyring.sh"
        )
        if REQUIRE_KEYRING:
            pytest.fail(f"GOLIVE_REQUIRE_KEYRING=1 but {message}")
        pytest.skip(message)
    return status


class MemoryKeyring(KeyringBackend):
    """An in-memory backend, for logic tests that need no Secret Service."""

    # Every KeyringBackend subclass is a candidate when keyring picks its default: a priority
    # below the fail backend's 0 keeps this one from ever being picked by itself.
    priority = -10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        del self.entries[(service, username)]


@contextlib.contextmanager
def backend_in_place(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Use this keyring backend for a while, then put back the one that was in place."""
    import keyring

    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with backend_in_place(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


@pytest.fixture
def keyring_session() -> Iterator[Session]:
    """A fresh session (its own id, so its own keyring service); its keyring entries removed after,
    and the values registered for redaction forgotten.
    """
    from golive.secrets.redaction import forget_secrets

    forget_secrets()
    fresh = Session()
    fresh.meta.engineer = "Test Engineer"
    yield fresh
    remove_entries(fresh, ["alerting_webhook", "cert_password"])
    forget_secrets()


def remove_entries(session: Session, extra: list[str] = []) -> None:  # noqa: B006
    """Best-effort removal of a session's keyring entries (tests must not leave secrets behind)."""
    import keyring
    import keyring.errors

    from golive.secrets import keyring_service

    backend = keyring.get_keyring()
    names = {
        "staging.client_secret",
        "production.client_secret",
        *session.credentials.secrets,
        *extra,
    }
    for name in names:
        with contextlib.suppress(keyring.errors.KeyringError):
            if backend.get_password(keyring_service(session), name) is not None:
                backend.delete_password(keyring_service(session), name)
