"""A single transaction for one country: a tax calculation as a quote (nothing committed) and, for a
country where issuing or reporting e-invoices is mandatory on the go-live date, one e-invoice sent
as a test document and followed to Approved, Warning or Rejected, bounded by a timeout; the
identifier that proves it went through (CFDI UUID, IRN, KSeF number, SdI id, MARK, ...) is kept
as evidence. In production, where the authority has no test mode, no document is sent: the check
quotes only and says why. Also the deliberately invalid request of the smoke tests.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from golive.api.client import OnesourceClient
from golive.api.errors import ApiError, Failure
from golive.checks.documents import (
    TEST_SEND_TYPE,
    clearance_test_document,
    invalid_request,
    quote_request,
)
from golive.checks.events import EventSink
from golive.checks.results import CheckResult, CheckStage
from golive.checks.stages import StageRecorder, stage_of

FINAL_STATUSES = frozenset({"Approved", "Warning", "Rejected"})
KNOWN_STATUSES = FINAL_STATUSES | {"New", "Delivered"}
MAX_POLL_INTERVAL_S = 2.0


def country_company_advice(country: str, environment: str) -> str:
    """What to check when a country's own externalCompanyId (not the environment's) is unknown."""
    return (
        f"check externalCompanyId of {country} (countries.{country}.company_ids.{environment}, "
        f"the wizard's Compliance step, country {country}) for {environment}: it overrides the "
        "environment's company for this country; companies are set up separately in UAT and "
        "production (the external company id in ONESOURCE Determination)"
    )


# Long because the quote's answer is checked field by field before the clearance.
async def check_transaction(
    client: OnesourceClient,
    *,
    country: str,
    name: str,
    company: str,
    clearance: bool,
    emit: EventSink,
    clearance_timeout: float = 60.0,
    poll_interval: float = 0.25,
    quote_only: str = "",
    company_override: bool = False,
) -> CheckResult:
    """One quote for `country`; where e-invoices are mandatory, one test document followed to its
    end (`clearance`); `quote_only` says why none goes (shown as a skipped clearance stage).
    `company_override`: `company` is the country's own id, so an unknown company names it."""
    recorder = StageRecorder(
        f"transaction.{country}", f"Transaction for {name} ({country})", emit, country
    )
    role = client.settings.company_role
    recorder.start(CheckStage.TRANSACTION, f"a quote for {company!r} in {name} (nothing committed)")
    try:
        answer = await client.calculate(quote_request(company, role, country))
    except ApiError as error:
        if company_override and stage_of(error, CheckStage.TRANSACTION) is CheckStage.COMPANY:
            error.advice = country_company_advice(country, client.environment)
        recorder.fail_with(error, CheckStage.TRANSACTION)
        if clearance:
            recorder.skip(CheckStage.CLEARANCE, "not run: the tax calculation failed")
        return recorder.result()
    total = answer.body.get("totalTaxAmount")
    echoed = answer.body.get("externalCompanyId", company)
    lines = answer.body.get("lines")
    details: dict[str, Any] = {
        "correlation_id": answer.correlation_id,
        "request_id": answer.request_id,
        "latency_ms": round(answer.elapsed_s * 1000, 1),
        "attempts": answer.attempts,
    }
    problem = ""
    if isinstance(total, bool) or not isinstance(total, int | float):
        problem = "has no numeric totalTaxAmount"
    elif not isinstance(lines, list) or not lines:
        problem = "has no tax lines"
    elif echoed != company:
        problem = f"is for company {echoed!r}, not {company!r}"
    if problem:
        recorder.finish(
            "failed",
            f"the tax calculation answer from {answer.url} {problem}",
            advice="the endpoint does not answer like ONESOURCE's calculate: check the base URL "
            "and calculate_path of this environment",
            details=details,
        )
        if clearance:
            recorder.skip(CheckStage.CLEARANCE, "not run: the tax calculation failed")
        return recorder.result()
    if not isinstance(total, int | float) or not isinstance(lines, list):  # checked above
        raise TypeError("unreachable: the answer was checked above")
    details["total_tax"] = total
    details["authorities"] = sorted(
        {
            str(tax.get("authorityName", ""))
            for line in lines
            if isinstance(line, dict)
            for tax in line.get("taxes", []) or []
            if isinstance(tax, dict)
        }
        - {""}
    )
    recorder.details.update(details)
    recorder.finish(
        "passed",
        f"quote for {name}: tax {total:g} on {answer.body.get('currencyCode', '')} 100 "
        f"({answer.elapsed_s * 1000:.0f} ms, correlation id {answer.correlation_id})",
        details=details,
    )
    if not clearance and quote_only:
        recorder.skip(CheckStage.CLEARANCE, quote_only)
    if clearance:
        await clear_test_document(
            client,
            recorder,
            country=country,
            name=name,
            company=company,
            total_tax=float(total),
            clearance_timeout=clearance_timeout,
            poll_interval=poll_interval,
        )
    return recorder.result()


# Long because submitting, polling to a final status and each outcome's advice are one stage.
async def clear_test_document(
    client: OnesourceClient,
    recorder: StageRecorder,
    *,
    country: str,
    name: str,
    company: str,
    total_tax: float,
    clearance_timeout: float,
    poll_interval: float,
) -> str:
    """Send one test document and follow it; returns its final status ("" when it failed)."""
    recorder.start(CheckStage.CLEARANCE, f"an e-invoice test document for {name} (sendType Test)")
    document = clearance_test_document(company, country, total_tax)
    try:
        accepted = await client.submit_document(document)
    except ApiError as error:
        recorder.fail_with(error, CheckStage.CLEARANCE)
        return ""
    document_id = str(accepted.body["documentId"])
    send_type = accepted.body.get("sendType", TEST_SEND_TYPE)
    details: dict[str, Any] = {
        "document_id": document_id,
        "document_number": document["documentNumber"],
        "send_type": send_type,
        "request_id": accepted.request_id,
    }
    if send_type != TEST_SEND_TYPE:
        recorder.finish(
            "failed",
            f"the platform took test document {document['documentNumber']} as sendType "
            f"{send_type!r}, not 'Test'",
            advice="stop and tell Thomson Reuters support at once: a test document must never "
            "reach a tax authority as a real invoice",
            details=details,
        )
        return ""
    started = time.monotonic()
    deadline = started + clearance_timeout
    status = str(accepted.body.get("status", "New"))
    history = [status]
    body: dict[str, Any] = accepted.body
    interval = poll_interval
    while status not in FINAL_STATUSES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            details["history"] = history
            recorder.finish(
                "failed",
                f"test document {document['documentNumber']} for {name} had no final clearance "
                f"status within {clearance_timeout:g} s (last: {status})",
                advice="the platform or the authority is slow: look the document up in ONESOURCE "
                "e-invoicing later; raise --clearance-timeout if clearance normally takes longer",
                details=details,
            )
            return ""
        await asyncio.sleep(min(interval, remaining))
        interval = min(MAX_POLL_INTERVAL_S, interval * 1.5)
        try:
            answer = await client.document_status(document_id)
        except ApiError as error:
            if error.failure is Failure.STATUS and error.status_code == 404:
                pass  # may not be visible yet right after submission: keep polling
            else:
                recorder.fail_with(error, CheckStage.CLEARANCE)
                return ""
            continue
        body = answer.body
        status = str(body["status"])
        if status != history[-1]:
            history.append(status)
        if status not in KNOWN_STATUSES:
            details["history"] = history
            recorder.finish(
                "failed",
                f"test document {document['documentNumber']} is in an unknown clearance status "
                f"{status!r}",
                advice="expected New, Delivered, Approved, Warning or Rejected: check the "
                "einvoice_status_path of this environment",
                details=details,
            )
            return ""
    messages = [m for m in body.get("messages", []) or [] if isinstance(m, dict)]
    details["history"] = history
    details["status"] = status
    details["clearance_s"] = round(time.monotonic() - started, 3)
    details["messages"] = [
        {
            "code": str(m.get("code", "")),
            "message": str(m.get("message", "")),
            "path": str(m.get("path", "")),
        }
        for m in messages
    ]
    recorder.details["clearance"] = status
    proof = _proof(body)
    details["proof"] = proof
    if proof:
        recorder.details["proof"] = proof
    proof_text = (
        f"; {proof['name']} {proof['value']}" if proof else "; the answer carried no proof id"
    )
    described = "; ".join(_describe(m) for m in messages)
    number = document["documentNumber"]
    if status == "Rejected":
        first = messages[0] if messages else {}
        path = str(first.get("path", "")) or "the field the message names"
        recorder.finish(
            "failed",
            f"test document {number} for {name} was rejected: {described or 'no reason given'}",
            advice=f"fix {path} in the integration's e-invoice for {name} (the code is the "
            "platform's or authority's rejection code), then run the check again",
            details=details,
        )
    elif status == "Warning":
        recorder.finish(
            "warning",
            f"test document {number} for {name} was approved with warnings: {described}"
            f"{proof_text}",
            advice="approved, but fix the fields named before go-live: warnings often become "
            "rejections when a rule tightens",
            details=details,
        )
    else:
        recorder.finish(
            "passed",
            f"test document {number} for {name}: {' -> '.join(history)} "
            f"in {details['clearance_s']:.1f} s{proof_text}",
            details=details,
        )
    return status


def _proof(body: dict[str, Any]) -> dict[str, str] | None:
    """The identifier the platform says proves the document went through, if it gave one."""
    proof = body.get("proof")
    if isinstance(proof, dict) and proof.get("value"):
        return {"name": str(proof.get("name") or "proof id"), "value": str(proof["value"])}
    return None


def _describe(message: dict[str, Any]) -> str:
    code = str(message.get("code", ""))
    path = str(message.get("path", ""))
    text = str(message.get("message", ""))
    head = f"{code} at {path}" if path else code
    return f"{head}: {text}" if text else head


async def check_validation(
    client: OnesourceClient, *, company: str, emit: EventSink
) -> CheckResult:
    """A deliberately invalid request must come back as a validation error (400)."""
    recorder = StageRecorder("validation", "A deliberately invalid request is refused", emit)
    recorder.start(
        CheckStage.VALIDATION,
        "a tax calculation with no lines, no date and currency NOT-A-CURRENCY",
    )
    try:
        answer = await client.calculate(invalid_request(company, client.settings.company_role))
    except ApiError as error:
        if error.failure is Failure.STATUS and error.status_code in (400, 422):
            found = "; ".join(str(p) for p in error.problems[:3]) or f"HTTP {error.status_code}"
            recorder.finish(
                "passed",
                f"refused as expected with {error.status_code}: {found}",
                details={"status": error.status_code, "codes": [p.code for p in error.problems]},
            )
        else:
            recorder.fail_with(error, CheckStage.VALIDATION)
        return recorder.result()
    recorder.finish(
        "failed",
        f"{answer.url} accepted a deliberately invalid request (HTTP {answer.status_code})",
        advice="this endpoint does not validate requests like ONESOURCE: check that the base URL "
        "points at the real API, not a mock or a proxy that answers for it",
        details={"status": answer.status_code},
    )
    return recorder.result()
