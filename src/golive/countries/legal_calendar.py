"""A calendar that knows the law: dates a production window and its watch should not straddle.

For each country of a session: the start of an obligation (a mandate phase, a new certificate
rule), the end of one (a credential sunset such as Poland's KSeF tokens on 2026-12-31), and the
last business days of a monthly VAT period (when finance teams close the month and a faulty
integration hurts most). The production window's assessment (golive.ops.window) adds these as
warnings; they never hide a window, they say why it may be a poor choice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from golive.countries import country
from golive.session.model import Obligation, Session, iso_countries

VAT_CLOSE_DAYS = 3  # the last business days of a monthly VAT period that are warned about


@cache
def _holidays(code: str, year: int) -> frozenset[date]:
    import holidays

    try:
        return frozenset(holidays.country_holidays(code, years=[year]).keys())
    except NotImplementedError:
        return frozenset()


def last_business_days(code: str, year: int, month: int, count: int = VAT_CLOSE_DAYS) -> list[date]:
    """The last `count` weekdays of the month that are not public holidays in `code`."""
    day = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    found: list[date] = []
    while len(found) < count and day.month == month:
        if day.weekday() < 5 and day not in _holidays(code, year):
            found.append(day)
        day -= timedelta(days=1)
    return sorted(found)


class LegalCalendar:
    """The legal dates of a session's countries, ready to check windows against."""

    def __init__(self, session: Session) -> None:
        self.watch = timedelta(hours=session.targets.monitoring_window_hours)
        self.hours = session.targets.monitoring_window_hours
        self.countries: dict[str, tuple[str, list[Obligation]]] = {}
        names = iso_countries()
        for cc in session.active_countries():
            requirements = session.countries[cc].requirements
            obligations = list(requirements.obligations)
            if not obligations:  # a snapshot from before dated obligations: the installed rules
                facts = country(cc)
                obligations = list(facts.obligations) if facts else []
            self.countries[cc] = (requirements.name or names.get(cc, cc), obligations)

    def warnings(self, start: datetime, end: datetime) -> list[str]:
        """What the window [start, end] and the watch after it run into, one line per country."""
        first, last = start.date(), (end + self.watch).date()
        span = (
            f"the window or its {self.hours}-hour watch ({first.isoformat()} to {last.isoformat()})"
        )
        found: list[str] = []
        for cc, (name, obligations) in self.countries.items():
            for obligation in obligations:
                if obligation.from_ and first <= obligation.from_ <= last:
                    found.append(
                        f"{span} covers a change of the law in {name}: {obligation.what} "
                        f"starts {obligation.from_.isoformat()} ({obligation.id})"
                    )
                if obligation.until and first <= obligation.until <= last:
                    credential = obligation.kind == "certificate" and obligation.required
                    sunset = "a credential sunset: " if credential else ""
                    found.append(
                        f"{span} covers a change of the law in {name}: {sunset}{obligation.what} "
                        f"ends {obligation.until.isoformat()} ({obligation.id})"
                    )
            closing = sorted(
                {
                    day
                    for month_start in _months(first, last)
                    for day in last_business_days(cc, month_start.year, month_start.month)
                    if first <= day <= last
                }
            )
            if closing:
                days = ", ".join(d.isoformat() for d in closing)
                found.append(
                    f"{span} runs into the last {VAT_CLOSE_DAYS} business days of a monthly VAT "
                    f"period in {name} ({days}): the month's invoices and returns are being closed"
                )
        return found


def _months(first: date, last: date) -> list[date]:
    months, cursor = [], date(first.year, first.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months
