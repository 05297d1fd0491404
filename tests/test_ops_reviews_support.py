"""The post-deployment review schedule, and the support model with its escalation path."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import RunGolive
from golive.ops.reviews import (
    add_months,
    generate_reviews,
    review_schedule,
    tick_review,
)
from golive.ops.support import set_escalation_level, set_first_line, support_view
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.sections import FIRST_LINE_TEXT
from golive.session.store import SessionFile
from session_factory import make_session

GO_LIVE = date(2026, 11, 2)


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


@pytest.fixture
def handle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SessionFile:
    monkeypatch.setenv("GOLIVE_NOW", "2026-11-05T12:00:00+00:00")
    return SessionFile.create(tmp_path / "acme.toml", make_session(("DE",)))


def test_the_schedule_is_daily_then_weekly_and_monthly(handle: SessionFile) -> None:
    plan = generate_reviews(handle.session, start=GO_LIVE)
    counts = Counter(o.item for o in plan.occurrences)
    assert counts["post.week1.api_usage"] == 7
    assert counts["post.week1.feedback"] == 7
    assert counts["post.ongoing.error_trends"] == 51  # weeks 2 to 52 within 365 days
    assert counts["post.ongoing.api_usage"] == 12
    assert counts["post.ongoing.compliance_changes"] == 12
    week1 = [o.due for o in plan.occurrences if o.item == "post.week1.error_logs"]
    assert week1 == [date(2026, 11, d) for d in range(3, 10)]
    monthly = [o.due for o in plan.occurrences if o.item == "post.ongoing.api_usage"]
    assert monthly[:3] == [date(2026, 12, 2), date(2027, 1, 2), date(2027, 2, 2)]
    weekly = [o.due for o in plan.occurrences if o.item == "post.ongoing.error_trends"]
    assert weekly[0] == date(2026, 11, 16)
    dues = [o.due for o in plan.occurrences]
    assert dues == sorted(dues)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_ticking_keeps_the_note_and_moves_the_item(handle: SessionFile) -> None:
    generate_reviews(handle.session, start=GO_LIVE, horizon_days=60)
    ticked = tick_review(handle.session, "week1.error_logs", "two 503s, both retried")
    assert ticked.occurrence.due == date(2026, 11, 3), "the oldest open one due by today"
    assert ticked.occurrence.note == "two 503s, both retried"
    assert ticked.occurrence.done_at == datetime(2026, 11, 5, 12, tzinfo=UTC)
    item = build_checklist(handle.session)["post.week1.error_logs"]
    assert item.status.value == "in_progress"
    assert "1 of 7 daily reviews done" in item.note
    for day in range(4, 10):
        tick_review(handle.session, "post.week1.error_logs", f"day {day}", due=date(2026, 11, day))
    assert build_checklist(handle.session)["post.week1.error_logs"].status.value == "done"
    with pytest.raises(BadInputError, match="with a note"):
        tick_review(handle.session, "week1.feedback", " ")
    with pytest.raises(BadInputError, match=r"no post\.ongoing\.api_usage review is due yet"):
        tick_review(handle.session, "ongoing.api_usage", "early")
    with pytest.raises(BadInputError, match="not a review item"):
        tick_review(handle.session, "week2.fun", "x")
    views = review_schedule(handle.session, today=date(2026, 11, 5))
    states = Counter(v.state for v in views if v.occurrence.item == "post.week1.api_usage")
    assert states == {"overdue": 2, "due": 1, "upcoming": 4}


def test_ongoing_items_are_done_while_up_to_date(
    handle: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_reviews(handle.session, start=GO_LIVE, horizon_days=90)
    monkeypatch.setenv("GOLIVE_NOW", "2026-12-10T09:00:00+00:00")
    first = tick_review(handle.session, "ongoing.error_trends", "flat")
    assert first.item_status.value == "in_progress"
    assert "overdue" in first.item_note
    tick_review(handle.session, "ongoing.error_trends", "flat")
    tick_review(handle.session, "ongoing.error_trends", "flat")
    last = tick_review(handle.session, "ongoing.error_trends", "down")
    assert last.item_status.value == "done"
    assert "up to date" in last.item_note and "next due 2026-12-14" in last.item_note


def test_regenerating_keeps_ticked_occurrences(handle: SessionFile) -> None:
    generate_reviews(handle.session, start=GO_LIVE, horizon_days=30)
    tick_review(handle.session, "week1.feedback", "happy", due=date(2026, 11, 3))
    plan = generate_reviews(handle.session, start=date(2026, 11, 10))
    assert plan.kept_done == 1
    kept = [o for o in plan.occurrences if o.done_at is not None]
    assert [(o.item, o.due, o.note) for o in kept] == [
        ("post.week1.feedback", date(2026, 11, 3), "happy")
    ]
    assert min(o.due for o in plan.occurrences if o.done_at is None) == date(2026, 11, 11)
    with pytest.raises(BadInputError):
        generate_reviews(handle.session, horizon_days=3)


def test_cli_reviews(run_golive, handle: SessionFile) -> None:  # type: ignore[no-untyped-def]
    env = {"GOLIVE_NOW": "2026-11-05T12:00:00+00:00"}
    path = str(handle.path)
    made = run_golive("reviews", path, "--generate", "--from", "2026-11-02", env=env)
    assert made.returncode == 0, made.stderr
    assert "reviews from 2026-11-02 over 365 days" in made.stdout
    assert "2026-11-03  overdue   week1.api_usage (and 1 more to 2026-11-04)" in made.stdout
    ticked = run_golive("reviews", path, "--tick", "week1.api_usage", "--note", "normal", env=env)
    assert ticked.returncode == 0, ticked.stderr
    assert "ticked post.week1.api_usage due 2026-11-03" in ticked.stdout
    listed = json.loads(run_golive("reviews", path, "--json", env=env).stdout)
    assert listed[0]["state"] == "done" and listed[0]["note"] == "normal"
    bad = run_golive("reviews", path, "--tick", "week1.api_usage", env=env)
    assert bad.returncode == 2


# --- support ------------------------------------------------------------------------------------


def test_support_model_and_escalation_path(handle: SessionFile) -> None:
    session = handle.session
    view = support_view(session)
    assert view.first_line_text == "not chosen yet"
    assert [level.team for level in view.levels] == [
        "Partner support team",
        "Partner technical team",
        "Thomson Reuters support",
        "Thomson Reuters engineering",
    ]
    view = set_first_line(session, "partner")
    assert view.first_line_text == (
        "Partner provides first-line support, escalates to Thomson Reuters as needed"
    )
    assert build_checklist(session)["support.first_line"].note == FIRST_LINE_TEXT["partner"]
    contacts = [
        ("Bob Support", "support@partner.example", "+49 89 1234 5600"),
        ("Eve Dev", "dev@partner.example", ""),
        ("TR Support", "", "+1 800 555 0100"),
        ("TR Engineering", "eng@tr.example", ""),
    ]
    for level, (name, email, phone) in enumerate(contacts[:3], start=1):
        set_escalation_level(session, level, name=name, email=email or None, phone=phone or None)
    item = build_checklist(session)["support.escalation_path"]
    assert item.status.value == "in_progress" and "levels without" in item.note
    name, email, _ = contacts[3]
    view = set_escalation_level(session, 4, name=name, email=email, team="TR Tier 3")
    assert view.complete
    assert view.levels[3].team == "TR Tier 3"
    item = build_checklist(session)["support.escalation_path"]
    assert item.status.value == "done"
    assert item.note.startswith("Partner provides first-line support")
    set_escalation_level(session, 1, phone="+49 89 1234 5699")
    assert support_view(session).levels[0].email == "support@partner.example", "kept"
    assert support_view(session).levels[0].phone == "+49 89 1234 5699"
    view = set_first_line(session, "thomson-reuters")
    assert view.first_line_text == "Thomson Reuters provides direct support to end customers"
    for bad in (
        {"level": 5, "name": "x"},
        {"level": 1, "email": "nope"},
        {"level": 1, "phone": "call me"},
        {"level": 2, "name": "", "email": "a@b.example"},
    ):
        with pytest.raises(BadInputError):
            set_escalation_level(session, **bad)  # type: ignore[arg-type]
    with pytest.raises(BadInputError):
        set_first_line(session, "nobody")


def test_cli_support(run_golive, handle: SessionFile) -> None:  # type: ignore[no-untyped-def]
    path = str(handle.path)
    result = run_golive(
        "support",
        path,
        "--first-line",
        "partner",
        "--level",
        "1",
        "--name",
        "Bob",
        "--email",
        "bob@partner.example",
        "--phone",
        "+49 89 123456",
    )
    assert result.returncode == 0, result.stderr
    assert "first-line support: Partner provides first-line support" in result.stdout
    assert "1. Partner support team: Bob, bob@partner.example, +49 89 123456" in result.stdout
    shown = json.loads(run_golive("support", path, "--json").stdout)
    assert shown["first_line"] == "partner" and not shown["complete"]
    bad = run_golive("support", path, "--name", "No Level")
    assert bad.returncode == 2


def test_contacts_are_confirmed_only_by_an_explicit_confirm_with_a_date(
    run_golive, handle: SessionFile, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # issue 12: the report listed every contact as "Confirmed: confirmed"; issue 16: the README's
    # example (--level 1 --team ... --email ...) failed for want of the contact's name
    path = str(handle.path)
    env = {"GOLIVE_NOW": "2026-11-05T12:00:00+00:00"}
    readme = run_golive(
        "support",
        path,
        "--first-line",
        "partner",
        "--level",
        "1",
        "--team",
        "Partner support",
        "--name",
        "Pat Lee",
        "--email",
        "help@partner.example",
        env=env,
    )
    assert readme.returncode == 0, readme.stderr
    assert "1. Partner support: Pat Lee, help@partner.example (not confirmed)" in readme.stdout
    report = tmp_path / "report.md"
    assert run_golive("export", path, "-o", str(report), env=env).returncode == 0
    assert "| help@partner.example |   | not confirmed |" in report.read_text()
    future = run_golive("support", path, "--confirm", "1", "--on", "2026-12-01", env=env)
    assert future.returncode == 2 and "in the future" in future.stderr
    nobody = run_golive("support", path, "--confirm", "2", env=env)
    assert nobody.returncode == 2 and "no contact to confirm" in nobody.stderr
    confirmed = run_golive(
        "support", path, "--confirm", "1", "--on", "2026-11-04", "--by", "Ada", env=env
    )
    assert confirmed.returncode == 0, confirmed.stderr
    assert "(confirmed on 2026-11-04 by Ada)" in confirmed.stdout
    assert run_golive("export", path, "-o", str(report), env=env).returncode == 0
    assert "| confirmed on 2026-11-04 by Ada |" in report.read_text()
    shown = json.loads(run_golive("support", path, "--json", env=env).stdout)
    assert shown["levels"][0]["confirmation"] == "confirmed on 2026-11-04 by Ada"
    # a changed contact is someone else's details: its confirmation goes
    changed = run_golive("support", path, "--level", "1", "--email", "desk@partner.example")
    assert "(not confirmed)" in changed.stdout
    # what golive once wrote by default, `confirmed = true` with no date, is no confirmation
    handle = SessionFile.open(path)
    handle.session.support.escalation[0].confirmed = True
    assert handle.session.support.escalation[0].confirmation() == (
        "not confirmed (no confirmation date recorded)"
    )
    assert not support_view(handle.session).levels[0].confirmed
