"""Inspecting a certificate: its facts, whether it can sign today, and the country's rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from golive.certs.findings import EXPIRY_WARNING_DAYS, CertificateInspection, _Findings
from golive.certs.reading import _load_certificate, _load_private_key
from golive.certs.rules import _country_code, _country_rules
from golive.session.clock import now as clock_now

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


# Long because loading, key match, expiry and the country rules make one report, assembled in order.
def inspect_certificate(
    path: str | Path,
    *,
    password: bytes | None = None,
    key_path: str | Path | None = None,
    country: str | None = None,
    tax_id: str | None = None,
    now: datetime | None = None,
    demo: bool = False,
) -> CertificateInspection:
    """Read the certificate in `path` and judge whether it can be used for e-invoicing now.

    `password` opens a PKCS#12 file or an encrypted key file; it is used and forgotten.
    `demo`: the inspection is for a demo session, where golive's demo CA stands in for the
    country's authority (with a warning that says so); anywhere else it is not the authority.
    Raises BadInputError (PasswordRequiredError when a password is missing) for a file that
    cannot be read as a certificate.
    """
    from cryptography.hazmat.primitives import hashes

    cert_path = Path(path)
    cc = _country_code(country) if country else ""
    container, cert, bundled_key = _load_certificate(cert_path, password)
    moment = now or clock_now()
    found = _Findings()

    key_match: bool | None = None
    key_source = ""
    key = _load_private_key(Path(key_path), password) if key_path else bundled_key
    if key is not None:
        key_source = str(key_path) if key_path else f"the {container} file"
        key_match = _same_public_key(cert, key)
        if key_match:
            found.info(f"the private key in {key_source} belongs to this certificate")
        else:
            found.fail(
                f"the private key in {key_source} does not belong to this certificate: signatures "
                "would not verify; find the key generated with this certificate's request"
            )

    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    left = not_after - moment
    days_to_expiry = left.days if left.total_seconds() >= 0 else -((moment - not_after).days)
    _judge_validity(found, moment, not_before, not_after)

    key_usage, extended = _key_usage(cert), _extended_key_usage(cert)
    _judge_usage(found, cert, key_usage)
    if cc:
        _country_rules(found, cc, cert, key_usage, extended, tax_id, demo=demo)
    elif tax_id:
        found.info(
            "the tax ID was not compared: give --country so golive knows where the certificate "
            "holds it (it knows MX and BR)"
        )

    return CertificateInspection(
        file=str(cert_path),
        container=container,
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        serial=f"{cert.serial_number:X}",
        not_before=not_before,
        not_after=not_after,
        days_to_expiry=days_to_expiry,
        key_usage=key_usage,
        extended_key_usage=extended,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        key_match=key_match,
        key_source=key_source,
        country=cc,
        kind=found.kind,
        details=tuple(found.details),
        verdict=found.verdict(),
        messages=tuple(text for _, text in found.sorted()),
        inspected_at=moment,
        severities=tuple(severity for severity, _ in found.sorted()),
    )


# --- facts ------------------------------------------------------------------------------------


def _same_public_key(cert: x509.Certificate, key: PrivateKeyTypes) -> bool:
    from cryptography.hazmat.primitives import serialization

    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return bool(
        cert.public_key().public_bytes(der, spki) == key.public_key().public_bytes(der, spki)
    )


def _name(name: x509.Name) -> str:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    overrides = {
        NameOID.SERIAL_NUMBER: "serialNumber",
        NameOID.X500_UNIQUE_IDENTIFIER: "x500UniqueIdentifier",
        NameOID.EMAIL_ADDRESS: "emailAddress",
        NameOID.POSTAL_CODE: "postalCode",
        NameOID.UNSTRUCTURED_NAME: "unstructuredName",
        NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
        x509.ObjectIdentifier("2.5.4.41"): "name",
    }
    return name.rfc4514_string(overrides)


_KEY_USAGE_NAMES = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)


def _key_usage(cert: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(label for attribute, label in _KEY_USAGE_NAMES if getattr(usage, attribute))


def _extended_key_usage(cert: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    names = []
    for oid in usage:
        label = getattr(oid, "_name", "")
        names.append(label if label and label != "Unknown OID" else oid.dotted_string)
    return tuple(names)


# --- judging ----------------------------------------------------------------------------------


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _judge_validity(
    found: _Findings, moment: datetime, not_before: datetime, not_after: datetime
) -> None:
    # Said against the inspection, not "now": the words are kept and read later (report, wizard)
    if moment < not_before:
        days = (not_before - moment).days
        found.fail(
            f"not valid yet when inspected: valid from {_day(not_before)} ({days} day(s) after "
            "the inspection); signatures made before then are rejected, so keep the current "
            "certificate until that date"
        )
    elif moment >= not_after:
        days = (moment - not_after).days
        found.fail(
            f"expired on {_day(not_after)} ({days} day(s) before the inspection): request a new "
            "certificate from the issuer and inspect that one"
        )
    else:
        days = (not_after - moment).days
        if days < EXPIRY_WARNING_DAYS:
            found.warn(
                f"expires {days} day(s) after the inspection, on {_day(not_after)}: renew it "
                "before go-live and plan the switch-over"
            )
        else:
            found.info(f"valid until {_day(not_after)} ({days} days after the inspection)")


def _judge_usage(found: _Findings, cert: x509.Certificate, key_usage: tuple[str, ...]) -> None:
    from cryptography import x509

    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is not None and constraints.ca:
        found.warn(
            "this is a CA certificate (basicConstraints CA=true), not a signer's certificate: "
            "give the certificate issued to the company"
        )
    if key_usage and not {"digitalSignature", "nonRepudiation"} & set(key_usage):
        found.warn(
            f"its key usage ({', '.join(key_usage)}) allows neither digitalSignature nor "
            "nonRepudiation, so it cannot sign invoices"
        )
