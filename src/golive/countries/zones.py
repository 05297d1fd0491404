"""Countries and their time zones, from the tz database's own tables (the tzdata package).

`iso3166.tab` names every ISO 3166-1 alpha-2 country (read by `golive.session.model`);
`zone.tab` lists each country's zones, several for large countries.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from golive.session.model import iso_countries


def is_known_country(code: str) -> bool:
    """Whether `code` is a real ISO 3166-1 alpha-2 code (in the catalog or not)."""
    return code.strip().upper() in iso_countries()


def country_name(code: str) -> str:
    """The tz database's name for the country, or "" for an unknown code."""
    return iso_countries().get(code.strip().upper(), "")


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            zones.setdefault(fields[0].strip(), []).append(fields[2].strip())
    return {code: tuple(names) for code, names in zones.items()}


def time_zones(code: str) -> list[str]:
    """The country's IANA time zones, in the tz database's order (most populous first)."""
    return list(_zones_by_country().get(code.strip().upper(), ()))
