"""The report's content in all three formats: every item, escaping, evidence, schema, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt
from pydantic import BaseModel

from golive.report import (
    build_report,
    default_output,
    export_report,
    render,
    report_json_schema,
)
from golive.report.markdown import text as md_text
from golive.report.model import Report, _leftover_facts, measurement, safe_url, scrub
from golive.session import checklist as checklist_module
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.model import Session
from golive.session.store import SessionFile, evidence_path, load
from test_report_sessions import FINGERPRINT, FROZEN_NOW, XSS, demo_session, rich_session

FORMATS = ("md", "html", "json")


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", FROZEN_NOW)


def report_of(path: Path) -> Report:
    return build_report(load(path), path)


def all_formats(path: Path) -> dict[str, str]:
    report = report_of(path)
    return {fmt: render(report, fmt) for fmt in FORMATS}


def section_titles() -> list[str]:
    definition = checklist_module.definition()
    return [p.title for p in definition.phases] + [s.title for s in definition.sections]


# --- every item, every section ------------------------------------------------------------------


def test_every_checklist_id_of_the_session_is_in_every_format(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    ids = [item.id for item in build_checklist(load(path)).items]
    assert len(ids) == 58
    for fmt, output in all_formats(path).items():
        missing = [item_id for item_id in ids if item_id not in output]
        assert not missing, f"{fmt}: {missing}"


def test_the_model_follows_the_checklist_order_and_structure(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    report = report_of(path)
    assert report.item_ids() == [item.id for item in build_checklist(load(path)).items]
    assert [p.title for p in report.phases] == [
        "Pre-Deployment Checklist",
        "Deployment Steps",
        "Post-Deployment Monitoring",
        "Rollback Plan",
        "Support Escalation",
    ]
    pre = report.phases[0]
    assert [s.title for s in pre.sections] == [
        "Credentials",
        "Environment Configuration",
        "Compliance Registration",
        "Monitoring Setup",
    ]
    compliance = pre.sections[2]
    assert [c.code for c in compliance.countries] == ["DE", "IT", "MX"]
    assert compliance.groups == []
    post = report.phases[2].sections[0]
    assert [g.title for g in post.groups] == ["First 24 hours", "First week", "Ongoing"]


def test_every_section_title_is_in_every_format(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    for fmt, output in all_formats(path).items():
        for title in section_titles():
            assert title in output, f"{fmt}: {title}"


def test_states_come_from_the_checklist_with_words_and_symbols(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    report = report_of(path)
    checklist = build_checklist(load(path))
    entries = {
        item.id: item
        for phase in report.phases
        for section in phase.sections
        for item in [i for g in section.groups for i in g.items]
        + [i for c in section.countries for i in c.items]
    }
    for item in checklist.items:
        entry = entries[item.id]
        assert entry.status is item.status
        assert entry.reason == item.reason
        assert entry.derived == item.derived
    md = render(report, "md")
    assert "- ✓ **done**: Production API credentials obtained from Thomson Reuters" in md
    assert "- ⊘ **blocked**: VAT registration completed (`compliance.MX.vat_registration`)" in md
    assert "  - Reason: waiting for SAT" in md
    assert "- – **not applicable**: Application logging configured" in md
    assert "  - Not applicable because: the customer's platform logs" in md
    assert "- ◐ **in progress**: Access limited to authorized personnel" in md
    assert "- ✗ **failed**: Run smoke tests" in md
    assert "- ○ **open**: Retry logic configured" in md
    # derived: Germany needs no certificate, said in the catalog's words in the country's facts;
    # the item names that fact
    assert "- **Certificate**: not required: No certificate or seal is required of the issuer" in md
    assert "Not applicable because: not required on the dates judged: see “Certificate” above" in md
    html = render(report, "html")
    # never by colour alone: the state is written out
    assert '<span class="state blocked">⊘ blocked</span>' in html
    assert '<span class="state not_applicable">– not applicable</span>' in html


def test_who_when_and_notes(tmp_path: Path) -> None:
    md = all_formats(rich_session(tmp_path))["md"]
    # who and when, once: in the basis (a line "Recorded by" would say it again)
    assert "  - Note: issued by TR\n  - Basis: Ada Lovelace's word (2026-11-02 09:30 UTC)" in md
    # a note of several lines keeps its lines
    assert "  - Note:\n    - waiting for the access list\n    - from IT" in md


# --- summary --------------------------------------------------------------------------------------


def test_summary_on_top(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    report = report_of(path)
    s = report.summary
    assert (s.deployment, s.customer, s.partner, s.engineer) == (
        "ACME EU and LATAM",
        "ACME Corp",
        "Partner GmbH",
        "Ada Lovelace",
    )
    assert [c.code for c in s.countries] == ["DE", "IT", "MX"]
    assert [c.code for c in s.removed_countries] == ["FR"]
    checklist = build_checklist(load(path))
    production, golive = s.readiness
    assert production.ready is checklist.ready_for_production is False
    assert [b.id for b in production.blocking] == [i.id for i in checklist.blocking("production")]
    assert [b.id for b in golive.blocking] == [i.id for i in checklist.blocking("golive")]
    assert production.overrides[0].reason.startswith("Pilot only")
    md = render(report, "md")
    head = md.split("## Key dates")[0]
    assert head.startswith("# Production go-live report: ACME EU and LATAM\n")
    # issue 12: items a person vouches for where golive proves with evidence are counted apart
    assert (
        "- **Ready for production**: ✗ **NO**, 17 open items and 3 attested, not proven, block it"
        in head
    )
    assert (
        "- **Ready for go-live**: ✗ **NO**, 23 open items and 3 attested, not proven, block it"
        in head
    )
    assert (
        "Production API endpoint configured (`environment.endpoint`); not proven, counted only "
        "as an override: attested by Ada Lovelace" in head
    )
    assert "Gate overridden by Grace Hopper, 2026-11-06 03:00 UTC. Reason: Pilot only" in head
    assert "- **Countries**: Germany (DE), Italy (IT), Mexico (MX)" in head
    for fact in ("Session created", "Production window", "Pilot enabled", "Report generated"):
        assert f"**{fact}**" in md


def test_a_ready_session_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ready.toml"
    session = Session()
    checklist = build_checklist(session)
    for item in checklist.items:
        if item.readiness and item.open:
            proof = [f"run-{item.id}"] if item.evidence_bound else []
            checklist_module.set_item_status(session, item.id, "done", by="Ada", evidence=proof)
    SessionFile.create(path, session)
    report = report_of(path)
    assert [r.ready for r in report.summary.readiness] == [True, True]
    md = render(report, "md")
    assert "- **Ready for production**: ✓ **YES**\n" in md
    assert "- **Ready for go-live**: ✓ **YES**\n" in md


def test_a_demo_report_says_so_on_its_first_line(tmp_path: Path) -> None:
    outputs = all_formats(demo_session(tmp_path))
    assert outputs["md"].splitlines()[0] == (
        "**DEMO SESSION: this report comes from a demo session, not from a real deployment.**"
    )
    html = outputs["html"]
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<p class="demo" role="note">DEMO SESSION:')
    assert "<title>DEMO: " in html
    data = json.loads(outputs["json"])
    assert next(iter(data)) == "demo" and data["demo"] is True
    assert outputs["json"].splitlines()[1] == '  "demo": true,'
    assert data["notice"].startswith("DEMO SESSION")


def test_a_real_session_has_no_demo_notice(tmp_path: Path) -> None:
    outputs = all_formats(rich_session(tmp_path))
    for output in outputs.values():
        assert "DEMO" not in output


# --- evidence -------------------------------------------------------------------------------------


def test_live_results_against_targets_with_host_and_rehearsal(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    report = report_of(path)
    smoke = next(e for e in report.evidence if e.kind == "smoke_test")
    figures = {m.name: m for m in smoke.measurements}
    assert figures["error_rate_pct"].meets_target is False
    assert figures["error_rate_pct"].target == 1.0
    assert figures["response_time_p95_s"].meets_target is False
    assert figures["response_time_p95_s"].target == 2.0
    assert figures["requests"].target is None and figures["requests"].meets_target is None
    md = render(report, "md")
    assert "**REHEARSAL** (not against production), staging, host `api-uat.onesourcetax.com`" in md
    assert "    - Error rate: 25% (target < 1%: **NOT met**)" in md
    assert "    - Response time, 95th percentile: 2.6 s (target < 2 s: **NOT met**)" in md
    assert "    - Response time, 95th percentile: 0.41 s (target < 2 s: met)" in md
    assert "    - Requests: 4" in md
    assert "    - Diagnosis at stage `http`: HTTP 503 from calculate" in md
    assert "    - What to do: retry later" in md
    assert "production, host `api.onesourcetax.com`" in md
    html = render(report, "html")
    assert '<strong class="rehearsal">rehearsal</strong>' in html
    assert '<span class="not-met">✗ NOT met</span>' in html


def test_figures_without_a_target_and_odd_values() -> None:
    session = Session()
    session.targets.error_rate_pct = 2.0
    assert measurement(session, "error_rate_pct", 1.5).meets_target is True
    assert measurement(session, "error_rate_pct", 2.0).meets_target is False  # strictly below
    assert measurement(session, "calls", 1200).text == "1200"
    assert measurement(session, "customers", ["A", "B"]).text == "A, B"
    assert measurement(session, "latency_ms", 12.5).text == "12.5 ms"
    assert measurement(session, "breakdown", {"b": 1, "a": 2}).text == "b: 1; a: 2"


def test_certificates_and_tax_ids(tmp_path: Path) -> None:
    outputs = all_formats(rich_session(tmp_path))
    for fmt, output in outputs.items():
        assert FINGERPRINT in output, fmt
        assert "11:22:33:44" in output, fmt
        assert "DE136695976" in output, fmt
    md = outputs["md"]
    assert "(**EXPIRED** 11 days before this report)" in md
    assert "(41 days after this report)" in md
    assert "- **Tax ID verification**: ABC010203AB9: **invalid** by format and check digit" in md
    assert "- **Tax ID verification**: not run yet" in md  # Italy
    assert "**Certificate**: required: CSD (Certificado de Sello Digital) from SAT" in md
    assert "**Platform registration**: required: RFC and fiscal regime registered with SAT" in md
    data = json.loads(outputs["json"])
    mx = data["phases"][0]["sections"][2]["countries"][2]
    assert mx["certificate"]["verdict"] == "not_usable"
    assert mx["certificate"]["days_to_expiry"] == -11
    assert mx["tax_id_verification"]["outcome"] == "invalid"


def test_window_pilots_rollout_reviews_rollback_support(tmp_path: Path) -> None:
    md = all_formats(rich_session(tmp_path))["md"]
    assert (
        "- **Deployment window**: 2026-11-21 22:00 UTC to 2026-11-22 01:30 UTC (3 h 30 min)" in md
    )
    assert "| Pilot Two |   | MX, IT |" in md
    assert "| Batch B |   | Beta Ltd, Gamma SA |   | not yet |   | CFO approval |" in md
    assert "  - Reviews: 1 of 2 done, 1 overdue" in md
    assert "  - Review due 2026-11-10: done 2026-11-10 17:00 UTC by Ada Lovelace; normal" in md
    assert "  - Overdue, not done: due 2026-11-11" in md
    assert "- **Disable command**: kubectl scale deploy/onesource --replicas=0" in md
    assert (
        "- **First-line support**: Partner provides first-line support, "
        "escalates to Thomson Reuters as needed" in md
    )
    assert (
        "| 1 | Partner support team | Partner Desk |   | desk@partner.example | +49 30 1234 "
        "| confirmed on 2026-11-01 by Ada Lovelace |" in md
    )
    assert "| 2 | Partner technical team | not recorded |" in md
    assert "| 3 | Thomson Reuters support | TR Support |" in md
    assert "| 4 | Thomson Reuters engineering | not recorded |" in md


def test_records_no_item_names_are_still_shown(tmp_path: Path) -> None:
    report = report_of(rich_session(tmp_path))
    assert len(report.other_evidence) == 1
    md = render(report, "md")
    assert "## Other evidence" in md
    assert "Test alert, ✓ **passed**" in md


def test_an_intact_chain_is_stated(tmp_path: Path) -> None:
    report = report_of(rich_session(tmp_path))
    assert report.evidence_chain.ok
    assert "verified while exporting: 5 records, intact" in render(report, "md")


def test_a_broken_chain_is_stated_in_every_format(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    log = evidence_path(path)
    lines = log.read_bytes().split(b"\n")
    edited = lines[0].replace(b"DE136695976 is valid", b"DE136695976 is VALID")
    assert edited != lines[0]
    lines[0] = edited
    log.write_bytes(b"\n".join(lines))
    report = report_of(path)
    chain = report.evidence_chain
    # issue 12: the edited line itself is named (it was "line 2", the line after it), and
    # nothing from it on is verified or shown as evidence
    assert not chain.ok and chain.broken_at == 1 and chain.verified_records == 0
    assert "DOES NOT VERIFY at line 1" in chain.statement
    assert chain.problems[0].startswith("acme.evidence.jsonl:1: ")
    assert report.evidence == [] and not any(
        item.evidence
        for phase in report.phases
        for s in phase.sections
        for g in s.groups
        for item in g.items
    )
    for fmt, output in {fmt: render(report, fmt) for fmt in FORMATS}.items():
        assert "DOES NOT VERIFY at line 1" in output, fmt
        assert "DE136695976 is VALID" not in output, fmt
        if fmt != "json":
            assert "does not verify" in output, fmt
    unverified = json.loads(render(report, "json"))["evidence_chain"]["unverified"]
    assert [u["line"] for u in unverified] == [1, 2, 3, 4, 5]
    html = render(report, "html")
    assert '<div class="broken" role="alert">' in html


def test_evidence_named_by_an_item_but_gone_from_the_log(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    evidence_path(path).unlink()
    report = report_of(path)
    assert not report.evidence_chain.present
    assert len(report.evidence_chain.missing) == 4
    md = render(report, "md")
    assert "**missing from the evidence log**" in md
    assert "4 evidence records named by checklist items are not in the log" in md


# --- escaping, placeholders, secrets -------------------------------------------------------------


def test_user_text_is_escaped_in_html(tmp_path: Path) -> None:
    path = rich_session(tmp_path, text=XSS)
    html = all_formats(path)["html"]
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # customer, title, notes, reasons, contacts, evidence: all of them went through escaping
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 20


def test_a_customer_named_like_markup_in_html(tmp_path: Path) -> None:
    path = tmp_path / "xss.toml"
    session = Session()
    session.meta.customer = XSS
    session.meta.title = '"><img src=x onerror=alert(1)>'
    SessionFile.create(path, session)
    html = render(report_of(path), "html")
    assert "Customer</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>" in html
    assert "<img" not in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_user_text_cannot_make_markdown_structure_or_raw_html(tmp_path: Path) -> None:
    path = rich_session(tmp_path, text=XSS + " *x* [link](http://evil.example) # h")
    md = all_formats(path)["md"]
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in rendered
    assert "<em>x</em>" not in rendered
    assert 'href="http://evil.example"' not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("a_b _c_", "a_b \\_c\\_"),
        ("&amp;", "\\&amp;"),
        ("a < b and 2.6 s", "a < b and 2.6 s"),
        ("two\nlines", "two lines"),
    ],
)
def test_markdown_text_escaping(typed: str, escaped: str) -> None:
    assert md_text(typed) == escaped


def test_the_markdown_renders_as_a_document(tmp_path: Path) -> None:
    md = all_formats(rich_session(tmp_path))["md"]
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<h1>Production go-live report: ACME EU and LATAM</h1>" in rendered
    for title in ("Pre-Deployment Checklist", "Deployment Steps", "Support Escalation"):
        assert f"<h2>{title}</h2>" in rendered
    assert "<h3>Credentials: 2 of 3 ready (1 in progress)</h3>" in rendered
    assert "<h4>Mexico (MX): 0 of 4 ready (1 failed, 1 blocked)</h4>" in rendered
    assert rendered.count("<table>") >= 8


def test_no_template_placeholder_survives(tmp_path: Path) -> None:
    for path in (rich_session(tmp_path), demo_session(tmp_path)):
        for fmt, output in all_formats(path).items():
            for placeholder in ("{cc}", "{{", "}}", "{%", "%}", "{#", "$customer", "$contact"):
                assert placeholder not in output, (fmt, placeholder)
            assert "{document_id}" not in output
            assert not re.search(r"\bNone\b|\bnull\b(?!,?\n)", output.replace(": null", "")), fmt
            assert "Undefined" not in output


def test_urls_lose_their_credentials(tmp_path: Path) -> None:
    outputs = all_formats(rich_session(tmp_path))
    for fmt, output in outputs.items():
        assert "hunter2" not in output, fmt
        assert "token=abc" not in output, fmt
    assert (
        safe_url("https://u:p@h.example/x?api_key=1&q=2")
        == "https://***@h.example/x?api_key=***&q=2"
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Basic connectivity check passed", "Basic connectivity check passed"),
        ("Bearer token accepted", "Bearer token accepted"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "Authorization: Bearer ***"),
        ("client_secret=abc123xyz&x=1", "client_secret=***&x=1"),
        ('{"password": "hunter2"}', '{"password": "***"}'),
        (
            "flagctl off --token=abc123 --api-key k-99 -v",
            "flagctl off --token=*** --api-key *** -v",
        ),
        ("see https://bob:pw@h.example/x", "see https://***@h.example/x"),
    ],
)
def test_texts_that_may_quote_a_request_are_scrubbed(typed: str, shown: str) -> None:
    assert scrub(typed) == shown


def test_secret_references_are_named_never_valued(tmp_path: Path) -> None:
    md = all_formats(rich_session(tmp_path))["md"]
    assert (
        "| staging.client_secret | OS keyring | GOLIVE_STAGING_CLIENT_SECRET | UAT client |" in md
    )
    assert "kept in golive's secret 'alerting\\_webhook' (not shown)" in md or (
        "kept in golive's secret 'alerting_webhook' (not shown)" in md
    )


# --- JSON -----------------------------------------------------------------------------------------


def test_json_validates_against_its_schema(tmp_path: Path) -> None:
    schema = report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for path in (rich_session(tmp_path, text=XSS), demo_session(tmp_path)):
        data = json.loads(all_formats(path)["json"])
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors
    broken = json.loads(all_formats(rich_session(tmp_path, name="b"))["json"])
    broken["phases"][0]["sections"][0]["groups"][0]["items"][0]["status"] = "maybe"
    assert list(validator.iter_errors(broken))


def test_json_is_the_model_and_round_trips(tmp_path: Path) -> None:
    report = report_of(rich_session(tmp_path))
    text = render(report, "json")
    assert Report.model_validate_json(text) == report
    assert text.endswith("}\n")


def test_schema_has_an_id_and_a_title() -> None:
    schema = report_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "golive go-live report"
    assert "format_version" in schema["properties"]


# --- determinism, files ---------------------------------------------------------------------------


def test_the_same_session_gives_the_same_bytes(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    first = all_formats(path)
    second = all_formats(path)
    assert first == second
    for output in first.values():
        assert output.endswith("\n") and not output.endswith("\n\n")


def test_the_export_time_comes_from_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_session(tmp_path)
    monkeypatch.setenv("GOLIVE_NOW", "2027-02-03T04:05:06+00:00")
    report = report_of(path)
    assert report.generated_at.isoformat() == "2027-02-03T04:05:06+00:00"
    assert "Generated 2027-02-03 04:05 UTC by golive" in render(report, "md")


def test_export_report_writes_next_to_the_session_with_mode_0600(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    written = export_report(path, "html")
    assert written == tmp_path / "acme.report.html" == default_output(path, "html")
    assert written.stat().st_mode & 0o777 == 0o600
    assert written.read_text("utf-8") == render(report_of(path), "html")
    into_folder = tmp_path / "out"
    into_folder.mkdir()
    assert (
        export_report(SessionFile.open(path), "json", into_folder)
        == into_folder / "acme.report.json"
    )
    assert export_report(str(path), "md", tmp_path / "x.md").read_text("utf-8").startswith("# ")


def test_export_never_overwrites_the_session(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    before = path.read_bytes()
    for target in (path, evidence_path(path)):
        with pytest.raises(BadInputError):
            export_report(path, "md", target)
    assert path.read_bytes() == before


def test_an_unknown_format_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="not a report format"):
        render(report_of(demo_session(tmp_path)), "pdf")


def test_letter_paper_changes_only_the_page_size(tmp_path: Path) -> None:
    report = report_of(demo_session(tmp_path))
    a4 = render(report, "html")
    letter = render(report, "html", paper="letter")
    assert "size: A4;" in a4 and "size: letter;" in letter
    assert a4.replace("size: A4;", "size: letter;") == letter


def test_html_is_self_contained(tmp_path: Path) -> None:
    html = all_formats(rich_session(tmp_path))["html"]
    assert html.startswith("<!DOCTYPE html>\n")
    for outside in ("<script", "<link", "@import", "url(", "src=", "http-equiv"):
        assert outside not in html
    assert "@page" in html and "<style>" in html


def test_fields_the_report_was_not_taught_still_show() -> None:
    class Later(BaseModel):
        known: str = ""
        new_setting: int = 5
        new_list: list[str] = []
        new_text: str = ""

    facts = _leftover_facts(Later(known="x", new_list=["a", "b"], new_text="hi"), {"known"})
    assert [(f.label, f.value) for f in facts] == [("new list", "a, b"), ("new text", "hi")]


# --- the sample sessions ------------------------------------------------------------------------

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "sample_configs").glob("*.toml"))


@pytest.mark.skipif(not SAMPLES, reason="no sample sessions in sample_configs/ yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_export_is_whole_valid_and_clean(sample: Path) -> None:
    session = load(sample)
    ids = [item.id for item in build_checklist(session).items]
    outputs = all_formats(sample)
    validator = jsonschema.Draft202012Validator(
        report_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert not [e.message for e in validator.iter_errors(json.loads(outputs["json"]))]
    for fmt, output in outputs.items():
        assert not [i for i in ids if i not in output], fmt
        for title in section_titles():
            assert title in output, (fmt, title)
        for placeholder in ("{cc}", "{{", "{%", "$customer", "$contact", "{document_id}"):
            assert placeholder not in output, (fmt, placeholder)
        assert ("DEMO SESSION" in output.splitlines()[0]) is session.is_demo() or fmt != "md"
