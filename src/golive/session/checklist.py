"""The checklist of a session: its items, their effective states, progress and readiness.

This is the one place that knows which items a session has, which are derived (not applicable
because a country needs no certificate, rollback execution before a rollback), and what
"ready for production" and "ready for go-live" mean. Everything else reads it from here.
"""

from __future__ import annotations

import getpass
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError
from golive.session.model import (
    NEEDS_REASON,
    GateOverride,
    HistoryEntry,
    ItemState,
    ItemStatus,
    Session,
    iso_countries,
)

READY_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.NOT_APPLICABLE})
ROLLBACK_NOT_STARTED = "applies only once a rollback is started"


@dataclass(frozen=True)
class Phase:
    id: str
    title: str


@dataclass(frozen=True)
class Section:
    id: str
    phase: str
    title: str
    step: str


@dataclass(frozen=True)
class ItemDefinition:
    id: str
    section: str
    text: str
    help: str = ""
    group: str = ""
    applies: str = "always"
    readiness: str = ""

    @property
    def per_country(self) -> bool:
        return "{cc}" in self.id


@dataclass(frozen=True)
class ChecklistDefinition:
    phases: tuple[Phase, ...]
    sections: tuple[Section, ...]
    items: tuple[ItemDefinition, ...]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@cache
def definition() -> ChecklistDefinition:
    """The checklist as shipped in `checklist.toml`."""
    data = tomllib.loads(
        resources.files("golive.session").joinpath("checklist.toml").read_text("utf-8")
    )
    return ChecklistDefinition(
        phases=tuple(Phase(**p) for p in data["phase"]),
        sections=tuple(Section(**s) for s in data["section"]),
        items=tuple(ItemDefinition(**i) for i in data["item"]),
    )


@dataclass(frozen=True)
class ChecklistItem:
    """One item of one session, with its effective state."""

    id: str
    section: str
    group: str
    text: str
    help: str
    readiness: str
    country: str | None
    status: ItemStatus
    reason: str
    derived: bool
    detail: str
    state: ItemState

    @property
    def note(self) -> str:
        return self.state.note

    @property
    def ready(self) -> bool:
        return self.status in READY_STATUSES

    @property
    def open(self) -> bool:
        return not self.ready


@dataclass
class Progress:
    ready: int = 0
    total: int = 0
    failed: int = 0
    blocked: int = 0
    in_progress: int = 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.ready == self.total


@dataclass
class Checklist:
    items: list[ChecklistItem]
    by_id: dict[str, ChecklistItem] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {item.id: item for item in self.items}

    def __getitem__(self, item_id: str) -> ChecklistItem:
        return self.by_id[item_id]

    def in_section(self, section_id: str) -> list[ChecklistItem]:
        return [item for item in self.items if item.section == section_id]

    def for_country(self, country: str) -> list[ChecklistItem]:
        return [item for item in self.items if item.country == country]

    def blocking(self, readiness: str) -> list[ChecklistItem]:
        """The open items that keep a readiness ("production" or "golive") from being reached."""
        wanted = {"production"} if readiness == "production" else {"production", "golive"}
        return [item for item in self.items if item.readiness in wanted and item.open]

    @property
    def ready_for_production(self) -> bool:
        return not self.blocking("production")

    @property
    def ready_for_golive(self) -> bool:
        return not self.blocking("golive")

    def progress(self, items: Iterable[ChecklistItem]) -> Progress:
        result = Progress()
        for item in items:
            result.total += 1
            result.ready += item.ready
            result.failed += item.status is ItemStatus.FAILED
            result.blocked += item.status is ItemStatus.BLOCKED
            result.in_progress += item.status is ItemStatus.IN_PROGRESS
        return result

    def section_progress(self) -> dict[str, Progress]:
        return {s.id: self.progress(self.in_section(s.id)) for s in definition().sections}

    def country_progress(self) -> dict[str, Progress]:
        countries = sorted({item.country for item in self.items if item.country})
        return {cc: self.progress(self.for_country(cc)) for cc in countries}


def country_item_ids(country: str) -> list[str]:
    return [d.id.format(cc=country) for d in definition().items if d.per_country]


def known_item_ids(session: Session) -> set[str]:
    """Every id the session may hold a state for (removed countries included: history is kept)."""
    ids = {d.id for d in definition().items if not d.per_country}
    for country in session.countries:
        ids.update(country_item_ids(country))
    return ids


def _country_detail(session: Session, country: str, kind: str) -> tuple[bool | None, str]:
    """Whether `kind` (certificate, platform) is required in `country`, and what it means there.

    Judged from the obligations in force on the session's go-live date through the watch
    (golive.session.obligations): only a sourced "not required" gives False; an inference, an
    unknown or an unanswered condition gives None (the item asks)."""
    from golive.session.obligations import go_live_date, judge, legacy_verdict

    setup = session.countries[country]
    requirements = setup.requirements
    name = requirements.name or iso_countries().get(country, country)
    if kind == "tax_id":
        label = requirements.tax_id_name or "tax ID"
        return True, f"{name}: the {label}"
    if kind not in ("certificate", "platform"):
        return True, f"{name}: VAT/GST registration"
    noun = (
        "a certificate or e-seal"
        if kind == "certificate"
        else "a tax authority platform registration"
    )
    unknown = (
        f"{name} is not in golive's country catalog: does it need {noun} for e-invoicing? "
        "Record the answer: done when in place, or not applicable with the reason."
    )
    if requirements.obligations:
        verdict = judge(
            setup,
            name,
            kind,
            go_live_date(session),
            answer_hint=f"`golive countries SESSION answer {country} ID yes|no`",
        )
    elif (
        requirements.certificate_required is not None or requirements.platform_required is not None
    ):
        verdict = legacy_verdict(requirements, name, kind)
    else:
        return None, unknown
    return verdict.required, verdict.detail or unknown


def _effective(
    session: Session, definition_: ItemDefinition, item_id: str, country: str | None
) -> ChecklistItem:
    state = session.items.get(item_id) or ItemState()
    touched = bool(state.history) or state.status is not ItemStatus.TODO
    status, reason, derived, detail = state.status, state.reason, False, ""
    if country:
        kind = item_id.rsplit(".", 1)[1]
        required, detail = _country_detail(session, country, kind)
        if required is False and not touched:
            status, reason, derived = ItemStatus.NOT_APPLICABLE, detail, True
    if (
        definition_.applies == "rollback_started"
        and session.rollback.started_at is None
        and not touched
    ):
        status, reason, derived = ItemStatus.NOT_APPLICABLE, ROLLBACK_NOT_STARTED, True
    return ChecklistItem(
        id=item_id,
        section=definition_.section,
        group=definition_.group,
        text=definition_.text,
        help=definition_.help,
        readiness=definition_.readiness,
        country=country,
        status=status,
        reason=reason,
        derived=derived,
        detail=detail,
        state=state,
    )


def build_checklist(session: Session) -> Checklist:
    """The session's checklist, in the checklist's own order (countries in code order)."""
    items: list[ChecklistItem] = []
    countries = session.active_countries()
    definitions = definition().items
    index = 0
    while index < len(definitions):
        item_def = definitions[index]
        if item_def.per_country:
            # the per-country block: all of a country's items together, country after country
            block = [
                d for d in definitions[index:] if d.per_country and d.section == item_def.section
            ]
            for country in countries:
                for d in block:
                    items.append(_effective(session, d, d.id.format(cc=country), country))
            index += len(block)
            continue
        items.append(_effective(session, item_def, item_def.id, None))
        index += 1
    return Checklist(items)


def default_actor(session: Session) -> str:
    """Who a change is recorded as: the session's engineer, else the OS user."""
    if session.meta.engineer:
        return session.meta.engineer
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def set_item_status(
    session: Session,
    item_id: str,
    status: ItemStatus | str,
    *,
    by: str | None = None,
    note: str | None = None,
    reason: str = "",
    evidence: Iterable[str] = (),
    at: datetime | None = None,
    attestation: str = "",
) -> ItemState:
    """Change one item's state, keeping its history. The only way item states change.

    `attestation` is a person's reason for a state golive could otherwise prove with evidence
    (issue 12: an evidence-bound item ticked by hand is an attestation, never silent)."""
    if item_id not in known_item_ids(session):
        raise BadInputError(
            f"{item_id!r} is not an item of this session",
            where="item id",
            advice="`golive status SESSION` lists the ids (per-country ids need the country in the session)",
        )
    try:
        new_status = ItemStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in ItemStatus)
        raise BadInputError(
            f"{status!r} is not a status", where="--status", advice=f"use one of: {choices}"
        ) from None
    if new_status in NEEDS_REASON and not reason.strip():
        raise BadInputError(
            f"status {new_status.value} needs a reason",
            where=item_id,
            advice="say why, for example --reason 'Germany needs no certificate for B2B invoices'",
        )
    moment = at or clock_now()
    actor = by or default_actor(session)
    old = session.items.get(item_id) or ItemState()
    effective_before = build_checklist(session).by_id.get(item_id)
    previous = effective_before.status if effective_before else old.status
    history = [
        *old.history,
        HistoryEntry(
            at=moment,
            by=actor,
            from_=previous,
            to=new_status,
            reason=reason if new_status in NEEDS_REASON else "",
            note=note or "",
        ),
    ]
    merged_evidence = list(dict.fromkeys([*old.evidence, *evidence]))
    state = ItemState(
        status=new_status,
        reason=reason if new_status in NEEDS_REASON else "",
        note=old.note if note is None else note,
        changed_by=actor,
        changed_at=moment,
        evidence=merged_evidence,
        history=history,
    )
    items = dict(session.items)
    items[item_id] = state
    session.items = items
    return state


# --- gates ----------------------------------------------------------------------------------------

GATE_ITEMS: dict[str, tuple[str, ...]] = {
    # Production warns while the staging smoke tests have not passed.
    "production": ("staging.smoke_tests",),
    # Go-live is held until the production single transaction has passed and the rollback plan
    # and both support items are done.
    "golive": (
        "production.single_transaction",
        "rollback.plan",
        "support.first_line",
        "support.escalation_path",
    ),
}
GATE_WORDS = {
    "production": "Production: the staging smoke tests should pass first",
    "golive": "Go-live is held until the production single transaction has passed and the "
    "rollback plan and both support items are done",
}


@dataclass(frozen=True)
class GateStatus:
    gate: str
    missing: list[str]  # "item text (status)"
    missing_ids: list[str]
    override: GateOverride | None

    @property
    def open(self) -> bool:
        return not self.missing

    @property
    def passable(self) -> bool:
        """Open, or overridden with a reason."""
        return self.open or self.override is not None


def _gate_name(gate: str) -> str:
    if gate not in GATE_ITEMS:
        raise BadInputError(
            f"{gate!r} is not a gate", where="gate", advice="use production or golive"
        )
    return gate


def gate_status(session: Session, gate: str, checklist: Checklist | None = None) -> GateStatus:
    """What a gate waits for, and the override that lets it pass anyway (the latest one)."""
    checklist = checklist or build_checklist(session)
    missing, missing_ids = [], []
    for item_id in GATE_ITEMS[_gate_name(gate)]:
        item = checklist.by_id.get(item_id)
        if item is not None and item.status is not ItemStatus.DONE:
            missing.append(f"{item.text} ({item.status.value.replace('_', ' ')})")
            missing_ids.append(item_id)
    override = next((o for o in reversed(session.gate_overrides) if o.gate == gate), None)
    return GateStatus(gate, missing, missing_ids, override)


def override_gate(
    session: Session, gate: str, reason: str, *, by: str | None = None, at: datetime | None = None
) -> GateOverride:
    """Record that a gate is passed anyway, with the reason (it shows in the report)."""
    if not reason.strip():
        raise BadInputError(
            "an override needs a reason",
            where="--override",
            advice="say why going ahead is safe, e.g. 'smoke tests ran in the customer's staging'",
        )
    override = GateOverride(
        gate=_gate_name(gate),
        reason=reason.strip(),
        by=by or default_actor(session),
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
) -> GateStatus:
    """The one check every action past a gate makes (pilot, rollout, production transaction,
    production deploy record): held and not overridden raises GoliveError (exit 1) naming what
    it waits for; `override` records an override with its reason first (shown in the report)."""
    from golive.session.errors import GoliveError

    if override is not None:
        override_gate(session, gate, override, by=by)
    status = gate_status(session, gate, checklist)
    if status.passable:
        return status
    waits = "; ".join(status.missing)
    raise GoliveError(
        f"the {gate} gate is held: it waits for {waits}",
        where=f"gate {gate}",
        advice=f"finish those items (`golive gate SESSION {gate}` lists them), or go ahead "
        "with --override REASON, which is recorded and shown in the report",
    )
