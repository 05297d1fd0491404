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
from golive.session.checklist import set_item_status
from golive.session.model import ItemStatus, TaxIdVerification
from golive.session.store import SessionFile, load
from test_report_sessions import FROZEN_NOW, _record, at, rich_session


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
    assert "No certificate or seal is required of the issuer" not in block  # the fact above says it
    assert "  - Not applicable because: not required on the dates judged: see" in block
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


def country_section(md: str, heading: str) -> str:
    start = md.index(f"#### {heading}")
    end = md.find("\n#### ", start + 1)
    return md[start : end if end != -1 else md.index("\n### ", start)]


def test_a_countrys_rule_is_said_once_in_its_facts_and_its_items_name_the_fact(
    tmp_path: Path,
) -> None:
    md = render(report_of(rich_session(tmp_path)), "md")
    germany = country_section(md, "Germany")
    rule = "No certificate or seal is required of the issuer"
    assert germany.count(rule) == 1, germany
    assert f"- **Certificate**: not required: {rule}" in germany
    # the row's source and review date are said once, its [S] in words
    assert "reviewed 2026-11-28" not in germany.split("- **Source")[0]
    assert "[S: from a secondary source\\]" in germany
    block = item_block(md, "compliance.DE.certificate")
    assert (
        "Not applicable because: not required on the dates judged: see “Certificate” above" in block
    )
    assert "For this country" not in item_block(md, "compliance.DE.vat_registration")
    # an open question is not a fact above: the item asks it in full, with how to answer
    italy = item_block(md, "compliance.IT.certificate")
    assert (
        "golive cannot decide this: does 'invoicing Italian public bodies (FPA12)' apply" in italy
    )
    assert "- **Certificate**: asked:" in country_section(md, "Italy")
    html = render(report_of(rich_session(tmp_path / "again")), "html")
    head = html.index('id="item-compliance.DE.certificate"')
    assert "see “Certificate” above" in html[head : html.index("</li>", head)]


def test_items_one_rule_makes_not_applicable_are_listed_under_it_once(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    report = report_of(path)
    md = render(report, "md")
    rollback = md[md.index("## Rollback Plan") : md.index("## Support Escalation")]
    assert rollback.count("applies only once a rollback is started") == 3  # once per group
    head = "- – **not applicable**, each by the rule (derived from the session; not recorded by anyone)"
    assert (
        f"{head}: applies only once a rollback is started\n  - Disable the integration" in rollback
    )
    for item in ("rollback.notify", "rollback.reenable"):
        assert f"(`{item}`)" in rollback
    html = render(report, "html")
    assert html.count("each by the rule (derived from the session; not recorded by anyone)") == 3
    # a person's word on one of them takes it out of the run: said on its own, with who
    handle = SessionFile.open(path)
    set_item_status(
        handle.session, "rollback.notify", ItemStatus.NOT_APPLICABLE, by="Ada Lovelace",
        reason="the customer is told by its account manager",
    )  # fmt: skip
    handle.save()
    md = render(report_of(path), "md")
    alone = item_block(md, "rollback.notify")
    assert "the customer is told by its account manager" in alone
    assert "Ada Lovelace" in alone
    immediate = md[md.index("### Immediate") : md.index("### Investigation")]
    assert "each by the rule" not in immediate  # the two left are not a run around it


def test_a_tax_id_check_is_said_once_where_its_record_says_it_all(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    md = render(report_of(path), "md")
    # the record of Germany's check does not give the VIES answer: the facts still do
    assert "VIES: ACME DEUTSCHLAND GMBH" in country_section(md, "Germany")
    handle = SessionFile.open(path)
    check = handle.session.countries["IT"]
    check.tax_id_verification = TaxIdVerification(
        number="00743110157", method="python-stdnum it.iva", outcome="valid",
        message="a valid Partita IVA", checked_at=at(5),
    )  # fmt: skip
    record = _record(
        handle.session, path, "tax_id", "passed", {"compliance.IT.tax_id": "done"}, 5,
        summary="IT tax ID 00743110157: valid (python-stdnum it.iva); a valid Partita IVA",
    )  # fmt: skip
    handle.save()
    report = report_of(path)
    ref = next(e.ref for e in report.evidence if e.id == record.id)
    italy = country_section(render(report, "md"), "Italy")
    assert (
        f"- **Tax ID verification**: 00743110157: **valid**, {at(5):%Y-%m-%d %H:%M} UTC " in italy
    )
    assert f"(evidence **{ref}** says how)" in italy
    assert italy.count("a valid Partita IVA") == 0  # said in the record, in the Evidence section


def test_an_evidence_record_says_each_thing_once_and_in_plain_words(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    handle = SessionFile.open(path)
    zones = [
        {"zone": "Europe/Berlin", "hours_from_business": 26, "local_start": "2026-12-06T05:00:00+01:00"},
        {"zone": "Europe/Busingen", "hours_from_business": 26, "local_start": "2026-12-06T05:00:00+01:00"},
        {"zone": "Europe/Lisbon", "hours_from_business": 27, "local_start": "2026-12-06T04:00:00+00:00"},
    ]  # fmt: skip
    _record(
        handle.session, path, "window_choice", "passed", {}, 6,
        summary="2026-12-06 04:00–06:00 UTC (Sun 06 Dec 04:00 UTC); 26.0 h margin",
        figures={"countries": [{"name": "Germany", "zones": zones}], "hours_from_business": 26,
                 "start": "2026-12-06T04:00:00+00:00", "local_start": "2026-12-06T04:00:00+00:00"},
    )  # fmt: skip
    _record(
        handle.session, path, "check.connectivity", "passed", {}, 7,
        summary="connectivity against staging (uat.example) [demo]: passed (1 passed)",
        figures={"stages_ms": {"dns": 0.5, "tls": 2.25}, "checks": {"passed": 1, "total": 1}},
        diagnosis={"demo": True, "checks": [{
            "id": "transaction.IT", "outcome": "passed", "message": "SdI id 91056 (correlation id c-1)",
            "correlation_id": "c-1", "proof": {"name": "SdI id", "value": "91056"},
            "request_ids": ["r-1"],
        }]},
    )  # fmt: skip
    _record(
        handle.session, path, "verify_config", "warning", {}, 8,
        summary="5 warning(s): production uses the sandbox preset (production.preset)",
        diagnosis={"findings": [
            {"severity": "warning", "key": "production.preset", "message": "production uses the sandbox preset"},
        ]},
    )  # fmt: skip
    _record(
        handle.session, path, "verify_config", "warning", {}, 9,
        summary="1 warning(s): production uses the sandbox preset",
        diagnosis={"findings": [
            {"severity": "warning", "key": "production.preset", "message": "production uses the sandbox preset"},
        ]},
    )  # fmt: skip
    handle.save()
    md = render(report_of(path), "md")
    evidence = md[md.index("## Evidence") :]
    # zones alike said once with every zone; moments as people write them; what the result
    # line says in its own words is not said again
    assert (
        "Europe/Berlin, Europe/Busingen: hours from business 26, local start 2026-12-06 05:00 +01:00"
        in evidence
    )
    assert "Europe/Lisbon: hours from business 27, local start 2026-12-06 04:00 UTC" in evidence
    assert "- Start:" not in evidence and "- Local start:" not in evidence
    assert "- Hours from business: 26" in evidence  # said only when the window was clear
    # a figure per stage in its unit; the counts and the demo flag the result line gives, not again
    assert "- Stages: dns 0.5 ms; tls 2.25 ms" in evidence
    assert "- Checks: passed: 1" not in evidence and "- Demo: yes" not in evidence
    # a check's fields its message names are not repeated; its request ids are
    assert (
        "      - transaction.IT: passed, SdI id 91056 (correlation id c-1), request ids r-1"
        in evidence
    )
    # findings the result line lists with their settings are not listed again; a finding
    # whose setting the result line does not name is
    first, second = evidence.split("Configuration comparison", 2)[1:]
    assert "Findings" not in first.split("\n  - **")[0]
    assert (
        "      - production uses the sandbox preset, key production.preset, severity warning"
        in second
    )


def test_a_check_run_from_the_wizard_names_who_ran_it(tmp_path: Path) -> None:
    """The wizard runs the monitoring checks without naming anyone: the record names the
    session's engineer (as every other run does), so the item's basis says who in one line."""
    from golive.ops import monitoring

    path = rich_session(tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    handle = SessionFile.open(path)
    handle.session.monitoring.logging.location = str(logs)
    monitoring.check_log_location(handle.session, path)
    handle.save()
    report = report_of(path)
    record = next(e for e in report.evidence if e.kind == "log_location")
    assert record.by == "Ada Lovelace"
    block = item_block(render(report, "md"), "monitoring.logging")
    assert f"**{record.ref}**: Log location check, ✓ passed" in block and "by Ada Lovelace" in block
    assert "Recorded by" not in block
    md = render(report, "md")
    entry = md[md.index(f"- **{record.ref}** ", md.index("## Evidence")) :]
    assert "exists on" in entry.split("\n  - **")[0]
    assert "- Exists: yes" not in entry.split("\n  - **")[0]  # the result line says it


def test_a_basis_says_what_the_checklist_counted_only_where_the_record_says_otherwise(
    tmp_path: Path,
) -> None:
    path = rich_session(tmp_path)
    handle = SessionFile.open(path)
    _record(
        handle.session, path, "verify_config", "warning", {"staging.verify_config": "done"}, 9,
        summary="staging and production compared: 0 setting(s) differ; 1 warning(s): x (y)",
    )  # fmt: skip
    handle.save()
    report = report_of(path)
    md = render(report, "md")
    ref = next(e.ref for e in report.evidence if e.kind == "verify_config")
    # a warning the checklist counts as passed says both
    assert f"Basis: evidence **{ref}** (passed): Configuration comparison, ! warning" in md
    tax = next(e.ref for e in report.evidence if e.kind == "tax_id")
    # a passed record says "passed" once
    assert f"Basis: evidence **{tax}**: Tax ID verification, ✓ passed" in md


def test_the_settings_table_says_a_shared_value_once_and_shows_what_differs(
    tmp_path: Path,
) -> None:
    path = rich_session(tmp_path)
    handle = SessionFile.open(path)
    environments = handle.session.environments
    environments.production.timeouts = environments.staging.timeouts.model_copy()
    handle.save()
    md = render(report_of(path), "md")
    rows = {line.split(" | ")[0]: line for line in md.splitlines() if line.startswith("| ")}
    staging, production = environments.staging, environments.production
    assert rows["| Timeouts"].endswith("| same as staging |")
    assert staging.base_url != production.base_url
    assert production.base_url in rows["| Base URL"] and "same as" not in rows["| Base URL"]


def test_the_report_never_words_a_date_against_a_now_its_reader_does_not_share(
    tmp_path: Path,
) -> None:
    """A report is read days or years after it is made: dates are said against the report, the
    inspection or the check that said them, never "in 5 days", "today", "ago" or "from now"."""
    path = rich_session(tmp_path)
    handle = SessionFile.open(path)
    handle.session.credentials.expires_on = at(24 * 30).date()
    handle.save()
    for fmt in ("md", "html"):
        text = render(report_of(path), fmt)
        found = re.findall(r"\bin \d+ days?\b|\bago\b|\bfrom now\b|\(today\)", text)
        assert found == [], (fmt, found)
    assert "days after this report)" in render(report_of(path), "md")
