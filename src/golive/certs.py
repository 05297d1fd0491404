"""Certificate inspection: is this the certificate the country needs, and can it sign today?

Reads PEM, DER and PKCS#12 with `cryptography`, shows the facts a go-live needs (subject,
issuer, serial, validity, key usage, whether a private key matches) and applies the country
rules golive knows: for Mexico the RFC in the subject and CSD versus e.firma (FIEL); for Brazil
the CNPJ of an ICP-Brasil e-CNPJ; for Ecuador the Digital Signature key usage SRI enforces.

The evidence kept is the SHA-256 fingerprint, the validity and the verdict: never key material,
never the password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError
from golive.session.model import CertificateRecord, special_file_kind
from golive.session.text import printable

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

    from golive.session.evidence import EvidenceRecord, Outcome
    from golive.session.model import Session

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "CertificateInspection",
    "PasswordRequiredError",
    "inspect_certificate",
    "record_certificate",
]

EXPIRY_WARNING_DAYS = 30
Verdict = Literal["usable", "warning", "not_usable"]
Severity = Literal["fail", "warn", "info"]

SAT_NAME = "Servicio de Administración Tributaria"
ICP_BRASIL_CNPJ_OID = "2.16.76.1.3.3"


class PasswordRequiredError(BadInputError):
    """The file (a PKCS#12 or an encrypted key) needs a password and none was given."""


@dataclass(frozen=True)
class CertificateInspection:
    """Everything `golive cert inspect` shows about one certificate, and its verdict."""

    file: str
    container: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    days_to_expiry: int
    key_usage: tuple[str, ...]
    extended_key_usage: tuple[str, ...]
    fingerprint_sha256: str
    key_match: bool | None
    key_source: str
    country: str
    kind: str
    details: tuple[tuple[str, str], ...]
    verdict: Verdict
    messages: tuple[str, ...]
    inspected_at: datetime
    severities: tuple[Severity, ...] = ()  # one per message: fail, warn or info

    def to_record(self) -> CertificateRecord:
        """The evidence kept in the session: facts and verdict, no key material."""
        return CertificateRecord(
            file=self.file,
            subject=self.subject,
            issuer=self.issuer,
            serial=self.serial,
            not_before=self.not_before,
            not_after=self.not_after,
            fingerprint_sha256=self.fingerprint_sha256,
            kind=self.kind,
            verdict=self.verdict,
            messages=list(self.messages),
            inspected_at=self.inspected_at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "container": self.container,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_to_expiry": self.days_to_expiry,
            "key_usage": list(self.key_usage),
            "extended_key_usage": list(self.extended_key_usage),
            "fingerprint_sha256": self.fingerprint_sha256,
            "key_match": self.key_match,
            "key_source": self.key_source,
            "country": self.country,
            "kind": self.kind,
            "details": dict(self.details),
            "verdict": self.verdict,
            "messages": list(self.messages),
            "severities": list(self.severities),
            "inspected_at": self.inspected_at.isoformat(),
        }


@dataclass
class _Findings:
    items: list[tuple[Severity, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    kind: str = ""

    def fail(self, text: str) -> None:
        self.items.append(("fail", text))

    def warn(self, text: str) -> None:
        self.items.append(("warn", text))

    def info(self, text: str) -> None:
        self.items.append(("info", text))

    def verdict(self) -> Verdict:
        severities = {severity for severity, _ in self.items}
        if "fail" in severities:
            return "not_usable"
        if "warn" in severities:
            return "warning"
        return "usable"

    def sorted(self) -> list[tuple[Severity, str]]:
        order = {"fail": 0, "warn": 1, "info": 2}
        return sorted(self.items, key=lambda item: order[item[0]])


def inspect_certificate(
    path: str | Path,
    *,
    password: bytes | None = None,
    key_path: str | Path | None = None,
    country: str | None = None,
    tax_id: str | None = None,
    now: datetime | None = None,
) -> CertificateInspection:
    """Read the certificate in `path` and judge whether it can be used for e-invoicing now.

    `password` opens a PKCS#12 file or an encrypted key file; it is used and forgotten.
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
        _country_rules(found, cc, cert, key_usage, extended, tax_id)
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


def record_certificate(
    session: Session,
    evidence_log: Path,
    country: str,
    result: CertificateInspection,
    *,
    by: str | None = None,
) -> EvidenceRecord:
    """Keep an inspection as the evidence for `compliance.CC.certificate` (in memory; the caller
    saves): the country's certificate record (no key material), an evidence record, and the item
    done (usable, or usable with a warning) or failed (not usable).
    """
    from golive.countries import normalise_code
    from golive.session import evidence
    from golive.session.checklist import default_actor
    from golive.session.model import ItemStatus

    cc = normalise_code(country)
    setup = session.countries.get(cc)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{cc} is not a country of this session",
            where=f"countries.{cc}",
            advice=f"add {cc} to the session first (`golive countries SESSION add {cc}`)",
        )
    setup.certificate = result.to_record()
    verdicts: dict[str, tuple[Outcome, ItemStatus]] = {
        "usable": ("passed", ItemStatus.DONE),
        "warning": ("warning", ItemStatus.DONE),
        "not_usable": ("failed", ItemStatus.FAILED),
    }
    outcome, status = verdicts[result.verdict]
    summary = f"{cc} certificate {Path(result.file).name}: {result.verdict}"
    summary += f" ({result.kind})" if result.kind else ""
    summary += f"; {result.messages[0]}" if result.messages else ""
    item = f"compliance.{cc}.certificate"
    record = evidence.EvidenceRecord(
        kind="certificate",
        started=result.inspected_at,
        ended=result.inspected_at,
        outcome=outcome,
        summary=summary,
        figures={
            "country": cc,
            "file": result.file,
            "fingerprint_sha256": result.fingerprint_sha256,
            "not_after": result.not_after.isoformat(),
            "kind": result.kind,
            "verdict": result.verdict,
        },
        items=[item],
        by=by or default_actor(session),
    )
    evidence.record(session, evidence_log, record, {item: status})
    return record


# --- reading files ----------------------------------------------------------------------------


MAX_CERTIFICATE_FILE_BYTES = 16 * 1024 * 1024  # a certificate or a .p12 is a few KB


def _read(path: Path, what: str) -> bytes:
    try:
        facts = path.stat()  # stat before open: a FIFO or a device is refused at once, never read
        kind = special_file_kind(facts.st_mode)
        if kind and kind != "a directory":
            raise BadInputError(
                f"{printable(path)} is {kind}, not a {what} file",
                where=printable(path),
                advice="give the file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
            )
        if not kind and facts.st_size > MAX_CERTIFICATE_FILE_BYTES:
            raise BadInputError(
                f"{printable(path)} is {facts.st_size} bytes, far more than a {what} file holds",
                where=printable(path),
                advice="give the certificate file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(
            f"no {what} file at {path}", where=str(path), advice="check the path and run again"
        ) from None
    except IsADirectoryError:
        raise BadInputError(
            f"{path} is a folder, not a {what} file",
            where=str(path),
            advice="give the file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
        ) from None
    except OSError as error:
        raise BadInputError(
            f"cannot read {path}: {error.strerror}",
            where=str(path),
            advice="check the file's permissions",
        ) from None


def _is_pkcs12(data: bytes) -> bool:
    """Whether `data` is a PKCS#12 PFX: a DER SEQUENCE whose first element is INTEGER 3.

    (A DER certificate's first element is a SEQUENCE, so the two cannot be confused.)
    """
    if len(data) < 8 or data[0] != 0x30:
        return False
    index = 1
    length = data[index]
    index += 1 + (length & 0x7F if length & 0x80 else 0)
    return data[index : index + 3] == b"\x02\x01\x03"


def _load_certificate(
    path: Path, password: bytes | None
) -> tuple[str, x509.Certificate, PrivateKeyTypes | None]:
    from cryptography import x509

    data = _read(path, "certificate")
    if b"-----BEGIN" in data:
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError:
            holds_key = b"PRIVATE KEY-----" in data
            raise BadInputError(
                f"{path.name} is a PEM file without a readable certificate"
                + (" (it holds a private key)" if holds_key else ""),
                where=str(path),
                advice="give the certificate file; a private key goes with --key",
            ) from None
        key = _pem_key_in(data, path, password) if b"PRIVATE KEY-----" in data else None
        return "PEM", certificates[0], key
    if _is_pkcs12(data):
        return _load_pkcs12(path, data, password)
    try:
        return "DER", x509.load_der_x509_certificate(data), None
    except ValueError:
        raise BadInputError(
            f"{path.name} is not a certificate golive can read (not PEM, DER or PKCS#12)",
            where=str(path),
            advice="export the certificate as .cer/.pem/.der, "
            "or the certificate and key as .p12/.pfx",
        ) from None


def _load_pkcs12(
    path: Path, data: bytes, password: bytes | None
) -> tuple[str, x509.Certificate, PrivateKeyTypes | None]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    attempts = [password] if password is not None else [None, b""]
    for attempt in attempts:
        try:
            key, cert, _others = pkcs12.load_key_and_certificates(data, attempt)
        except ValueError:
            continue
        if cert is None:
            raise BadInputError(
                f"the PKCS#12 file {path.name} holds no certificate",
                where=str(path),
                advice="export it again with the certificate included",
            )
        return "PKCS#12", cert, key
    if password is None:
        raise PasswordRequiredError(
            f"{path.name} is a PKCS#12 file protected by a password",
            where=str(path),
            advice="type the password when asked, or pipe it in with --password-stdin "
            "(never on the command line)",
        )
    raise BadInputError(
        f"wrong password for the PKCS#12 file {path.name} (or the file is damaged)",
        where=str(path),
        advice="check the password with whoever exported the file, then run again",
    )


def _pem_key_in(data: bytes, path: Path, password: bytes | None) -> PrivateKeyTypes:
    match = re.search(
        rb"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.+?-----END \1PRIVATE KEY-----", data, re.DOTALL
    )
    if match is None:
        raise BadInputError(
            f"{path.name} holds a damaged private-key block",
            where=str(path),
            advice="export the certificate and key again",
        )
    return _parse_key(match.group(0), path, password, pem=True)


def _load_private_key(path: Path, password: bytes | None) -> PrivateKeyTypes:
    data = _read(path, "private key")
    return _parse_key(data, path, password, pem=b"-----BEGIN" in data)


def _parse_key(data: bytes, path: Path, password: bytes | None, *, pem: bool) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives import serialization

    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        return load(data, password)
    except TypeError:
        if password is None:
            raise PasswordRequiredError(
                f"the private key {path.name} is encrypted",
                where=str(path),
                advice="type its password when asked, or pipe it in with --password-stdin",
            ) from None
        # a password given for a key that is not encrypted: read it without
        return load(data, None)
    except ValueError:
        if password is not None:
            raise BadInputError(
                f"cannot open the private key {path.name}: wrong password, or not a private key",
                where=str(path),
                advice="check the password and that the file is the key (for SAT: the .key file)",
            ) from None
        raise BadInputError(
            f"{path.name} is not a private key golive can read (PEM or DER, PKCS#1/PKCS#8)",
            where=str(path),
            advice="give the key file that belongs to the certificate",
        ) from None


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
    if moment < not_before:
        days = (not_before - moment).days
        found.fail(
            f"not valid yet: valid from {_day(not_before)} (in {days} day(s)); signatures made "
            "before then are rejected, so keep the current certificate until that date"
        )
    elif moment >= not_after:
        days = (moment - not_after).days
        found.fail(
            f"expired on {_day(not_after)} ({days} day(s) ago): request a new certificate from "
            "the issuer and inspect that one"
        )
    else:
        days = (not_after - moment).days
        if days < EXPIRY_WARNING_DAYS:
            found.warn(
                f"expires in {days} day(s), on {_day(not_after)}: renew it before go-live and "
                "plan the switch-over"
            )
        else:
            found.info(f"valid until {_day(not_after)} ({days} days from now)")


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


def _country_code(country: str) -> str:
    from golive.countries import normalise_code

    return normalise_code(country)


def _country_rules(
    found: _Findings,
    cc: str,
    cert: x509.Certificate,
    key_usage: tuple[str, ...],
    extended: tuple[str, ...],
    tax_id: str | None,
) -> None:
    from golive.countries import country, country_name

    facts = country(cc)
    name = facts.name if facts else country_name(cc)
    if facts is not None and not facts.certificate_required:
        found.info(f"golive's catalog: {name} needs no certificate ({facts.certificate_reason})")
    if cc == "MX":
        _mexico(found, cert, extended, tax_id)
    elif cc == "BR":
        _brazil(found, cert, tax_id)
    elif cc == "EC":
        if "digitalSignature" not in key_usage:
            found.fail(
                "SRI rejects signatures from certificates without the Digital Signature key "
                "usage (enforced since 8 Jan 2020): get a firma electrónica that has it"
            )
    elif tax_id:
        found.info(
            f"the tax ID was not compared: golive does not know where {name} certificates hold it"
        )


def _compact_id(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value).upper()


def _mexico(
    found: _Findings, cert: x509.Certificate, extended: tuple[str, ...], tax_id: str | None
) -> None:
    from cryptography.x509.oid import NameOID

    subject, issuer = cert.subject, cert.issuer
    issuer_org = [str(a.value) for a in issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    if SAT_NAME not in issuer_org:
        found.fail(
            "not issued by SAT (Servicio de Administración Tributaria): CFDI invoices must be "
            "sealed with a CSD from SAT"
        )
    issuer_text = cert.issuer.rfc4514_string().lower()
    if "pruebas" in issuer_text:
        found.fail(
            "issued by SAT's test CA ('de pruebas'): a test certificate that production PACs "
            "reject; install the production CSD"
        )
    identifiers = subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    if not identifiers:
        found.fail(
            "no RFC in the subject (x500UniqueIdentifier): this is not a SAT certificate for a "
            "taxpayer"
        )
        return
    text = _text(identifiers[0].value)
    parts = [part.strip() for part in text.split("/") if part.strip()]
    rfc = parts[0].upper() if parts else ""
    found.details.append(("RFC", rfc))
    if len(parts) > 1:
        found.details.append(("legal representative RFC", parts[1].upper()))
    number = _sat_certificate_number(cert.serial_number)
    if number:
        found.details.append(("SAT certificate number (noCertificado)", number))

    if {"clientAuth", "emailProtection"} & set(extended):
        found.kind = "e.firma (FIEL) — not for sealing invoices"
        found.fail(
            "this is an e.firma (FIEL), the taxpayer's signing certificate for SAT procedures; "
            "CFDI invoices must be sealed with a CSD: request one with the e.firma (SAT's "
            "Certifica tool) and install the CSD instead"
        )
    elif not extended:
        found.kind = "CSD (Certificado de Sello Digital)"
        units = subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        branch = f" ({_text(units[0].value)})" if units else ""
        found.info(f"a CSD{branch}: the certificate CFDI invoices are sealed with")
    else:
        found.warn(
            "cannot tell a CSD from an e.firma: unexpected extended key usage "
            + ", ".join(extended)
        )

    if tax_id:
        expected = _compact_id(tax_id)
        if expected == rfc:
            found.info(f"the RFC in the certificate ({rfc}) matches the tax ID")
        else:
            found.fail(
                f"the certificate belongs to RFC {rfc}, not {expected} (the tax ID given): "
                f"install the CSD issued to {expected}"
            )


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _sat_certificate_number(serial: int) -> str:
    """SAT's 20-digit certificate number is the serial number's bytes read as ASCII digits."""
    raw = serial.to_bytes((serial.bit_length() + 7) // 8 or 1, "big")
    text = raw.decode("ascii", "replace")
    return text if text.isdigit() else ""


def _brazil(found: _Findings, cert: x509.Certificate, tax_id: str | None) -> None:
    from cryptography import x509

    cnpj = ""
    try:
        alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        alternative = None
    for other in alternative.get_values_for_type(x509.OtherName) if alternative else []:
        if other.type_id.dotted_string == ICP_BRASIL_CNPJ_OID:
            match = re.search(rb"[0-9A-Z]{12}[0-9]{2}", other.value)
            cnpj = match.group(0).decode("ascii") if match else ""
    if not cnpj:
        found.fail(
            f"no CNPJ in the certificate (ICP-Brasil OID {ICP_BRASIL_CNPJ_OID}): NF-e needs an "
            "ICP-Brasil e-CNPJ (A1 file or A3 token)"
        )
        return
    found.kind = "ICP-Brasil e-CNPJ"
    found.details.append(("CNPJ", cnpj))
    if tax_id:
        expected = _compact_id(tax_id)
        if expected == cnpj:
            found.info(f"the CNPJ in the certificate ({cnpj}) matches the tax ID")
        else:
            found.fail(
                f"the certificate belongs to CNPJ {cnpj}, not {expected} (the tax ID given): "
                f"install the e-CNPJ issued to {expected}"
            )
