"""Enabling the pilot fixes the watch's checkpoints; recording each with its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from golive.ops.gates import gate_passed_by, override_words, pass_gate
from golive.ops.pilot.customers import (
    DEFAULT_OFFSETS,
    _label_key,
    _pilot_note,
    checkpoint_label,
    what_to_look_at,
)
from golive.ops.window import local_zone, zone_name
from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session
from golive.session.sections import WatchCheckpoint
from golive.session.store import evidence_path
from golive.session.targets import FigureVerdict, judge, meets_targets

# --- enabling the pilot: the watch --------------------------------------------------------------


@dataclass
class PilotEnabled:
    enabled_at: datetime
    checkpoints: list[WatchCheckpoint]
    watch_ends: datetime
    warnings: list[str]
    evidence_id: str


def default_offsets(session: Session) -> list[float]:
    window = float(session.targets.monitoring_window_hours)
    return sorted({*(o for o in DEFAULT_OFFSETS if o < window), window})


def enable_pilot(
    session: Session,
    session_path: Path,
    *,
    at: datetime | None = None,
    offsets: list[float] | None = None,
    restart: bool = False,
    by: str | None = None,
    override: str | None = None,
) -> PilotEnabled:
    # Long because the gate, the checkpoints and the two items it sets belong together.
    """The pilot is on: the watch starts now (or `at`), with its checkpoints.

    Enabling acts past the go-live gate: held (and not overridden) it raises GoliveError naming
    what the gate waits for; `override` is a reason to go ahead anyway, recorded with the gate."""
    customers = session.golive.pilot_customers
    if len(customers) < session.targets.pilot_min:
        raise BadInputError(
            f"the pilot needs at least {session.targets.pilot_min} customer(s); "
            f"{len(customers)} named",
            where="golive.pilot",
            advice="name the pilot customers first (one to three, each with a contact)",
        )
    if session.golive.pilot_enabled_at is not None and not restart:
        raise BadInputError(
            f"the pilot was enabled at {session.golive.pilot_enabled_at:%Y-%m-%d %H:%M} UTC",
            where="golive.pilot",
            advice="to start the watch again (after a rollback and redeploy), restart the pilot",
        )
    hours = sorted(set(offsets)) if offsets else default_offsets(session)
    if any(h <= 0 or h > 24 * 30 for h in hours):
        raise BadInputError(
            "checkpoints are hours after enabling, above 0 and at most 720",
            where="golive.checkpoints",
            advice="for example 1, 4, 24 and 48 hours",
        )
    actor = by or default_actor(session)
    gate = pass_gate(session, "golive", override=override, by=actor, session_path=session_path)
    moment = at or now()
    checkpoints = [WatchCheckpoint(label=checkpoint_label(h), offset_hours=h) for h in hours]
    session.golive.pilot_enabled_at = moment
    session.golive.checkpoints = checkpoints
    note, warnings = _pilot_note(session)
    if override_words(gate):
        warnings.append(override_words(gate))
    ends = moment + timedelta(hours=max(hours))
    evidence = EvidenceRecord(
        kind="pilot_enabled",
        started=moment,
        ended=moment,
        outcome="warning" if warnings else "info",
        summary=note,
        figures={
            "customers": [c.name for c in customers],
            "checkpoints": [c.label for c in checkpoints],
        },
        diagnosis=gate_passed_by(gate),
        items=["golive.pilot", "golive.monitor_48h"],
        by=actor,
    )
    record(
        session, evidence_path(session_path), evidence, {"golive.pilot": ItemStatus.DONE}, by=actor
    )
    watch_note = (
        f"watch from {moment:%Y-%m-%d %H:%M} to {ends:%Y-%m-%d %H:%M} UTC; checkpoints "
        + ", ".join(c.label for c in checkpoints)
    )
    set_item_status(
        session, "golive.monitor_48h", ItemStatus.IN_PROGRESS, by=actor, note=watch_note, at=moment
    )
    return PilotEnabled(moment, checkpoints, ends, warnings, evidence.id)


@dataclass(frozen=True)
class CheckpointView:
    label: str
    due: datetime
    due_local: datetime
    what_to_look_at: str
    state: Literal["recorded", "due", "upcoming"]
    checkpoint: WatchCheckpoint


def checkpoint_schedule(
    session: Session, *, zone: str | None = None, at: datetime | None = None
) -> list[CheckpointView]:
    """The checkpoints with their due times (UTC and the user's zone) and what to look at."""
    enabled = session.golive.pilot_enabled_at
    if enabled is None:
        return []
    user_zone: tzinfo = local_zone(zone)
    moment = at or now()
    window = float(session.targets.monitoring_window_hours)
    views: list[CheckpointView] = []
    for checkpoint in session.golive.checkpoints:
        due = enabled + timedelta(hours=checkpoint.offset_hours)
        state: Literal["recorded", "due", "upcoming"]
        if checkpoint.recorded_at is not None:
            state = "recorded"
        elif due <= moment:
            state = "due"
        else:
            state = "upcoming"
        views.append(
            CheckpointView(
                checkpoint.label,
                due,
                due.astimezone(user_zone),
                what_to_look_at(checkpoint.offset_hours, window),
                state,
                checkpoint,
            )
        )
    return views


def local_zone_name(zone: str | None = None) -> str:
    return zone_name(local_zone(zone))


def find_checkpoint(session: Session, label: str) -> WatchCheckpoint:
    wanted = _label_key(label)
    for checkpoint in session.golive.checkpoints:
        if _label_key(checkpoint.label) == wanted:
            return checkpoint
    raise BadInputError(
        f"{label!r} is not a checkpoint of the watch",
        where="golive.checkpoint",
        advice="the checkpoints are: "
        + (
            ", ".join(c.label for c in session.golive.checkpoints)
            or "none (enable the pilot first)"
        ),
    )


def due_checkpoint(session: Session, at: datetime | None = None) -> WatchCheckpoint | None:
    """The latest checkpoint that is due and not yet recorded (the watch records on it)."""
    enabled = session.golive.pilot_enabled_at
    if enabled is None:
        return None
    moment = at or now()
    due = [
        c
        for c in session.golive.checkpoints
        if c.recorded_at is None and enabled + timedelta(hours=c.offset_hours) <= moment
    ]
    return max(due, key=lambda c: c.offset_hours) if due else None


@dataclass
class CheckpointRecorded:
    checkpoint: WatchCheckpoint
    verdicts: list[FigureVerdict]
    meets_targets: bool | None
    item_status: ItemStatus
    warnings: list[str]
    evidence_id: str


def record_checkpoint(
    session: Session,
    session_path: Path,
    label: str,
    figures: dict[str, float],
    *,
    note: str = "",
    evidence_id: str = "",
    at: datetime | None = None,
    by: str | None = None,
) -> CheckpointRecorded:
    # Long because the figures, their verdicts, the evidence and the item are one record.
    """Record a checkpoint's figures (given by hand, or by `golive watch` with its evidence id)."""
    if session.golive.pilot_enabled_at is None:
        raise BadInputError(
            "the pilot is not enabled, so the watch has no checkpoints",
            where="golive.checkpoint",
            advice="enable the pilot first: its checkpoints start then",
        )
    checkpoint = find_checkpoint(session, label)
    actor = by or default_actor(session)
    moment = at or now()
    verdicts = judge(session, figures)
    meets = meets_targets(verdicts)
    warnings: list[str] = []
    due = session.golive.pilot_enabled_at + timedelta(hours=checkpoint.offset_hours)
    if moment < due:
        warnings.append(f"recorded before it is due ({due:%Y-%m-%d %H:%M} UTC)")
    if meets is None:
        warnings.append("not every targeted figure was given (error rate and p95 response time)")
    summary = f"checkpoint {checkpoint.label}: " + "; ".join(
        v.describe() for v in verdicts if not v.missing or v.judged
    )
    if note:
        summary += f" — {note}"
    if not evidence_id:
        evidence = EvidenceRecord(
            kind="watch_checkpoint",
            started=moment,
            ended=moment,
            outcome="passed" if meets else "failed" if meets is False else "info",
            summary=summary,
            figures=dict(figures),
            items=["golive.monitor_48h"],
            by=actor,
        )
        record(session, evidence_path(session_path), evidence, None)
        evidence_id = evidence.id
    index = session.golive.checkpoints.index(checkpoint)
    updated = WatchCheckpoint(
        label=checkpoint.label,
        offset_hours=checkpoint.offset_hours,
        recorded_at=moment,
        figures={k: float(v) for k, v in figures.items()},
        meets_targets=meets,
        by=actor,
        note=note,
        evidence=evidence_id,
    )
    checkpoints = list(session.golive.checkpoints)
    checkpoints[index] = updated
    session.golive.checkpoints = checkpoints
    status, item_note = _watch_status(session)
    set_item_status(
        session,
        "golive.monitor_48h",
        status,
        by=actor,
        note=item_note,
        evidence=[evidence_id],
        at=moment,
    )
    return CheckpointRecorded(updated, verdicts, meets, status, warnings, evidence_id)


def _watch_status(session: Session) -> tuple[ItemStatus, str]:
    """golive.monitor_48h from the checkpoints: the latest recorded one decides."""
    recorded = [c for c in session.golive.checkpoints if c.recorded_at is not None]
    latest = max(recorded, key=lambda c: c.offset_hours)
    final = max(c.offset_hours for c in session.golive.checkpoints)
    parts = [
        f"{c.label}: {'meets targets' if c.meets_targets else 'misses a target' if c.meets_targets is False else 'incomplete figures'}"
        for c in sorted(recorded, key=lambda c: c.offset_hours)
    ]
    note = "; ".join(parts)
    if latest.meets_targets is False:
        return ItemStatus.FAILED, note
    if latest.offset_hours >= final and latest.meets_targets:
        earlier = [c.label for c in recorded if c.meets_targets is False]
        if earlier:
            note += f" (earlier misses: {', '.join(earlier)})"
        return ItemStatus.DONE, note
    return ItemStatus.IN_PROGRESS, note
