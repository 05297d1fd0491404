"""A catalog row read on a date: the obligations in force, the upcoming ones, and a date parser.

The same rules the checklist applies to a session's snapshot (golive.session.obligations), here
for the installed catalog, as `golive country show CC --on DATE` prints them.
"""

from __future__ import annotations

from datetime import date, timedelta

from golive.countries.catalog import CountryFacts
from golive.session.errors import BadInputError
from golive.session.model import Obligation
from golive.session.obligations import UPCOMING_DAYS

__all__ = ["UPCOMING_DAYS", "in_force", "parse_day", "upcoming"]


def parse_day(text: str, where: str) -> date:
    """A YYYY-MM-DD date typed by a user, or BadInputError naming the option."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(
            f"{text!r} is not a date",
            where=where,
            advice="write the date as YYYY-MM-DD, for example 2027-01-01",
        ) from None


def in_force(facts: CountryFacts, on: date) -> list[Obligation]:
    """The row's obligations in force on `on`."""
    return [o for o in facts.obligations if o.in_force(on)]


def upcoming(facts: CountryFacts, on: date, days: int = UPCOMING_DAYS) -> list[Obligation]:
    """Obligations that start after `on` and within `days` of it."""
    limit = on + timedelta(days=days)
    return [o for o in facts.obligations if o.from_ is not None and on < o.from_ <= limit]
