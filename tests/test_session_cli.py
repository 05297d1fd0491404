"""The headless session commands, run as a user runs them: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunGolive
from golive.session import store
from golive.session.model import ItemStatus


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


def test_version_and_help(run_golive: RunGolive) -> None:
    result = run_golive("--version")
    assert result.returncode == 0 and result.stdout.startswith("golive ")
    for command in ("new", "countries", "validate", "status", "item", "schema"):
        result = run_golive(command, "--help")
        assert result.returncode == 0 and "usage: golive" in result.stdout


def test_new_creates_a_session_with_countries_and_support(
    run_golive: RunGolive, golive_home: Path
) -> None:
    result = run_golive(
        "new",
        "acme",
        "--title",
        "ACME EU",
        "--countries",
        "it,mx",
        "--first-line-support",
        "partner",
        "--no-tui",
    )
    assert result.returncode == 0, result.stderr
    session = store.load(golive_home / "sessions" / "acme.toml")
    assert session.meta.title == "ACME EU"
    assert session.active_countries() == ["IT", "MX"]
    # the catalog's dated obligations are snapshotted (issue 13: no more timeless flags)
    mexico = {o.id: o for o in session.countries["MX"].requirements.obligations}
    assert mexico["certificate"].required and "CSD" in mexico["certificate"].what
    assert session.support.first_line == "partner"


def test_new_refuses_bad_input_with_exit_2(run_golive: RunGolive) -> None:
    bad_country = run_golive("new", "x", "--countries", "DE,QQ", "--no-tui")
    assert (
        bad_country.returncode == 2
        and "QQ" in bad_country.stderr
        and "what to do" in bad_country.stderr
    )
    bad_name = run_golive("new", "../escape", "--no-tui")
    assert bad_name.returncode == 2 and "session name" in bad_name.stderr
    run_golive("new", "twice", "--no-tui")
    again = run_golive("new", "twice", "--no-tui")
    assert again.returncode == 2 and "already exists" in again.stderr
    usage = run_golive("new")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_countries_add_and_remove_keeps_history(run_golive: RunGolive) -> None:
    run_golive("new", "acme", "--countries", "DE,MX", "--no-tui")
    tick = ("item", "acme", "compliance.MX.tax_id", "--status", "done")
    assert run_golive(*tick, "--attest", "SAT confirmation letter").returncode == 0
    assert run_golive("countries", "acme", "remove", "MX").returncode == 0
    status = json.loads(run_golive("status", "acme", "--json").stdout)
    assert "compliance.MX.tax_id" not in [i["id"] for i in status["items"]]
    assert run_golive("countries", "acme", "add", "MX", "FR").returncode == 0
    status = json.loads(run_golive("status", "acme", "--json").stdout)
    items = {i["id"]: i for i in status["items"]}
    assert items["compliance.MX.tax_id"]["status"] == "done"
    assert items["compliance.MX.tax_id"]["basis"]["kind"] == "attested"
    assert "compliance.FR.vat_registration" in items
    missing = run_golive("countries", "acme", "remove", "JP")
    assert missing.returncode == 2 and "not countries of this session" in missing.stderr


def test_item_sets_status_with_history_and_refuses_bad_input(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive("new", "acme", "--countries", "DE", "--engineer", "Ada", "--no-tui")
    ok = run_golive(
        "item", "acme", "credentials.vault", "--status", "blocked", "--reason", "vault not ready"
    )
    assert ok.returncode == 0 and "credentials.vault: blocked" in ok.stdout
    state = store.load("acme").items["credentials.vault"]
    assert (
        state.status is ItemStatus.BLOCKED and state.changed_by == "Ada" and len(state.history) == 1
    )
    no_reason = run_golive("item", "acme", "credentials.vault", "--status", "not_applicable")
    assert no_reason.returncode == 2 and "needs a reason" in no_reason.stderr
    unknown = run_golive("item", "acme", "credentials.nope", "--status", "done")
    assert unknown.returncode == 2 and "not an item" in unknown.stderr
    bad_status = run_golive("item", "acme", "credentials.vault", "--status", "finished")
    assert bad_status.returncode == 2 and "todo, in_progress" in bad_status.stderr


def test_status_require_is_a_ci_gate(run_golive: RunGolive) -> None:
    run_golive("new", "acme", "--countries", "DE", "--no-tui")
    text = run_golive("status", "acme")
    assert text.returncode == 0 and "ready for production: no" in text.stdout
    gate = run_golive("status", "acme", "--require", "production")
    assert gate.returncode == 1 and "not ready for production" in gate.stdout
    document = json.loads(run_golive("status", "acme", "--json").stdout)
    bound = {i["id"] for i in document["items"] if i["evidence_bound"]}
    for item_id in document["blocking_production"]:
        if item_id in bound:  # issue 12: ticked by hand only as an attestation
            refused = run_golive("item", "acme", item_id, "--status", "done")
            assert refused.returncode == 2 and "--attest" in refused.stderr
            attest = ("--attest", "checked by hand with the customer")
        else:
            attest = ()
        assert run_golive("item", "acme", item_id, "--status", "done", *attest).returncode == 0
    # attested items count for the gate only as overrides: not ready, but passable
    gate = run_golive("status", "acme", "--require", "production")
    assert gate.returncode == 1 and "attested, not proven" in gate.stdout
    assert run_golive("gate", "acme", "production").returncode == 0
    assert run_golive("status", "acme", "--require", "golive").returncode == 1


def test_validate_exit_codes_and_one_problem_per_line(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    run_golive("new", "good", "--no-tui")
    bad = tmp_path / "bad.toml"
    text = store.dumps(store.load("good")).decode()
    bad.write_text(
        text.replace("pilot_min = 1", "pilot_min = 0").replace(
            "[targets]\n", "[targets]\ntypo = 1\n"
        )
    )
    assert run_golive("validate", "good").returncode == 0
    result = run_golive("validate", "good", str(bad))
    assert result.returncode == 2
    problem_lines = [ln for ln in result.stdout.splitlines() if str(bad) in ln]
    assert len(problem_lines) == 2
    assert all("Traceback" not in s for s in (result.stdout, result.stderr))


def test_status_of_a_bad_file_is_exit_2_without_traceback(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("schema_version = 2\n[meta\n")
    result = run_golive("status", str(bad))
    assert (
        result.returncode == 2
        and "broken.toml:2" in result.stderr
        and "Traceback" not in result.stderr
    )
    missing = run_golive("status", "nobody")
    assert missing.returncode == 2 and "no session file" in missing.stderr


def test_schema_session_is_json_schema(run_golive: RunGolive) -> None:
    result = run_golive("schema", "session")
    schema = json.loads(result.stdout)
    assert (
        result.returncode == 0
        and "meta" in schema["properties"]
        and "items" in schema["properties"]
    )


def test_gate_shows_what_it_waits_for_and_records_an_override(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive("new", "acme", "--countries", "DE", "--engineer", "Ada", "--no-tui")
    held = run_golive("gate", "acme", "golive")
    assert held.returncode == 1
    assert "still open: Test with single transaction (todo)" in held.stdout
    no_reason = run_golive("gate", "acme", "golive", "--override", " ")
    assert no_reason.returncode == 2 and "needs a reason" in no_reason.stderr
    passed = run_golive("gate", "acme", "golive", "--override", "pilot is internal only")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "overridden by Ada" in passed.stdout and "pilot is internal only" in passed.stdout
    (override,) = store.load("acme").gate_overrides
    assert override.gate == "golive" and override.by == "Ada"
    report = run_golive("export", "acme", "--format", "md")
    assert "pilot is internal only" in report.stdout
