"""golive.secrets without a real Secret Service: resolution order, names, backend detection,
plain-words errors, the async wrappers and lazy import. The keyring itself: test_secrets_keyring.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from typing import ClassVar

import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from pydantic import SecretStr

import golive.secrets as secrets
from golive.secrets.redaction import redact
from golive.session.errors import BadInputError, GoliveError
from golive.session.model import Person, Session
from keyring_fixtures import NO_KEYRING_ENV, MemoryKeyring, backend_in_place

pytest_plugins = ["keyring_fixtures"]


# --- names ---------------------------------------------------------------------------------------


def test_env_var_names() -> None:
    assert secrets.env_var_name("staging.client_secret") == "GOLIVE_STAGING_CLIENT_SECRET"
    assert secrets.env_var_name("production.client_secret") == "GOLIVE_PRODUCTION_CLIENT_SECRET"
    assert secrets.env_var_name("alerting_webhook") == "GOLIVE_SECRET_ALERTING_WEBHOOK"
    assert secrets.env_var_name("cert.pass-word") == "GOLIVE_SECRET_CERT_PASS_WORD"


def test_keyring_service_is_per_session() -> None:
    one, two = Session(), Session()
    assert secrets.keyring_service(one) == f"golive:{one.meta.session_id}"
    assert secrets.keyring_service(one) != secrets.keyring_service(two)


def test_bad_environment_and_bad_name() -> None:
    with pytest.raises(BadInputError, match="staging or production"):
        secrets.client_secret_name("prod")
    with pytest.raises(BadInputError, match="not a usable secret name"):
        secrets.check_name("has space")


# --- resolution order ----------------------------------------------------------------------------


def test_environment_takes_precedence_and_says_so(
    keyring_session: Session, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets.store_secret(keyring_session, "staging.client_secret", SecretStr("from-the-keyring"))
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "from-the-environment")
    resolved = secrets.resolve_client_secret(keyring_session, "staging", prompt=lambda _: "typed")
    assert resolved.source == "environment"
    assert resolved.value.get_secret_value() == "from-the-environment"
    assert resolved.notice == (
        "used GOLIVE_STAGING_CLIENT_SECRET from the environment "
        "(it takes precedence over the keyring)"
    )
    assert "from-the-environment" not in repr(resolved)


def test_keyring_before_prompt(keyring_session: Session, memory_keyring: MemoryKeyring) -> None:
    secrets.store_secret(keyring_session, "production.client_secret", SecretStr("kept-in-keyring"))
    asked: list[str] = []
    resolved = secrets.resolve_client_secret(
        keyring_session, "production", prompt=lambda text: asked.append(text) or "typed"
    )
    assert (resolved.source, resolved.value.get_secret_value()) == ("keyring", "kept-in-keyring")
    assert asked == []
    assert resolved.notice == "used the production client secret from the OS keyring"


def test_prompt_when_the_keyring_has_nothing(
    keyring_session: Session, memory_keyring: MemoryKeyring
) -> None:
    asked: list[str] = []
    resolved = secrets.resolve_client_secret(
        keyring_session, "staging", prompt=lambda text: asked.append(text) or "typed-secret\n"
    )
    assert resolved.source == "prompt"
    assert resolved.value.get_secret_value() == "typed-secret"
    assert asked == ["The staging client secret for this run (kept in memory only): "]
    assert "for this run only" in resolved.notice
    assert keyring_session.credentials.secrets == {}  # a typed secret is never recorded nor stored
    assert memory_keyring.entries == {}


def test_empty_prompt_is_bad_input(keyring_session: Session, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(BadInputError, match="no value was typed"):
        secrets.resolve_client_secret(keyring_session, "staging", prompt=lambda _: "")


def test_nothing_anywhere_names_every_way_forward(
    keyring_session: Session, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(GoliveError) as caught:
        secrets.resolve_client_secret(keyring_session, "staging")
    text = str(caught.value)
    assert "no entry for the staging client secret" in text
    assert "golive secret set SESSION --env staging|production" in text
    assert "GOLIVE_STAGING_CLIENT_SECRET" in text
    assert "type it when golive asks" in text


def test_named_secret_from_its_variable(
    keyring_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLIVE_SECRET_ALERTING_WEBHOOK", "https://hooks.example/T/secret-token")
    resolved = secrets.resolve_secret(keyring_session, "alerting_webhook")
    assert resolved.source == "environment"
    assert "GOLIVE_SECRET_ALERTING_WEBHOOK" in resolved.notice


def test_resolved_values_are_registered_for_redaction(
    keyring_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "zq-registered-value")
    secrets.resolve_client_secret(keyring_session, "staging")
    assert redact("oops: zq-registered-value leaked") == "oops: *** leaked"


# --- references, never values --------------------------------------------------------------------


def test_store_records_a_reference_and_delete_removes_it(
    keyring_session: Session, memory_keyring: MemoryKeyring
) -> None:
    secrets.store_secret(
        keyring_session,
        "alerting_webhook",
        SecretStr("https://hooks.example/x"),
        description="alerts",
    )
    reference = keyring_session.credentials.secrets["alerting_webhook"]
    assert (reference.store, reference.description) == ("keyring", "alerts")
    assert "hooks.example" not in keyring_session.model_dump_json()
    service = secrets.keyring_service(keyring_session)
    assert memory_keyring.entries == {(service, "alerting_webhook"): "https://hooks.example/x"}
    assert secrets.delete_secret(keyring_session, "alerting_webhook") is True
    assert keyring_session.credentials.secrets == {}
    assert memory_keyring.entries == {}
    assert secrets.delete_secret(keyring_session, "alerting_webhook") is False


def test_store_refuses_an_empty_value(
    keyring_session: Session, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(BadInputError, match="empty"):
        secrets.store_secret(keyring_session, "staging.client_secret", SecretStr(""))


# --- backend detection ---------------------------------------------------------------------------


def test_fail_backend_is_unusable_in_plain_words(keyring_session: Session) -> None:
    with backend_in_place(keyring.backends.fail.Keyring()):
        status = secrets.keyring_status()
        assert not status.usable
        assert status.backend == "keyring.backends.fail.Keyring"
        assert status.reason.startswith("no OS keyring is available on this machine")
        for way in ("start a Secret Service", "GOLIVE_STAGING_CLIENT_SECRET", "when golive asks"):
            assert way in status.explanation
        with pytest.raises(GoliveError) as caught:
            secrets.store_secret(
                keyring_session, "staging.client_secret", SecretStr("never-stored")
            )
        assert "no OS keyring is available" in str(caught.value)
        assert "README" in caught.value.advice
        # with nothing else, resolution explains; with a prompt it asks, and says why
        with pytest.raises(GoliveError, match="GOLIVE_STAGING_CLIENT_SECRET is not set"):
            secrets.resolve_client_secret(keyring_session, "staging")
        resolved = secrets.resolve_client_secret(
            keyring_session, "staging", prompt=lambda _: "typed"
        )
        assert resolved.source == "prompt"
        assert "no OS keyring is available" in resolved.notice


def test_null_backend_is_unusable() -> None:
    with backend_in_place(keyring.backends.null.Keyring()):
        status = secrets.keyring_status()
    assert not status.usable
    assert "forgets everything" in status.reason


def test_empty_chain_is_unusable() -> None:
    from keyring.backends.chainer import ChainerBackend

    class EmptyChain(ChainerBackend):
        backends: ClassVar[list[object]] = []  # nothing to chain

    with backend_in_place(EmptyChain()):
        status = secrets.keyring_status()
    assert not status.usable
    assert "no OS keyring" in status.reason


class _RaisingKeyring(MemoryKeyring):
    def __init__(self, error: keyring.errors.KeyringError) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            keyring.errors.KeyringLocked("Failed to unlock the collection!"),
            "unlock your login keyring",
        ),
        (
            keyring.errors.InitError("Failed to create the collection: Prompt dismissed.."),
            "could not be opened",
        ),
        (keyring.errors.NoKeyringError("No recommended backend"), "no OS keyring is available"),
    ],
)
def test_keyring_errors_become_plain_golive_errors(
    keyring_session: Session, error: keyring.errors.KeyringError, words: str
) -> None:
    with backend_in_place(_RaisingKeyring(error)):
        status = secrets.keyring_status()
        assert not status.usable and words in status.reason
        with pytest.raises(GoliveError) as caught:
            secrets.store_secret(
                keyring_session, "staging.client_secret", SecretStr("zz-not-stored")
            )
        assert words in str(caught.value)
        assert caught.value.advice
        with pytest.raises(GoliveError) as read_error:
            secrets.get_secret(keyring_session, "staging.client_secret")
        assert words in str(read_error.value)
        assert "zz-not-stored" not in str(caught.value)


def test_fail_backend_detected_in_a_fresh_process() -> None:
    """What a headless server gets: keyring's own pick, no D-Bus, no Secret Service."""
    code = (
        "import json, golive.secrets as s; st = s.keyring_status();"
        "print(json.dumps([st.usable, st.backend, st.explanation]))"
    )
    env = {**os.environ, **NO_KEYRING_ENV}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    usable, backend, explanation = json.loads(out.stdout)
    assert usable is False
    assert backend == "keyring.backends.fail.Keyring"
    assert explanation.startswith("no OS keyring is available on this machine")
    assert "README" in explanation and "GOLIVE_PRODUCTION_CLIENT_SECRET" in explanation
    assert "plain file" in explanation  # and never a silent fallback to one


def test_keyrings_alt_is_not_a_dependency() -> None:
    from importlib import metadata

    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("keyrings.alt")
    requires = metadata.requires("golive") or []
    assert not [r for r in requires if r.lower().startswith(("keyrings.alt", "keyrings-alt"))]


def test_importing_golive_secrets_does_not_import_keyring() -> None:
    code = "import sys, golive.secrets, golive.secrets.redaction; print('keyring' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- off the event loop --------------------------------------------------------------------------


async def test_async_wrappers_run_off_the_event_loop(
    keyring_session: Session, memory_keyring: MemoryKeyring
) -> None:
    threads: list[int] = []
    original = memory_keyring.get_password

    def spy(service: str, username: str) -> str | None:
        threads.append(threading.get_ident())
        return original(service, username)

    memory_keyring.get_password = spy  # type: ignore[method-assign]
    await secrets.aset(keyring_session, "alerting_webhook", SecretStr("https://hooks.example/a"))
    value = await secrets.aget(keyring_session, "alerting_webhook")
    assert value is not None and value.get_secret_value() == "https://hooks.example/a"
    resolved = await secrets.aresolve_secret(keyring_session, "alerting_webhook")
    assert resolved.source == "keyring"
    status = await secrets.akeyring_status()
    assert status.usable
    assert await secrets.adelete(keyring_session, "alerting_webhook") is True
    loop_thread = threading.get_ident()
    assert threads and loop_thread not in threads
    assert asyncio.get_running_loop().is_running()


# --- credentials.access ---------------------------------------------------------------------------


def test_access_review_needs_named_people(keyring_session: Session) -> None:
    assert secrets.record_access_review(keyring_session) is None
    assert "credentials.access" not in keyring_session.items
    keyring_session.credentials.authorized_people = [Person(name="Ada"), Person(name="Grace")]
    state = secrets.record_access_review(keyring_session, by="tester")
    assert state is not None and state.status.value == "done"
    assert state.note == "2 authorised: Ada, Grace"
    again = secrets.record_access_review(keyring_session, by="tester")
    assert again is not None and len(again.history) == 1  # unchanged: no new history entry
