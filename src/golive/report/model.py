"""The report model: one neutral description of a session's go-live, built once, rendered thrice.

`build_report` reads the session, its checklist (`golive.session.checklist`, the only place
states and readiness are decided) and its evidence log (`golive.session.evidence`, verified while
reading). The Markdown, HTML and JSON renderers only lay this model out; none of them looks at
the session itself. The JSON export is this model's dump and its JSON Schema is this model's
schema.

Nothing secret is ever put in the model: secret references are shown by name and store, URLs lose
any credentials, and texts that may quote a request (evidence, commands) are scrubbed of credential-shaped values.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field

from golive import __version__
from golive.secrets import env_var_name
from golive.secrets.redaction import MASK
from golive.session import checklist as checklist_module
from golive.session import evidence as evidence_module
from golive.session.checklist import Checklist, ChecklistItem, build_checklist
from golive.session.clock import now
from golive.session.evidence import ChainVerdict, EvidenceLog, EvidenceRecord
from golive.session.model import (
    CountrySetup,
    EnvironmentSettings,
    ItemStatus,
    Session,
    iso_countries,
)
from golive.session.sections import ESCALATION_LEVELS, MetricsSetup
from golive.session.store import evidence_path
from golive.session.targets import FigureVerdict, target_of

FORMAT_VERSION = 1

STATE_WORDS: dict[ItemStatus, str] = {
    ItemStatus.TODO: "open",
    ItemStatus.IN_PROGRESS: "in progress",
    ItemStatus.DONE: "done",
    ItemStatus.FAILED: "failed",
    ItemStatus.NOT_APPLICABLE: "not applicable",
    ItemStatus.BLOCKED: "blocked",
}
STATE_SYMBOLS: dict[ItemStatus, str] = {
    ItemStatus.TODO: "○",
    ItemStatus.IN_PROGRESS: "◐",
    ItemStatus.DONE: "✓",
    ItemStatus.FAILED: "✗",
    ItemStatus.NOT_APPLICABLE: "–",
    ItemStatus.BLOCKED: "⊘",
}
OUTCOME_SYMBOLS: dict[str, str] = {
    "passed": "✓",
    "failed": "✗",
    "error": "✗",
    "warning": "!",
    "cancelled": "–",
    "info": "ℹ",
}
GATE_TITLES = {"production": "Ready for production", "golive": "Ready for go-live"}
NOTHING = "not recorded"


# --- the model ----------------------------------------------------------------------------------


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


class Diagnosis(_Model):
    stage: str = ""
    message: str = ""
    advice: str = ""
    details: list[Detail] = Field(
        default_factory=list, description="the diagnosis's other fields, in words"
    )


class EvidenceEntry(_Model):
    """One record of the evidence log."""

    id: str
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


# --- words --------------------------------------------------------------------------------------


def basis_attention(item: ItemEntry) -> bool:
    """A state a reader must not take as proven: a person's word where golive proves with
    evidence, a state against the newest evidence, or an open item passed by a gate override."""
    if item.basis == "overridden" or item.contradicts_evidence:
        return True
    return item.evidence_bound and item.basis in ("attested", "not_applicable_reason")


def blocking_words(readiness: Readiness) -> str:
    """What blocks a readiness, counted: "17 open items and 3 attested, not proven, block it"."""
    attested = sum(1 for b in readiness.blocking if b.attested)
    open_ = len(readiness.blocking) - attested
    parts = []
    if open_:
        parts.append(f"{open_} open item{'s' if open_ != 1 else ''}")
    if attested:
        parts.append(f"{attested} attested, not proven,")
    verb = "blocks" if len(readiness.blocking) == 1 else "block"
    return f"{' and '.join(parts)} {verb} it"


def moment_text(moment: datetime | None) -> str:
    """A moment for people: 2026-01-02 03:04 UTC."""
    if moment is None:
        return NOTHING
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def span_text(start: datetime, end: datetime) -> str:
    """When a run happened: 2026-01-02 03:04 UTC, or 03:04 to 03:09 UTC, or across days."""
    if moment_text(start) == moment_text(end):
        return moment_text(end)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M} to {end:%H:%M} UTC"
    return f"{moment_text(start)} to {moment_text(end)}"


def words(value: str) -> str:
    """A code-like value in words: not_usable -> not usable."""
    return value.replace("_", " ")


def shown_note(item: ItemEntry, evidence: dict[str, EvidenceEntry]) -> str:
    """The item's note, unless it only repeats the result of its own evidence."""
    if any(evidence[i].summary == item.note for i in item.evidence if i in evidence):
        return ""
    return item.note


def date_text(day: date | None) -> str:
    return day.isoformat() if day is not None else NOTHING


def number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return text if text not in ("0", "-0") else f"{value:.2g}"
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int | float | bool) or v is None for v in value
    ):
        return ", ".join(number_text(v) for v in value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def yes_no(value: bool | None) -> str:
    return NOTHING if value is None else ("yes" if value else "no")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


_SECRET_SHAPES = (
    # client_secret=..., "password": "...", access_token=..., api_key: ...
    re.compile(
        r"""(?i)(\b(?:access_token|refresh_token|id_token|client_secret|api_key|apikey|password"""
        r"""|passwd|secret)\b["']?\s*[:=]\s*["']?)([^\s"'&,;}]{4,})"""
    ),
    # Authorization: Bearer eyJ..., Basic dXNlcjpwYXNz...: a token, not the word after it
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*)"),
    # a command's flag: --token=..., --api-key ..., -password ...
    re.compile(
        r"(?i)((?<!\S)--?[a-z-]*(?:token|password|passwd|secret|api-?key)(?:=|\s+))([^\s-]\S*)"
    ),
    # credentials inside a URL: https://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)([^/\s@]+)(?=@)"),
)


def scrub(text: str) -> str:
    """Mask credential-shaped values in a text that may quote a request or a command.

    Narrower than the log redaction on purpose: "Basic connectivity" or "Bearer token accepted"
    stay as written, a report is read by customers.
    """
    for shape in _SECRET_SHAPES:
        text = shape.sub(lambda m: m.group(1) + MASK, text)
    return text


def safe_url(url: str) -> str:
    """A URL without credentials: user info and secret-looking query values are masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        secretish = (
            "token",
            "key",
            "secret",
            "password",
            "passwd",
            "sig",
            "signature",
            "auth",
            "code",
        )
        masked = [(k, MASK if any(s in k.lower() for s in secretish) else v) for k, v in pairs]
        query = urlencode(masked, safe="*/:")
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def country_name(session: Session, code: str) -> str:
    setup = session.countries.get(code)
    name = setup.requirements.name if setup is not None else ""
    return name or iso_countries().get(code, code)


# --- figures against targets --------------------------------------------------------------------

_FIGURES: dict[str, tuple[str, str]] = {
    "error_rate_pct": ("Error rate", "%"),
    "response_time_p95_s": ("Response time, 95th percentile", " s"),
    "response_time_p50_s": ("Response time, median", " s"),
    "response_time_p99_s": ("Response time, 99th percentile", " s"),
    "requests": ("Requests", ""),
    "days_to_expiry": ("Days to expiry", " days"),
}


def _figure_label(name: str) -> tuple[str, str]:
    if name in _FIGURES:
        return _FIGURES[name]
    for suffix, unit in (("_pct", "%"), ("_ms", " ms"), ("_s", " s")):
        if name.endswith(suffix):
            words = name.removesuffix(suffix).replace("_", " ")
            return words[:1].upper() + words[1:], unit
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:], ""


def measurement(session: Session, name: str, value: Any) -> Measurement:
    label, unit = _figure_label(name)
    scalar: int | float | str | bool | None
    if value is None or isinstance(value, bool | int | float | str):
        scalar = value
    elif isinstance(value, list) and any(isinstance(e, dict) for e in value):
        scalar = "; ".join(_entry_text(e) for e in value)
    else:
        scalar = _value_text(value)
    numeric = isinstance(scalar, int | float) and not isinstance(scalar, bool)
    text = f"{number_text(scalar)}{unit}" if numeric else scrub(number_text(scalar))
    big = isinstance(scalar, int | float) and numeric and abs(scalar) >= 10_000
    if big and isinstance(scalar, int | float) and float(scalar).is_integer():
        text = f"{int(scalar):,}{unit}"  # 1,000,000 calls, not 1000000
    target = target_of(session, name)
    if target is None or not numeric:
        return Measurement(name=name, label=label, value=scalar, text=text)
    assert isinstance(scalar, int | float)
    meets = FigureVerdict(name, float(scalar), target).meets
    return Measurement(
        name=name,
        label=label,
        value=scalar,
        text=text,
        target=target,
        target_text=f"< {number_text(target)}{unit}",
        meets_target=meets,
    )


def measurements(session: Session, figures: dict[str, Any]) -> list[Measurement]:
    """The figures of a run (empty ones left out), each against its target where there is one."""
    return [
        measurement(session, name, value)
        for name, value in figures.items()
        if value is not None and value != "" and value != [] and value != {}
    ]


# --- evidence -----------------------------------------------------------------------------------


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


def _empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _value_text(value: Any) -> str:
    """A value of an evidence record in words, any URL without its credentials."""
    if isinstance(value, str) and "://" in value and " " not in value.strip():
        return safe_url(value.strip())
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')}: {_value_text(v)}" for k, v in value.items() if not _empty(v)
        )
    return scrub(number_text(value))


def _entry_text(entry: Any) -> str:
    """One entry of a list in a record, e.g. a check: "transaction.IT: passed, quote accepted"."""
    if not isinstance(entry, dict):
        return _value_text(entry)
    head = str(entry.get("id") or entry.get("check") or entry.get("name") or "")
    parts: list[str] = []
    if entry.get("outcome"):
        parts.append(str(entry["outcome"]))
    if entry.get("stage"):
        parts.append(f"at stage {entry['stage']}")
    if entry.get("message"):
        parts.append(scrub(str(entry["message"])))
    if isinstance(entry.get("elapsed_s"), int | float) and not isinstance(entry["elapsed_s"], bool):
        parts.append(f"{number_text(entry['elapsed_s'])} s")
    shown = {"id", "check", "name", "outcome", "stage", "message", "elapsed_s"}
    for key, value in entry.items():
        if key in shown or _empty(value):
            continue
        if key == "country" and head.endswith(f".{value}"):
            continue
        parts.append(f"{key.replace('_', ' ')} {_value_text(value)}")
    text = ", ".join(parts)
    return f"{head}: {text}" if head and text else head or text


def _details(fields: dict[str, Any]) -> list[Detail]:
    details: list[Detail] = []
    for key, value in fields.items():
        if _empty(value):
            continue
        label = key.replace("_", " ")
        if isinstance(value, list) and any(isinstance(e, dict) for e in value):
            details.append(Detail(label=label, entries=[_entry_text(e) for e in value]))
        else:
            details.append(Detail(label=label, value=_value_text(value)))
    return details


def _evidence_entry(session: Session, record: EvidenceRecord) -> EvidenceEntry:
    diagnosis = None
    if record.diagnosis:
        known = {"stage", "message", "advice"}
        diagnosis = Diagnosis(
            stage=str(record.diagnosis.get("stage", "") or ""),
            message=scrub(str(record.diagnosis.get("message", "") or "")),
            advice=scrub(str(record.diagnosis.get("advice", "") or "")),
            details=_details({k: v for k, v in record.diagnosis.items() if k not in known}),
        )
    details = _details(dict(sorted((record.model_extra or {}).items())))
    return EvidenceEntry(
        id=record.id,
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


def _chain(
    log: EvidenceLog, verdict: ChainVerdict, log_file: Path, missing: list[str]
) -> EvidenceChain:
    """The evidence log section: the verdict of `golive.session.evidence.verify`, in words."""
    statement = verdict.statement
    if verdict.present and verdict.ok:
        statement = (
            "The evidence log's hash chain was verified while exporting: "
            f"{_plural(verdict.records, 'record')}, intact"
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
            f" {_plural(len(missing), 'evidence record')} named by checklist items "
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


# --- items --------------------------------------------------------------------------------------


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
        notes.append(f"{_plural(earlier, 'earlier review')} done (each one is in the JSON export)")
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


def _item_entry(
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


def _progress(checklist: Checklist, items: list[ChecklistItem]) -> Progress:
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


# --- recorded details per section ---------------------------------------------------------------


def _facts(*pairs: tuple[str, str]) -> list[Fact]:
    return [Fact(label=label, value=value) for label, value in pairs if value]


def _leftover_facts(model: BaseModel, handled: set[str], prefix: str = "") -> list[Fact]:
    """Fields of a section nobody taught the report about yet: shown as label - value."""
    facts: list[Fact] = []
    for name, field in type(model).model_fields.items():
        if name in handled:
            continue
        value = getattr(model, name)
        if value == field.get_default(call_default_factory=True):
            continue  # a setting nobody chose says nothing
        label = f"{prefix}{name.replace('_', ' ')}"
        facts.extend(_generic_facts(label, value))
    return facts


def _generic_facts(label: str, value: Any) -> list[Fact]:
    if value is None or value == "" or value == [] or value == {}:
        return []
    if isinstance(value, BaseModel):
        return _leftover_facts(value, set(), prefix=f"{label}: ")
    if isinstance(value, datetime):
        return [Fact(label=label, value=moment_text(value))]
    if isinstance(value, date):
        return [Fact(label=label, value=date_text(value))]
    if isinstance(value, Enum):
        return [Fact(label=label, value=str(value.value))]
    if isinstance(value, list):
        parts = []
        for element in value:
            if isinstance(element, BaseModel):
                inner = _leftover_facts(element, set())
                parts.append(", ".join(f"{f.label}: {f.value}" for f in inner))
            else:
                parts.append(number_text(element))
        joiner = "; " if any(isinstance(e, BaseModel) for e in value) else ", "
        return [Fact(label=label, value=scrub(joiner.join(p for p in parts if p)))]
    if isinstance(value, dict):
        text = "; ".join(f"{k}: {number_text(v)}" for k, v in sorted(value.items()))
        return [Fact(label=label, value=scrub(text))]
    if isinstance(value, bool) and value is False:
        return []
    return [Fact(label=label, value=scrub(number_text(value)))]


def _days_until(day: date, today: date) -> str:
    days = (day - today).days
    if days > 0:
        return f"{day.isoformat()} (in {_plural(days, 'day')})"
    if days == 0:
        return f"{day.isoformat()} (today)"
    return f"{day.isoformat()} (EXPIRED {_plural(-days, 'day')} ago)"


def _credentials_details(session: Session, today: date) -> tuple[list[Fact], list[Table]]:
    creds = session.credentials
    vault = creds.vault
    facts = _facts(
        ("Obtained on", date_text(creds.obtained_on) if creds.obtained_on else ""),
        ("Expire on", _days_until(creds.expires_on, today) if creds.expires_on else ""),
        ("Vault (used by the integration)", vault.product),
        ("Vault path", vault.path),
        ("Who can read the vault entry", ", ".join(vault.access)),
        ("Rotation due", date_text(vault.rotation_due) if vault.rotation_due else ""),
    )
    facts += _leftover_facts(
        creds, {"obtained_on", "expires_on", "vault", "authorized_people", "secrets"}
    )
    facts += _leftover_facts(vault, {"product", "path", "access", "rotation_due"}, prefix="vault ")
    people = Table(
        title="Authorized personnel",
        columns=["Name", "Role", "E-mail", "Phone"],
        rows=[[p.name, p.role, p.email, p.phone] for p in creds.authorized_people],
        empty="No authorized people recorded.",
    )
    stores = {
        "keyring": "OS keyring",
        "environment": "environment variable",
        "prompt": "typed at each run",
    }
    secrets = Table(
        title="golive's own secrets (references only, never values)",
        columns=["Name", "Kept in", "Environment variable", "Description"],
        rows=[
            [name, stores.get(ref.store, ref.store), env_var_name(name), ref.description]
            for name, ref in sorted(creds.secrets.items())
        ],
        empty="No secret references recorded.",
    )
    return facts, [people, secrets]


def _environment_table(session: Session) -> Table:
    staging, production = session.environments.staging, session.environments.production

    def both(getter: Any) -> tuple[str, str]:
        return str(getter(staging)), str(getter(production))

    def timeouts(env: EnvironmentSettings) -> str:
        t = env.timeouts
        return (
            f"connect {number_text(t.connect)} s, read {number_text(t.read)} s, "
            f"write {number_text(t.write)} s, pool {number_text(t.pool)} s"
        )

    def retry(env: EnvironmentSettings) -> str:
        r = env.retry
        if not r.enabled:
            return "off"
        return (
            f"{r.max_attempts} attempts, backoff {number_text(r.base_delay)} s to "
            f"{number_text(r.max_delay)} s with jitter, Retry-After up to {number_text(r.retry_after_cap)} s"
        )

    rows_def: list[tuple[str, Any]] = [
        ("Preset", lambda e: e.preset),
        ("Base URL", lambda e: safe_url(e.base_url)),
        ("Host", lambda e: e.host()),
        ("Token URL", lambda e: safe_url(e.resolved_token_url())),
        ("Client id", lambda e: e.client_id),
        ("externalCompanyId", lambda e: e.external_company_id),
        ("Company id (internal)", lambda e: "" if e.company_id is None else str(e.company_id)),
        (
            "Company role",
            lambda e: {"S": "seller (S)", "B": "buyer (B)", "M": "middleman (M)"}[e.company_role],
        ),
        ("Scope", lambda e: e.scope),
        ("Calculate path", lambda e: e.calculate_path),
        ("E-invoice submit path", lambda e: e.einvoice_submit_path),
        (
            "E-invoice status path",
            lambda e: e.einvoice_status_path.replace("{document_id}", "DOCUMENT-ID"),
        ),
        ("CA bundle", lambda e: Path(e.ca_bundle).name if e.ca_bundle else ""),
        ("Timeouts", timeouts),
        ("Retry", retry),
    ]
    rows = []
    for label, getter in rows_def:
        left, right = both(getter)
        if left or right:
            rows.append([label, left or NOTHING, right or NOTHING])
    handled = {
        "preset", "base_url", "token_url", "client_id", "external_company_id", "company_id",
        "company_role", "scope", "calculate_path", "einvoice_submit_path", "einvoice_status_path",
        "ca_bundle", "timeouts", "retry",
    }  # fmt: skip
    for env_name, env in (("staging", staging), ("production", production)):
        for fact in _leftover_facts(env, handled):
            rows.append(
                [
                    fact.label,
                    fact.value if env_name == "staging" else "",
                    fact.value if env_name == "production" else "",
                ]
            )
    return Table(
        title="Staging and production settings",
        columns=["Setting", "Staging", "Production"],
        rows=rows,
    )


_TOOLS = {"prometheus": "Prometheus", "datadog": "Datadog", "cloudwatch": "Amazon CloudWatch"}


def _metrics_facts(title: str, metrics: MetricsSetup) -> list[Fact]:
    facts = _facts(
        (f"{title}: tool", _TOOLS.get(metrics.tool, metrics.tool)),
        (f"{title}: Prometheus URL", safe_url(metrics.prometheus_url)),
        (
            f"{title}: dashboard",
            safe_url(metrics.dashboard) if "://" in metrics.dashboard else metrics.dashboard,
        ),
        (f"{title}: notes", metrics.notes),
    )
    return facts + _leftover_facts(
        metrics, {"tool", "prometheus_url", "dashboard", "notes"}, prefix=f"{title}: "
    )


def _monitoring_details(session: Session) -> tuple[list[Fact], list[Table]]:
    mon = session.monitoring
    channel_words = {
        "slack": "Slack", "teams": "Microsoft Teams", "pagerduty": "PagerDuty",
        "webhook": "a webhook", "email": "e-mail",
    }  # fmt: skip
    facts = _facts(
        ("Logging: location", mon.logging.location),
        ("Logging: format", mon.logging.format),
        ("Logging: level", mon.logging.level),
        ("Alerting: channel", channel_words.get(mon.alerting.channel, mon.alerting.channel)),
        (
            "Alerting: webhook URL or routing key",
            f"kept in golive's secret {mon.alerting.webhook_secret!r} (not shown)"
            if mon.alerting.webhook_secret
            else "",
        ),
        (
            "Alerting: PagerDuty endpoint",
            safe_url(mon.alerting.pagerduty_url) if mon.alerting.channel == "pagerduty" else "",
        ),
        (
            "Alerting: Teams card",
            {
                "adaptive": "Adaptive Card (Teams Workflows webhook)",
                "messagecard": "MessageCard (Office 365 connector)",
            }[mon.alerting.teams_card]
            if mon.alerting.channel == "teams"
            else "",
        ),
        ("Alerting: e-mail recipients", ", ".join(mon.alerting.email_recipients)),
    )
    facts += _leftover_facts(mon.logging, {"location", "format", "level"}, prefix="Logging: ")
    facts += _leftover_facts(
        mon.alerting,
        {"channel", "webhook_secret", "pagerduty_url", "teams_card", "email_recipients"},
        prefix="Alerting: ",
    )
    facts += _metrics_facts("API usage", mon.api_usage)
    facts += _metrics_facts("Performance", mon.performance)
    facts += _leftover_facts(mon, {"logging", "alerting", "api_usage", "performance"})
    return facts, []


def _deploy_facts(deploy: Any) -> list[Fact]:
    facts = _facts(
        ("Deployed version", deploy.version),
        ("Deployed at", moment_text(deploy.deployed_at) if deploy.deployed_at else ""),
        ("Deployed by", deploy.by),
    )
    return facts + _leftover_facts(deploy, {"version", "deployed_at", "by"}, prefix="deploy ")


def _staging_details(session: Session) -> tuple[list[Fact], list[Table]]:
    facts = _deploy_facts(session.staging.deploy)
    facts += _leftover_facts(session.staging, {"deploy"})
    return facts, []


def _duration(start: datetime, end: datetime) -> str:
    minutes = int((end - start).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _production_details(session: Session) -> tuple[list[Fact], list[Table]]:
    prod = session.production
    facts: list[Fact] = []
    if prod.window is not None:
        window = prod.window
        facts += _facts(
            (
                "Deployment window",
                f"{moment_text(window.start)} to {moment_text(window.end)} ({_duration(window.start, window.end)})",
            ),
            ("Window note", window.note),
            ("Window warnings", "; ".join(window.warnings)),
        )
        facts += _leftover_facts(window, {"start", "end", "note", "warnings"}, prefix="window ")
    else:
        facts.append(Fact(label="Deployment window", value="not scheduled yet"))
    facts += _deploy_facts(prod.deploy)
    facts += _leftover_facts(prod, {"window", "deploy"})
    return facts, []


def _figures_text(session: Session, figures: dict[str, float]) -> str:
    parts = []
    for m in measurements(session, dict(figures)):
        target = (
            f" (target {m.target_text}: {'met' if m.meets_target else 'NOT met'})"
            if m.target_text
            else ""
        )
        parts.append(f"{m.label} {m.text}{target}")
    return "; ".join(parts)


def _golive_details(session: Session) -> tuple[list[Fact], list[Table]]:
    record = session.golive
    facts = _facts(
        (
            "Pilot enabled at",
            moment_text(record.pilot_enabled_at) if record.pilot_enabled_at else "",
        ),
        (
            "Pilot size target",
            f"{session.targets.pilot_min} to {session.targets.pilot_max} customers",
        ),
        ("Watch", f"{session.targets.monitoring_window_hours} hours after enabling the pilot"),
    )
    facts += _leftover_facts(
        record, {"pilot_customers", "pilot_enabled_at", "checkpoints", "rollout"}
    )
    pilots = Table(
        title="Pilot customers",
        columns=["Customer", "Contact", "Countries"],
        rows=[[p.name, p.contact, ", ".join(p.countries)] for p in record.pilot_customers],
        empty="No pilot customers named yet.",
    )
    checkpoints = Table(
        title="Watch checkpoints",
        columns=["Checkpoint", "Recorded at", "By", "Figures", "Meets targets", "Note", "Evidence"],
        rows=[
            [
                c.label,
                moment_text(c.recorded_at) if c.recorded_at else "not yet",
                c.by,
                _figures_text(session, c.figures),
                yes_no(c.meets_targets),
                c.note,
                c.evidence,
            ]
            for c in record.checkpoints
        ],
        empty="No checkpoints recorded yet.",
    )
    rollout = Table(
        title="Rollout stages",
        columns=[
            "Stage",
            "Share",
            "Customers",
            "Planned for",
            "Opened",
            "Watch figures when opened",
            "Opened despite the watch because",
        ],
        rows=[
            [
                s.name,
                f"{number_text(s.share_pct)}%" if s.share_pct is not None else "",
                ", ".join(s.customers),
                moment_text(s.planned_for) if s.planned_for else "",
                (moment_text(s.opened_at) + (f" by {s.opened_by}" if s.opened_by else ""))
                if s.opened_at
                else "not yet",
                scrub(s.gate),
                s.override_reason,
            ]
            for s in record.rollout
        ],
        empty="No rollout stages planned yet.",
    )
    return facts, [pilots, checkpoints, rollout]


def _post_details(session: Session, item_ids: set[str]) -> tuple[list[Fact], list[Table]]:
    post = session.post_deployment
    facts = _facts(
        ("Log file read by golive", post.log.path),
        ("Log fields", ", ".join(f"{k} = {v}" for k, v in sorted(post.log.field_map.items()))),
        ("Log line pattern", post.log.pattern),
        ("Prometheus URL", safe_url(post.prometheus_url)),
        (
            "Prometheus queries",
            "; ".join(f"{k}: {v}" for k, v in sorted(post.prometheus_queries.items())),
        ),
        (
            "Review schedule",
            f"from {date_text(post.reviews_from)} for {post.review_horizon_days} days"
            if post.reviews_from
            else "",
        ),
    )
    facts += _leftover_facts(post.log, {"path", "field_map", "pattern"}, prefix="log ")
    facts += _leftover_facts(
        post,
        {
            "log",
            "prometheus_url",
            "prometheus_queries",
            "reviews",
            "reviews_from",
            "review_horizon_days",
        },
    )
    orphans = [r for r in post.reviews if r.item not in item_ids]
    tables = []
    if orphans:
        tables.append(
            Table(
                title="Other reviews",
                columns=["Item", "Due", "Done at", "By", "Note"],
                rows=[
                    [
                        r.item,
                        date_text(r.due),
                        moment_text(r.done_at) if r.done_at else "not yet",
                        r.by,
                        r.note,
                    ]
                    for r in orphans
                ],
            )
        )
    return facts, tables


def _rollback_details(session: Session) -> tuple[list[Fact], list[Table]]:
    plan = session.rollback
    method_words = {
        "command": "a command golive runs",
        "http": "an HTTP call to the feature-flag service",
        "manual": "manual steps",
    }
    http = plan.disable_http
    http_text = ""
    if http.url:
        http_text = f"{http.method} {safe_url(http.url)}"
        if http.token_secret:
            http_text += f", bearer token from golive's secret {http.token_secret!r} (not shown)"
        if http.body:
            http_text += f", body: {scrub(http.body)}"
    facts = _facts(
        ("How the integration is disabled", method_words.get(plan.disable_method, "")),
        (
            "Disable command",
            scrub(shlex.join(plan.disable_command)) if plan.disable_command else "",
        ),
        (
            "Disable command time limit",
            f"{number_text(plan.disable_timeout_s)} s" if plan.disable_command else "",
        ),
        ("Disable HTTP call", http_text),
        ("Manual steps", plan.manual_steps),
        (
            "Customer notification text",
            "prepared (kept in the session; filled in when a rollback starts)"
            if plan.notification_template
            else "",
        ),
        ("Error log locations", "; ".join(plan.log_locations)),
        (
            "Rollback started at",
            moment_text(plan.started_at) if plan.started_at else "no rollback started",
        ),
        ("Rollback reason", plan.reason),
        ("Rollback drafts and archive", plan.run_folder),
    )
    facts += _leftover_facts(
        plan,
        {
            "disable_method", "disable_command", "disable_timeout_s", "disable_http", "manual_steps",
            "notify", "notification_template", "log_locations", "started_at", "reason", "run_folder",
        },
    )  # fmt: skip
    facts += _leftover_facts(
        http, {"method", "url", "body", "token_secret"}, prefix="disable HTTP "
    )
    notify = Table(
        title="Customers notified in a rollback",
        columns=["Customer", "Contact", "E-mail", "Phone"],
        rows=[[c.customer, c.contact, c.email, c.phone] for c in plan.notify],
        empty="No customer recorded to notify.",
    )
    return facts, [notify]


def _support_details(session: Session) -> tuple[list[Fact], list[Table]]:
    support = session.support
    facts = [Fact(label="First-line support", value=support.first_line_text())]
    facts += _leftover_facts(support, {"first_line", "escalation"})
    by_level = {level.level: level for level in support.escalation}
    rows = []
    for number, default_team in enumerate(ESCALATION_LEVELS, start=1):
        level = by_level.get(number)
        contact = level.contact if level is not None else None
        rows.append(
            [
                str(number),
                (level.team if level is not None and level.team else default_team),
                contact.name if contact else NOTHING,
                contact.role if contact else "",
                contact.email if contact else "",
                contact.phone if contact else "",
                level.confirmation() if level is not None and contact else "",
            ]
        )
    table = Table(
        title="Escalation path",
        columns=["Level", "Team", "Contact", "Role", "E-mail", "Phone", "Confirmed"],
        rows=rows,
    )
    return facts, [table]


# --- countries ----------------------------------------------------------------------------------


def _dated_requirement_facts(session: Session, setup: CountrySetup) -> list[Fact]:
    """A snapshot with dated obligations (issue 13): the route and its proof, and the rules in
    force on the go-live date with their source and confidence, the upcoming ones, the answers."""
    from golive.session.obligations import describe, go_live_date, judge, upcoming

    req = setup.requirements
    when = go_live_date(session)
    name = req.name or "the country"

    def verdict(kind: str) -> str:
        found = judge(setup, name, kind, when)
        if found.required is None:
            return f"asked: {found.what}" if found.what else "asked: the catalog states no rule"
        return ("required: " if found.required else "not required: ") + found.what

    test = {True: "yes", False: "no", None: "unknown"}[req.test_environment]
    kinds = ("einvoicing", "reporting", "certificate", "platform")
    current = [o for o in req.obligations if o.in_force(when.start, when.end)]
    facts = _facts(
        ("E-invoicing route", req.route),
        ("Platform", req.platform),
        ("Document format", req.document_format),
        ("Authority test mode", test),
        ("Proof of a document", req.proof_id),
        ("Currency", req.currency),
        ("Judged on", f"{when.start.isoformat()} ({when.source}) through {when.end.isoformat()}"),
        ("Certificate", verdict("certificate")),
        ("Platform registration", verdict("platform")),
        ("In force", " | ".join(describe(o, req.source) for o in current)),
        (
            "Upcoming within 90 days",
            " | ".join(f"{o.what} from {o.from_}" for o in upcoming(req.obligations, when, kinds)),
        ),
        (
            "Answers recorded",
            "; ".join(
                f"{rule}: {'applies' if a.applies else 'does not apply'} ({a.by}, "
                f"{a.at.date().isoformat()})"
                for rule, a in setup.answers.items()
            ),
        ),
        (
            "Tax ID",
            f"{req.tax_id_name}: {setup.tax_id}"
            if setup.tax_id and req.tax_id_name
            else setup.tax_id,
        ),
        ("externalCompanyId for this country (staging)", setup.company_ids.staging),
        ("externalCompanyId for this country (production)", setup.company_ids.production),
        ("Platform account", setup.platform_account),
        ("Source of these requirements", req.source),
        ("Requirements last reviewed", date_text(req.reviewed) if req.reviewed else ""),
        (
            "Earlier rule snapshots kept",
            str(len(setup.earlier_requirements)) if setup.earlier_requirements else "",
        ),
    )
    return facts


def _requirement_facts(setup: CountrySetup, session: Session | None = None) -> list[Fact]:
    req = setup.requirements
    if req.obligations and session is not None:
        return _dated_requirement_facts(session, setup)

    def required(flag: bool | None, what: str, why: str) -> str:
        if flag is None:
            return "unknown: not in golive's country catalog (the item records the answer)"
        if flag:
            return f"required: {what}" if what else "required"
        return f"not required: {why}" if why else "not required"

    facts = _facts(
        ("E-invoicing model", req.model),
        ("Platform", req.platform),
        (
            "Certificate",
            required(req.certificate_required, req.certificate_kind, req.certificate_reason),
        ),
        ("Certificate reason", req.certificate_reason if req.certificate_required else ""),
        (
            "Platform registration",
            required(req.platform_required, req.platform_registration, req.platform_reason),
        ),
        ("Platform reason", req.platform_reason if req.platform_required else ""),
        (
            "Tax ID",
            f"{req.tax_id_name}: {setup.tax_id}"
            if setup.tax_id and req.tax_id_name
            else setup.tax_id,
        ),
        ("externalCompanyId for this country (staging)", setup.company_ids.staging),
        ("externalCompanyId for this country (production)", setup.company_ids.production),
        ("Platform account", setup.platform_account),
        ("Source of these requirements", req.source),
        ("Requirements last reviewed", date_text(req.reviewed) if req.reviewed else ""),
    )
    handled = {
        "name", "model", "platform", "certificate_required", "certificate_kind", "certificate_reason",
        "platform_required", "platform_registration", "platform_reason", "tax_id_name", "source", "reviewed",
    }  # fmt: skip
    facts += _leftover_facts(req, handled)
    facts += _leftover_facts(
        setup,
        {"tax_id", "company_ids", "requirements", "tax_id_verification", "certificate",
         "platform_account", "removed", "answers", "earlier_requirements"},
    )  # fmt: skip
    return facts


def _country_block(
    session: Session,
    code: str,
    checklist: Checklist,
    entries: dict[str, ItemEntry],
    generated: datetime,
) -> CountryBlock:
    setup = session.countries[code]
    verification = setup.tax_id_verification
    certificate = setup.certificate
    items = [i for i in checklist.for_country(code) if i.section == "compliance"]
    return CountryBlock(
        code=code,
        name=country_name(session, code),
        requirements=_requirement_facts(setup, session),
        tax_id_verification=(
            TaxIdResult(
                number=verification.number,
                method=verification.method,
                outcome=verification.outcome,
                message=scrub(verification.message),
                checked_at=verification.checked_at,
                vies=scrub(verification.vies),
            )
            if verification is not None
            else None
        ),
        certificate=(
            CertificateSummary(
                file=Path(certificate.file).name,
                subject=certificate.subject,
                issuer=certificate.issuer,
                serial=certificate.serial,
                not_before=certificate.not_before,
                not_after=certificate.not_after,
                days_to_expiry=(certificate.not_after - generated).days,
                fingerprint_sha256=certificate.fingerprint_sha256,
                kind=certificate.kind,
                verdict=certificate.verdict,
                messages=list(certificate.messages),
                inspected_at=certificate.inspected_at,
            )
            if certificate is not None
            else None
        ),
        progress=_progress(checklist, items),
        items=[entries[i.id] for i in items],
    )


# --- readiness ----------------------------------------------------------------------------------


def _override_entries(session: Session) -> list[GateOverrideEntry]:
    return [
        GateOverrideEntry(gate=o.gate, reason=o.reason, by=o.by, at=o.at)
        for o in session.gate_overrides
    ]


def _readiness(
    session: Session,
    checklist: Checklist,
    gate: Literal["production", "golive"],
    chain_problems: Sequence[str] = (),
) -> Readiness:
    """A gate's readiness as the one gate engine decides it."""
    status = checklist.gate(gate, chain_problems)
    blocking = checklist.blocking(gate)
    attested = set(status.attested_ids)
    overrides = [o for o in _override_entries(session) if o.gate == gate]
    ready = status.open
    verdict = "yes" if ready else f"no: {status.sentence}"
    return Readiness(
        gate=gate,
        title=GATE_TITLES[gate],
        ready=ready,
        passable=status.passable,
        verdict=verdict,
        sentence=status.sentence,
        blocking=[
            BlockingItem(
                id=i.id,
                text=i.text,
                country=i.country,
                state=STATE_WORDS[i.status],
                symbol=STATE_SYMBOLS[i.status],
                reason=i.reason,
                attested=i.id in attested,
                basis_text=i.basis.text,
            )
            for i in blocking
        ],
        holds=list(status.holds),
        attested=list(status.attested),
        overrides=overrides,
    )


# --- the whole report ---------------------------------------------------------------------------


def _dates(session: Session, generated: datetime) -> list[Fact]:
    meta = session.meta
    window = session.production.window
    return _facts(
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
    return _facts(
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


def build_report(session: Session, session_path: Path) -> Report:
    """The report of `session` (saved at `session_path`; its evidence log lies beside it)."""
    generated = now()
    checklist = build_checklist(session)
    log_file = evidence_path(session_path)
    # only records that verify are evidence; the others are listed as not verifying
    log, verdict = evidence_module.verified_log(session, log_file)
    not_verifying = {u.id for u in verdict.unverified}
    order = {record.id: index for index, record in enumerate(log.records)}
    reviews_by_item: dict[str, list[Review]] = {}
    for review in _reviews(session):
        reviews_by_item.setdefault(review.item, []).append(review)
    entries = {
        item.id: _item_entry(item, log, order, reviews_by_item.get(item.id, []), generated.date())
        for item in checklist.items
    }
    entries = {
        item_id: entry.model_copy(
            update={
                "unverified_evidence": [i for i in entry.missing_evidence if i in not_verifying],
                "missing_evidence": [i for i in entry.missing_evidence if i not in not_verifying],
            }
        )
        if not_verifying
        else entry
        for item_id, entry in entries.items()
    }
    missing = list(dict.fromkeys(m for e in entries.values() for m in e.missing_evidence))
    named = {evidence_id for e in entries.values() for evidence_id in e.evidence}

    details: dict[str, tuple[list[Fact], list[Table]]] = {
        "credentials": _credentials_details(session, generated.date()),
        "environment": ([], [_environment_table(session)]),
        "monitoring": _monitoring_details(session),
        "staging": _staging_details(session),
        "production": _production_details(session),
        "golive": _golive_details(session),
        "post": _post_details(session, set(entries)),
        "rollback": _rollback_details(session),
        "support": _support_details(session),
    }
    definition = checklist_module.definition()
    phases = []
    for phase in definition.phases:
        sections = []
        for section in (s for s in definition.sections if s.phase == phase.id):
            items = checklist.in_section(section.id)
            facts, tables = details.get(section.id, ([], []))
            countries: list[CountryBlock] = []
            groups: list[ItemGroup] = []
            if section.id == "compliance":
                countries = [
                    _country_block(session, code, checklist, entries, generated)
                    for code in session.active_countries()
                ]
            else:
                for item in items:
                    if not groups or groups[-1].title != item.group:
                        groups.append(ItemGroup(title=item.group, items=[]))
                    groups[-1].items.append(entries[item.id])
            sections.append(
                SectionEntry(
                    id=section.id,
                    title=section.title,
                    progress=_progress(checklist, items),
                    facts=facts,
                    tables=tables,
                    groups=groups,
                    countries=countries,
                )
            )
        phases.append(PhaseEntry(id=phase.id, title=phase.title, sections=sections))

    meta = session.meta
    deployment = meta.title or "untitled deployment"
    title = f"Production go-live report: {deployment}"
    summary = Summary(
        deployment=deployment,
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
        progress=_progress(checklist, checklist.items),
        readiness=[
            _readiness(session, checklist, "production"),
            _readiness(session, checklist, "golive"),
        ],
    )
    notice = (
        "DEMO SESSION: this report comes from a demo session, not from a real deployment."
        if session.is_demo()
        else ""
    )
    return Report(
        demo=session.is_demo(),
        notice=notice,
        title=title,
        generated_at=generated,
        generator=f"golive {__version__}",
        summary=summary,
        evidence_chain=_chain(log, verdict, log_file, missing),
        gate_overrides=_override_entries(session),
        phases=phases,
        evidence=[_evidence_entry(session, record) for record in log.records],
        other_evidence=[record.id for record in log.records if record.id not in named],
    )
