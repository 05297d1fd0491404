"""Per-country facts: the catalog, country names and time zones, and what a country requires.

A country outside the catalog is allowed: its requirements are unknown (None), so the checklist
asks the user instead of guessing.
"""

from __future__ import annotations

import hashlib
from datetime import date

from golive.countries.catalog import CountryFacts, OtherId, catalog
from golive.countries.zones import country_name, is_known_country, time_zones
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import CountryRequirements
from golive.session.values import known_country_code

__all__ = [
    "CountryFacts",
    "OtherId",
    "catalog",
    "country",
    "country_name",
    "is_known_country",
    "normalise_code",
    "requirements_for",
    "row_digest",
    "time_zones",
]


def normalise_code(code: str) -> str:
    """`code` as an ISO 3166-1 alpha-2 code (upper case; EL, Greece's VAT prefix, means GR).

    Raises BadInputError for anything that is not a real country code.
    """
    cleaned = known_country_code(code)
    if cleaned is None:
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


def row_digest(facts: CountryFacts) -> str:
    """A short digest of a catalog row: a session's snapshot with another digest is stale."""
    text = facts.model_dump_json(by_alias=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def requirements_for(code: str, evaluated_for: date | None = None) -> CountryRequirements:
    """The snapshot of the catalog row a session keeps when the country is added (or refreshed).

    Outside the catalog: the tz database's country name and nothing else, so every
    "if required" item asks the user.
    """
    cc = normalise_code(code)
    facts = country(cc)
    if facts is None:
        return CountryRequirements(name=country_name(cc), evaluated_for=evaluated_for)
    return CountryRequirements(
        name=facts.name,
        route=facts.route,
        platform=facts.platform,
        document_format=facts.document_format,
        test_environment={"yes": True, "no": False}.get(facts.test_environment),
        proof_id=facts.proof_id,
        currency=facts.currency,
        obligations=[o.model_copy(deep=True) for o in facts.obligations],
        catalog_digest=row_digest(facts),
        evaluated_for=evaluated_for,
        snapshot_at=now(),
        tax_id_name=facts.tax_id_name,
        source=facts.source,
        reviewed=facts.reviewed,
    )
