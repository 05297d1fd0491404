"""Facts for the window: each country's time zones, its holidays, the user's own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from golive.session.errors import BadInputError

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
                where="time_zone",
                advice="use an IANA name such as Europe/Berlin or America/Mexico_City",
            ) from None
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)
