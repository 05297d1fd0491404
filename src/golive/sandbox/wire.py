"""The sandbox's side of the wire contract: paths, JSON shapes and error bodies.

The API client is written against the same contract independently; it never imports this module.
Field names are camelCase because they are the JSON names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt

TOKEN_PATH = "/oauth2/v1/token"  # noqa: S105  (a path, not a password)
CALCULATE_PATH = "/indirect-tax-determination/taxes/v1/calculate"
DOCUMENTS_PATH = "/einvoicing/document/v1/documents"
DOCUMENT_STATUS_PATH = DOCUMENTS_PATH + "/{document_id}/status"
HEALTH_PATH = "/health"
PING_PATH = "/ping"
METRICS_PATH = "/metrics"
ADMIN_PREFIX = "/admin"
PROMETHEUS_PREFIX = "/prometheus"  # the Prometheus query API stand-in (sandbox/prometheus.py)

IDT_MEDIA_TYPE = "application/vnd.tri.onesource.idt+json"
DEFAULT_SCOPE = "urn:tr:onesource:auth:api:IndirectTaxDetermination"

# Metric label of each path; a fixed set so a client hammering odd URLs cannot blow up /metrics.
Endpoint = Literal[
    "token",
    "calculate",
    "einvoice_submit",
    "einvoice_status",
    "ping",
    "health",
    "metrics",
    "openapi",
    "admin",
    "prometheus",
    "other",
]

_EXACT: dict[str, Endpoint] = {
    TOKEN_PATH: "token",
    CALCULATE_PATH: "calculate",
    DOCUMENTS_PATH: "einvoice_submit",
    PING_PATH: "ping",
    HEALTH_PATH: "health",
    METRICS_PATH: "metrics",
    "/openapi.json": "openapi",
    "/docs": "openapi",
}


def endpoint_of(path: str) -> Endpoint:
    """The metric label for a request path."""
    if path in _EXACT:
        return _EXACT[path]
    if path.startswith(DOCUMENTS_PATH + "/") and path.endswith("/status"):
        return "einvoice_status"
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        return "admin"
    if path.startswith(PROMETHEUS_PREFIX + "/"):
        return "prometheus"
    return "other"


def error_body(code: str, message: str, path: str | None = None) -> dict[str, Any]:
    """The API's error shape with one problem: {"errors": [{"code", "message", "path"?}]}."""
    entry: dict[str, str] = {"code": code, "message": message}
    if path is not None:
        entry["path"] = path
    return {"errors": [entry]}


def error_bytes(code: str, message: str) -> bytes:
    return json.dumps(error_body(code, message)).encode()


_COUNTRY_PATTERN = r"^[A-Z]{2}$"
_CURRENCY_PATTERN = r"^[A-Z]{3}$"
_PATTERN_MESSAGES = {
    _COUNTRY_PATTERN: "use a two-letter ISO 3166 country code in capitals, such as DE",
    _CURRENCY_PATTERN: "use a three-letter ISO 4217 currency code in capitals, such as EUR",
}
CountryCode = Annotated[str, Field(pattern=_COUNTRY_PATTERN, description="ISO 3166-1 alpha-2")]
CurrencyCode = Annotated[str, Field(pattern=_CURRENCY_PATTERN, description="ISO 4217")]


def problems_of(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One {"code", "message", "path"} per pydantic problem, with paths like lines[0].amount."""
    problems: list[dict[str, str]] = []
    for item in errors:
        path = ""
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        problems.append({"code": "VALIDATION_ERROR", "message": plain_message(item), "path": path})
    return problems


def plain_message(error: Mapping[str, Any]) -> str:
    """A pydantic error's message, in words a user can act on where pydantic's are cryptic."""
    context = error.get("ctx", {})
    if error["type"] == "string_pattern_mismatch" and context.get("pattern") in _PATTERN_MESSAGES:
        return _PATTERN_MESSAGES[context["pattern"]]
    if error["type"] == "json_invalid":
        return f"the body is not valid JSON ({context.get('error', 'parse error')})"
    return str(error["msg"])


# Strict: an amount must be a JSON number (1 or 1.5), not "100" or true.
Amount = Annotated[float, Strict(), Field(ge=0)]


class _Wire(BaseModel):
    # Unknown fields are ignored: integrations send many more (hostSystem, callingSystemNumber…).
    model_config = ConfigDict(extra="ignore")


class Address(_Wire):
    country: CountryCode


class CalculateLine(_Wire):
    lineNumber: StrictInt | None = Field(default=None, ge=1)
    amount: Amount
    productCode: str | None = None
    shipFrom: Address | None = None
    shipTo: Address


class CalculateRequest(_Wire):
    externalCompanyId: str = Field(min_length=1)
    companyRole: Literal["S", "B", "M"] = "S"
    documentNumber: str = Field(min_length=1)
    documentDate: date
    currencyCode: CurrencyCode
    isAudited: bool = False
    customerType: Literal["B2B", "B2C"] | None = None
    lines: list[CalculateLine] = Field(min_length=1)


class TaxLine(BaseModel):
    authorityName: str
    taxRate: float
    taxableBasis: float
    taxAmount: float
    taxTreatment: str = "taxable"  # taxable, reduced, exempt, reverse_charge, export


class CalculatedLine(BaseModel):
    lineNumber: int
    taxes: list[TaxLine]


class CalculateResponse(BaseModel):
    correlationId: str
    externalCompanyId: str
    companyRole: str
    documentNumber: str
    documentDate: date
    currencyCode: str
    isAudited: bool
    totalTaxAmount: float
    lines: list[CalculatedLine]


ClearanceStatus = Literal["New", "Delivered", "Approved", "Warning", "Rejected"]
SendType = Literal["Test", "Prod"]


class DocumentRequest(_Wire):
    externalCompanyId: str = Field(min_length=1)
    country: CountryCode
    sendType: SendType
    documentNumber: str = Field(min_length=1)
    issueDate: date
    currencyCode: CurrencyCode
    totalAmount: Amount
    lines: list[dict[str, Any]] = Field(min_length=1)


class DocumentAccepted(BaseModel):
    documentId: str
    status: ClearanceStatus
    sendType: SendType


class StatusMessage(BaseModel):
    code: str
    message: str
    path: str


class Proof(BaseModel):
    """The identifier that proves a document went through (CFDI UUID, IRN, MARK, ...)."""

    name: str
    value: str


class DocumentStatus(BaseModel):
    documentId: str
    country: str
    documentNumber: str
    sendType: SendType
    status: ClearanceStatus
    messages: list[StatusMessage]
    proof: Proof | None = None


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class Ping(BaseModel):
    authenticated: bool
    version: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
