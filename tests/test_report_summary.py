"""Issue 16: a report an auditor reads in minutes. Each evidence record is written once, with a
stable id (E1...), items name it by that id with a one-line outcome, and a one-page summary
comes first: readiness, gates and overrides, attestations, per-country state, open items."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from golive.report import Report, build_report, render
from golive.session.store import load
from test_report_sessions import FROZEN_NOW, ROLLBACK_ITEMS, WATCH_ITEMS, shared_evidence_session


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.setenv("GOLIVE_NOW", FROZEN_NOW)
    path = shared_evidence_session(tmp_path)
    return build_report(load(path), path)


def _record_of(report: Report, kind: str) -> tuple[str, str]:
    entry = next(e for e in report.evidence if e.kind == kind)
    return entry.id, entry.ref


def test_evidence_ids_are_stable_and_in_log_order(report: Report) -> None:
    assert [e.ref for e in report.evidence] == [f"E{n}" for n in range(1, len(report.evidence) + 1)]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_each_evidence_record_is_written_once(report: Report, fmt: str) -> None:
    out = render(report, fmt)
    for entry in report.evidence:
        # the full record (its log id and its result) appears once, however many items name it
        once = f"(record `{entry.id}`)" if fmt == "md" else f"(record <code>{entry.id}</code>)"
        assert out.count(once) == 1, entry.id
        if entry.summary:
            assert out.count(entry.summary) == 1, entry.summary
    assert out.count("CERTIFICATE_VERIFY_FAILED (0)") == 1
    assert out.count("http_requests_total") == 1


def test_items_name_their_record_by_id_with_a_one_line_outcome(report: Report) -> None:
    md = render(report, "md")
    _, rollback = _record_of(report, "rollback")
    _, watch = _record_of(report, "watch")
    for item_id in ROLLBACK_ITEMS:
        block = md.split(f"(`{item_id}`)\n", 1)[1].split("\n- ", 1)[0]
        assert re.search(
            rf"  - (Basis: evidence|Evidence) \*\*{rollback}\*\*( \(passed\))?: Rollback, ✓ passed, ",
            block,
        ), item_id
    for item_id in WATCH_ITEMS:
        block = md.split(f"(`{item_id}`)\n", 1)[1].split("\n- ", 1)[0]
        assert re.search(rf"\*\*{watch}\*\*( \(failed\))?: Watch, ✗ failed, ", block), item_id
        assert "CERTIFICATE_VERIFY_FAILED" not in block
    html = render(report, "html")
    assert html.count(f'href="#evidence-{rollback}"') == len(ROLLBACK_ITEMS)


def test_the_summary_comes_first_and_names_open_items_and_overrides(report: Report) -> None:
    md = render(report, "md")
    first_section = md.split("\n## ", 2)[1]
    assert first_section.startswith("Summary\n")
    summary = first_section
    assert "Gate overridden by Grace Hopper" in summary
    for readiness in report.summary.readiness:
        for blocking in readiness.blocking:
            assert f"(`{blocking.id}`)" in summary, blocking.id
    assert "### Attestations" in summary and "attested by Ada Lovelace" in summary
    assert "- Germany (DE): " in summary and "- Mexico (MX): " in summary
    assert "### Evidence log" in summary
    assert md.index("## Summary") < md.index("## Pre-Deployment") < md.index("## Evidence\n")
    html = render(report, "html")
    assert html.index('id="summary"') < html.index('class="phase"') < html.index('id="evidence"')


def test_the_json_keeps_the_full_data_and_the_refs(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert [e["ref"] for e in data["evidence"]][:2] == ["E1", "E2"]
    assert "attestations" in data["summary"] and data["summary"]["word_only"] >= 1
    assert [c["code"] for c in data["summary"]["country_states"]] == ["DE", "IT", "MX"]


def test_a_bad_format_names_the_report_field_and_the_cli_shows_the_flag(report: Report) -> None:
    from golive.cli.flags import for_cli
    from golive.session.errors import BadInputError

    with pytest.raises(BadInputError) as caught:
        render(report, "pdf")
    assert caught.value.where == "report.format"
    assert "--format" in for_cli(caught.value)
