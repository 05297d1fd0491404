"""Presets, URLs, the rehearsal decision and the TLS context."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from golive.api.endpoints import PRESETS, Endpoints, apply_preset, is_rehearsal
from golive.api.tls import tls_context
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings


def settings(base_url: str, **extra: object) -> EnvironmentSettings:
    return EnvironmentSettings(base_url=base_url, client_id="c", external_company_id="X", **extra)


def test_presets_fill_in_the_public_hosts_and_default_paths() -> None:
    base = settings("https://example.com", calculate_path="/custom")
    us = apply_preset(base, "onesource-us")
    assert us.base_url == "https://api.onesourcetax.com"
    assert us.calculate_path == "/indirect-tax-determination/taxes/v1/calculate"
    assert us.resolved_token_url() == "https://api.onesourcetax.com/oauth2/v1/token"
    assert apply_preset(base, "onesource-emea").base_url == "https://api-emea.onesourcetax.com"
    assert apply_preset(base, "onesource-uat").base_url == "https://api-uat.onesourcetax.com"
    sandbox = apply_preset(base, "sandbox", base_url="https://127.0.0.1:9999/")
    assert sandbox.base_url == "https://127.0.0.1:9999"
    assert sandbox.preset == "sandbox"
    with pytest.raises(BadInputError, match="not a preset"):
        apply_preset(base, "onesource-mars")


@pytest.mark.parametrize(
    ("base_url", "rehearsal"),
    [
        ("https://api.onesourcetax.com", False),
        ("https://api-emea.onesourcetax.com", False),
        ("https://api-uat.onesourcetax.com", True),
        ("https://onesource-idt-det-uat-ws.hostedtax.thomsonreuters.com", True),
        ("https://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("https://[::1]:8443", True),
        ("https://sandbox.example.com", True),
        ("https://tax.customer-corp.com", False),
        ("https://10.0.0.5", True),  # a private address: a rehearsal (issue 15)
    ],
)
def test_is_rehearsal(base_url: str, rehearsal: bool) -> None:
    assert is_rehearsal(settings(base_url)) is rehearsal
    assert is_rehearsal(settings(base_url).model_copy(update={"preset": "onesource-uat"}))
    for name, preset in PRESETS.items():
        assert is_rehearsal(apply_preset(settings(base_url), name)) is preset.rehearsal


def test_a_production_host_with_a_uat_token_url_is_a_rehearsal() -> None:
    env = settings(
        "https://api.onesourcetax.com", token_url="https://api-uat.onesourcetax.com/oauth2/v1/token"
    )
    assert is_rehearsal(env)


def test_endpoints_of_an_environment() -> None:
    urls = Endpoints.of(settings("https://api.onesourcetax.com/"), "production")
    assert urls.token_url == "https://api.onesourcetax.com/oauth2/v1/token"
    assert (
        urls.calculate_url
        == "https://api.onesourcetax.com/indirect-tax-determination/taxes/v1/calculate"
    )
    assert urls.submit_url == "https://api.onesourcetax.com/einvoicing/document/v1/documents"
    assert urls.status_url("a/b c") == (
        "https://api.onesourcetax.com/einvoicing/document/v1/documents/a%2Fb%20c/status"
    )
    assert (urls.host, urls.port, urls.scheme) == ("api.onesourcetax.com", 443, "https")


def test_http_is_refused_for_production_but_allowed_for_staging() -> None:
    with pytest.raises(BadInputError, match="https://") as caught:
        Endpoints.of(settings("http://api.example.com"), "production")
    assert caught.value.where == "environments.production.base_url"
    with pytest.raises(BadInputError, match="https://"):
        Endpoints.of(
            settings("https://api.example.com", token_url="http://auth.example.com/token"),
            "production",
        )
    assert Endpoints.of(settings("http://127.0.0.1:8765"), "staging").port == 8765


def test_missing_or_odd_settings_are_named() -> None:
    with pytest.raises(BadInputError, match="no base URL") as caught:
        Endpoints.of(EnvironmentSettings(), "staging")
    assert caught.value.where == "environments.staging.base_url"
    with pytest.raises(BadInputError, match="placeholder"):
        Endpoints.of(settings("https://a.example", einvoice_status_path="/status"), "staging")
    with pytest.raises(BadInputError, match="must start with"):
        Endpoints.of(settings("https://a.example", calculate_path="calculate"), "staging")
    with pytest.raises(BadInputError, match="not an environment"):
        Endpoints.of(settings("https://a.example"), "qa")


def test_the_tls_context_always_verifies() -> None:
    context = tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert context.cert_store_stats()["x509_ca"] > 50  # certifi's roots at least


def test_a_bad_ca_bundle_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="cannot be read"):
        tls_context(str(tmp_path / "missing.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(BadInputError, match="no usable PEM"):
        tls_context(str(junk))
