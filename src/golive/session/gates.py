"""The one gate engine: whether the production and go-live gates are open, and overrides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError, GoliveError
from golive.session.model import (
    GateOverride,
    ItemStatus,
    Session,
)

if TYPE_CHECKING:
    from golive.session.checklist import Checklist


def _moment(at: datetime | None) -> str:
    from golive.session.checklist import _moment as moment  # (checklist imports this module)

    return moment(at)


# --- gates ---------------------------------------------------------------------------------------
#
# The one gate engine. `gate_status` decides both gates from the checklist and the session;
# `Checklist.ready_for_*`, `blocking`, `golive status [--require]`, `golive gate`, the wizard's
# gate banners and its Review step, the report's readiness and `require_gate` all read it.
#   production: every item that counts for production readiness (pre-deployment and staging).
#   golive: all of those, and every item that counts for go-live readiness (production.*,
#           rollback.plan, support.*); a rollback in progress holds it.
# Both: credentials expired or expiring before the end of the go-live window hold them, and so
# does any problem of the evidence log's chain (`chain_problems`). An item counts when it is
# done or not applicable; an evidence-bound one only on evidence or a catalog rule; one only a
# person vouches for counts as an override ("attested, not proven"), listed with the overrides.

GATES = ("production", "golive")
GATE_READINESS: dict[str, frozenset[str]] = {
    "production": frozenset({"production"}),
    "golive": frozenset({"production", "golive"}),
}
GATE_TITLES = {"production": "Production", "golive": "Go-live"}
GATE_SCOPE = {
    "production": "every pre-deployment and staging item",
    "golive": "every item it needs",
}


@dataclass(frozen=True)
class GateStatus:
    gate: str
    missing: list[str]  # "item text (status)"
    missing_ids: list[str]
    override: GateOverride | None
    holds: list[str] = field(default_factory=list)  # what else holds it, in words
    attested: list[str] = field(default_factory=list)  # "item text (attested, not proven: ...)"
    attested_ids: list[str] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Everything the gate needs is done, proven where golive can prove it, nothing holds it."""
        return not self.missing and not self.holds and not self.attested

    @property
    def passable(self) -> bool:
        """Open, or held only by what a person vouched for: an override with a reason, or items
        attested rather than proven (each counts as an override)."""
        return self.open or self.override is not None or not (self.missing or self.holds)

    @property
    def overrides(self) -> list[str]:
        """What lets a held gate pass, in words: the gate override and the attested items."""
        shown = []
        if self.override is not None:
            o = self.override
            shown.append(f"gate overridden by {o.by} on {_moment(o.at)}: {o.reason}")
        shown.extend(self.attested)
        return shown

    @property
    def sentence(self) -> str:
        """The gate's state as one sentence (or a few), in both states."""
        title = GATE_TITLES.get(self.gate, self.gate)
        if self.open:
            return (
                f"{title} may go ahead: {GATE_SCOPE.get(self.gate, 'every item it needs')} is done."
            )
        reasons = []
        if self.missing:
            count = len(self.missing)
            reasons.append(
                f"{count} item{'s are' if count != 1 else ' is'} not done yet "
                f"({_some(self.missing)})"
            )
        reasons.extend(self.holds)
        if self.attested:
            count = len(self.attested)
            reasons.append(
                f"{count} item{'s are' if count != 1 else ' is'} attested, not proven "
                f"({_some(self.attested)})"
            )
        text = f"{title} is held: " + "; ".join(reasons) + "."
        if self.override is not None:
            o = self.override
            text += (
                f" It may go ahead: overridden by {o.by} on {_moment(o.at)}: {o.reason} "
                "(shown in the report)."
            )
        elif self.passable:
            text += " It may go ahead on those attestations, each counted as an override."
        return text


def _some(texts: list[str], shown: int = 5) -> str:
    """A few of the texts for a sentence, the latest steps first: what is nearest the gate."""
    latest = list(reversed(texts))
    if len(latest) <= shown:
        return "; ".join(latest)
    return "; ".join(latest[:shown]) + f"; and {len(latest) - shown} more"


def _gate_name(gate: str) -> str:
    if gate not in GATE_READINESS:
        raise BadInputError(
            f"{gate!r} is not a gate", where="gate", advice="use production or golive"
        )
    return gate


def golive_window_end(session: Session) -> datetime:
    """The end of the go-live window: the chosen production window's end (else now), plus the
    watch after enabling the pilot (48 hours by default)."""
    window = session.production.window
    start = window.end if window is not None else clock_now()
    return start + timedelta(hours=session.targets.monitoring_window_hours)


def rollback_in_progress(session: Session) -> bool:
    """A rollback was started and the integration is not re-enabled yet."""
    if session.rollback.started_at is None:
        return False
    reenabled = session.items.get("rollback.reenable")
    return reenabled is None or reenabled.status is not ItemStatus.DONE


def _gate_holds(session: Session, gate: str, chain_problems: Sequence[str]) -> list[str]:
    holds: list[str] = []
    expires = session.credentials.expires_on
    if expires is not None:
        # valid through the day they expire on
        expiry = datetime.combine(expires + timedelta(days=1), time(0), tzinfo=UTC)
        end = golive_window_end(session)
        if expiry <= clock_now():
            holds.append(f"the production credentials expired on {expires:%Y-%m-%d}")
        elif expiry < end:
            holds.append(
                f"the production credentials expire on {expires:%Y-%m-%d}, before the end of "
                f"the go-live window and its watch ({_moment(end)})"
            )
    if gate == "golive" and rollback_in_progress(session):
        started = session.rollback.started_at
        holds.append(
            f"a rollback is in progress (started {_moment(started)}; the integration is not "
            "re-enabled yet)"
        )
    holds.extend(f"the evidence log: {problem}" for problem in chain_problems)
    return holds


def gate_status(
    session: Session,
    gate: str,
    checklist: Checklist | None = None,
    chain_problems: Sequence[str] = (),
) -> GateStatus:
    """What a gate waits for, what else holds it, and the override that lets it pass anyway
    (the latest one). The one gate engine."""
    wanted = GATE_READINESS[_gate_name(gate)]
    from golive.session.checklist import build_checklist

    checklist = checklist if checklist is not None else build_checklist(session)
    missing, missing_ids, attested, attested_ids = [], [], [], []
    for item in checklist.items:
        if item.readiness not in wanted:
            continue
        label = f"{item.country} {item.text}" if item.country else item.text
        if not item.ready:
            missing.append(f"{label} ({item.status.value.replace('_', ' ')})")
            missing_ids.append(item.id)
        elif not item.proven:
            attested.append(f"{label} ({item.basis.text})")
            attested_ids.append(item.id)
    override = next((o for o in reversed(session.gate_overrides) if o.gate == gate), None)
    return GateStatus(
        gate,
        missing,
        missing_ids,
        override,
        holds=_gate_holds(session, gate, chain_problems),
        attested=attested,
        attested_ids=attested_ids,
    )


def _default_actor(session: Session) -> str:
    from golive.session.checklist import default_actor

    return default_actor(session)


def override_gate(
    session: Session, gate: str, reason: str, *, by: str | None = None, at: datetime | None = None
) -> GateOverride:
    """Record that a gate is passed anyway, with the reason (it shows in the report)."""
    if not reason.strip():
        raise BadInputError(
            "an override needs a reason",
            where="gate_overrides.reason",
            advice="say why going ahead is safe, e.g. 'smoke tests ran in the customer's staging'",
        )
    override = GateOverride(
        gate=_gate_name(gate),
        reason=reason.strip(),
        by=by or _default_actor(session),
        at=at or clock_now(),
    )
    session.gate_overrides = [*session.gate_overrides, override]
    return override


def require_gate(
    session: Session,
    gate: str,
    *,
    override: str | None = None,
    by: str | None = None,
    checklist: Checklist | None = None,
    chain_problems: Sequence[str] = (),
) -> GateStatus:
    """The one check every action past a gate makes (pilot, rollout, production transaction,
    production deploy record): held and not overridden raises GoliveError (exit 1) naming what
    it waits for; `override` records an override with its reason first (shown in the report)."""
    if override is not None:
        override_gate(session, gate, override, by=by)
    status = gate_status(session, gate, checklist, chain_problems=chain_problems)
    if status.passable:
        return status
    raise GoliveError(
        f"the {gate} gate is held: it waits for "
        + "; ".join([*status.missing, *status.holds] or ["what is listed below"])
        + f". {status.sentence}",
        where=f"gate {gate}",
        advice=f"finish those items (`golive gate SESSION {gate}` lists them), or go ahead "
        "with --override REASON, which is recorded and shown in the report",
    )
