"""The e-invoicing clearance state machine: New -> Delivered -> Approved | Warning | Rejected.

The state follows from the time since submission (one `step_s` per state), so a client that
polls sees the same progression as with a real clearance platform, only faster. The outcome is
fixed at submission from the reject/warn countries in force then.
"""

from __future__ import annotations

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
    SendType,
    StatusMessage,
)

# Codes that look like the authority's own; everything else gets the generic one.
_REJECTION_CODES = {"MX": "CFDI40147"}
_REJECTED_PATH = "lines[0].taxId"


@dataclass
class _Document:
    document_id: str
    country: str
    document_number: str
    send_type: SendType
    submitted_at: float
    outcome: ClearanceStatus
    messages: list[StatusMessage]
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
        if elapsed < self._step_s:
            status = "New"
        elif elapsed < 2 * self._step_s:
            status = "Delivered"
        else:
            status, messages = document.outcome, document.messages
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
        )
