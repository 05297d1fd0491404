"""The low-traffic window: suggestions from the tz database and the holidays package, warnings
that name where a chosen window falls in business hours or on a holiday."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from golive.cli.flags import flag_for
from golive.ops.window import (
    assess_window,
    choose_window,
    country_time_zones,
    suggest_windows,
)
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.model import CountrySetup, Session
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

NOW = "2026-12-14T00:00:00+00:00"
MONDAY = datetime(2026, 12, 14, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)


def in_business_hours(moment: datetime, end: datetime, zone: str) -> bool:
    local_start, local_end = moment.astimezone(ZoneInfo(zone)), end.astimezone(ZoneInfo(zone))
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() < 5:
            opens = datetime.combine(day, time(9), ZoneInfo(zone))
            closes = datetime.combine(day, time(18), ZoneInfo(zone))
            if moment < closes and end > opens:
                return True
        day += timedelta(days=1)
    return False


def test_suggestions_stay_outside_business_hours_in_every_zone_and_rank_best_first() -> None:
    session = make_session(("DE", "MX"))
    result = suggest_windows(session, start=MONDAY, days=14, hours=2, zone="Europe/Berlin")
    assert result.candidates
    zones = [z for cc in ("DE", "MX") for z in country_time_zones(cc)]
    assert len(zones) > 5  # Mexico has many zones; every one of them counts
    for candidate in result.candidates:
        assert candidate.end - candidate.start == timedelta(hours=2)
        for zone in zones:
            assert not in_business_hours(candidate.start, candidate.end, zone), (candidate, zone)
        assert not candidate.warnings
    scores = [c.hours_from_business for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    days = [c.local_start.date() for c in result.candidates]
    assert len(days) == len(set(days)), "at most one suggestion per local day"
    best = result.candidates[0]
    assert best.local_zone == "Europe/Berlin"
    assert best.local_start == best.start.astimezone(ZoneInfo("Europe/Berlin"))
    mexico = next(c for c in best.countries if c.country == "MX")
    assert mexico.main.zone == "America/Mexico_City"
    assert mexico.main.start == best.start.astimezone(ZoneInfo("America/Mexico_City"))


def test_suggestions_avoid_public_holidays_of_every_country() -> None:
    session = make_session(("DE",))
    result = suggest_windows(session, start=datetime(2026, 12, 20, tzinfo=UTC), days=10, hours=3)
    german = holidays.country_holidays("DE", years=[2026, 2027])
    assert datetime(2026, 12, 25).date() in german
    for candidate in result.candidates:
        local = candidate.start.astimezone(ZoneInfo("Europe/Berlin"))
        local_end = candidate.end.astimezone(ZoneInfo("Europe/Berlin"))
        assert local.date() not in german
        assert local_end.date() not in german


def test_a_window_in_business_hours_is_warned_about_by_country_and_zone() -> None:
    session = make_session(("DE", "MX"))
    # Tuesday 15 Dec 2026, 10:00-12:00 UTC: 11:00 in Berlin, 04:00 in Mexico City
    result = assess_window(session, datetime(2026, 12, 15, 10, tzinfo=UTC), 2)
    assert result.in_business_hours
    assert any("business hours in DE" in w and "Europe/Berlin" in w for w in result.warnings)
    assert not any("in MX" in w for w in result.warnings)


def test_a_window_on_a_holiday_names_the_holiday() -> None:
    session = make_session(("DE", "MX"))
    result = assess_window(session, datetime(2026, 12, 25, 2, tzinfo=UTC), 2)
    text = " | ".join(result.warnings)
    assert "public holiday in DE: Christmas Day (Fri 25 Dec 2026)" in text
    assert "business hours" not in text  # a holiday is not a business day


def test_a_clear_window_has_no_warning_and_choosing_it_completes_the_item(tmp_path: Path) -> None:
    session = make_session(("DE", "MX"))
    # Sunday 20 Dec 2026, 03:00-05:00 UTC: night in Germany, Saturday evening in Mexico
    path = tmp_path / "acme.toml"
    chosen = choose_window(
        session, datetime(2026, 12, 20, 3, tzinfo=UTC), 2, note="ops on call", session_path=path
    )
    assert chosen.warnings == ()
    window = session.production.window
    assert window is not None
    assert window.start == datetime(2026, 12, 20, 3, tzinfo=UTC)
    assert window.end == datetime(2026, 12, 20, 5, tzinfo=UTC)
    assert window.note == "ops on call"
    item = build_checklist(session)["production.schedule"]
    assert item.status.value == "done"
    assert "outside business hours and holidays everywhere" in item.note
    # done on the evidence of the recorded choice (issue 12)
    [evidence] = read(evidence_path(path)).records
    assert evidence.kind == "window_choice" and evidence.outcome == "passed"
    assert item.state.evidence == [evidence.id]


def test_a_window_in_business_hours_is_recorded_only_with_a_reason(tmp_path: Path) -> None:
    # issue 12: it was warned about and then recorded as production.schedule: done
    session = make_session(("DE",))
    path = tmp_path / "acme.toml"
    with pytest.raises(BadInputError, match="this window is in business hours in DE") as refused:
        choose_window(session, datetime(2026, 12, 15, 10, tzinfo=UTC), 1, session_path=path)
    # the core names the session field; the CLI spells it as the flag the user typed
    assert refused.value.where == "production.window.reason"
    assert flag_for(refused.value.where) == "--reason"
    assert session.production.window is None
    assert build_checklist(session)["production.schedule"].status.value == "todo"
    assert not evidence_path(path).exists()
    with pytest.raises(BadInputError, match="public holiday in DE: Christmas Day"):
        choose_window(session, datetime(2026, 12, 25, 1, tzinfo=UTC), 1, session_path=path)
    choose_window(
        session,
        datetime(2026, 12, 15, 10, tzinfo=UTC),
        1,
        reason="the customer's own maintenance slot",
        session_path=path,
    )
    assert session.production.window is not None
    assert session.production.window.warnings
    assert session.production.window.reason == "the customer's own maintenance slot"
    item = build_checklist(session)["production.schedule"]
    assert item.status.value == "done"
    assert "warnings: in business hours in DE" in item.note
    assert "chosen anyway because: the customer's own maintenance slot" in item.note
    [evidence] = read(evidence_path(path)).records
    assert evidence.outcome == "warning"
    assert evidence.diagnosis["reason"] == "the customer's own maintenance slot"


def test_a_country_without_time_zones_or_holiday_data_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from golive.ops import window

    real = holidays.country_holidays

    def without_germany(country: str, **options: object) -> object:
        if country == "DE":
            raise NotImplementedError(country)
        return real(country, **options)  # type: ignore[arg-type]

    window._holidays.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", without_germany)
    # Bouvet Island is an ISO country with no zone in the tz database's zone.tab
    session = Session(countries={"BV": CountrySetup(), "DE": CountrySetup()})
    result = suggest_windows(session, start=MONDAY, days=2)
    window._holidays.cache_clear()
    assert any("(BV) has no time zone" in n for n in result.notes)
    assert any("no public holidays for Germany (DE)" in n for n in result.notes)
    assert result.candidates
    assert [c.country for c in result.candidates[0].countries] == ["DE"]


def test_past_windows_warn() -> None:
    session = make_session(("DE",))
    result = assess_window(session, datetime(2026, 12, 13, 2, tzinfo=UTC), 1)
    assert any("starts in the past" in w for w in result.warnings)


@pytest.mark.parametrize("hours", [0, 0.1, 25])
def test_bad_lengths_are_bad_input(hours: float) -> None:
    with pytest.raises(BadInputError):
        suggest_windows(make_session(), hours=hours)


def test_no_countries_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="no countries"):
        suggest_windows(Session())


def test_cli_suggests_chooses_and_warns(run_golive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "acme.toml"
    SessionFile.create(path, make_session(("DE", "MX")))
    env = {"GOLIVE_NOW": NOW}
    listed = run_golive("window", str(path), "--json", "--tz", "Europe/Berlin", env=env)
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    first = document["candidates"][0]
    assert {c["country"] for c in first["countries"]} == {"DE", "MX"}
    chosen = run_golive("window", str(path), "--choose", "1", "--tz", "Europe/Berlin", env=env)
    assert chosen.returncode == 0, chosen.stderr
    assert "production.schedule: done" in chosen.stdout
    assert SessionFile.open(path).session.production.window is not None
    start = datetime.fromisoformat(first["start"])
    assert SessionFile.open(path).session.production.window.start == start  # type: ignore[union-attr]
    in_hours = ("--start", "2026-12-15T11:00", "--hours", "2", "--tz", "Europe/Berlin")
    refused = run_golive("window", str(path), *in_hours, env=env)
    assert refused.returncode == 2
    assert "this window is in business hours in DE (Europe/Berlin" in refused.stderr
    # the CLI names the flag; the core's advice is in words the wizard can show as well
    assert "--reason" in refused.stderr and "give the reason this one is right" in refused.stderr
    assert SessionFile.open(path).session.production.window.start == start  # type: ignore[union-attr]
    warned = run_golive(
        "window", str(path), *in_hours, "--reason", "agreed with the customer", env=env
    )
    assert warned.returncode == 0, warned.stderr
    assert (
        "warning: in business hours in DE (Europe/Berlin: Tue 15 Dec 11:00–13:00 CET"
        in warned.stdout
    )
    bad = run_golive("window", str(path), "--start", "tomorrow", env=env)
    assert bad.returncode == 2
    assert "ISO 8601" in bad.stderr


def test_a_start_golive_cannot_read_is_answered_with_an_example_that_is_not_in_the_past(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from golive.ops.window.choice import parse_moment

    monkeypatch.setenv("GOLIVE_NOW", "2026-12-04T18:00:00+00:00")  # a Friday
    with pytest.raises(BadInputError) as caught:
        parse_moment("next saturday")
    assert "'next saturday' is not an ISO 8601 date and time" in caught.value.message
    assert "for example 2026-12-05T22:00 (your local time)" in caught.value.advice
