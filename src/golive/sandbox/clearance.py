"""The e-invoicing clearance state machine: New -> Delivered -> Approved | Warning | Rejected.

The state follows from the time since submission (one `step_s` per state), so a client that
polls sees the same progression as with a real clearance platform, only faster. The outcome is
fixed at submission from the reject/warn countries in force then.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from golive.sandbox.faults import Faults
from golive.sandbox.metrics import Metrics
from golive.sandbox.wire import (
    ClearanceStatus,
    DocumentRequest,
    DocumentStatus,
    Proof,
    SendType,
    StatusMessage,
)
from golive.session.clock import now

# Codes that look like the authority's own; everything else gets the generic one.
_REJECTION_CODES = {"MX": "CFDI40147"}
_REJECTED_PATH = "lines[0].taxId"


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def _hex(count: int) -> str:
    return secrets.token_hex((count + 1) // 2)[:count].upper()


# What each authority (or platform) gives back as proof, shaped like the real identifier; a
# country not listed gets a generic sandbox id. Sandbox values: they prove nothing outside it.
_PROOFS: dict[str, tuple[str, Callable[[], str]]] = {
    "MX": ("CFDI UUID", lambda: str(uuid.uuid4()).upper()),
    "IT": ("SdI id", lambda: _digits(10)),
    "IN": ("IRN", lambda: secrets.token_hex(32)),
    "PL": ("KSeF number", lambda: f"{_digits(10)}-{now():%Y%m%d}-{_hex(12)}-{_hex(2)}"),
    "KR": ("NTS confirm number", lambda: f"{now():%Y%m%d}{_hex(16)}"),
    "GR": ("MARK", lambda: "4" + _digits(14)),
    "HU": ("NAV transaction id", lambda: _hex(16)),
    "ES": ("AEAT CSV", lambda: _hex(16)),
    "FR": ("PA message id", lambda: str(uuid.uuid4())),
    "BE": ("Peppol message id", lambda: f"{uuid.uuid4()}@sandbox.golive"),
    "HR": ("fiscalisation id", lambda: str(uuid.uuid4())),
    "BR": ("chave de acesso", lambda: _digits(44)),
    "SA": ("ZATCA clearance hash", lambda: secrets.token_hex(32)),
    "PT": ("ATCUD", lambda: f"{_hex(8)}-{_digits(4)}"),
    "TW": ("invoice number", lambda: f"GL{_digits(8)}"),
}


def proof_for(country: str) -> Proof:
    name, make = _PROOFS.get(country, ("sandbox proof id", lambda: str(uuid.uuid4())))
    return Proof(name=name, value=make())


@dataclass
class _Document:
    document_id: str
    country: str
    document_number: str
    send_type: SendType
    submitted_at: float
    outcome: ClearanceStatus
    messages: list[StatusMessage]
    proof: Proof | None = None
    reported: bool = False


class ClearanceDesk:
    """Accepts documents and answers their status."""

    def __init__(
        self, step_s: float, metrics: Metrics, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._step_s = step_s
        self._metrics = metrics
        self._clock = clock
        self._documents: dict[str, _Document] = {}

    def submit(self, request: DocumentRequest, faults: Faults) -> str:
        country = request.country
        outcome: ClearanceStatus = "Approved"
        messages: list[StatusMessage] = []
        if country in faults.reject_countries:
            outcome = "Rejected"
            code = _REJECTION_CODES.get(country, "REJ-001")
            messages.append(
                StatusMessage(
                    code=code,
                    message=f"the authority rejected the document: the buyer's tax ID is not "
                    f"registered (sandbox rejection for {country}); fix it and send again",
                    path=_REJECTED_PATH,
                )
            )
        elif country in faults.warn_countries:
            outcome = "Warning"
            messages.append(
                StatusMessage(
                    code="WARN-001",
                    message=f"approved with a non-fatal remark: a line has no product "
                    f"description (sandbox warning for {country})",
                    path="lines[0].description",
                )
            )
        document_id = str(uuid.uuid4())
        self._documents[document_id] = _Document(
            document_id=document_id,
            country=country,
            document_number=request.documentNumber,
            send_type=request.sendType,
            submitted_at=self._clock(),
            outcome=outcome,
            messages=messages,
            proof=None if outcome == "Rejected" else proof_for(country),
        )
        self._metrics.document_submitted(country)
        return document_id

    def status(self, document_id: str) -> DocumentStatus | None:
        document = self._documents.get(document_id)
        if document is None:
            return None
        elapsed = self._clock() - document.submitted_at
        status: ClearanceStatus
        messages: list[StatusMessage] = []
        proof: Proof | None = None
        if elapsed < self._step_s:
            status = "New"
        elif elapsed < 2 * self._step_s:
            status = "Delivered"
        else:
            status, messages, proof = document.outcome, document.messages, document.proof
            if not document.reported:
                # Counted once, when the client first sees the final answer.
                document.reported = True
                self._metrics.clearance_outcome(document.country, status)
        return DocumentStatus(
            documentId=document.document_id,
            country=document.country,
            documentNumber=document.document_number,
            sendType=document.send_type,
            status=status,
            messages=messages,
            proof=proof,
        )
