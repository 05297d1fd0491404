"""golive.secrets against a real Secret Service (gnome-keyring in a private D-Bus session).

Run: `tests/with-keyring.sh .venv/bin/python -m pytest tests/test_secrets_keyring.py`. Without a
Secret Service these tests skip with the reason; with GOLIVE_REQUIRE_KEYRING=1 (CI) they fail.
"""

from __future__ import annotations

import keyring
import pytest
from pydantic import SecretStr

import golive.secrets as secrets
from golive.secrets import KeyringStatus
from golive.session.model import Session

pytest_plugins = ["keyring_fixtures"]
pytestmark = [pytest.mark.keyring, pytest.mark.usefixtures("real_keyring")]


def test_the_backend_is_the_secret_service(real_keyring: KeyringStatus) -> None:
    assert real_keyring.usable
    assert "SecretService" in real_keyring.backend
    assert real_keyring.explanation.startswith("secrets are kept in the OS keyring")


def test_round_trip_in_the_real_keyring(keyring_session: Session) -> None:
    name = "staging.client_secret"
    secrets.store_secret(keyring_session, name, SecretStr("rt-staging-secret-1"))
    # what keyring itself holds, under golive:<session id> / the secret's name
    service = f"golive:{keyring_session.meta.session_id}"
    assert keyring.get_password(service, name) == "rt-staging-secret-1"
    value = secrets.get_secret(keyring_session, name)
    assert value is not None and value.get_secret_value() == "rt-staging-secret-1"
    assert keyring_session.credentials.secrets[name].store == "keyring"
    # overwrite
    secrets.store_secret(keyring_session, name, SecretStr("rt-staging-secret-2"))
    assert keyring.get_password(service, name) == "rt-staging-secret-2"
    assert secrets.delete_secret(keyring_session, name) is True
    assert keyring.get_password(service, name) is None
    assert secrets.get_secret(keyring_session, name) is None
    assert name not in keyring_session.credentials.secrets


def test_two_sessions_never_collide(keyring_session: Session) -> None:
    other = Session()
    try:
        secrets.store_secret(keyring_session, "production.client_secret", SecretStr("first-one"))
        secrets.store_secret(other, "production.client_secret", SecretStr("second-one"))
        one = secrets.resolve_client_secret(keyring_session, "production")
        two = secrets.resolve_client_secret(other, "production")
        assert one.value.get_secret_value() == "first-one"
        assert two.value.get_secret_value() == "second-one"
        secrets.delete_secret(other, "production.client_secret")
        assert secrets.get_secret(keyring_session, "production.client_secret") is not None
    finally:
        secrets.delete_secret(other, "production.client_secret")


def test_resolution_uses_the_keyring_then_the_environment_overrides(
    keyring_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets.store_secret(keyring_session, "staging.client_secret", SecretStr("in-the-keyring"))
    resolved = secrets.resolve_client_secret(keyring_session, "staging")
    assert (resolved.source, resolved.value.get_secret_value()) == ("keyring", "in-the-keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "in-the-environment")
    resolved = secrets.resolve_client_secret(keyring_session, "staging")
    assert (resolved.source, resolved.value.get_secret_value()) == (
        "environment",
        "in-the-environment",
    )
    assert "takes precedence over the keyring" in resolved.notice


def test_named_secrets(keyring_session: Session) -> None:
    secrets.store_secret(
        keyring_session,
        "alerting_webhook",
        SecretStr("https://hooks.example/services/T0/B0/tokentoken"),
        description="alerting webhook URL",
    )
    secrets.store_secret(keyring_session, "cert_password", SecretStr("pfx-pass-123"))
    webhook = secrets.resolve_secret(keyring_session, "alerting_webhook")
    assert webhook.source == "keyring"
    assert "alerting webhook URL" in webhook.notice
    assert secrets.resolve_secret(keyring_session, "cert_password").value.get_secret_value() == (
        "pfx-pass-123"
    )
    assert sorted(keyring_session.credentials.secrets) == ["alerting_webhook", "cert_password"]


async def test_async_round_trip(keyring_session: Session) -> None:
    await secrets.aset(keyring_session, "staging.client_secret", SecretStr("async-secret"))
    value = await secrets.aget(keyring_session, "staging.client_secret")
    assert value is not None and value.get_secret_value() == "async-secret"
    resolved = await secrets.aresolve_client_secret(keyring_session, "staging")
    assert resolved.source == "keyring"
    assert await secrets.adelete(keyring_session, "staging.client_secret") is True
    assert (await secrets.akeyring_status()).usable
