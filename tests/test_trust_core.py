"""Issue 12, the trust core: every item state carries its basis, evidence-bound items are ticked by
hand only as attestations, a state against the newest evidence is refused unless attested, and
one gate engine decides the gates and readiness everywhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import RunGolive
from golive.report import build_report, render
from golive.session import evidence
from golive.session.checklist import (
    build_checklist,
    gate_status,
    override_gate,
    require_gate,
    set_item_status,
)
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord
from golive.session.model import ItemStatus, Session
from golive.session.store import SessionFile, evidence_path, load
from session_factory import make_session

NOW = "2026-11-20T10:00:00+00:00"


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)


def run(
    session: Session,
    path: Path,
    item_id: str,
    outcome: str,
    status: ItemStatus,
    kind: str = "check",
) -> str:
    """A run of golive's recorded the way the product records one (the real evidence log)."""
    record = EvidenceRecord(
        kind=kind,
        environment="production",
        outcome=outcome,  # type: ignore[arg-type]
        summary=f"{item_id}: {outcome}",
        items=[item_id],
        by="Ada",
    )
    evidence.record(session, evidence_path(path), record, {item_id: status})
    return record.id


def proven_session(path: Path) -> Session:
    """A session where every item the gates need is done, on evidence where golive proves it."""
    session = make_session(("DE",))
    SessionFile.create(path, session)
    session = load(path)
    for item in build_checklist(session).items:
        if not item.readiness or (item.ready and item.proven):
            continue
        if item.evidence_bound:
            run(session, path, item.id, "passed", ItemStatus.DONE)
        else:
            set_item_status(session, item.id, "done", by="Ada", note="checked")
    return session


def save(session: Session, path: Path) -> None:
    handle = SessionFile.open(path)
    handle.session = session
    handle.save()


# --- the failures of the issue, reproduced ------------------------------------------------------


def test_hand_tick_of_the_single_transaction_is_refused_and_the_file_untouched(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive("new", "acme", "--countries", "DE", "--engineer", "Ada", "--no-tui")
    path = golive_home / "sessions" / "acme.toml"
    before = path.read_bytes()
    result = run_golive(
        "item", "acme", "production.single_transaction", "--status", "done", "--note", "trust me"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "attestation" in result.stderr and "--attest" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    report = run_golive("export", "acme", "--format", "md")
    assert "✓ **done**: Test with single transaction" not in report.stdout


def test_smoke_tests_ticked_over_a_failed_run_are_refused(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive("new", "acme", "--countries", "DE", "--engineer", "Ada", "--no-tui")
    path = golive_home / "sessions" / "acme.toml"
    handle = SessionFile.open(path)
    failed = run(handle.session, path, "staging.smoke_tests", "failed", ItemStatus.FAILED)
    handle.save()
    before = path.read_bytes()
    result = run_golive("item", "acme", "staging.smoke_tests", "--status", "done", "--note", "ok")
    assert result.returncode == 2
    assert f"contradicts evidence #{failed} (failed)" in result.stderr
    assert path.read_bytes() == before
    # attested: recorded, and every presenter says it contradicts the evidence
    attested = run_golive(
        "item", "acme", "staging.smoke_tests", "--status", "done", "--attest", "re-ran by hand"
    )
    assert attested.returncode == 0, attested.stderr
    words = f"contradicts evidence #{failed} (failed)"
    assert words in attested.stdout
    assert words in run_golive("status", "acme").stdout
    document = json.loads(run_golive("status", "acme", "--json").stdout)
    (item,) = [i for i in document["items"] if i["id"] == "staging.smoke_tests"]
    assert item["basis"]["kind"] == "attested" and item["basis"]["contradicts_evidence"]
    assert item["basis"]["evidence_id"] == failed
    assert words in run_golive("export", "acme", "--format", "md").stdout
    data = json.loads(run_golive("export", "acme", "--format", "json").stdout)
    entries = [
        i
        for phase in data["phases"]
        for section in phase["sections"]
        for group in section["groups"]
        for i in group["items"]
        if i["id"] == "staging.smoke_tests"
    ]
    assert entries[0]["basis"] == "attested" and entries[0]["contradicts_evidence"] is True


def test_a_non_evidence_bound_item_against_failed_evidence_needs_an_attestation() -> None:
    session = make_session(("DE",))
    set_item_status(session, "credentials.vault", "failed", by="scan", evidence=["scan1"])
    with pytest.raises(BadInputError, match=r"contradicts evidence #scan1 \(failed\)"):
        set_item_status(session, "credentials.vault", "done", by="Ada", note="fine")
    set_item_status(session, "credentials.vault", "done", by="Ada", attestation="false positive")
    basis = build_checklist(session)["credentials.vault"].basis
    assert basis.kind.value == "attested" and basis.contradicts
    assert "contradicts evidence #scan1 (failed)" in basis.text
    # a later passing run is evidence again; the attestation no longer stands
    set_item_status(session, "credentials.vault", "done", by="scan", evidence=["scan2"])
    basis = build_checklist(session)["credentials.vault"].basis
    assert basis.kind.value == "evidence" and basis.text == "evidence #scan2 (passed)"


def test_attested_shows_in_report_status_and_gate_as_attestation_and_override(
    run_golive: RunGolive, golive_home: Path
) -> None:
    path = golive_home / "sessions" / "acme.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    session = proven_session(path)
    session.items.pop("production.single_transaction")
    save(session, path)
    assert run_golive("gate", "acme", "golive").returncode == 1
    tick = ("item", "acme", "production.single_transaction", "--status", "done")
    assert run_golive(*tick).returncode == 2
    assert run_golive(*tick, "--attest", "ran it in Postman, ticket 42").returncode == 0

    gate = run_golive("gate", "acme", "golive")
    assert gate.returncode == 0, gate.stdout  # passable: the attestation counts as an override
    assert "golive: passable by override" in gate.stdout
    assert "attested, not proven" in gate.stdout and "ticket 42" in gate.stdout
    assert "override: Test with single transaction (attested by Ada" in gate.stdout

    required = run_golive("status", "acme", "--require", "golive")
    assert required.returncode == 1  # not ready: nothing proved it
    assert "attested, not proven" in required.stdout
    document = json.loads(run_golive("status", "acme", "--json").stdout)
    assert document["ready_for_golive"] is False and document["gates"]["golive"]["passable"]
    assert document["gates"]["golive"]["attested"] == ["production.single_transaction"]
    assert document["blocking_golive"] == ["production.single_transaction"]

    md = run_golive("export", "acme", "--format", "md").stdout
    assert "- **Ready for go-live**: ✗ **NO**, 1 attested, not proven, blocks it" in md
    assert (
        "Test with single transaction (`production.single_transaction`); not proven, counted "
        "only as an override: attested by Ada Lovelace" in md
    )
    assert "  - Basis: **attested by Ada Lovelace on 2026-11-20 10:00 UTC: ran it in Postman" in md
    assert run_golive("export", "acme", "--format", "html").returncode == 0
    html = path.with_name("acme.report.html").read_text("utf-8")
    assert "<strong>not proven, counted only as an override</strong>: attested by Ada" in html
    assert "<strong>attested by Ada Lovelace on 2026-11-20 10:00 UTC: ran it in Postman" in html


def test_gate_and_status_require_agree_on_a_demo_like_session(
    run_golive: RunGolive, golive_home: Path
) -> None:
    from golive.tui.launch import demo_session

    path = golive_home / "sessions" / "demo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    session = demo_session("https://127.0.0.1:9", "", "demo-client", "DEMO-001")
    SessionFile.create(path, session)
    session = load(path)
    # the demo walked half way: the staging smoke tests passed (the old production gate's item)
    run(session, path, "staging.smoke_tests", "passed", ItemStatus.DONE, kind="smoke")
    save(session, path)

    def agree() -> dict[str, int]:
        codes = {}
        for gate in ("production", "golive"):
            gated = run_golive("gate", "demo", gate).returncode
            required = run_golive("status", "demo", "--require", gate).returncode
            assert gated == required, (gate, gated, required)
            codes[gate] = gated
        return codes

    assert agree() == {"production": 1, "golive": 1}
    proven = proven_session(golive_home / "sessions" / "proven.toml")
    session = load(path)
    session.items = {**proven.items}
    session.countries = proven.countries
    save(session, path)
    assert agree() == {"production": 0, "golive": 0}


@pytest.mark.parametrize(
    "hold",
    ["production.deploy missing", "rollback in progress", "verify_config failed", "expired"],
)
def test_the_golive_gate_is_held_by_what_the_walkthrough_found(tmp_path: Path, hold: str) -> None:
    path = tmp_path / "s.toml"
    session = proven_session(path)
    assert gate_status(session, "golive").open and build_checklist(session).ready_for_golive
    if hold == "production.deploy missing":
        session.items.pop("production.deploy")
        expected = "Deploy code to production (todo)"
    elif hold == "rollback in progress":
        session.rollback.started_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        expected = "a rollback is in progress (started 2026-11-20 09:00 UTC"
    elif hold == "verify_config failed":
        run(session, path, "staging.verify_config", "failed", ItemStatus.FAILED)
        expected = "Verify configuration (failed)"
    else:
        session.credentials.expires_on = date(2026, 11, 19)
        expected = "the production credentials expired on 2026-11-19"
    status = gate_status(session, "golive")
    assert not status.open and not status.passable
    assert expected in status.sentence
    assert status.sentence.startswith("Go-live is held: ")
    assert not build_checklist(session).ready_for_golive
    with pytest.raises(GoliveError, match="Go-live is held"):
        require_gate(session, "golive")
    report = build_report(session, path)
    golive = report.summary.readiness[1]
    assert golive.ready is False and expected in golive.verdict
    md = render(report, "md").split("## Key dates")[0]
    if hold in ("rollback in progress", "expired"):
        assert f"  - Held: {expected}" in md
    else:
        item_id = "production.deploy" if "Deploy" in expected else "staging.verify_config"
        assert f"(`{item_id}`)" in md


def test_credentials_expiring_inside_the_window_and_watch_hold_both_gates(tmp_path: Path) -> None:
    session = proven_session(tmp_path / "s.toml")
    # the watch after a go-live today runs 48 hours: expiring tomorrow is inside it
    session.credentials.expires_on = date(2026, 11, 21)
    for gate in ("production", "golive"):
        status = gate_status(session, gate)
        assert not status.open
        assert "expire on 2026-11-21, before the end of the go-live window" in status.sentence
    session.credentials.expires_on = date(2026, 11, 22)  # valid through the 22nd: after the watch
    assert gate_status(session, "golive").open


def test_chain_problems_hold_both_gates_and_are_listed(tmp_path: Path) -> None:
    session = proven_session(tmp_path / "s.toml")
    problem = "s.evidence.jsonl:3: the hash chain breaks here"
    for gate in ("production", "golive"):
        status = gate_status(session, gate, chain_problems=[problem])
        assert not status.open and problem in status.sentence
        assert build_checklist(session).gate(gate, [problem]).holds == [
            f"the evidence log: {problem}"
        ]


def test_an_override_makes_a_held_gate_passable_not_open(tmp_path: Path) -> None:
    session = proven_session(tmp_path / "s.toml")
    session.items.pop("production.deploy")
    override_gate(session, "golive", "deployed by the customer's own pipeline", by="Ada")
    status = gate_status(session, "golive")
    assert status.passable and not status.open
    assert not build_checklist(session).ready_for_golive
    assert "It may go ahead: overridden by Ada" in status.sentence
    item = build_checklist(session)["production.deploy"]
    assert item.basis.kind.value == "overridden"
    assert "the golive gate was passed by override: Ada" in item.basis.text
    require_gate(session, "golive")  # passes: the override is in force


def test_gate_texts_read_as_sentences_in_both_states(tmp_path: Path) -> None:
    session = proven_session(tmp_path / "s.toml")
    assert gate_status(session, "golive").sentence == (
        "Go-live may go ahead: every item it needs is done."
    )
    assert gate_status(session, "production").sentence == (
        "Production may go ahead: every pre-deployment and staging item is done."
    )
    session.items.pop("support.first_line")
    session.items.pop("rollback.plan")
    assert gate_status(session, "golive").sentence == (
        "Go-live is held: 2 items are not done yet (First-line support model chosen (todo); "
        "Rollback plan prepared (todo))."
    )
    for text in (gate_status(session, g).sentence for g in ("production", "golive")):
        assert "Gate open" not in text and "is held until" not in text


def test_every_item_carries_its_basis(tmp_path: Path) -> None:
    session = make_session(("DE", "MX"))
    set_item_status(session, "compliance.MX.certificate", "failed", by="c", evidence=["cert1"])
    set_item_status(
        session, "compliance.MX.platform", "not_applicable", by="Ada", reason="PAC contracted"
    )
    set_item_status(session, "monitoring.logging", "done", by="Ada", attestation="saw the logs")
    checklist = build_checklist(session)
    kinds = {i.id: i.basis.kind.value for i in checklist.items}
    assert kinds["credentials.obtained"] == "attested"  # a person's word (not evidence-bound)
    assert kinds["compliance.MX.certificate"] == "evidence"
    assert checklist["compliance.MX.certificate"].basis.text == "evidence #cert1 (failed)"
    assert kinds["compliance.DE.certificate"] == "not_applicable_rule"
    assert kinds["compliance.MX.platform"] == "not_applicable_reason"
    assert kinds["monitoring.logging"] == "attested"
    assert kinds["credentials.vault"] == "none"
    assert checklist["credentials.vault"].basis.text == "nothing recorded"


def test_the_attestation_round_trips_deterministically(tmp_path: Path) -> None:
    from golive.session.store import dumps

    session = make_session(("DE",))
    set_item_status(session, "monitoring.logging", "done", by="Ada", attestation="saw the logs")
    set_item_status(session, "staging.smoke_tests", "failed", by="Ada", evidence=["run1"])
    text = dumps(session)
    path = tmp_path / "s.toml"
    path.write_bytes(text)
    again = load(path)
    assert dumps(again) == text
    assert again.items["monitoring.logging"].attestation == "saw the logs"
    assert again.items["staging.smoke_tests"].evidence_status is ItemStatus.FAILED
    # an item no run and no attestation touched writes none of the new keys
    assert (
        "attestation"
        not in text.decode().split('[items."credentials.obtained"]')[1].split("[items.")[0]
    )


def test_window_end_follows_the_chosen_production_window(tmp_path: Path) -> None:
    from golive.session.sections import DeploymentWindow

    session = proven_session(tmp_path / "s.toml")
    start = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
    session.production.window = DeploymentWindow(start=start, end=start + timedelta(hours=3))
    session.credentials.expires_on = date(2026, 12, 6)
    assert not gate_status(session, "golive").open  # the watch runs to 8 December
    session.credentials.expires_on = date(2026, 12, 8)
    assert gate_status(session, "golive").open


def test_an_attestation_is_one_printable_line() -> None:
    session = make_session(("DE",))
    with pytest.raises(BadInputError, match="line break or a control character"):
        set_item_status(session, "monitoring.logging", "done", attestation="ok\x1b[2Jgone")
    assert "monitoring.logging" not in session.items
