"""A suite's result as evidence: one record in the session's evidence log, and the items it proves.

Which run proves which item lives here (`SUITE_ITEMS`); the rehearsal rule itself is enforced by
`golive.session.evidence.record`: a run against the sandbox or a UAT host never ticks a production
item, except in a demo session. A failed rehearsal does not mark a production item failed either:
it says nothing about production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive.checks.results import SuiteResult
from golive.session.checklist import about_production, default_actor
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session

# (environment, suite) -> the checklist items a run proves (done) or disproves (failed).
SUITE_ITEMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("staging", "smoke"): ("staging.smoke_tests",),
    ("production", "connectivity"): ("production.connectivity",),
    ("production", "transaction"): ("production.single_transaction",),
    # parity against production compares it with staging (golive.checks.parity)
    ("production", "parity"): ("staging.verify_config", "environment.company_id"),
}


@dataclass(frozen=True)
class RecordedRun:
    """What recording a run did: the evidence, the items set, and the items left as they were."""

    evidence: EvidenceRecord
    items_set: dict[str, ItemStatus] = field(default_factory=dict)
    not_ticked: list[str] = field(default_factory=list)
    why_not_ticked: str = ""


def evidence_for(result: SuiteResult, *, by: str = "") -> EvidenceRecord:
    """The evidence record of a run (nothing secret: hosts, outcomes, figures, failures)."""
    failures = [
        {
            "check": c.id,
            "stage": c.stage.value if c.stage else "",
            "message": c.message,
            "advice": c.advice,
            **_ids(c.details),
        }
        for c in result.checks
        if c.outcome == "failed"
    ]
    warnings = [
        {"check": c.id, "stage": c.stage.value if c.stage else "", "message": c.message}
        for c in result.checks
        if c.outcome == "warning"
    ]
    checks: list[dict[str, Any]] = [
        {
            "id": c.id,
            "outcome": c.outcome,
            "stage": c.stage.value if c.stage else "",
            "elapsed_s": c.elapsed_s,
            "message": c.message,
            **({"country": c.country} if c.country else {}),
            **_ids(c.details),
        }
        for c in result.checks
    ]
    return EvidenceRecord(
        kind=f"check.{result.suite}",
        environment=result.environment,
        host=result.host,
        started=result.started,
        ended=result.ended,
        outcome=result.outcome,
        rehearsal=result.rehearsal,
        summary=result.summary(),
        figures=dict(result.figures),
        diagnosis={
            "base_url": result.base_url,
            "demo": result.demo,
            "failures": failures,
            "warnings": warnings,
            "checks": checks,
        },
        items=list(SUITE_ITEMS.get((result.environment, result.suite), ())),
        by=by,
    )


def _ids(details: dict[str, Any]) -> dict[str, Any]:
    """The identifiers worth keeping for support: request, correlation and document ids."""
    keep = ("request_ids", "correlation_id", "document_id", "document_number", "clearance", "proof")
    return {key: details[key] for key in keep if key in details}


def item_updates(result: SuiteResult) -> dict[str, ItemStatus]:
    """The items a run sets: done when it passed, failed when it failed; none when cancelled."""
    if result.cancelled:
        return {}
    status = ItemStatus.DONE if result.passed else ItemStatus.FAILED
    updates: dict[str, ItemStatus] = {}
    for item_id in SUITE_ITEMS.get((result.environment, result.suite), ()):
        production = about_production(item_id)
        if production and result.rehearsal and not result.demo and status is ItemStatus.FAILED:
            continue  # a failed rehearsal says nothing about production
        updates[item_id] = status
    return updates


def record_suite(
    session: Session, log_path: Path, result: SuiteResult, *, by: str | None = None
) -> RecordedRun:
    """Append the run to the evidence log and set the items it proves (in memory; the caller saves)."""
    actor = by or default_actor(session)
    evidence = evidence_for(result, by=actor)
    updates = item_updates(result)
    skipped = record(session, log_path, evidence, updates, by=actor)
    not_ticked = list(skipped)
    for item_id in SUITE_ITEMS.get((result.environment, result.suite), ()):
        if item_id not in updates and item_id not in not_ticked and not result.cancelled:
            not_ticked.append(item_id)
    why = ""
    if not_ticked:
        why = (
            f"a rehearsal against {result.host} (the sandbox, a UAT host, this machine or a "
            "private network, decided on its address) never satisfies a "
            "production item; run it against the production host"
        )
    return RecordedRun(
        evidence=evidence,
        items_set={k: v for k, v in updates.items() if k not in skipped},
        not_ticked=not_ticked,
        why_not_ticked=why,
    )
