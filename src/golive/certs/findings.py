"""What an inspection found: the verdict, its messages, and the record kept (never key material)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from golive.session.errors import BadInputError
from golive.session.model import CertificateRecord

if TYPE_CHECKING:
    pass


EXPIRY_WARNING_DAYS = 30
Verdict = Literal["usable", "warning", "not_usable"]
Severity = Literal["fail", "warn", "info"]

SAT_NAME = "Servicio de Administración Tributaria"
# The organisation of the demo's certificate authority (golive.sandbox.demo_certificate): it
# stands in for SAT in a demo session only, and is named so nobody mistakes it for SAT.
DEMO_CA_ORGANIZATION = "golive sandbox demo CA (not SAT)"
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
