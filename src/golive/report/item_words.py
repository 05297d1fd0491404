"""How an item's lines are said where the report already says part of them: a country fact the
item points to, a rule said once for the items it makes not applicable, a tax ID check its
evidence record says in full. Both formats (Markdown, HTML) say them through these."""

from __future__ import annotations

from golive.report.types import (
    CountryBlock,
    EvidenceEntry,
    ItemEntry,
)
from golive.report.words import (
    basis_record,
    moment_text,
)


def detail_shown(item: ItemEntry) -> str:
    """What the item means for its country, unless a country fact above says it or the item's
    state follows from it (its reason says it)."""
    return "" if item.said_above or item.derived else item.detail


def reason_shown(item: ItemEntry) -> str:
    """Why the item is not applicable or blocked. A catalog rule the country's facts above
    state is named there, not said again."""
    if item.derived and item.said_above and item.reason == item.detail:
        return f"not required on the dates judged: see “{item.said_above}” above"
    return item.reason


def _said_by_its_rule(item: ItemEntry) -> bool:
    """Nothing but a catalog rule stands behind the item: no person, record, note or review."""
    return (
        item.derived
        and item.basis == "not_applicable_rule"
        and bool(item.reason)
        and not (item.evidence or item.note or item.review_notes or item.missing_evidence)
        and not item.unverified_evidence
    )


def item_runs(items: list[ItemEntry]) -> list[tuple[str, list[ItemEntry]]]:
    """Items in order, those next to each other that one catalog rule makes not applicable
    together: ("", [item]) for an item said on its own, (the rule, [items]) for a run of two or
    more (the rule is said once for the run)."""
    runs: list[tuple[str, list[ItemEntry]]] = []
    for item in items:
        rule = reason_shown(item) if _said_by_its_rule(item) else ""
        if rule and runs and runs[-1][0] == rule:
            runs[-1][1].append(item)
        else:
            runs.append((rule, [item]))
    return [(rule if len(run) > 1 else "", run) for rule, run in runs]


def tax_check_record(
    block: CountryBlock, evidence: dict[str, EvidenceEntry]
) -> EvidenceEntry | None:
    """The evidence record that says the country's tax ID check in full (number, method, words,
    moment): the country's facts then name it instead of saying the check again."""
    check = block.tax_id_verification
    if check is None:
        return None
    for item in block.items:
        if not item.id.endswith(".tax_id"):
            continue
        record = basis_record(item, evidence)
        if record is None or moment_text(check.checked_at) not in (
            moment_text(record.started),
            moment_text(record.ended),
        ):
            return None
        said = [check.number, check.method, check.message, check.vies]
        return record if all(part in record.summary for part in said if part) else None
    return None
