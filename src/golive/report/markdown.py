"""The report as Markdown: reads as plain text, renders as a document.

Every text a user typed is escaped so that it can neither start Markdown structure nor pass raw
HTML through a Markdown renderer (`<script>` comes out as text).
"""

from __future__ import annotations

from golive.report.item_words import (
    detail_shown,
    item_runs,
    reason_shown,
    tax_check_record,
)
from golive.report.markdown_summary import (
    attestation_lines,
    chain_lines,
    country_lines,
    head_lines,
    readiness_lines,
)
from golive.report.markdown_text import code, fact_lines, multiline, table_lines, text
from golive.report.types import (
    CountryBlock,
    Detail,
    EvidenceEntry,
    ItemEntry,
    Measurement,
    Report,
    SectionEntry,
)
from golive.report.words import (
    basis_attention,
    basis_record,
    basis_said_beyond,
    basis_words,
    by_kind,
    details_beyond_summary,
    figures_beyond_summary,
    moment_text,
    recorded_by_its_run,
    recorded_in_its_basis,
    shown_note,
    span_text,
    with_refs,
    words,
)


def _measurement(m: Measurement) -> str:
    line = f"{text(m.label)}: {text(m.text)}"
    if m.target_text:
        verdict = "met" if m.meets_target else "**NOT met**"
        line += f" (target {text(m.target_text)}: {verdict})"
    return line


def _evidence(entry: EvidenceEntry, indent: str) -> list[str]:
    """A record in full, written once in the Evidence section: its id, what, where, when, result."""
    where = []
    if entry.environment:
        where.append(text(entry.environment))
    if entry.host:
        where.append(f"host {code(entry.host)}")
    head = f"{indent}- **{entry.ref}** {text(entry.kind_text)}, {entry.outcome_symbol} **{entry.outcome}**"
    if entry.rehearsal:
        head += ", **REHEARSAL** (not against production)"
    if where:
        head += ", " + ", ".join(where)
    head += f", {span_text(entry.started, entry.ended)}"
    if entry.by:
        head += f", by {text(entry.by)}"
    head += f" (record {code(entry.id)})"
    if entry.items:
        head += ", for " + ", ".join(code(i) for i in entry.items)
    sub = indent + "  "
    out = [head]
    if entry.summary:
        out += multiline("Result", entry.summary, sub)
    out += [f"{sub}- {_measurement(m)}" for m in figures_beyond_summary(entry)]
    if entry.diagnosis is not None:
        d = entry.diagnosis
        if d.stage or d.message:
            stage = f" at stage {code(d.stage)}" if d.stage else ""
            out.append(f"{sub}- Diagnosis{stage}: {text(d.message)}".rstrip())
        if d.advice:
            out.append(f"{sub}- What to do: {text(d.advice)}")
        out += _details(details_beyond_summary(entry, d.details), sub)
    out += _details(details_beyond_summary(entry, entry.details), sub)
    return out


def _ref_words(entry: EvidenceEntry, said: str = "") -> str:
    """A record named by an item: the id to look it up by, and its outcome, on one line."""
    ref = f"**{entry.ref}** ({text(said)})" if said else f"**{entry.ref}**"
    line = f"{ref}: {text(entry.kind_text)}, {entry.outcome_symbol} {entry.outcome}"
    if entry.rehearsal:
        line += " (rehearsal)"
    return f"{line}, {span_text(entry.started, entry.ended)}"


def _evidence_by_kind(entries: list[EvidenceEntry]) -> list[str]:
    out: list[str] = []
    for kind, records in by_kind(entries):
        out.append(f"- {text(kind)}: {len(records)} record{'s' if len(records) != 1 else ''}")
        for entry in records:
            out += _evidence(entry, "  ")
    return [*out, ""]


def _details(details: list[Detail], indent: str) -> list[str]:
    out: list[str] = []
    for detail in details:
        label = text(detail.label[:1].upper() + detail.label[1:])
        if detail.entries:
            out.append(f"{indent}- {label}:")
            out += [f"{indent}  - {text(entry)}" for entry in detail.entries]
        else:
            out.append(f"{indent}- {label}: {text(detail.value)}")
    return out


def _item(item: ItemEntry, evidence: dict[str, EvidenceEntry]) -> list[str]:
    state = f"{item.symbol} **{item.state}**"
    out = [f"- {state}: {text(item.text)} ({code(item.id)})"]
    if detail_shown(item):
        out.append(f"  - For this country: {text(detail_shown(item))}")
    if item.reason:
        label = "Not applicable because" if item.state == "not applicable" else "Reason"
        out += multiline(label, reason_shown(item), "  ")
    record = basis_record(item, evidence)
    if record is not None and recorded_by_its_run(item, record):
        pass  # the basis line below says who ran it and when
    elif recorded_in_its_basis(item):
        pass  # the basis line below says who and when, or that nobody recorded it
    elif item.changed_by or item.changed_at:
        who = text(item.changed_by) if item.changed_by else "someone"
        out.append(f"  - Recorded by {who}, {moment_text(item.changed_at)}")
    elif item.derived:
        out.append("  - Follows from the session (not recorded by anyone)")
    note = shown_note(item, evidence)
    if note:
        out += multiline("Note", note, "  ")
    if record is not None:
        by = f", by {text(record.by)}" if recorded_by_its_run(item, record) and record.by else ""
        out.append(f"  - Basis: evidence {_ref_words(record, basis_said_beyond(item, record))}{by}")
    elif item.basis != "none":
        basis = text(with_refs(basis_words(item), evidence))
        out.append(f"  - Basis: **{basis}**" if basis_attention(item) else f"  - Basis: {basis}")
    out += [
        f"  - Evidence {_ref_words(evidence[i])}"
        for i in item.evidence
        if record is None or i != record.id
    ]
    for evidence_id in item.missing_evidence:
        out.append(f"  - Evidence {code(evidence_id)}: **missing from the evidence log**")
    for evidence_id in item.unverified_evidence:
        out.append(
            f"  - Evidence {code(evidence_id)}: **does not verify** (not counted; see the evidence log)"
        )
    out += [f"  - {text(note)}" for note in item.review_notes]
    return out


def _rule_run(rule: str, items: list[ItemEntry]) -> list[str]:
    """Items one catalog rule makes not applicable, the rule said once for all of them."""
    first = items[0]
    by_rule = "each by the rule (derived from the session; not recorded by anyone)"
    head = f"- {first.symbol} **{first.state}**, {by_rule}: {text(rule)}"
    return [head, *(f"  - {text(item.text)} ({code(item.id)})" for item in items)]


def _items(items: list[ItemEntry], evidence: dict[str, EvidenceEntry]) -> list[str]:
    out: list[str] = []
    for rule, run in item_runs(items):
        out += _rule_run(rule, run) if rule else _item(run[0], evidence)
    return out


def _country(block: CountryBlock, evidence: dict[str, EvidenceEntry]) -> list[str]:
    out = [f"#### {text(block.name)} ({block.code}): {block.progress.text}", ""]
    out += fact_lines(block.requirements)
    record = tax_check_record(block, evidence)
    if record is not None and block.tax_id_verification is not None:
        v = block.tax_id_verification
        out.append(
            f"- **Tax ID verification**: {text(v.number)}: **{words(v.outcome)}**, "
            f"{moment_text(v.checked_at)} (evidence **{record.ref}** says how)"
        )
    elif block.tax_id_verification is not None:
        v = block.tax_id_verification
        line = f"{text(v.number)}: **{words(v.outcome)}** by {text(v.method)}, {moment_text(v.checked_at)}"
        if v.message:
            line += f"; {text(v.message)}"
        if v.vies:
            line += f"; VIES: {text(v.vies)}"
        out.append(f"- **Tax ID verification**: {line}")
    else:
        out.append("- **Tax ID verification**: not run yet")
    if block.certificate is not None:
        c = block.certificate
        out.append(
            f"- **Certificate**: {text(c.subject)}, issued by {text(c.issuer)}, **{words(c.verdict)}**"
        )
        out.append(f"  - SHA-256 fingerprint: {code(c.fingerprint_sha256)}")
        expiry = f"{moment_text(c.not_after)} ({c.days_to_expiry} days after this report)"
        if c.days_to_expiry < 0:
            expiry = f"{moment_text(c.not_after)} (**EXPIRED** {-c.days_to_expiry} days before this report)"
        out.append(f"  - Valid from {moment_text(c.not_before)} to {expiry}")
        details = [
            f"serial {code(c.serial)}",
            f"file {code(c.file)}",
            f"inspected {moment_text(c.inspected_at)}",
        ]
        if c.kind:
            details.insert(0, f"kind {text(c.kind)}")
        out.append("  - " + ", ".join(details))
        out += [f"  - {text(message)}" for message in c.messages]
    out.append("")
    out += _items(block.items, evidence)
    return [*out, ""]


def _section(section: SectionEntry, level: str, evidence: dict[str, EvidenceEntry]) -> list[str]:
    out: list[str] = []
    if section.facts:
        out += [*fact_lines(section.facts), ""]
    for table in section.tables:
        out += table_lines(table)
    for block in section.countries:
        out += _country(block, evidence)
    if section.id == "compliance" and not section.countries:
        out += ["No country added to the deployment yet.", ""]
    for group in section.groups:
        if group.title:
            out += [f"{level}# {text(group.title)}", ""]
        out += [*_items(group.items, evidence), ""]
    return out


def render_markdown(report: Report) -> str:
    """The report as Markdown text (UTF-8, LF line ends, one trailing newline): the one-page
    summary first, then every section's items, then every evidence record once."""
    s = report.summary
    evidence = report.evidence_by_id()
    out = head_lines(report)
    out += ["## Summary", "", *readiness_lines(report), *attestation_lines(report)]
    out += [*country_lines(report), *chain_lines(report)]
    out += [
        "## Key dates",
        "",
        *fact_lines(s.dates),
        "",
        "## Targets",
        "",
        *fact_lines(s.targets),
        "",
    ]
    for phase in report.phases:
        out += [f"## {text(phase.title)}", ""]
        single = len(phase.sections) == 1
        for section in phase.sections:
            if single:
                out += [f"{text(section.title)}: {section.progress.text}.", ""]
                out += _section(section, "##", evidence)
            else:
                out += [f"### {text(section.title)}: {section.progress.text}", ""]
                out += _section(section, "###", evidence)
    other = set(report.other_evidence)
    named = [e for e in report.evidence if e.id not in other]
    if named:
        out += ["## Evidence", "", "Every record the items above name, once, by kind.", ""]
        out += _evidence_by_kind(named)
    if report.other_evidence:
        out += ["## Other evidence", "", "Records of the evidence log no checklist item names.", ""]
        out += _evidence_by_kind([evidence[i] for i in report.other_evidence])
    out += ["---", "", f"Generated {moment_text(report.generated_at)} by {text(report.generator)}."]
    while out and not out[-1]:
        out.pop()
    cleaned: list[str] = []
    for line in out:
        if line == "" and cleaned and cleaned[-1] == "":
            continue
        cleaned.append(line.rstrip())
    return "\n".join(cleaned) + "\n"
