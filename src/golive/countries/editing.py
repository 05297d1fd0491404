"""Editing a session's countries: the one place the wizard and the command line both call.

`country_codes` reads what a user typed ("it, mx", "EL") into ISO codes; `add_countries` adds
them (or brings removed ones back) with the catalog's requirements for the go-live date.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from golive.session.errors import BadInputError

WHERE = "countries"  # the session field (session.countries)


def country_codes(raw: Iterable[str]) -> list[str]:
    """ISO 3166-1 alpha-2 codes from comma-separated chunks, in order, without repeats.

    Empty parts are skipped (an empty list is the caller's to refuse); anything else that is
    not a country code raises BadInputError.
    """
    from golive.session.model import _country_code

    codes: list[str] = []
    for chunk in raw:
        for code in chunk.split(","):
            if not code.strip():
                continue
            try:
                codes.append(_country_code(code))
            except ValueError as error:
                raise BadInputError(
                    str(error),
                    where=WHERE,
                    advice="use ISO 3166-1 alpha-2 codes such as DE, FR, MX",
                ) from None
    return list(dict.fromkeys(codes))


def add_countries(session: Any, codes: list[str]) -> list[str]:
    """Add countries (or bring removed ones back), with their catalog requirements.

    Returns the codes that changed; a country already active is left as it is.
    """
    from golive.countries import requirements_for as catalog_requirements
    from golive.session.model import CountrySetup
    from golive.session.obligations import go_live_date

    when = go_live_date(session)

    def requirements_for(code: str) -> Any:
        return catalog_requirements(code, when.start if when.planned else None)

    added = []
    countries = dict(session.countries)
    for code in codes:
        existing = countries.get(code)
        if existing is not None and not existing.removed:
            continue
        if existing is not None:
            existing.removed = False
            existing.requirements = requirements_for(code)
        else:
            countries[code] = CountrySetup(requirements=requirements_for(code))
        added.append(code)
    session.countries = countries
    return added
