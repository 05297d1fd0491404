"""A calendar that knows the law: the window and its watch are warned about obligation starts,
credential sunsets and the last business days of a VAT period (issue 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import RunGolive
from golive.countries import requirements_for
from golive.countries.legal_calendar import last_business_days
from golive.ops.window import assess_window, suggest_windows
from golive.session.model import CountrySetup, Session


def session_with(*codes: str) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in codes}
    return session


def test_the_ksef_token_sunset_and_the_new_rules_are_warned_about() -> None:
    start = datetime(2026, 12, 30, 22, tzinfo=UTC)
    warnings = assess_window(session_with("PL"), start, 2).warnings
    text = "\n".join(warnings)
    assert "a credential sunset: A KSeF token" in text and "ends 2026-12-31" in text
    assert "KSeF certificate" in text and "starts 2027-01-01 (certificate)" in text
    assert "48-hour watch (2026-12-30 to 2027-01-02)" in text


def test_a_window_away_from_any_legal_date_gets_no_such_warning() -> None:
    # mid-month, no obligation starts or ends in Poland around it
    warnings = assess_window(session_with("PL"), datetime(2027, 2, 9, 22, tzinfo=UTC), 2).warnings
    assert not [w for w in warnings if "law" in w or "VAT period" in w]


def test_the_last_business_days_of_the_vat_period_are_warned_about() -> None:
    # Friday 2027-02-26 is among the last 3 business days of February (24, 25, 26)
    assert last_business_days("DE", 2027, 2) == [
        date(2027, 2, 24),
        date(2027, 2, 25),
        date(2027, 2, 26),
    ]
    warnings = assess_window(session_with("DE"), datetime(2027, 2, 25, 22, tzinfo=UTC), 2).warnings
    closing = [w for w in warnings if "VAT period" in w]
    assert closing and "in Germany (2027-02-25, 2027-02-26)" in closing[0]
    # public holidays do not count as business days (Christmas in Portugal)
    assert date(2026, 12, 25) not in last_business_days("PT", 2026, 12)


def test_a_suggestion_is_warned_about_when_it_is_chosen() -> None:
    session = session_with("PT")
    found = suggest_windows(
        session, days=2, start=datetime(2026, 12, 30, 0, tzinfo=UTC), zone="UTC"
    )
    assert found.candidates  # legal dates do not hide a window
    best = found.candidates[0]
    warnings = assess_window(session, best.start, 2, zone="UTC").warnings
    assert any("Qualified electronic signature" in w for w in warnings)


def test_golive_window_shows_the_warning_when_choosing(run_golive: RunGolive) -> None:
    env = {"GOLIVE_NOW": "2026-12-02T09:00:00Z"}
    run_golive("new", "acme", "--countries", "PL", "--no-tui", env=env)
    chosen = run_golive("window", "acme", "--start", "2026-12-30T22:00Z", "--json", env=env)
    assert chosen.returncode == 0, chosen.stderr
    assert "a credential sunset: A KSeF token" in chosen.stdout
