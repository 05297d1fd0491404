"""Certificate inspection: SAT's real test certificates, and certificates generated here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from golive.certs import PasswordRequiredError, inspect_certificate
from golive.session.errors import BadInputError

SAT = Path(__file__).parent / "data" / "sat-mx"
CSD = SAT / "CSD01_AAA010101AAA.cer.pem"
FIEL = SAT / "FIEL_AAA010101AAA.cer.pem"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


# --- generated certificates -------------------------------------------------------------------


@dataclass
class Made:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def make(
    *,
    not_before: datetime = NOW - timedelta(days=100),
    not_after: datetime = NOW + timedelta(days=365),
    subject: list[x509.NameAttribute] | None = None,
    issuer: list[x509.NameAttribute] | None = None,
    key_usage: dict[str, bool] | None = None,
    extended: list[x509.ObjectIdentifier] | None = None,
    other_names: list[x509.OtherName] | None = None,
    ca: bool = False,
) -> Made:
    key = ec.generate_private_key(ec.SECP256R1())
    subject_name = x509.Name(subject or [x509.NameAttribute(NameOID.COMMON_NAME, "ACME Tax Co")])
    issuer_name = x509.Name(issuer or [x509.NameAttribute(NameOID.COMMON_NAME, "Test Issuing CA")])
    usage = {
        "digital_signature": True,
        "content_commitment": True,
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": ca,
        "crl_sign": False,
        "encipher_only": False,
        "decipher_only": False,
    }
    usage.update(key_usage or {})
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject_name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=False)
    )
    if extended:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=False)
    if other_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(other_names), critical=False)
    return Made(builder.sign(key, hashes.SHA256()), key)


def write_pem(path: Path, made: Made) -> Path:
    path.write_bytes(made.cert.public_bytes(serialization.Encoding.PEM))
    return path


def write_key(path: Path, made: Made, password: bytes | None = None) -> Path:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path.write_bytes(
        made.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
    )
    return path


def write_p12(path: Path, made: Made, password: bytes) -> Path:
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"acme", made.key, made.cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return path


# --- SAT's real test certificates -------------------------------------------------------------


def test_the_sat_csd_reads_as_a_csd_for_its_rfc_but_expired() -> None:
    result = inspect_certificate(CSD, country="MX", tax_id="AAA010101AAA", now=NOW)
    assert result.kind == "CSD (Certificado de Sello Digital)"
    assert dict(result.details)["RFC"] == "AAA010101AAA"
    assert dict(result.details)["legal representative RFC"] == "HEGT7610034S2"
    assert dict(result.details)["SAT certificate number (noCertificado)"] == "30001000000300023708"
    assert result.verdict == "not_usable"
    assert result.messages[0].startswith("expired on 2021-05-18 03:54 UTC")
    assert result.days_to_expiry < 0
    assert any("a CSD (CSD01_AAA010101AAA)" in m for m in result.messages)
    assert "the RFC in the certificate (AAA010101AAA) matches the tax ID" in result.messages
    assert result.key_usage == ("digitalSignature", "nonRepudiation")
    assert result.extended_key_usage == ()
    assert "x500UniqueIdentifier=AAA010101AAA / HEGT7610034S2" in result.subject


def test_the_sat_fiel_is_flagged_as_not_a_csd() -> None:
    result = inspect_certificate(FIEL, country="MX", now=NOW)
    assert result.kind == "e.firma (FIEL) — not for sealing invoices"
    assert result.verdict == "not_usable"
    assert any(
        "this is an e.firma (FIEL)" in m and "sealed with a CSD" in m for m in result.messages
    )
    assert set(result.extended_key_usage) == {"emailProtection", "clientAuth"}


def test_the_sat_fiel_is_refused_even_while_it_was_valid() -> None:
    result = inspect_certificate(FIEL, country="MX", now=datetime(2019, 6, 1, tzinfo=UTC))
    assert result.verdict == "not_usable"
    assert not any(m.startswith("expired") for m in result.messages)
    assert any("e.firma" in m for m in result.messages)


def test_the_sat_test_ca_is_named_as_a_test_ca() -> None:
    result = inspect_certificate(CSD, country="MX", now=datetime(2019, 6, 1, tzinfo=UTC))
    assert result.verdict == "not_usable"
    assert any("SAT's test CA" in m for m in result.messages)


def test_a_csd_of_another_rfc_is_refused() -> None:
    result = inspect_certificate(CSD, country="MX", tax_id="MAB930714-8T4", now=NOW)
    assert any(
        "the certificate belongs to RFC AAA010101AAA, not MAB9307148T4" in m
        for m in result.messages
    )


def test_the_sat_certificate_without_a_country_gets_only_the_generic_checks() -> None:
    result = inspect_certificate(CSD, now=NOW)
    assert result.kind == "" and result.details == ()
    assert result.verdict == "not_usable"  # still expired


def sat_like(tmp_path: Path, *, extended: list[x509.ObjectIdentifier] | None = None) -> Path:
    made = make(
        subject=[
            x509.NameAttribute(NameOID.COMMON_NAME, "ACME MEXICO SA DE CV"),
            x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, "MAB9307148T4 / HEGT7610034S2"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Matriz"),
        ],
        issuer=[
            x509.NameAttribute(NameOID.COMMON_NAME, "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Servicio de Administración Tributaria"),
        ],
        extended=extended,
    )
    return write_pem(tmp_path / "csd.cer.pem", made)


def test_a_production_style_csd_matching_the_tax_id_is_usable(tmp_path: Path) -> None:
    result = inspect_certificate(sat_like(tmp_path), country="MX", tax_id="MAB9307148T4", now=NOW)
    assert result.verdict == "usable", result.messages
    assert result.kind == "CSD (Certificado de Sello Digital)"
    assert any("a CSD (Matriz)" in m for m in result.messages)


def test_a_certificate_not_from_sat_is_refused_for_mexico(tmp_path: Path) -> None:
    made = make(subject=[x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, "MAB9307148T4")])
    result = inspect_certificate(write_pem(tmp_path / "x.pem", made), country="MX", now=NOW)
    assert result.verdict == "not_usable"
    assert any(m.startswith("not issued by SAT") for m in result.messages)


# --- validity ---------------------------------------------------------------------------------


def test_a_certificate_expiring_in_ten_days_is_a_warning(tmp_path: Path) -> None:
    made = make(not_after=NOW + timedelta(days=10, hours=1))
    result = inspect_certificate(write_pem(tmp_path / "soon.pem", made), now=NOW)
    assert result.verdict == "warning"
    assert result.days_to_expiry == 10
    assert result.messages[0].startswith("expires 10 day(s) after the inspection")
    assert "renew it before go-live" in result.messages[0]


def test_thirty_days_left_is_not_yet_a_warning(tmp_path: Path) -> None:
    made = make(not_after=NOW + timedelta(days=30, hours=1))
    result = inspect_certificate(write_pem(tmp_path / "ok.pem", made), now=NOW)
    assert result.verdict == "usable"
    assert result.messages == (
        f"valid until {(NOW + timedelta(days=30, hours=1)):%Y-%m-%d %H:%M} UTC (30 days after the inspection)",
    )


def test_a_certificate_not_yet_valid_is_not_usable(tmp_path: Path) -> None:
    made = make(not_before=NOW + timedelta(days=3), not_after=NOW + timedelta(days=400))
    result = inspect_certificate(write_pem(tmp_path / "future.pem", made), now=NOW)
    assert result.verdict == "not_usable"
    assert result.messages[0].startswith("not valid yet when inspected: valid from")
    assert "keep the current certificate" in result.messages[0]


def test_the_clock_comes_from_golive_when_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make(not_after=NOW + timedelta(days=5))
    monkeypatch.setenv("GOLIVE_NOW", NOW.isoformat())
    result = inspect_certificate(write_pem(tmp_path / "c.pem", made))
    assert result.inspected_at == NOW and result.days_to_expiry == 5


# --- keys and containers ----------------------------------------------------------------------


def test_a_matching_private_key_is_confirmed(tmp_path: Path) -> None:
    made = make()
    cert = write_pem(tmp_path / "c.pem", made)
    key = write_key(tmp_path / "c.key", made)
    result = inspect_certificate(cert, key_path=key, now=NOW)
    assert result.key_match is True
    assert result.verdict == "usable"
    assert f"the private key in {key} belongs to this certificate" in result.messages


def test_a_private_key_of_another_certificate_is_a_mismatch(tmp_path: Path) -> None:
    cert = write_pem(tmp_path / "c.pem", make())
    other = write_key(tmp_path / "other.key", make())
    result = inspect_certificate(cert, key_path=other, now=NOW)
    assert result.key_match is False
    assert result.verdict == "not_usable"
    assert result.messages[0].startswith(f"the private key in {other} does not belong to this")


def test_an_encrypted_key_needs_its_password(tmp_path: Path) -> None:
    made = make()
    cert = write_pem(tmp_path / "c.pem", made)
    key = write_key(tmp_path / "c.key", made, password=b"s3cret")
    with pytest.raises(PasswordRequiredError) as caught:
        inspect_certificate(cert, key_path=key, now=NOW)
    assert "--password-stdin" in caught.value.advice
    assert inspect_certificate(cert, key_path=key, password=b"s3cret", now=NOW).key_match is True
    with pytest.raises(BadInputError, match="wrong password"):
        inspect_certificate(cert, key_path=key, password=b"nope", now=NOW)


def test_der_certificates_are_read(tmp_path: Path) -> None:
    made = make()
    path = tmp_path / "c.der"
    path.write_bytes(made.cert.public_bytes(serialization.Encoding.DER))
    result = inspect_certificate(path, now=NOW)
    assert result.container == "DER"
    assert result.fingerprint_sha256 == made.cert.fingerprint(hashes.SHA256()).hex(":").upper()


def test_pkcs12_with_the_right_password_gives_certificate_and_key(tmp_path: Path) -> None:
    made = make()
    path = write_p12(tmp_path / "c.p12", made, b"correct horse")
    result = inspect_certificate(path, password=b"correct horse", now=NOW)
    assert result.container == "PKCS#12"
    assert result.key_match is True
    assert result.key_source == "the PKCS#12 file"


def test_pkcs12_with_a_wrong_password_says_so(tmp_path: Path) -> None:
    path = write_p12(tmp_path / "c.p12", make(), b"correct horse")
    with pytest.raises(BadInputError) as caught:
        inspect_certificate(path, password=b"battery staple", now=NOW)
    assert (
        caught.value.message == "wrong password for the PKCS#12 file c.p12 (or the file is damaged)"
    )
    assert caught.value.where == str(path)
    assert "battery" not in str(caught.value)


def test_pkcs12_without_a_password_asks_for_one(tmp_path: Path) -> None:
    path = write_p12(tmp_path / "c.pfx", make(), b"correct horse")
    with pytest.raises(PasswordRequiredError) as caught:
        inspect_certificate(path, now=NOW)
    assert "protected by a password" in caught.value.message


def test_pkcs12_without_a_password_opens_without_asking(tmp_path: Path) -> None:
    made = make()
    path = tmp_path / "open.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", made.key, made.cert, None, serialization.NoEncryption()
        )
    )
    assert inspect_certificate(path, now=NOW).key_match is True


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"hello, not a certificate", "is not a certificate golive can read"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "without a readable"),
    ],
)
def test_a_file_that_is_no_certificate_is_bad_input(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "junk.cer"
    path.write_bytes(content)
    with pytest.raises(BadInputError) as caught:
        inspect_certificate(path, now=NOW)
    assert said in caught.value.message and caught.value.where == str(path)


def test_a_key_given_as_the_certificate_is_explained(tmp_path: Path) -> None:
    key = write_key(tmp_path / "c.pem", make())
    with pytest.raises(BadInputError) as caught:
        inspect_certificate(key, now=NOW)
    assert "it holds a private key" in caught.value.message
    assert "--key" in caught.value.advice


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no certificate file at"):
        inspect_certificate(tmp_path / "nope.cer", now=NOW)


# --- other rules ------------------------------------------------------------------------------


def test_a_ca_certificate_is_a_warning(tmp_path: Path) -> None:
    result = inspect_certificate(write_pem(tmp_path / "ca.pem", make(ca=True)), now=NOW)
    assert result.verdict == "warning"
    assert any("this is a CA certificate" in m for m in result.messages)


def test_ecuador_requires_the_digital_signature_key_usage(tmp_path: Path) -> None:
    made = make(key_usage={"digital_signature": False})
    result = inspect_certificate(write_pem(tmp_path / "ec.pem", made), country="EC", now=NOW)
    assert result.verdict == "not_usable"
    assert any("SRI rejects" in m for m in result.messages)


def brazil_cert(tmp_path: Path, cnpj: bytes) -> Path:
    value = b"\x04" + bytes([len(cnpj)]) + cnpj  # OCTET STRING
    name = x509.OtherName(x509.ObjectIdentifier("2.16.76.1.3.3"), value)
    return write_pem(tmp_path / "ecnpj.pem", make(other_names=[name]))


def test_a_brazilian_e_cnpj_is_read_and_compared(tmp_path: Path) -> None:
    path = brazil_cert(tmp_path, b"16727230000197")
    good = inspect_certificate(path, country="BR", tax_id="16.727.230/0001-97", now=NOW)
    assert good.kind == "ICP-Brasil e-CNPJ" and good.verdict == "usable"
    assert dict(good.details)["CNPJ"] == "16727230000197"
    wrong = inspect_certificate(path, country="BR", tax_id="07.195.358/0001-66", now=NOW)
    assert wrong.verdict == "not_usable"
    assert any("belongs to CNPJ 16727230000197, not 07195358000166" in m for m in wrong.messages)


def test_a_brazilian_certificate_without_cnpj_is_refused(tmp_path: Path) -> None:
    result = inspect_certificate(write_pem(tmp_path / "c.pem", make()), country="BR", now=NOW)
    assert result.verdict == "not_usable"
    assert any(m.startswith("no CNPJ in the certificate") for m in result.messages)


def test_a_country_that_needs_no_certificate_says_so(tmp_path: Path) -> None:
    result = inspect_certificate(write_pem(tmp_path / "c.pem", make()), country="DE", now=NOW)
    assert any(
        m.startswith("golive's catalog: Germany needs no certificate") for m in result.messages
    )


def test_an_unknown_country_code_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="ISO 3166-1"):
        inspect_certificate(write_pem(tmp_path / "c.pem", make()), country="XX", now=NOW)


def test_the_extended_key_usage_is_listed(tmp_path: Path) -> None:
    made = make(extended=[ExtendedKeyUsageOID.CLIENT_AUTH, x509.ObjectIdentifier("1.2.3.4")])
    result = inspect_certificate(write_pem(tmp_path / "c.pem", made), now=NOW)
    assert result.extended_key_usage == ("clientAuth", "1.2.3.4")


# --- the evidence -----------------------------------------------------------------------------


def test_the_record_keeps_fingerprint_and_expiry_and_never_the_key(tmp_path: Path) -> None:
    made = make(not_after=NOW + timedelta(days=10))
    path = write_p12(tmp_path / "c.p12", made, b"correct horse")
    result = inspect_certificate(path, password=b"correct horse", now=NOW)
    record = result.to_record()
    assert record.fingerprint_sha256 == made.cert.fingerprint(hashes.SHA256()).hex(":").upper()
    assert record.not_after == made.cert.not_valid_after_utc
    assert record.verdict == "warning"
    assert record.inspected_at == NOW
    dumped = record.model_dump_json() + json.dumps(result.to_json())
    key_der = made.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert "PRIVATE" not in dumped
    assert "correct horse" not in dumped
    assert key_der.hex() not in dumped.replace(":", "").lower()


def test_an_inspection_is_kept_as_the_evidence_of_the_certificate_item(tmp_path: Path) -> None:
    from golive.certs import record_certificate
    from golive.session import evidence
    from golive.session.model import ItemStatus
    from session_factory import make_session

    session = make_session(("MX",))
    log = tmp_path / "s.evidence.jsonl"
    result = inspect_certificate(FIEL, country="MX", now=NOW)
    record = record_certificate(session, log, "MX", result, by="Ada")
    assert session.countries["MX"].certificate == result.to_record()
    item = session.items["compliance.MX.certificate"]
    assert item.status is ItemStatus.FAILED and item.evidence == [record.id]
    stored = evidence.read(log).by_id()[record.id]
    assert stored.kind == "certificate" and stored.outcome == "failed"
    assert stored.figures["fingerprint_sha256"] == result.fingerprint_sha256
    assert "e.firma" in stored.summary

    soon = inspect_certificate(
        write_pem(tmp_path / "d.pem", make(not_after=NOW + timedelta(days=5))), now=NOW
    )
    assert soon.verdict == "warning"
    record_certificate(session, log, "MX", soon)  # usable with a warning still counts as done
    assert session.items["compliance.MX.certificate"].status is ItemStatus.DONE
