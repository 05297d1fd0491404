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

from golive.checks.results import CheckStage, SuiteResult
from golive.session.checklist import about_production, default_actor
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session

# (environment, suite) -> the checklist items a run proves (done) or disproves (failed).
SUITE_ITEMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("staging", "smoke"): ("staging.smoke_tests",),
    # the production host answered (DNS, TLS, HTTP, token) and knows the company: the run is the
    # evidence of the production endpoint and company settings too (`_settings_updates`)
    ("production", "connectivity"): (
        "production.connectivity",
        "environment.endpoint",
        "environment.company_id",
    ),
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
        items=_items_spoken_of(result),
        by=by,
    )


def _ids(details: dict[str, Any]) -> dict[str, Any]:
    """The identifiers worth keeping for support: request, correlation and document ids."""
    keep = ("request_ids", "correlation_id", "document_id", "document_number", "clearance", "proof")
    return {key: details[key] for key in keep if key in details}


# The production settings a connectivity run speaks for, and the stages whose failure disproves
# them. An authentication failure says nothing of either (a wrong secret, not a wrong host).
SETTINGS_ITEMS = {
    "environment.endpoint": frozenset(
        {CheckStage.DNS, CheckStage.TCP, CheckStage.TLS, CheckStage.HTTP}
    ),
    "environment.company_id": frozenset({CheckStage.COMPANY}),
}
# the stage a failure must have got past for the endpoint to be proven anyway
_ENDPOINT_ANSWERED = frozenset({CheckStage.COMPANY})


def _settings_update(result: SuiteResult, item_id: str) -> ItemStatus | None:
    """What a connectivity run says of a production setting: done when it passed, failed when a
    check failed at a stage that setting decides, the endpoint done when only the company failed
    (the host answered and issued a token); None when the run says nothing of it."""
    if result.passed:
        return ItemStatus.DONE
    failed = {c.stage for c in result.checks if c.outcome == "failed" and c.stage is not None}
    if failed & SETTINGS_ITEMS[item_id]:
        return ItemStatus.FAILED
    if item_id == "environment.endpoint" and failed and failed <= _ENDPOINT_ANSWERED:
        return ItemStatus.DONE
    return None


def _run_says(result: SuiteResult) -> dict[str, ItemStatus]:
    """What a run says of each item it speaks for, before the rehearsal rule: done when it
    passed, failed when it failed (a production setting by its stage); none when cancelled."""
    if result.cancelled:
        return {}
    says: dict[str, ItemStatus] = {}
    for item_id in SUITE_ITEMS.get((result.environment, result.suite), ()):
        status: ItemStatus | None = ItemStatus.DONE if result.passed else ItemStatus.FAILED
        if item_id in SETTINGS_ITEMS and result.suite == "connectivity":
            status = _settings_update(result, item_id)
        if status is not None:
            says[item_id] = status
    return says


def item_updates(result: SuiteResult) -> dict[str, ItemStatus]:
    """The items a run sets: what it says of them, but a failed rehearsal says nothing about
    production (`golive.session.evidence.record` keeps a passed one from ticking it)."""
    return {
        item_id: status
        for item_id, status in _run_says(result).items()
        if not (
            status is ItemStatus.FAILED
            and result.rehearsal
            and not result.demo
            and about_production(item_id)
        )
    }


def _items_spoken_of(result: SuiteResult) -> list[str]:
    """The items a run's evidence record names: its suite's, less a production setting the run
    says nothing of (an authentication failure, a cancelled run)."""
    says = _run_says(result)
    return [
        item_id
        for item_id in SUITE_ITEMS.get((result.environment, result.suite), ())
        if item_id not in SETTINGS_ITEMS or item_id in says
    ]


def record_suite(
    session: Session, log_path: Path, result: SuiteResult, *, by: str | None = None
) -> RecordedRun:
    """Append the run to the evidence log and set the items it proves (in memory; the caller saves)."""
    actor = by or default_actor(session)
    evidence = evidence_for(result, by=actor)
    updates = item_updates(result)
    skipped = record(session, log_path, evidence, updates, by=actor)
    not_ticked = list(skipped)
    for item_id in _run_says(result):
        if item_id not in updates and item_id not in not_ticked:
            not_ticked.append(item_id)  # a failed rehearsal of a production item
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
