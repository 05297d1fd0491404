"""Evidence records in the report's words, and the evidence log's verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from golive.report.figures import (
    measurements,
)
from golive.report.masking import (
    scrub,
)
from golive.report.symbols import (
    OUTCOME_SYMBOLS,
)
from golive.report.types import (
    Detail,
    Diagnosis,
    EvidenceChain,
    EvidenceEntry,
    UnverifiedEntry,
)
from golive.report.words import (
    entries_text,
    is_empty,
    plural,
    said_whole,
    value_text,
)
from golive.session.evidence import ChainVerdict, EvidenceLog, EvidenceRecord
from golive.session.model import (
    Session,
)

_KINDS = {
    "tax_id": "Tax ID verification",
    "certificate": "Certificate inspection",
    "connectivity": "Connectivity check",
    "smoke_test": "Smoke tests",
    "single_transaction": "Single transaction test",
    "verify_config": "Configuration comparison",
    "test_alert": "Test alert",
    "watch_checkpoint": "Watch checkpoint",
    "pilot_enabled": "Pilot enabled",
    "rollout_stage": "Rollout stage opened",
    "prometheus_check": "Prometheus check",
    "log_location": "Log location check",
    "secret_scan": "Secret scan",
    "check.connectivity": "Connectivity check",
    "check.transaction": "Single transaction test",
    "check.smoke": "Smoke tests",
    "check.probe": "Probe",
    "deploy": "Deployment",
    "watch": "Watch",
    "rollback": "Rollback",
}


def _kind_text(kind: str) -> str:
    if kind in _KINDS:
        return _KINDS[kind]
    text = kind.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else "Evidence"


def _details(fields: dict[str, Any], summary: str) -> list[Detail]:
    details: list[Detail] = []
    for key, value in fields.items():
        if is_empty(value):
            continue
        label = key.replace("_", " ")
        if isinstance(value, list) and any(isinstance(e, dict) for e in value):
            said = said_whole(value, summary)
            details.append(Detail(label=label, entries=entries_text(value), said_by_result=said))
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            # e.g. a window's countries: one entry each
            entries = [f"{key}: {value_text(v)}" for key, v in value.items()]
            details.append(Detail(label=label, entries=entries))
        else:
            details.append(Detail(label=label, value=value_text(value)))
    return details


def evidence_entry(session: Session, record: EvidenceRecord, ref: str) -> EvidenceEntry:
    diagnosis = None
    if record.diagnosis:
        known = {"stage", "message", "advice"}
        diagnosis = Diagnosis(
            stage=str(record.diagnosis.get("stage", "") or ""),
            message=scrub(str(record.diagnosis.get("message", "") or "")),
            advice=scrub(str(record.diagnosis.get("advice", "") or "")),
            details=_details(
                {k: v for k, v in record.diagnosis.items() if k not in known}, record.summary
            ),
        )
    details = _details(dict(sorted((record.model_extra or {}).items())), record.summary)
    return EvidenceEntry(
        id=record.id,
        ref=ref,
        kind=record.kind,
        kind_text=_kind_text(record.kind),
        environment=record.environment,
        host=record.host,
        started=record.started,
        ended=record.ended,
        outcome=record.outcome,
        outcome_symbol=OUTCOME_SYMBOLS.get(record.outcome, "·"),
        rehearsal=record.rehearsal,
        by=record.by,
        summary=scrub(record.summary),
        measurements=measurements(session, record.figures),
        diagnosis=diagnosis,
        details=details,
        items=list(record.items),
    )


def evidence_chain(
    log: EvidenceLog, verdict: ChainVerdict, log_file: Path, missing: list[str]
) -> EvidenceChain:
    """The evidence log section: the verdict of `golive.session.evidence.verify`, in words."""
    statement = verdict.statement
    if verdict.present and verdict.ok:
        statement = (
            "The evidence log's hash chain was verified while exporting: "
            f"{plural(verdict.records, 'record')}, intact"
            + (
                ", up to the last record golive confirmed."
                if verdict.head_kept
                else ". The session keeps no chain head yet (saved by an older golive), so an "
                "edit or removal of the last record would not show; golive keeps one from its "
                "next save."
            )
        )
    if verdict.notes:
        statement += " " + " ".join(verdict.notes)
    if missing:
        statement += (
            f" {plural(len(missing), 'evidence record')} named by checklist items "
            f"{'is' if len(missing) == 1 else 'are'} not in the log: {', '.join(missing)}."
        )
    return EvidenceChain(
        log_file=log_file.name,
        present=verdict.present,
        records=verdict.records,
        verified_records=len(verdict.verified),
        verified_lines=log.verified_lines,
        ok=verdict.ok,
        broken_at=verdict.first_bad_line,
        problems=list(verdict.problems),
        notes=list(verdict.notes),
        unverified=[
            UnverifiedEntry(id=u.id, line=u.line, kind=_kind_text(u.kind), why=u.why)
            for u in verdict.unverified
        ],
        missing=missing,
        statement=statement,
    )
