"""The gradual rollout after the pilot: stages (10 %, 25 %, 50 %, 100 %, or named customer
batches), each opened only when the latest watch figures meet the targets, or with a recorded
reason when they do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from golive.ops.gates import gate_passed_by, override_words, pass_gate
from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record, verified_log
from golive.session.model import ItemStatus, Session
from golive.session.sections import RolloutStage
from golive.session.store import evidence_path
from golive.session.targets import TARGETED, FigureVerdict, judge, meets_targets

DEFAULT_SHARES = (10.0, 25.0, 50.0, 100.0)


def _find(session: Session, name: str) -> RolloutStage | None:
    wanted = name.strip().casefold().replace(" ", "")
    return next(
        (s for s in session.golive.rollout if s.name.casefold().replace(" ", "") == wanted), None
    )


def plan_stage(
    session: Session,
    name: str,
    *,
    share_pct: float | None = None,
    customers: list[str] | None = None,
    planned_for: datetime | None = None,
) -> RolloutStage:
    """Add a stage (or change a planned one). A name like "25%" gives the share when none is given."""
    name = name.strip()
    if not name:
        raise BadInputError(
            "the stage needs a name", where="golive.rollout", advice="e.g. 25% or 'batch EU'"
        )
    if share_pct is None and name.endswith("%"):
        try:
            share_pct = float(name.removesuffix("%"))
        except ValueError:
            share_pct = None
    if share_pct is not None and not 0 < share_pct <= 100:
        raise BadInputError(
            f"{share_pct:g} % is not a share of customers",
            where="golive.rollout.share_pct",
            advice="give 1 to 100",
        )
    stages = list(session.golive.rollout)
    existing = _find(session, name)
    if existing is not None:
        if existing.opened_at is not None:
            raise BadInputError(
                f"stage {existing.name} was opened at {existing.opened_at:%Y-%m-%d %H:%M} UTC",
                where="golive.rollout",
                advice="an opened stage is history; add a new stage instead",
            )
        stage = existing.model_copy(
            update={
                "share_pct": share_pct if share_pct is not None else existing.share_pct,
                "customers": customers if customers is not None else existing.customers,
                "planned_for": planned_for or existing.planned_for,
            }
        )
        stages[stages.index(existing)] = stage
    else:
        stage = RolloutStage(
            name=name, share_pct=share_pct, customers=customers or [], planned_for=planned_for
        )
        stages.append(stage)
    session.golive.rollout = stages
    return RolloutStage.model_validate(stage.model_dump())


def plan_default_stages(session: Session) -> list[RolloutStage]:
    """10 %, 25 %, 50 %, 100 % (the ones not planned yet)."""
    for share in DEFAULT_SHARES:
        if _find(session, f"{share:g}%") is None:
            plan_stage(session, f"{share:g}%", share_pct=share)
    return list(session.golive.rollout)


@dataclass
class Gate:
    """The latest watch figures, held against the targets."""

    source: str
    at: datetime | None
    verdicts: list[FigureVerdict]
    meets: bool | None

    @property
    def passed(self) -> bool:
        return self.meets is True

    def describe(self) -> str:
        if self.at is None:
            return "no watch figures recorded yet"
        judged = "; ".join(v.describe() for v in self.verdicts if v.name in TARGETED)
        return f"{self.source} at {self.at:%Y-%m-%d %H:%M} UTC: {judged}"


def current_gate(session: Session, session_path: Path) -> Gate:
    """The most recent figures: a recorded checkpoint or a `golive watch` run, whichever is later."""
    best: tuple[datetime, str, dict[str, float]] | None = None
    for checkpoint in session.golive.checkpoints:
        if checkpoint.recorded_at is not None and (
            best is None or checkpoint.recorded_at > best[0]
        ):
            best = (checkpoint.recorded_at, f"checkpoint {checkpoint.label}", checkpoint.figures)
    # only watch records that verify count (a forged one must not open a stage)
    for evidence in verified_log(session, evidence_path(session_path))[0].records:
        if evidence.kind != "watch":
            continue
        figures = {
            k: float(v)
            for k, v in evidence.figures.items()
            if k in TARGETED and isinstance(v, int | float)
        }
        if figures and (best is None or evidence.ended >= best[0]):
            best = (evidence.ended, f"watch {evidence.id}", figures)
    if best is None:
        verdicts = judge(session, {})
        return Gate("", None, verdicts, None)
    verdicts = judge(session, {k: v for k, v in best[2].items() if k in TARGETED})
    return Gate(best[1], best[0], verdicts, meets_targets(verdicts))


@dataclass
class StageOpened:
    stage: RolloutStage
    opened: bool
    gate: Gate
    needs_reason: bool
    warnings: list[str] = field(default_factory=list)
    evidence_id: str = ""
    item_status: ItemStatus | None = None


def open_stage(
    session: Session,
    session_path: Path,
    name: str,
    *,
    reason: str = "",
    by: str | None = None,
    override: str | None = None,
) -> StageOpened:
    # Long because the gate, the stage, its evidence and the item in one record.
    """Open a stage when the figures meet the targets; against a failing (or missing) figure only
    with a reason, which is recorded. Without one nothing changes and `needs_reason` is set.

    Opening acts past the go-live gate: held (and not overridden) it raises GoliveError naming
    what it waits for; `override` is a reason to go ahead anyway, recorded with the gate."""
    stage = _find(session, name)
    if stage is None:
        stage = plan_stage(session, name)
        stage = _find(session, name) or stage
    if stage.opened_at is not None:
        raise BadInputError(
            f"stage {stage.name} is already open (since {stage.opened_at:%Y-%m-%d %H:%M} UTC)",
            where="golive.rollout.opened_at",
            advice="open the next stage",
        )
    golive_gate = pass_gate(session, "golive", override=override, by=by, session_path=session_path)
    gate = current_gate(session, session_path)
    warnings: list[str] = []
    if override_words(golive_gate):
        warnings.append(override_words(golive_gate))
    if session.golive.pilot_enabled_at is None:
        warnings.append("the pilot was never enabled: the rollout skips the watch")
    earlier = session.golive.rollout[: session.golive.rollout.index(stage)]
    skipped = [s.name for s in earlier if s.opened_at is None]
    if skipped:
        warnings.append(f"earlier stages not opened: {', '.join(skipped)}")
    reason = reason.strip()
    if not gate.passed and not reason:
        return StageOpened(stage, False, gate, True, warnings)
    actor = by or default_actor(session)
    moment = now()
    opened = stage.model_copy(
        update={
            "opened_at": moment,
            "opened_by": actor,
            "gate": gate.describe(),
            "override_reason": "" if gate.passed else reason,
        }
    )
    stages = list(session.golive.rollout)
    stages[stages.index(stage)] = opened
    session.golive.rollout = stages
    what = f"stage {opened.name}" + (
        f" ({opened.share_pct:g} % of customers)" if opened.share_pct else ""
    )
    if opened.customers:
        what += f": {', '.join(opened.customers)}"
    summary = f"{what} opened; {gate.describe()}"
    if not gate.passed:
        summary += f"; opened against the figures because: {reason}"
    full = opened.share_pct == 100 or all(s.opened_at is not None for s in stages)
    status = ItemStatus.DONE if full else ItemStatus.IN_PROGRESS
    evidence = EvidenceRecord(
        kind="rollout_stage",
        started=moment,
        ended=moment,
        outcome="passed" if gate.passed else "warning",
        summary=summary,
        figures={v.name: v.value for v in gate.verdicts if v.name in TARGETED},
        diagnosis=({"override_reason": reason} if not gate.passed else {})
        | gate_passed_by(golive_gate),
        items=["golive.rollout"],
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, None)
    opened_names = ", ".join(
        f"{s.name}{' (override)' if s.override_reason else ''}" for s in stages if s.opened_at
    )
    set_item_status(
        session,
        "golive.rollout",
        status,
        by=actor,
        note=f"opened: {opened_names}",
        evidence=[evidence.id],
        at=moment,
    )
    return StageOpened(
        RolloutStage.model_validate(opened.model_dump()),
        True,
        gate,
        False,
        warnings,
        evidence.id,
        status,
    )
