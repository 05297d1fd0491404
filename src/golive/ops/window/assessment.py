"""Assessing a window: business hours and holidays in every zone of the deployment."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from golive.ops.window.zones import (
    BUSINESS_DAYS,
    BUSINESS_END,
    BUSINESS_START,
    SEARCH_MARGIN,
    _holidays,
    country_time_zones,
    zone_name,
)
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import Session, iso_countries

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
