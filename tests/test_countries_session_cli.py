"""The go-live date on a session, answers to rules golive cannot decide, and `refresh` when the
catalog a session was made with is not the installed one (issue 13), run as a user runs them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import RunGolive
from golive.session import store
from golive.session.model import CountryRequirements, Session
from session_factory import make_session

NOW = {"GOLIVE_NOW": "2026-12-02T09:00:00Z"}


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


def load(home: Path, name: str = "acme") -> Session:
    return store.load(home / "sessions" / f"{name}.toml")


def items(run_golive: RunGolive, name: str = "acme") -> dict[str, dict[str, object]]:
    status = json.loads(run_golive("status", name, "--json", env=NOW).stdout)
    return {i["id"]: i for i in status["items"]}


def test_new_with_a_go_live_date_judges_countries_on_it(
    run_golive: RunGolive, golive_home: Path
) -> None:
    made = run_golive(
        "new", "acme", "--countries", "PT", "--go-live", "2027-01-04", "--no-tui", env=NOW
    )
    assert made.returncode == 0, made.stderr
    session = load(golive_home)
    assert session.meta.go_live == date(2027, 1, 4)
    assert session.countries["PT"].requirements.evaluated_for == date(2027, 1, 4)
    assert items(run_golive)["compliance.PT.certificate"]["status"] == "todo"
    bad = run_golive("new", "other", "--go-live", "next week", "--no-tui")
    assert bad.returncode == 2 and "'next week' is not a date" in bad.stderr


def test_moving_the_date_across_an_obligation_says_what_changed_for_which_item(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive(
        "new", "acme", "--countries", "PT,DE", "--go-live", "2026-12-10", "--no-tui", env=NOW
    )
    assert items(run_golive)["compliance.PT.certificate"]["status"] == "not_applicable"
    moved = run_golive("countries", "acme", "date", "2027-01-11", env=NOW)
    assert moved.returncode == 0, moved.stderr
    assert "planned go-live date: 2027-01-11" in moved.stdout
    assert "across certificate-2026 ends 2026-12-31; certificate starts 2027-01-01" in moved.stdout
    assert "compliance.PT.certificate: not applicable on 2026-12-10, required on 2027-01-11" in (
        moved.stdout
    )
    status = run_golive("status", "acme", env=NOW).stdout
    assert "PT rules changed" in status and "compliance.PT.certificate" in status
    document = json.loads(run_golive("status", "acme", "--json", env=NOW).stdout)
    changes = {c["country"]: c for c in document["country_changes"]}
    assert "compliance.PT.certificate" in changes["PT"]["items"]
    assert items(run_golive)["compliance.PT.certificate"]["status"] == "todo"
    # refresh takes the date (and the rules); the earlier snapshot is kept
    refreshed = run_golive("countries", "acme", "refresh", env=NOW)
    assert "PT: refreshed from the installed catalog" in refreshed.stdout
    assert (
        json.loads(run_golive("status", "acme", "--json", env=NOW).stdout)["country_changes"] == []
    )
    session = load(golive_home)
    assert len(session.countries["PT"].earlier_requirements) == 1
    again = run_golive("countries", "acme", "refresh", env=NOW)
    assert "nothing to refresh" in again.stdout


def test_a_session_made_with_an_old_catalog_shows_the_change_and_refresh_applies_it(
    run_golive: RunGolive, golive_home: Path
) -> None:
    # the catalog of before issue 13: Slovakia's certificate "not required" as a flat flag
    session = make_session(("SK",))
    session.countries["SK"].requirements = CountryRequirements(
        name="Slovakia",
        model="peppol",
        certificate_required=False,
        certificate_reason="No issuer certificate in the sources (golive's inference)",
        platform_required=True,
        platform_registration="Contract an accredited Peppol service provider",
        source="pwc.com/sk/en/tax-news/e-invoicing-system.html [S]",
    )
    session.meta.go_live = date(2027, 2, 1)
    store.SessionFile.create("acme", session)
    assert items(run_golive)["compliance.SK.certificate"]["status"] == "not_applicable"
    status = run_golive("status", "acme", env=NOW).stdout
    assert "SK rules changed" in status and "before dated obligations" in status
    assert "compliance.SK.certificate: not applicable now, asks you by the installed catalog" in (
        status
    )
    refreshed = run_golive("countries", "acme", "refresh", "SK", env=NOW)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "SK: refreshed from the installed catalog" in refreshed.stdout
    after = items(run_golive)["compliance.SK.certificate"]
    assert after["status"] == "todo" and not after["derived"]
    kept = load(golive_home).countries["SK"]
    assert kept.earlier_requirements[0].model == "peppol"
    assert {o.id for o in kept.requirements.obligations} >= {"certificate", "platform"}


def test_answer_records_a_persons_word_on_a_revenue_threshold(
    run_golive: RunGolive, golive_home: Path
) -> None:
    run_golive(
        "new", "acme", "--countries", "AE", "--go-live", "2027-01-04", "--engineer", "Ada",
        "--no-tui", env=NOW,
    )  # fmt: skip
    assert items(run_golive)["compliance.AE.platform"]["status"] == "todo"
    said = run_golive("countries", "acme", "answer", "AE", "platform-large", "no", env=NOW)
    assert said.returncode == 0, said.stderr
    assert "does not apply to this deployment (your answer, by Ada)" in said.stdout
    platform = items(run_golive)["compliance.AE.platform"]
    assert platform["status"] == "not_applicable"
    assert "answered by Ada on 2026-12-02" in str(platform["reason"])
    answer = load(golive_home).countries["AE"].answers["platform-large"]
    assert answer.applies is False and answer.by == "Ada"
    wrong = run_golive("countries", "acme", "answer", "AE", "certificate", "yes", env=NOW)
    assert wrong.returncode == 2 and "einvoicing-large" in wrong.stderr
    usage = run_golive("countries", "acme", "answer", "AE", "platform-large", env=NOW)
    assert usage.returncode == 2 and "yes or no" in usage.stderr
