"""The production window: low-traffic windows from the session's countries, and the chosen one.

A window is good when it is far from business hours (09:00-18:00 local, Monday to Friday) in
every time zone of every country of the deployment (the tz database's zone.tab), and touches no
public holiday of those countries (the holidays package). Candidates start on the hour over the
next N days; the best of each local day is suggested, best first. A window the user picks or types
is assessed the same way: each time zone where it falls in business hours, and each holiday it
touches, becomes a warning that names the country, the zone and the local time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from golive.session.checklist import set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session, iso_countries
from golive.session.sections import DeploymentWindow

BUSINESS_START = time(9, 0)
BUSINESS_END = time(18, 0)
BUSINESS_DAYS = frozenset(range(5))  # Monday to Friday
SEARCH_MARGIN = timedelta(days=4)  # how far around a window business hours are looked for
DEFAULT_DAYS = 14
DEFAULT_HOURS = 2.0


# --- facts: zones and holidays ------------------------------------------------------------------


def country_time_zones(code: str) -> list[str]:
    """The country's IANA time zones, from the tz database's zone.tab (most populous first)."""
    from golive.countries import time_zones

    return time_zones(code)


@cache
def _holidays(country: str, years: tuple[int, ...]) -> dict[date, str] | None:
    """Public holidays (national ones) of `country` in `years`; None when the package has no data."""
    import holidays

    try:
        table = holidays.country_holidays(country, years=list(years), language="en_US")
    except NotImplementedError:
        return None
    return {day: str(name) for day, name in sorted(table.items())}


def local_zone(name: str | None = None) -> tzinfo:
    """The user's time zone: `name` (IANA), else this machine's local zone."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInputError(
                f"{name!r} is not a time zone of the tz database",
                where="--tz",
                advice="use an IANA name such as Europe/Berlin or America/Mexico_City",
            ) from None
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneTime:
    """The window in one time zone of one country."""

    zone: str
    start: datetime
    end: datetime
    hours_from_business: float
    in_business_hours: bool
    holidays: tuple[str, ...]

    def describe(self) -> str:
        end = (
            self.end.strftime("%H:%M")
            if self.end.date() == self.start.date()
            else self.end.strftime("%a %H:%M")
        )
        return f"{self.start:%a %d %b %H:%M}–{end} {self.start:%Z}".rstrip()


@dataclass(frozen=True)
class CountryTime:
    country: str
    name: str
    zones: tuple[ZoneTime, ...]
    holiday_data: bool = True

    @property
    def main(self) -> ZoneTime:
        """The country's first zone in the tz database (its most populous)."""
        return self.zones[0]

    @property
    def hours_from_business(self) -> float:
        return min(z.hours_from_business for z in self.zones)


@dataclass(frozen=True)
class WindowAssessment:
    """One window: in UTC, in the user's zone, per country; how far from business hours; warnings."""

    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime
    local_zone: str
    countries: tuple[CountryTime, ...]
    warnings: tuple[str, ...]

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def hours_from_business(self) -> float:
        """The smallest distance to business hours in any zone of any country (0: inside them)."""
        return min((c.hours_from_business for c in self.countries), default=0.0)

    @property
    def in_business_hours(self) -> bool:
        return any(z.in_business_hours for c in self.countries for z in c.zones)

    @property
    def on_holiday(self) -> bool:
        return any(z.holidays for c in self.countries for z in c.zones)

    @property
    def clear(self) -> bool:
        return not self.in_business_hours and not self.on_holiday

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "local_zone": self.local_zone,
            "local_start": self.local_start.isoformat(),
            "local_end": self.local_end.isoformat(),
            "hours_from_business": round(self.hours_from_business, 2),
            "warnings": list(self.warnings),
            "countries": [
                {
                    "country": c.country,
                    "name": c.name,
                    "zones": [
                        {
                            "zone": z.zone,
                            "local_start": z.start.isoformat(),
                            "local_end": z.end.isoformat(),
                            "hours_from_business": round(z.hours_from_business, 2),
                            "in_business_hours": z.in_business_hours,
                            "holidays": list(z.holidays),
                        }
                        for z in c.zones
                    ],
                }
                for c in self.countries
            ],
        }


@dataclass
class WindowSuggestions:
    candidates: list[WindowAssessment]
    local_zone: str
    days: int
    hours: float
    searched_from: datetime
    notes: list[str] = field(default_factory=list)


# --- business hours -----------------------------------------------------------------------------


class _Zone:
    """Business-hour intervals (UTC) and holidays of one time zone of one country."""

    def __init__(self, country: str, zone: str, first: datetime, last: datetime) -> None:
        self.country = country
        self.name = zone
        self.tz = ZoneInfo(zone)
        day = (first - SEARCH_MARGIN).astimezone(self.tz).date()
        last_day = (last + SEARCH_MARGIN).astimezone(self.tz).date()
        years = tuple(range(day.year, last_day.year + 1))
        self.holidays = _holidays(country, years)
        known = self.holidays or {}
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        while day <= last_day:
            if day.weekday() in BUSINESS_DAYS and day not in known:
                self.starts.append(datetime.combine(day, BUSINESS_START, self.tz).astimezone(UTC))
                self.ends.append(datetime.combine(day, BUSINESS_END, self.tz).astimezone(UTC))
            day += timedelta(days=1)

    def distance(self, start: datetime, end: datetime) -> tuple[bool, float]:
        """Whether [start, end) overlaps business hours, and the hours to the nearest ones."""
        index = bisect.bisect_right(
            self.ends, start
        )  # the first business interval ending after start
        best = SEARCH_MARGIN.total_seconds()
        if index < len(self.starts):
            if self.starts[index] < end:
                return True, 0.0
            best = min(best, (self.starts[index] - end).total_seconds())
        if index > 0:
            best = min(best, (start - self.ends[index - 1]).total_seconds())
        return False, best / 3600

    def holidays_in(self, start: datetime, end: datetime) -> tuple[str, ...]:
        if not self.holidays:
            return ()
        local_start = start.astimezone(self.tz)
        last = (end - timedelta(microseconds=1)).astimezone(self.tz).date()
        found: list[str] = []
        day = local_start.date()
        while day <= last:
            if day in self.holidays:
                found.append(f"{self.holidays[day]} ({day:%a %d %b %Y})")
            day += timedelta(days=1)
        return tuple(found)

    def assess(self, start: datetime, end: datetime) -> ZoneTime:
        overlaps, distance = self.distance(start, end)
        return ZoneTime(
            zone=self.name,
            start=start.astimezone(self.tz),
            end=end.astimezone(self.tz),
            hours_from_business=distance,
            in_business_hours=overlaps,
            holidays=self.holidays_in(start, end),
        )


class _Deployment:
    """The session's countries and their zones, ready to assess windows in [first, last]."""

    def __init__(self, session: Session, first: datetime, last: datetime) -> None:
        self.countries = session.active_countries()
        if not self.countries:
            raise BadInputError(
                "the session has no countries, so golive cannot tell which business hours to avoid",
                where="countries",
                advice="add the deployment's countries first (`golive country add SESSION CC`)",
            )
        self.notes: list[str] = []
        self.zones: dict[str, list[_Zone]] = {}
        names = iso_countries()
        self.names = {
            cc: session.countries[cc].requirements.name or names.get(cc, cc)
            for cc in self.countries
        }
        for cc in self.countries:
            zone_names = country_time_zones(cc)
            if not zone_names:
                self.notes.append(
                    f"{self.names[cc]} ({cc}) has no time zone in the tz database; left out"
                )
                continue
            self.zones[cc] = [_Zone(cc, name, first, last) for name in zone_names]
            if self.zones[cc][0].holidays is None:
                self.notes.append(
                    f"the holidays package has no public holidays for {self.names[cc]} ({cc}); "
                    "check its holidays yourself"
                )

    def assess(self, start: datetime, end: datetime, user_zone: tzinfo) -> WindowAssessment:
        countries: list[CountryTime] = []
        warnings: list[str] = []
        for cc, zones in self.zones.items():
            times = tuple(zone.assess(start, end) for zone in zones)
            has_data = zones[0].holidays is not None
            country = CountryTime(cc, self.names[cc], times, has_data)
            countries.append(country)
            busy = [z for z in times if z.in_business_hours]
            if busy:
                where = "; ".join(f"{z.zone}: {z.describe()}" for z in busy)
                warnings.append(f"in business hours in {country.name} ({where})")
            holidays = sorted({h for z in times for h in z.holidays})
            if holidays:
                warnings.append(f"on a public holiday in {country.name}: {', '.join(holidays)}")
        if start < now():
            warnings.append(f"starts in the past ({start:%Y-%m-%d %H:%M} UTC)")
        return WindowAssessment(
            start=start,
            end=end,
            local_start=start.astimezone(user_zone),
            local_end=end.astimezone(user_zone),
            local_zone=zone_name(user_zone),
            countries=tuple(countries),
            warnings=tuple(warnings),
        )


def with_legal_warnings(session: Session, assessment: WindowAssessment) -> WindowAssessment:
    """The assessment, plus what the window and its watch run into in the session's countries:
    an obligation's start or end (a credential sunset), the last business days of a VAT period."""
    from dataclasses import replace

    from golive.countries.legal_calendar import LegalCalendar

    legal = LegalCalendar(session).warnings(assessment.start, assessment.end)
    return replace(assessment, warnings=(*assessment.warnings, *legal))


# --- the actions --------------------------------------------------------------------------------


def _check_length(hours: float) -> timedelta:
    if not 0.25 <= hours <= 24:
        raise BadInputError(
            f"a window of {hours:g} hours is not usable",
            where="--hours",
            advice="give a length between 0.25 and 24 hours (for example 2)",
        )
    return timedelta(hours=hours)


def suggest_windows(
    session: Session,
    *,
    days: int = DEFAULT_DAYS,
    hours: float = DEFAULT_HOURS,
    start: datetime | None = None,
    limit: int = 10,
    zone: str | None = None,
) -> WindowSuggestions:
    """Low-traffic windows over the next `days` days, best first, at most one per local day.

    Windows that touch business hours anywhere or a public holiday of any country are left out;
    the others are ranked by their distance to business hours in the nearest time zone.
    """
    if not 1 <= days <= 90:
        raise BadInputError(
            f"{days} days is not a usable search range", where="--days", advice="give 1 to 90 days"
        )
    length = _check_length(hours)
    user_zone = local_zone(zone)
    begin = (start or now()).astimezone(UTC)
    if start is None or begin.minute or begin.second or begin.microsecond:
        begin = begin.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    last = begin + timedelta(days=days)
    deployment = _Deployment(session, begin, last)
    best_per_day: dict[date, WindowAssessment] = {}
    moment = begin
    while moment + length <= last:
        assessment = deployment.assess(moment, moment + length, user_zone)
        if assessment.clear and deployment.zones:
            day = assessment.local_start.date()
            current = best_per_day.get(day)
            if current is None or assessment.hours_from_business > current.hours_from_business:
                best_per_day[day] = assessment
        moment += timedelta(hours=1)
    ranked = sorted(
        best_per_day.values(), key=lambda a: (-round(a.hours_from_business, 6), a.start)
    )
    return WindowSuggestions(
        candidates=ranked[: max(limit, 0)],
        local_zone=zone_name(user_zone),
        days=days,
        hours=hours,
        searched_from=begin,
        notes=deployment.notes,
    )


def assess_window(
    session: Session, start: datetime, hours: float, *, zone: str | None = None
) -> WindowAssessment:
    """A window the user gives: where it falls in business hours or on a holiday (warnings)."""
    length = _check_length(hours)
    begin = (start if start.tzinfo else start.replace(tzinfo=local_zone(zone))).astimezone(UTC)
    deployment = _Deployment(session, begin, begin + length)
    return with_legal_warnings(session, deployment.assess(begin, begin + length, local_zone(zone)))


def choose_window(
    session: Session,
    start: datetime,
    hours: float,
    *,
    note: str = "",
    zone: str | None = None,
    by: str | None = None,
    reason: str = "",
    session_path: Path | None = None,
) -> WindowAssessment:
    """Keep the window in `production.window` and mark production.schedule done, backed by an
    evidence record of the choice (in the session's evidence log, `session_path`).

    A window in business hours or on a public holiday of a session country is recorded only
    with a `reason` (BadInputError naming where and what otherwise; nothing is changed)."""
    assessment = assess_window(session, start, hours, zone=zone)
    reason = reason.strip()
    if not assessment.clear and not reason:
        raise BadInputError(
            "this window is " + "; ".join(w for w in assessment.warnings if "past" not in w),
            where="--reason",
            advice="choose a window outside business hours and holidays (`golive window SESSION` "
            "suggests some), or say why this one is right with --reason TEXT (it is recorded)",
        )
    session.production.window = DeploymentWindow(
        start=assessment.start,
        end=assessment.end,
        note=note,
        warnings=list(assessment.warnings),
        reason=reason if not assessment.clear else None,
    )
    summary = (
        f"{assessment.start:%Y-%m-%d %H:%M}–{assessment.end:%H:%M} UTC "
        f"({assessment.local_start:%a %d %b %H:%M} {assessment.local_zone})"
    )
    if assessment.warnings:
        summary += "; warnings: " + "; ".join(assessment.warnings)
    else:
        summary += f"; outside business hours and holidays everywhere ({assessment.hours_from_business:.1f} h margin)"
    if not assessment.clear:
        summary += f"; chosen anyway because: {reason}"
    if session_path is None:
        # no evidence log to record the choice in: kept, but not done on golive's word alone
        set_item_status(
            session,
            "production.schedule",
            ItemStatus.IN_PROGRESS,
            by=by,
            note=summary + " (the choice is not recorded as evidence yet)",
        )
        return assessment
    from golive.session.checklist import default_actor
    from golive.session.evidence import EvidenceRecord, record
    from golive.session.store import evidence_path

    evidence = EvidenceRecord(
        kind="window_choice",
        environment="production",
        outcome="passed" if assessment.clear else "warning",
        summary=summary,
        figures=assessment.to_json(),
        diagnosis={"reason": reason} if not assessment.clear else {},
        items=["production.schedule"],
        by=by or default_actor(session),
    )
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"production.schedule": ItemStatus.DONE},
        note=summary,
        by=by,
    )
    return assessment


def parse_moment(text: str, *, zone: str | None = None, where: str = "--start") -> datetime:
    """An ISO 8601 date-time; without an offset it is read in the user's zone."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(
            f"{text!r} is not an ISO 8601 date and time",
            where=where,
            advice="for example 2026-11-14T22:00 (your local time) or 2026-11-14T21:00Z",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone(zone))
    return moment.astimezone(UTC)
