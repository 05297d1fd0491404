"""Per-country facts: the catalog, country names and time zones, and what a country requires.

A country outside the catalog is allowed: its requirements are unknown (None), so the checklist
asks the user instead of guessing.
"""

from __future__ import annotations

from golive.countries.catalog import CountryFacts, OtherId, catalog
from golive.countries.zones import country_name, is_known_country, time_zones
from golive.session.errors import BadInputError
from golive.session.model import CountryRequirements

__all__ = [
    "CountryFacts",
    "OtherId",
    "catalog",
    "country",
    "country_name",
    "is_known_country",
    "normalise_code",
    "requirements_for",
    "time_zones",
]


def normalise_code(code: str) -> str:
    """`code` as an ISO 3166-1 alpha-2 code (upper case; EL, Greece's VAT prefix, means GR).

    Raises BadInputError for anything that is not a real country code.
    """
    cleaned = code.strip().upper()
    if cleaned == "EL":
        cleaned = "GR"
    if not is_known_country(cleaned):
        raise BadInputError(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code",
            where="country code",
            advice="use a two-letter code such as MX, DE or IT "
            "(`golive country list` shows the catalog)",
        )
    return cleaned


def country(code: str) -> CountryFacts | None:
    """The catalog's row for `code`, or None when the country is not in the catalog."""
    return catalog().get(code.strip().upper())


def requirements_for(code: str) -> CountryRequirements:
    """The snapshot of the catalog row a session keeps when the country is added.

    Outside the catalog: the tz database's country name and nothing else, so every
    "if required" item asks the user.
    """
    cc = normalise_code(code)
    facts = country(cc)
    if facts is None:
        return CountryRequirements(name=country_name(cc))
    return CountryRequirements(
        name=facts.name,
        model=facts.model,
        platform=facts.platform,
        certificate_required=facts.certificate_required,
        certificate_kind=facts.certificate_kind,
        certificate_reason=facts.certificate_reason,
        platform_required=facts.platform_required,
        platform_registration=facts.platform_registration,
        platform_reason=facts.platform_reason,
        tax_id_name=facts.tax_id_name,
        source=facts.source,
        reviewed=facts.reviewed,
    )
