"""A report an auditor reads in minutes (issue 16): each fact said once. Who set a state and when
is said once, in its basis; a catalog rule's words once, as the reason; an evidence record's
figures once, in its result line. Each trim is tried against a case where it would hide what
the reader needs (another person, a short number, a figure with a target)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from golive.report import build_report, render
from golive.report.markdown import render_markdown
from golive.report.model import Report
from golive.session.store import SessionFile, load
from test_report_sessions import FROZEN_NOW, _record, rich_session


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", FROZEN_NOW)


def report_of(path: Path) -> Report:
    return build_report(load(path), path)


def item_block(md: str, item_id: str) -> str:
    """An item's lines in the Markdown report: its head and its indented lines."""
    found = re.search(rf"^- .*\(`{re.escape(item_id)}`\)\n(?:  .*\n)*", md, re.M)
    assert found is not None, item_id
    return found.group(0)


def test_who_and_when_said_once_in_the_basis(tmp_path: Path) -> None:
    report = report_of(rich_session(tmp_path))
    block = item_block(render(report, "md"), "credentials.obtained")
    assert "  - Basis: Ada Lovelace's word (2026-11-02 09:30 UTC)" in block
    assert "Recorded by" not in block
    html = render(report, "html")
    head = html.index('id="item-credentials.obtained"')
    assert "Recorded by" not in html[head : html.index("</li>", head)]


def test_someone_else_than_the_basis_names_is_still_said(tmp_path: Path) -> None:
    """A state whose setter the basis does not name (an edited report model, say) keeps its
    "Recorded by" line: the trim never hides a second person."""
    report = report_of(rich_session(tmp_path))
    for phase in report.phases:
        for section in phase.sections:
            for group in section.groups:
                for index, item in enumerate(group.items):
                    if item.id == "credentials.obtained":
                        group.items[index] = item.model_copy(update={"changed_by": "Mallory"})
    block = item_block(render_markdown(report), "credentials.obtained")
    assert "  - Recorded by Mallory, 2026-11-02 09:30 UTC" in block


def test_a_catalog_rule_is_worded_once(tmp_path: Path) -> None:
    md = render(report_of(rich_session(tmp_path)), "md")
    block = item_block(md, "compliance.DE.certificate")
    rule = "No certificate or seal is required of the issuer"
    assert block.count(rule) == 1, block
    assert f"  - Not applicable because: {rule}" in block
    assert "  - Basis: the rule above (derived from the session; not recorded by anyone)" in block
    # a person's reason is not a catalog rule: said with who gave it
    person = item_block(md, "monitoring.logging")
    assert "not applicable, Ada Lovelace's reason (2026-11-02 11:00 UTC)" in person


def test_an_evidence_record_says_its_figures_once(tmp_path: Path) -> None:
    report = report_of(rich_session(tmp_path))
    md = render(report, "md")
    smoke = next(e for e in report.evidence if e.kind == "smoke_test")
    start = md.index(f"- **{smoke.ref}** ", md.index("## Evidence"))
    record = md[start : md.index("\n  - **", start)]
    # figures with a target stay, met or not; a short number stays though the result has "4"
    assert "    - Error rate: 25% (target < 1%: **NOT met**)" in record
    assert "    - Requests: 4" in record
    # the JSON export keeps every field: it is for machines, not a reading
    assert '"requests"' in render(report, "json")


def test_figures_the_result_line_says_are_not_said_again(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    handle = SessionFile.open(path)
    _record(
        handle.session,
        path,
        "tax_id",
        "passed",
        {"compliance.IT.tax_id": "done"},
        3,
        summary="IT tax ID 00743110157: valid (python-stdnum it.iva)",
        figures={"country": "IT", "number": "00743110157", "outcome": "valid", "checks": 2},
    )
    handle.save()
    report = report_of(path)
    entry = next(e for e in report.evidence if "00743110157" in e.summary)
    md = render(report, "md")
    start = md.index(f"- **{entry.ref}** ", md.index("## Evidence"))
    record = md[start : md.find("\n  - **", start)]
    assert "Result: IT tax ID 00743110157: valid" in record
    for said in ("Country: IT", "Number: 00743110157", "Outcome: valid"):
        assert said not in record, record
    assert "Checks: 2" in record  # a short number is not taken for said
    html = render(report, "html")
    start = html.index(f'id="evidence-{entry.ref}"')
    block = html[start : html.index("</div>", start)]
    assert "00743110157</strong>" not in block and "<strong>2</strong>" in block
    assert '"number": "00743110157"' in render(report, "json") or "00743110157" in render(
        report, "json"
    )
