"""Values in words for people: moments, spans, numbers, record values, the basis of a state."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from golive.report.masking import (
    safe_url,
    scrub,
)
from golive.report.symbols import (
    NOTHING,
)
from golive.report.types import (
    Detail,
    EvidenceEntry,
    ItemEntry,
    Measurement,
    Readiness,
    Report,
)
from golive.session.model import (
    Session,
    iso_countries,
)


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


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def country_name(session: Session, code: str) -> str:
    setup = session.countries.get(code)
    name = setup.requirements.name if setup is not None else ""
    return name or iso_countries().get(code, code)


def is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


_ISO_MOMENT = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)?")


def _moment_words(value: str) -> str:
    """An ISO 8601 moment as people write it: 2026-12-06 05:00 +01:00, 2028-12-02 18:42:53 UTC."""
    found = _ISO_MOMENT.fullmatch(value)
    if found is None:
        return value
    day, minute, seconds, zone = found.groups()
    text = f"{day} {minute}{seconds if seconds and seconds != ':00' else ''}"
    if zone in ("Z", "+00:00"):
        return f"{text} UTC"
    return f"{text} {zone}" if zone else text


def value_text(value: Any) -> str:
    """A value of an evidence record in words, any URL without its credentials."""
    if isinstance(value, str) and "://" in value and " " not in value.strip():
        return safe_url(value.strip())
    if isinstance(value, str):
        return scrub(_moment_words(value))
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')}: {value_text(v)}" for k, v in value.items() if not is_empty(v)
        )
    if isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
        return " | ".join(entries_text(value))  # e.g. a window's time zones
    return scrub(number_text(value))


def said_whole(value: Any, text: str) -> bool:
    """Every part of `value` is said in `text`: a correlation id its check's message names, a
    finding the record's result line lists with its setting."""
    if isinstance(value, dict):
        parts = [v for v in value.values() if not is_empty(v)]
        return bool(parts) and all(said_whole(v, text) for v in parts)
    if isinstance(value, list):
        return bool(value) and all(said_whole(v, text) for v in value)
    return _said_in(value_text(value), text)


def _entry_parts(entry: dict[str, Any]) -> tuple[str, str]:
    """An entry's head (its id, check, name or zone) and the rest in words, without a field its
    own message already says."""
    head = str(
        entry.get("id") or entry.get("check") or entry.get("name") or entry.get("zone") or ""
    )
    message = scrub(str(entry.get("message") or ""))
    parts: list[str] = []
    if entry.get("outcome"):
        parts.append(str(entry["outcome"]))
    if entry.get("stage"):
        parts.append(f"at stage {entry['stage']}")
    if message:
        parts.append(message)
    if isinstance(entry.get("elapsed_s"), int | float) and not isinstance(entry["elapsed_s"], bool):
        parts.append(f"{number_text(entry['elapsed_s'])} s")
    shown = {"id", "check", "name", "zone", "outcome", "stage", "message", "elapsed_s"}
    for key, value in entry.items():
        if key in shown or is_empty(value):
            continue
        if key == "country" and head.endswith(f".{value}"):
            continue
        if message and said_whole(value, message):
            continue
        parts.append(f"{key.replace('_', ' ')} {value_text(value)}")
    return head, ", ".join(parts)


def entry_text(entry: Any) -> str:
    """One entry of a list in a record, e.g. a check: "transaction.IT: passed, quote accepted"."""
    if not isinstance(entry, dict):
        return value_text(entry)
    head, text = _entry_parts(entry)
    return f"{head}: {text}" if head and text else head or text


def entries_text(entries: list[Any]) -> list[str]:
    """A list's entries in words; those that differ only in their head are said once with every
    head: "Europe/Berlin, Europe/Busingen: hours from business 26, ..."."""
    groups: list[tuple[str, list[str]]] = []  # (the words after the heads, the heads)
    for entry in entries:
        head, text = _entry_parts(entry) if isinstance(entry, dict) else ("", value_text(entry))
        if not (head and text):  # said alone: its head or its words, whichever it has
            groups.append((text or head, []))
            continue
        alike = next((heads for said, heads in groups if heads and said == text), None)
        if alike is None:
            groups.append((text, [head]))
        else:
            alike.append(head)
    return [f"{', '.join(heads)}: {text}" if heads else text for text, heads in groups]


_RECORD_ID = re.compile(r"#([0-9a-f]{6,})\b")


def with_refs(value: str, evidence: dict[str, EvidenceEntry]) -> str:
    """A text naming records as "#1f2e3d..." with their report ids added: "(see E3)"."""
    refs = [evidence[m].ref for m in _RECORD_ID.findall(value) if m in evidence]
    return f"{value} (see {', '.join(dict.fromkeys(refs))})" if refs else value


def basis_record(item: ItemEntry, evidence: dict[str, EvidenceEntry]) -> EvidenceEntry | None:
    """The record an item's state rests on, where it rests on evidence plainly (no attention
    needed): then one line says both the basis and the record."""
    if item.basis != "evidence" or basis_attention(item):
        return None
    found = _RECORD_ID.search(item.basis_text)
    if found is None or found.group(1) not in evidence or found.group(1) not in item.evidence:
        return None
    return evidence[found.group(1)]


def by_kind(entries: list[EvidenceEntry]) -> list[tuple[str, list[EvidenceEntry]]]:
    """Records grouped by kind (all watch records together): kinds in the order they first
    appear, log order inside a kind."""
    kinds: dict[str, list[EvidenceEntry]] = {}
    for entry in entries:
        kinds.setdefault(entry.kind_text, []).append(entry)
    return list(kinds.items())


def recorded_by_its_run(item: ItemEntry, record: EvidenceEntry) -> bool:
    """The item was set by the run it rests on: same person, same minute (one line says both)."""
    return (item.changed_by or "") == record.by and moment_text(item.changed_at) in (
        moment_text(record.ended),
        moment_text(record.started),
    )


def no_attestation_words(report: Report) -> str:
    """What the summary's attestations say when it names none itself."""
    if any(b.attested for gate in report.summary.readiness for b in gate.blocking):
        return "Only those the gates above name as attested, not proven."
    return "No state rests on a person's word where golive proves it with evidence."


def basis_said(item: ItemEntry) -> str:
    """What the checklist says the item's evidence said ("passed"), as its basis words it."""
    found = re.fullmatch(r"evidence #[0-9a-f]+ \((.+)\)", item.basis_text)
    return found.group(1) if found else ""


def basis_said_beyond(item: ItemEntry, record: EvidenceEntry) -> str:
    """What the checklist says the record said, where the record's outcome does not say it
    already (a warning the checklist counts as passed)."""
    said = basis_said(item)
    return "" if said == record.outcome else said


def recorded_in_its_basis(item: ItemEntry) -> bool:
    """The basis line names who set the state and when (a person's word or reason), or says
    nobody recorded it (a rule's derivation): a line "Recorded by" would say it again."""
    if item.derived and item.basis == "not_applicable_rule":
        return True
    if item.basis not in ("attested", "not_applicable_reason") or item.changed_at is None:
        return False
    who = item.changed_by or "someone"
    return who in item.basis_text and moment_text(item.changed_at) in item.basis_text


def basis_words(item: ItemEntry) -> str:
    """The basis as a report line says it. A state derived by a catalog rule says so without
    the rule's words again: the line "Not applicable because" above gives them."""
    if item.derived and item.basis == "not_applicable_rule" and item.reason:
        return "the rule above (derived from the session; not recorded by anyone)"
    return item.basis_text


def _said_in(value: str, summary: str) -> bool:
    """`value` is a word or phrase of `summary`. A short number ("4") is not taken for said:
    the summary's "4" may count something else."""
    if not value or (len(value) < 5 and not any(c.isalpha() for c in value)):
        return False
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", summary) is not None


# Fields a kind of record's result line always states, in other words than the field's (the
# JSON export keeps them all): a window choice's moments (its result says the window in UTC and
# in local time), a check run's counts (its result counts them, its list of checks names each)
# and its demo flag (the result's "[demo]"), a log location's state, a test alert's HTTP status.
_STATED_BY_THE_RESULT: dict[str, frozenset[str]] = {
    "window_choice": frozenset({"start", "end", "local_start", "local_end", "local_zone"}),
    # "(folder) exists on vm and is writable"; a sample's counts are said when one was taken
    "log_location": frozenset({"kind", "exists", "writable", "sampled", "json_lines"}),
    "test_alert": frozenset({"status"}),  # "accepted: HTTP 200"
    "check.": frozenset({"checks", "demo"}),
}


def _stated_by_the_result(entry: EvidenceEntry, name: str) -> bool:
    kind = "check." if entry.kind.startswith("check.") else entry.kind
    return name.replace(" ", "_") in _STATED_BY_THE_RESULT.get(kind, frozenset())


def details_beyond_summary(entry: EvidenceEntry, details: list[Detail]) -> list[Detail]:
    """An evidence record's further fields, without those its result line already says word for
    word (a certificate's country and kind), or in its own words (a check run's "[demo]")."""
    return [
        d
        for d in details
        if not d.said_by_result
        and (d.entries or not _said_in(d.value, entry.summary))
        and not (not d.entries and _stated_by_the_result(entry, d.label))
    ]


def figures_beyond_summary(entry: EvidenceEntry) -> list[Measurement]:
    """An evidence record's figures, without those its result line already says word for word
    (a tax ID check's country, number, method and outcome) or in its own words (a window's
    moments). A figure with a target stays: it says whether the target was met."""
    return [
        m
        for m in entry.measurements
        if m.target_text
        or not (_said_in(m.text, entry.summary) or _stated_by_the_result(entry, m.name))
    ]
