"""The country catalog: what e-invoicing needs in each country, read from catalog.toml.

The data file ships inside the package. Each row says where its facts come from (or that they
are `unverified`) and when it was last reviewed; `golive country show CC` prints all of it.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from golive.session.errors import GoliveError

CATALOG_FILE = "catalog.toml"

Model = Literal["clearance", "real-time reporting", "peppol", "post-audit"]
Validation = Literal["check_digits", "format_only", "none"]
Written = Literal["formatted", "compact"]


class OtherId(BaseModel):
    """An identifier people mistake for the tax ID (a PAN for a GSTIN, a SIREN for a TVA number)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    module: str


class CountryFacts(BaseModel):
    """One catalog row: a country's e-invoicing model, what it requires, and its tax ID."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    model: Model
    platform: str
    certificate_required: bool
    certificate_kind: str
    certificate_reason: str
    platform_required: bool
    platform_registration: str
    platform_reason: str
    tax_id_name: str
    tax_id_format: str
    stdnum_module: str
    validation: Validation
    tax_id_pattern: str
    display_prefix: str
    written: Written
    other_ids: tuple[OtherId, ...]
    source: str
    reviewed: date

    @field_validator("name", "platform", "tax_id_name", "tax_id_format", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("tax_id_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if value:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CountryFacts:
        if self.validation == "none":
            if self.stdnum_module:
                raise ValueError("validation 'none' but stdnum_module is set")
            if not self.tax_id_pattern:
                raise ValueError("validation 'none' needs a tax_id_pattern")
        elif not self.stdnum_module:
            raise ValueError(f"validation {self.validation!r} needs a stdnum_module")
        if self.certificate_required and not self.certificate_kind:
            raise ValueError("certificate_required but certificate_kind is empty")
        if not self.certificate_required and not self.certificate_reason:
            raise ValueError("no certificate required but certificate_reason (why not) is empty")
        if self.platform_required and not self.platform_registration:
            raise ValueError("platform_required but platform_registration is empty")
        if not self.platform_required and not self.platform_reason:
            raise ValueError("no platform required but platform_reason (why not) is empty")
        return self

    @property
    def verified(self) -> bool:
        """Whether the row names a source (rather than `unverified`)."""
        return self.source.strip().lower() != "unverified"


def parse_catalog(text: str, origin: str = CATALOG_FILE) -> dict[str, CountryFacts]:
    """Read catalog TOML. Any problem names the file, the country and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GoliveError(
            f"the country catalog is not valid TOML: {error}",
            where=origin,
            advice="fix the file (it ships with golive: reinstall if you did not edit it)",
        ) from None
    rows: dict[str, CountryFacts] = {}
    for code, row in data.items():
        if not re.fullmatch(r"[A-Z]{2}", code) or not isinstance(row, dict):
            raise GoliveError(
                f"{code!r} is not a country table (expected [CC] with a two-letter code)",
                where=f"{origin}: [{code}]",
                advice="name each table by its ISO 3166-1 alpha-2 code, for example [MX]",
            )
        rows[code] = _row(code, row, origin)
    return dict(sorted(rows.items()))


def _row(code: str, row: dict[str, Any], origin: str) -> CountryFacts:
    try:
        return CountryFacts(code=code, **row)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "row"
        raise GoliveError(
            f"{first['msg']} ({len(error.errors())} problem(s) in this row)",
            where=f"{origin}: [{code}] {field}",
            advice="every row needs every field; see the comment at the top of the catalog",
        ) from None


@cache
def catalog() -> dict[str, CountryFacts]:
    """The shipped catalog, by country code (read once per process)."""
    text = resources.files("golive.countries").joinpath(CATALOG_FILE).read_text("utf-8")
    return parse_catalog(text)
