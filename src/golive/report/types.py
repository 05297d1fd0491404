"""The report's types: one neutral description of a session's go-live, built once, rendered thrice.

The JSON export is these models' dump and its JSON Schema is their schema.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from golive.session.model import ItemStatus

FORMAT_VERSION = (
    3  # 2: evidence refs (E1...), the summary's attestations and country states; 3: said_above
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Model):
    """One recorded detail, in words: "Vault path" - "secret/acme/onesource"."""

    label: str
    value: str


class Table(_Model):
    """Recorded details that are rows of the same kind (contacts, rollout stages...)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    empty: str = Field(default="", description="what to say when there are no rows")


class Measurement(_Model):
    """One figure of a live run, against its target where the session has one."""

    name: str = Field(description="the figure's name in the evidence record, e.g. error_rate_pct")
    label: str
    value: int | float | str | bool | None
    text: str = Field(description="the value in words, with its unit")
    target: float | None = None
    target_text: str = Field(default="", description='e.g. "< 1%"; empty without a target')
    meets_target: bool | None = None


class Detail(_Model):
    """One more field of an evidence record: a value, or a list of entries (e.g. its checks)."""

    label: str
    value: str = ""
    entries: list[str] = Field(default_factory=list)
    said_by_result: bool = Field(
        default=False,
        description="every entry is said, field by field, in the record's result line",
    )


class Diagnosis(_Model):
    stage: str = ""
    message: str = ""
    advice: str = ""
    details: list[Detail] = Field(
        default_factory=list, description="the diagnosis's other fields, in words"
    )


class EvidenceEntry(_Model):
    """One record of the evidence log, written once in the report; items refer to it by `ref`."""

    id: str
    ref: str = Field(
        description='the record\'s short id in this report: "E1" is the first in log order'
    )
    kind: str
    kind_text: str
    environment: str
    host: str
    started: datetime
    ended: datetime
    outcome: str
    outcome_symbol: str
    rehearsal: bool = Field(description="a run against the sandbox or a UAT host, not production")
    by: str
    summary: str
    measurements: list[Measurement]
    diagnosis: Diagnosis | None
    details: list[Detail] = Field(description="any other fields of the record")
    items: list[str] = Field(description="the checklist items the record was made for")


class HistoryStep(_Model):
    at: datetime
    by: str
    from_status: str | None
    to_status: str
    reason: str
    note: str
    attestation: str = Field(default="", description="the person's reason, where it was attested")
    evidence: list[str] = Field(
        default_factory=list, description="the evidence records that made this change"
    )


class Review(_Model):
    """A recurring post-deployment review (daily, weekly, monthly) of one item."""

    item: str
    due: date
    done_at: datetime | None
    by: str
    note: str


class ItemEntry(_Model):
    """One checklist item with its effective state, as `golive.session.checklist` decides it."""

    id: str
    text: str
    country: str | None
    status: ItemStatus
    state: str = Field(description="the status in words: done, failed, open, in progress...")
    symbol: str
    ready: bool = Field(description="done or not applicable")
    readiness: Literal["production", "golive", ""] = Field(
        description="the readiness the item counts for; empty for none"
    )
    reason: str = Field(description="why not applicable or blocked")
    derived: bool = Field(
        description="the state follows from the session (e.g. no certificate needed)"
    )
    evidence_bound: bool = Field(
        default=False,
        description="golive can test or measure the item: done by hand it is an attestation",
    )
    basis: Literal[
        "evidence",
        "attested",
        "not_applicable_rule",
        "not_applicable_reason",
        "overridden",
        "none",
    ] = Field(
        default="none",
        description="what the state rests on: evidence (a run, by id), attested (a person's "
        "word: who, when, why), not applicable by a catalog rule or by a person's reason, "
        "overridden (a gate was passed with a reason), or nothing recorded",
    )
    basis_text: str = Field(default="", description="the basis in words")
    contradicts_evidence: bool = Field(
        default=False, description="the state contradicts the item's newest evidence (attested)"
    )
    detail: str = Field(description="what the item means for its country")
    said_above: str = Field(
        default="",
        description="the country fact that already says what `detail` says (e.g. Certificate): "
        "the item names it instead of saying it again",
    )
    note: str
    changed_by: str
    changed_at: datetime | None
    evidence: list[str] = Field(description="ids of the evidence records of this item, log order")
    missing_evidence: list[str] = Field(
        description="evidence ids the item names that the evidence log does not hold"
    )
    unverified_evidence: list[str] = Field(
        default_factory=list,
        description="evidence ids of this item whose records do not verify: not evidence",
    )
    reviews: list[Review]
    review_notes: list[str] = Field(
        description="the reviews in words: done ones (latest first shown), overdue, next due"
    )
    history: list[HistoryStep]


class ItemGroup(_Model):
    title: str = Field(description="the group's title; empty for a section without groups")
    items: list[ItemEntry]


class Progress(_Model):
    ready: int
    total: int
    failed: int
    blocked: int
    in_progress: int
    open: int
    text: str


class TaxIdResult(_Model):
    number: str
    method: str
    outcome: str
    message: str
    checked_at: datetime
    vies: str


class CertificateSummary(_Model):
    file: str = Field(description="the file's name (without its folder)")
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    days_to_expiry: int = Field(description="at the time of the report; negative once expired")
    fingerprint_sha256: str
    kind: str
    verdict: str
    messages: list[str]
    inspected_at: datetime


class CountryBlock(_Model):
    """A country of the deployment: what it requires and its compliance items."""

    code: str
    name: str
    requirements: list[Fact]
    tax_id_verification: TaxIdResult | None
    certificate: CertificateSummary | None
    progress: Progress
    items: list[ItemEntry]


class SectionEntry(_Model):
    id: str
    title: str
    progress: Progress
    facts: list[Fact]
    tables: list[Table]
    groups: list[ItemGroup]
    countries: list[CountryBlock] = Field(description="per-country blocks (compliance only)")


class PhaseEntry(_Model):
    id: str
    title: str
    sections: list[SectionEntry]


class GateOverrideEntry(_Model):
    gate: str
    reason: str
    by: str
    at: datetime


class BlockingItem(_Model):
    id: str
    text: str
    country: str | None
    state: str
    symbol: str
    reason: str
    attested: bool = Field(
        default=False,
        description="done or not applicable on a person's word where golive proves it with "
        "evidence: the gate counts it only as an override",
    )
    basis_text: str = Field(default="", description="the item's basis in words")


class Readiness(_Model):
    gate: Literal["production", "golive"]
    title: str
    ready: bool = Field(description="the gate is open (the one gate engine decides it)")
    passable: bool = Field(
        default=False,
        description="open, or held only by what a person vouched for (an override, attestations)",
    )
    verdict: str = Field(description="the readiness in words, overrides included")
    sentence: str = Field(default="", description="the gate's state as a sentence")
    blocking: list[BlockingItem]
    holds: list[str] = Field(
        default_factory=list,
        description="what else holds the gate: a rollback in progress, credentials expiring",
    )
    attested: list[str] = Field(
        default_factory=list,
        description="items the gate counts only as overrides (attested, not proven), in words",
    )
    overrides: list[GateOverrideEntry]


class CountryRef(_Model):
    code: str
    name: str


class Attestation(_Model):
    """An item whose state rests on a person's word where a reader must not take it as proven."""

    id: str
    text: str
    country: str | None
    state: str
    basis_text: str = Field(description="who vouched, when and why, in words")


class CountryState(_Model):
    """A country's state in one line for the summary."""

    code: str
    name: str
    progress: Progress
    open_items: list[str] = Field(description="ids of the country's items that are not ready")


class Summary(_Model):
    deployment: str
    customer: str
    partner: str
    engineer: str
    session_id: str
    session_file: str
    countries: list[CountryRef]
    removed_countries: list[CountryRef]
    dates: list[Fact]
    targets: list[Fact]
    progress: Progress
    readiness: list[Readiness]
    attestations: list[Attestation] = Field(
        default_factory=list,
        description="items a person vouched for where golive proves with evidence, or against "
        "their newest evidence (open items a gate override passes are listed under the gate)",
    )
    word_only: int = Field(
        default=0, description="how many other ready items rest on a person's word alone"
    )
    country_states: list[CountryState] = Field(default_factory=list)


class UnverifiedEntry(_Model):
    """A record of the evidence log that does not verify: shown as such, never as evidence."""

    id: str
    line: int
    kind: str
    why: str


class EvidenceChain(_Model):
    log_file: str
    present: bool
    records: int
    verified_records: int = Field(description="records that verify and count as evidence")
    verified_lines: int
    ok: bool
    broken_at: int | None = Field(description="the first bad line of the log (none: it verifies)")
    problems: list[str] = Field(description='"FILE:LINE: what is wrong", the first bad line first')
    notes: list[str] = Field(description="what was lost without breaking the chain")
    unverified: list[UnverifiedEntry]
    missing: list[str] = Field(description="evidence ids named by items but absent from the log")
    statement: str


class Report(_Model):
    """The completed checklist report of one session."""

    demo: bool = Field(description="made from a demo session, not a real deployment")
    notice: str = Field(description="the demo notice; empty for a real deployment")
    format_version: int = FORMAT_VERSION
    title: str
    generated_at: datetime
    generator: str
    summary: Summary
    evidence_chain: EvidenceChain
    gate_overrides: list[GateOverrideEntry]
    phases: list[PhaseEntry]
    evidence: list[EvidenceEntry] = Field(description="every record of the evidence log, log order")
    other_evidence: list[str] = Field(description="ids of records no item of the report names")

    def evidence_by_id(self) -> dict[str, EvidenceEntry]:
        return {entry.id: entry for entry in self.evidence}

    def item_ids(self) -> list[str]:
        ids: list[str] = []
        for phase in self.phases:
            for section in phase.sections:
                for group in section.groups:
                    ids.extend(item.id for item in group.items)
                for country in section.countries:
                    ids.extend(item.id for item in country.items)
        return ids
