"""The sandbox over HTTPS: a client trusting its CA gets through; every bad certificate is refused."""

from __future__ import annotations

import ipaddress
import ssl
import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cryptography import x509

from golive.sandbox import SandboxSettings, TlsVariant
from golive.sandbox.runner import SandboxServer
from golive.sandbox.tls import create_tls_files


def trusting(ca_bundle: Path | None) -> ssl.SSLContext:
    assert ca_bundle is not None
    return ssl.create_default_context(cafile=str(ca_bundle))


def refusal(url: str, verify: ssl.SSLContext) -> str:
    with pytest.raises(httpx.ConnectError) as refused:
        httpx.get(f"{url}/health", verify=verify)
    message = str(refused.value)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    return message


def test_a_client_with_the_ca_bundle_is_served_and_one_without_is_refused() -> None:
    with SandboxServer(SandboxSettings(tls="valid")) as server:
        assert server.url.startswith("https://127.0.0.1:")
        answer = httpx.get(f"{server.url}/health", verify=trusting(server.ca_bundle))
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
        localhost = server.url.replace("127.0.0.1", "localhost")
        assert (
            httpx.get(f"{localhost}/health", verify=trusting(server.ca_bundle)).status_code == 200
        )
        # The system's trust store does not know the throw-away CA.
        assert "unable to get local issuer" in refusal(server.url, ssl.create_default_context())


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        ("expired", "certificate has expired"),
        ("wrong-host", "mismatch"),
        ("self-signed", "self-signed certificate"),
    ],
)
def test_bad_certificates_are_refused_even_with_the_ca(variant: TlsVariant, reason: str) -> None:
    with SandboxServer(SandboxSettings(tls=variant)) as server:
        assert reason in refusal(server.url, trusting(server.ca_bundle))


def test_the_token_flow_works_over_https() -> None:
    with (
        SandboxServer(SandboxSettings(tls="valid")) as server,
        httpx.Client(base_url=server.url, verify=trusting(server.ca_bundle)) as client,
    ):
        form = {
            "grant_type": "client_credentials",
            "client_id": server.client_id,
            "client_secret": server.client_secret.get_secret_value(),
        }
        assert client.post("/oauth2/v1/token", data=form).json()["token_type"] == "Bearer"


def test_tls_files_are_private_and_removed_on_stop() -> None:
    server = SandboxServer(SandboxSettings(tls="valid")).start()
    ca_bundle = server.ca_bundle
    assert ca_bundle is not None
    folder = ca_bundle.parent
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        keys = list(folder.glob("*key*"))
        assert keys and all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
    finally:
        server.stop()
    assert not folder.exists()
    assert server.ca_bundle is None


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def names(certificate: x509.Certificate) -> set[str]:
    alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return {str(n) for n in alternative.value.get_values_for_type(x509.DNSName)} | {
        str(n) for n in alternative.value.get_values_for_type(x509.IPAddress)
    }


def test_certificates_say_what_each_variant_promises(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    valid = create_tls_files("valid", hosts=("10.1.2.3", "sandbox.test"), directory=tmp_path / "v")
    ca, server = load(valid.ca_bundle_path), load(valid.certfile)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert server.issuer == ca.subject
    server.verify_directly_issued_by(ca)
    assert names(server) == {"localhost", "127.0.0.1", "::1", "10.1.2.3", "sandbox.test"}
    assert ipaddress.ip_address("127.0.0.1") in alternative_ips(server)
    assert server.not_valid_before_utc < now < server.not_valid_after_utc

    expired = load(create_tls_files("expired", directory=tmp_path / "e").certfile)
    assert expired.not_valid_after_utc < now

    wrong = load(create_tls_files("wrong-host", directory=tmp_path / "w").certfile)
    assert names(wrong) == {"wrong.example"}

    self_signed = load(create_tls_files("self-signed", directory=tmp_path / "s").certfile)
    assert self_signed.issuer == self_signed.subject


def alternative_ips(
    certificate: x509.Certificate,
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return [
        ip
        for ip in alternative.value.get_values_for_type(x509.IPAddress)
        if isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address)
    ]
