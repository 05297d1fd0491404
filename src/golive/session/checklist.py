# Over 400 lines because the items, their effective states, progress and readiness are one rule set (gates: gates.py; changing an item: item_changes.py).
"""The checklist of a session: its items, their effective states, progress and readiness.

This is the one place that knows which items a session has, which are derived (not applicable
because a country needs no certificate, rollback execution before a rollback), and what
"ready for production" and "ready for go-live" mean. Everything else reads it from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from golive.session.checklist_definition import (
    ChecklistDefinition,
    ItemDefinition,
    Phase,
    Section,
    definition,
)
from golive.session.model import (
    GateOverride,
    ItemState,
    ItemStatus,
    Session,
    iso_countries,
)

READY_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.NOT_APPLICABLE})
ROLLBACK_NOT_STARTED = "applies only once a rollback is started"


class BasisKind(StrEnum):
    """What an item's state rests on (issue 12: every state says what backs it)."""

    EVIDENCE = "evidence"  # a run of golive's, by record id
    ATTESTED = "attested"  # a person's word: who, when, why
    NOT_APPLICABLE_RULE = "not_applicable_rule"  # a catalog rule or derivation
    NOT_APPLICABLE_REASON = "not_applicable_reason"  # a person's reason
    OVERRIDDEN = "overridden"  # still open, but a gate it holds was passed with a reason
    NONE = "none"  # nothing recorded yet


OUTCOME_WORDS: dict[ItemStatus, str] = {
    ItemStatus.TODO: "to do",
    ItemStatus.IN_PROGRESS: "in progress",
    ItemStatus.DONE: "passed",
    ItemStatus.FAILED: "failed",
    ItemStatus.NOT_APPLICABLE: "not applicable",
    ItemStatus.BLOCKED: "blocked",
}


@dataclass(frozen=True)
class Basis:
    """The basis of one item's effective state, in one place for every presenter."""

    kind: BasisKind
    text: str  # in words, for people: "evidence #ab12 (passed)", "attested by Ada on ...: why"
    by: str = ""
    at: datetime | None = None
    why: str = ""  # the attestation, the person's reason or the catalog's
    evidence_id: str = ""  # the newest evidence that set a state of the item
    evidence_status: ItemStatus | None = None
    contradicts: bool = False  # the state contradicts that newest evidence
    override: str = ""  # the gate override that passes this open item, in words

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
            "why": self.why,
            "evidence_id": self.evidence_id or None,
            "evidence_status": self.evidence_status.value if self.evidence_status else None,
            "contradicts_evidence": self.contradicts,
            "override": self.override,
        }


NO_BASIS = Basis(BasisKind.NONE, "nothing recorded")


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
    proof: str = ""
    basis: Basis = NO_BASIS

    @property
    def note(self) -> str:
        return self.state.note

    @property
    def evidence_bound(self) -> bool:
        return self.proof == "evidence"

    @property
    def proven(self) -> bool:
        """Ready, and counted as such by a gate: evidence or a catalog rule for an evidence-bound
        item; any ready state (a person's word) for the others."""
        if not self.ready:
            return False
        if not self.evidence_bound:
            return True
        return self.basis.kind in (BasisKind.EVIDENCE, BasisKind.NOT_APPLICABLE_RULE)

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
    session: Session | None = None  # what the gates read besides the items (overrides, dates)
    by_id: dict[str, ChecklistItem] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {item.id: item for item in self.items}

    def __getitem__(self, item_id: str) -> ChecklistItem:
        return self.by_id[item_id]

    def gate(self, gate: str, chain_problems: Sequence[str] = ()) -> GateStatus:
        """The gate as the one gate engine (`gate_status`) decides it."""
        session = self.session if self.session is not None else Session()
        return gate_status(session, gate, self, chain_problems=chain_problems)

    def in_section(self, section_id: str) -> list[ChecklistItem]:
        return [item for item in self.items if item.section == section_id]

    def for_country(self, country: str) -> list[ChecklistItem]:
        return [item for item in self.items if item.country == country]

    def blocking(self, readiness: str) -> list[ChecklistItem]:
        """The items that keep a readiness ("production" or "golive") from being reached: open
        ones, and evidence-bound ones only a person vouches for (their gate counts them only as
        an override). Other holds (a rollback in progress, expiring credentials) are in
        `gate(readiness).holds`."""
        status = self.gate(readiness)
        ids = {*status.missing_ids, *status.attested_ids}
        return [item for item in self.items if item.id in ids]

    @property
    def ready_for_production(self) -> bool:
        """The production gate is open (the one gate engine decides both)."""
        return self.gate("production").open

    @property
    def ready_for_golive(self) -> bool:
        """The go-live gate is open."""
        return self.gate("golive").open

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
            answer_hint=(
                f"Applies / Does not apply on the wizard's {country} page (Compliance), or "
                f"`golive countries SESSION answer {country} ID yes|no`"
            ),
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
        proof=definition_.proof,
        basis=_basis(state, status, reason, derived),
    )


def _moment(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "an unknown time"


def contradicts_evidence(status: ItemStatus, evidence_status: ItemStatus | None) -> bool:
    """A ready state where the newest evidence for the item said it failed (or is blocked)."""
    return status in READY_STATUSES and evidence_status in (ItemStatus.FAILED, ItemStatus.BLOCKED)


def _basis(state: ItemState, status: ItemStatus, reason: str, derived: bool) -> Basis:
    """What the effective state rests on: the one derivation every presenter shows."""
    if derived:
        return Basis(BasisKind.NOT_APPLICABLE_RULE, f"not applicable by rule: {reason}", why=reason)
    evidence_id = state.evidence_id or ""
    evidence_status = state.evidence_status
    if not evidence_id and state.evidence:
        # written by a golive that did not yet keep which run set the state: its newest run
        evidence_id = state.evidence[-1]
    if not state.history and status is ItemStatus.TODO and not evidence_id:
        return NO_BASIS
    by, at = state.changed_by or "someone", state.changed_at
    contradicts = contradicts_evidence(status, evidence_status)

    def basis(kind: BasisKind, text: str, why: str = "") -> Basis:
        return Basis(
            kind,
            text,
            by=by,
            at=at,
            why=why,
            evidence_id=evidence_id,
            evidence_status=evidence_status,
            contradicts=contradicts,
        )

    if state.attestation:
        text = f"attested by {by} on {_moment(at)}: {state.attestation}"
        if contradicts and evidence_status is not None:
            text += f"; contradicts evidence #{evidence_id} ({OUTCOME_WORDS[evidence_status]})"
        return basis(BasisKind.ATTESTED, text, state.attestation)
    if evidence_id and (evidence_status is None or evidence_status is status):
        text = f"evidence #{evidence_id}"
        if evidence_status is not None:
            text += f" ({OUTCOME_WORDS[evidence_status]})"
        return basis(BasisKind.EVIDENCE, text)
    if status is ItemStatus.NOT_APPLICABLE:
        return basis(
            BasisKind.NOT_APPLICABLE_REASON,
            f"not applicable, {by}'s reason ({_moment(at)}): {reason}",
            reason,
        )
    text = f"{by}'s word ({_moment(at)})"
    if reason:
        text += f": {reason}"
    if evidence_id and evidence_status is not None:
        text += f"; the newest evidence #{evidence_id} said {OUTCOME_WORDS[evidence_status]}"
    return basis(BasisKind.ATTESTED, text, reason)


def _with_overrides(session: Session, items: list[ChecklistItem]) -> list[ChecklistItem]:
    """Items a gate needs that do not count for it, while an override of that gate is in force:
    their basis says the gate was passed with a reason."""
    latest: dict[str, GateOverride] = {}
    for override in session.gate_overrides:
        latest[override.gate] = override
    if not latest:
        return items
    result = []
    for item in items:
        gates = (
            ("production", "golive")
            if item.readiness == "production"
            else ("golive",)
            if item.readiness == "golive"
            else ()
        )
        found = [latest[g] for g in gates if g in latest]
        if item.proven or not found:
            result.append(item)
            continue
        o = max(found, key=lambda x: x.at)
        words = f"the {o.gate} gate was passed by override: {o.by} on {_moment(o.at)}: {o.reason}"
        basis = item.basis
        if item.ready:
            basis = replace(basis, override=words)
        else:
            basis = replace(
                basis,
                kind=BasisKind.OVERRIDDEN,
                text=f"{basis.text}; {words}" if basis.kind is not BasisKind.NONE else words,
                override=words,
            )
        result.append(replace(item, basis=basis))
    return result


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
    return Checklist(_with_overrides(session, items), session)


# Items that state a fact about the production system: a rehearsal (a run against the sandbox,
# a UAT host or a local address) never proves them, except in a demo session.
# Changing an item (who, attestations, set_item_status) lives in golive.session.item_changes;
# its old home re-exports it.
# The gates live in golive.session.gates (they read the checklist); their old home re-exports them.
from golive.session.gates import (  # noqa: E402
    GATE_READINESS,
    GATE_SCOPE,
    GATE_TITLES,
    GATES,
    GateStatus,
    gate_status,
    golive_window_end,
    override_gate,
    require_gate,
    rollback_in_progress,
)
from golive.session.item_changes import (  # noqa: E402
    ATTEST_ADVICE,
    PRODUCTION_FACTS,
    about_production,
    attestation_needed,
    default_actor,
    item_definition,
    set_item_status,
)

__all__ = [
    "ATTEST_ADVICE",
    "GATES",
    "GATE_READINESS",
    "GATE_SCOPE",
    "GATE_TITLES",
    "PRODUCTION_FACTS",
    "ChecklistDefinition",
    "GateStatus",
    "ItemDefinition",
    "Phase",
    "Section",
    "about_production",
    "attestation_needed",
    "default_actor",
    "definition",
    "gate_status",
    "golive_window_end",
    "item_definition",
    "override_gate",
    "require_gate",
    "rollback_in_progress",
    "set_item_status",
]
