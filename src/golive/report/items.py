"""Checklist items in the report's words: state, basis, evidence ids, reviews, history, progress."""

from __future__ import annotations

from datetime import date
from typing import Literal

from golive.report.symbols import (
    STATE_SYMBOLS,
    STATE_WORDS,
)
from golive.report.types import (
    HistoryStep,
    ItemEntry,
    Progress,
    Review,
)
from golive.report.words import (
    date_text,
    moment_text,
    plural,
)
from golive.session import evidence as evidence_module
from golive.session.checklist import Checklist, ChecklistItem
from golive.session.evidence import EvidenceLog

REVIEWS_SHOWN = 7


def _review_notes(reviews: list[Review], today: date) -> list[str]:
    if not reviews:
        return []
    ordered = sorted(reviews, key=lambda r: r.due)
    done = [r for r in ordered if r.done_at is not None]
    overdue = [r for r in ordered if r.done_at is None and r.due < today]
    upcoming = [r for r in ordered if r.done_at is None and r.due >= today]
    head = f"Reviews: {len(done)} of {len(ordered)} done"
    notes = [head + (f", {len(overdue)} overdue" if overdue else "")]
    shown = done[-REVIEWS_SHOWN:]
    if len(done) > len(shown):
        earlier = len(done) - len(shown)
        notes.append(f"{plural(earlier, 'earlier review')} done (each one is in the JSON export)")
    for review in shown:
        line = f"Review due {date_text(review.due)}: done {moment_text(review.done_at)}"
        line += f" by {review.by}" if review.by else ""
        notes.append(line + (f"; {review.note}" if review.note else ""))
    if overdue:
        if len(overdue) <= 5:
            notes.append("Overdue, not done: due " + ", ".join(date_text(r.due) for r in overdue))
        else:
            notes.append(
                f"Overdue, not done: {len(overdue)} reviews due from "
                f"{date_text(overdue[0].due)} to {date_text(overdue[-1].due)}"
            )
    if upcoming:
        line = f"Next review due {date_text(upcoming[0].due)}"
        if len(upcoming) > 1:
            line += f"; {len(upcoming) - 1} more scheduled up to {date_text(upcoming[-1].due)}"
        notes.append(line)
    return notes


def item_entry(
    item: ChecklistItem,
    log: EvidenceLog,
    order: dict[str, int],
    reviews: list[Review],
    today: date,
) -> ItemEntry:
    """One item's entry. `order` is each evidence id's place in the log (built once: the log
    can hold thousands of records); `reviews` are this item's own."""
    named = list(item.state.evidence)
    linked = [r.id for r in evidence_module.records_for(log, [item.id])]
    ids = sorted({*(i for i in named if i in order), *linked}, key=lambda i: order[i])
    readiness: Literal["production", "golive", ""] = (
        "production"
        if item.readiness == "production"
        else "golive"
        if item.readiness == "golive"
        else ""
    )
    return ItemEntry(
        id=item.id,
        text=item.text,
        country=item.country,
        status=item.status,
        state=STATE_WORDS[item.status],
        symbol=STATE_SYMBOLS[item.status],
        ready=item.ready,
        readiness=readiness,
        reason=item.reason,
        derived=item.derived,
        evidence_bound=item.evidence_bound,
        basis=item.basis.kind.value,
        basis_text=item.basis.text,
        contradicts_evidence=item.basis.contradicts,
        detail=item.detail,
        note=item.note,
        changed_by=item.state.changed_by,
        changed_at=item.state.changed_at,
        evidence=ids,
        missing_evidence=[i for i in named if i not in order],
        reviews=reviews,
        review_notes=_review_notes(reviews, today),
        history=[
            HistoryStep(
                at=step.at,
                by=step.by,
                from_status=step.from_.value if step.from_ is not None else None,
                to_status=step.to.value,
                reason=step.reason,
                note=step.note,
                attestation=step.attestation or "",
                evidence=list(step.evidence or []),
            )
            for step in item.state.history
        ],
    )


def progress_of(checklist: Checklist, items: list[ChecklistItem]) -> Progress:
    counted = checklist.progress(items)
    open_ = counted.total - counted.ready
    parts = [f"{counted.ready} of {counted.total} ready"]
    extra = [
        f"{counted.failed} failed" if counted.failed else "",
        f"{counted.blocked} blocked" if counted.blocked else "",
        f"{counted.in_progress} in progress" if counted.in_progress else "",
    ]
    extra = [e for e in extra if e]
    if extra:
        parts.append(f"({', '.join(extra)})")
    return Progress(
        ready=counted.ready,
        total=counted.total,
        failed=counted.failed,
        blocked=counted.blocked,
        in_progress=counted.in_progress,
        open=open_,
        text=" ".join(parts),
    )
