"""Assembling the report: `build_report` reads the session, its checklist and its verified evidence log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from golive import __version__
from golive.report.countries import (
    country_block,
)
from golive.report.evidence import (
    evidence_chain,
    evidence_entry,
)
from golive.report.facts import (
    fact_list,
)
from golive.report.items import (
    item_entry,
    progress_of,
)
from golive.report.ops_sections import (
    golive_details,
    post_details,
    production_details,
    rollback_details,
    staging_details,
    support_details,
)
from golive.report.readiness import (
    gate_readiness,
    override_entries,
)
from golive.report.setup_sections import (
    credentials_details,
    environment_table,
    monitoring_details,
)
from golive.report.symbols import (
    NOTHING,
)
from golive.report.types import (
    Attestation,
    CountryBlock,
    CountryRef,
    CountryState,
    Fact,
    ItemEntry,
    ItemGroup,
    PhaseEntry,
    Readiness,
    Report,
    Review,
    SectionEntry,
    Summary,
    Table,
)
from golive.report.words import (
    basis_attention,
    country_name,
    date_text,
    moment_text,
    number_text,
)
from golive.session import checklist as checklist_module
from golive.session import evidence as evidence_module
from golive.session.checklist import Checklist, Section, build_checklist
from golive.session.clock import now
from golive.session.evidence import EvidenceLog
from golive.session.model import (
    Session,
)
from golive.session.store import evidence_path


def _dates(session: Session, generated: datetime) -> list[Fact]:
    meta = session.meta
    window = session.production.window
    return fact_list(
        ("Session created", moment_text(meta.created)),
        ("Session last updated", moment_text(meta.updated)),
        (
            "Credentials obtained",
            date_text(session.credentials.obtained_on) if session.credentials.obtained_on else "",
        ),
        (
            "Credentials expire",
            date_text(session.credentials.expires_on) if session.credentials.expires_on else "",
        ),
        (
            "Deployed to staging",
            moment_text(session.staging.deploy.deployed_at)
            if session.staging.deploy.deployed_at
            else "",
        ),
        (
            "Production window",
            f"{moment_text(window.start)} to {moment_text(window.end)}" if window else "",
        ),
        (
            "Deployed to production",
            moment_text(session.production.deploy.deployed_at)
            if session.production.deploy.deployed_at
            else "",
        ),
        (
            "Pilot enabled",
            moment_text(session.golive.pilot_enabled_at) if session.golive.pilot_enabled_at else "",
        ),
        (
            "Rollback started",
            moment_text(session.rollback.started_at) if session.rollback.started_at else "",
        ),
        ("Report generated", moment_text(generated)),
    )


def _targets(session: Session) -> list[Fact]:
    t = session.targets
    return fact_list(
        ("Error rate", f"< {number_text(t.error_rate_pct)}%"),
        ("Response time, 95th percentile", f"< {number_text(t.response_time_p95_s)} s"),
        ("Pilot customers", f"{t.pilot_min} to {t.pilot_max}"),
        ("Watch after enabling the pilot", f"{t.monitoring_window_hours} hours"),
    )


def _reviews(session: Session) -> list[Review]:
    return [
        Review(item=r.item, due=r.due, done_at=r.done_at, by=r.by, note=r.note)
        for r in session.post_deployment.reviews
    ]


def _item_entries(
    session: Session,
    checklist: Checklist,
    log: EvidenceLog,
    not_verifying: set[str],
    today: date,
) -> dict[str, ItemEntry]:
    """Every item's entry; an id an item names that does not verify is said so, not missing."""
    order = {record.id: index for index, record in enumerate(log.records)}
    reviews_by_item: dict[str, list[Review]] = {}
    for review in _reviews(session):
        reviews_by_item.setdefault(review.item, []).append(review)
    entries = {
        item.id: item_entry(item, log, order, reviews_by_item.get(item.id, []), today)
        for item in checklist.items
    }
    if not not_verifying:
        return entries
    return {
        item_id: entry.model_copy(
            update={
                "unverified_evidence": [i for i in entry.missing_evidence if i in not_verifying],
                "missing_evidence": [i for i in entry.missing_evidence if i not in not_verifying],
            }
        )
        for item_id, entry in entries.items()
    }


def _section_entry(
    session: Session,
    checklist: Checklist,
    section: Section,
    entries: dict[str, ItemEntry],
    generated: datetime,
) -> SectionEntry:
    items = checklist.in_section(section.id)
    details: dict[str, Callable[[], tuple[list[Fact], list[Table]]]] = {
        "credentials": lambda: credentials_details(session, generated.date()),
        "environment": lambda: ([], [environment_table(session)]),
        "monitoring": lambda: monitoring_details(session),
        "staging": lambda: staging_details(session),
        "production": lambda: production_details(session),
        "golive": lambda: golive_details(session),
        "post": lambda: post_details(session, set(entries)),
        "rollback": lambda: rollback_details(session),
        "support": lambda: support_details(session),
    }
    facts, tables = details[section.id]() if section.id in details else ([], [])
    countries: list[CountryBlock] = []
    groups: list[ItemGroup] = []
    if section.id == "compliance":
        countries = [
            country_block(session, code, checklist, entries, generated)
            for code in session.active_countries()
        ]
    else:
        for item in items:
            if not groups or groups[-1].title != item.group:
                groups.append(ItemGroup(title=item.group, items=[]))
            groups[-1].items.append(entries[item.id])
    return SectionEntry(
        id=section.id,
        title=section.title,
        progress=progress_of(checklist, items),
        facts=facts,
        tables=tables,
        groups=groups,
        countries=countries,
    )


def _phases(
    session: Session, checklist: Checklist, entries: dict[str, ItemEntry], generated: datetime
) -> list[PhaseEntry]:
    definition = checklist_module.definition()
    return [
        PhaseEntry(
            id=phase.id,
            title=phase.title,
            sections=[
                _section_entry(session, checklist, section, entries, generated)
                for section in definition.sections
                if section.phase == phase.id
            ],
        )
        for phase in definition.phases
    ]


def _attestations(
    entries: dict[str, ItemEntry], gates: list[Readiness]
) -> tuple[list[Attestation], int]:
    """The states a reader must not take as proven (an open item passed by a gate override is
    listed under its gate, with the override), and how many other ready items rest on a
    person's word alone (each says so under its section). What a gate already names as
    attested, not proven, is not named twice."""
    under_gate = {b.id for gate in gates for b in gate.blocking if b.attested}
    shown = [
        Attestation(id=e.id, text=e.text, country=e.country, state=e.state, basis_text=e.basis_text)
        for e in entries.values()
        if basis_attention(e)
        and (e.basis != "overridden" or e.contradicts_evidence)
        and e.id not in under_gate
    ]
    listed = {a.id for a in shown} | under_gate
    others = sum(
        1
        for e in entries.values()
        if e.id not in listed and e.ready and e.basis in ("attested", "not_applicable_reason")
    )
    return shown, others


def _country_states(session: Session, checklist: Checklist) -> list[CountryState]:
    states = []
    for code in session.active_countries():
        items = [i for i in checklist.for_country(code) if i.section == "compliance"]
        states.append(
            CountryState(
                code=code,
                name=country_name(session, code),
                progress=progress_of(checklist, items),
                open_items=[i.id for i in items if not i.ready],
            )
        )
    return states


def _summary(
    session: Session,
    session_path: Path,
    checklist: Checklist,
    entries: dict[str, ItemEntry],
    generated: datetime,
) -> Summary:
    meta = session.meta
    gates = [
        gate_readiness(session, checklist, "production"),
        gate_readiness(session, checklist, "golive"),
    ]
    attestations, word_only = _attestations(entries, gates)
    return Summary(
        deployment=meta.title or "untitled deployment",
        customer=meta.customer or NOTHING,
        partner=meta.partner or NOTHING,
        engineer=meta.engineer or NOTHING,
        session_id=meta.session_id,
        session_file=session_path.name,
        countries=[
            CountryRef(code=c, name=country_name(session, c)) for c in session.active_countries()
        ],
        removed_countries=[
            CountryRef(code=c, name=country_name(session, c))
            for c, setup in sorted(session.countries.items())
            if setup.removed
        ],
        dates=_dates(session, generated),
        targets=_targets(session),
        progress=progress_of(checklist, checklist.items),
        readiness=gates,
        attestations=attestations,
        word_only=word_only,
        country_states=_country_states(session, checklist),
    )


def build_report(session: Session, session_path: Path) -> Report:
    """The report of `session` (saved at `session_path`; its evidence log lies beside it)."""
    generated = now()
    checklist = build_checklist(session)
    log_file = evidence_path(session_path)
    # only records that verify are evidence; the others are listed as not verifying
    log, verdict = evidence_module.verified_log(session, log_file)
    not_verifying = {u.id for u in verdict.unverified}
    entries = _item_entries(session, checklist, log, not_verifying, generated.date())
    missing = list(dict.fromkeys(m for e in entries.values() for m in e.missing_evidence))
    named = {evidence_id for e in entries.values() for evidence_id in e.evidence}
    summary = _summary(session, session_path, checklist, entries, generated)
    notice = (
        "DEMO SESSION: this report comes from a demo session, not from a real deployment."
        if session.is_demo()
        else ""
    )
    return Report(
        demo=session.is_demo(),
        notice=notice,
        title=f"Production go-live report: {summary.deployment}",
        generated_at=generated,
        generator=f"golive {__version__}",
        summary=summary,
        evidence_chain=evidence_chain(log, verdict, log_file, missing),
        gate_overrides=override_entries(session),
        phases=_phases(session, checklist, entries, generated),
        evidence=[
            evidence_entry(session, record, f"E{number}")
            for number, record in enumerate(log.records, start=1)
        ],
        other_evidence=[record.id for record in log.records if record.id not in named],
    )
