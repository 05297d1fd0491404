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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from golive.session.clock import now
from golive.session.errors import GoliveError
from golive.session.model import Obligation

CATALOG_FILE = "catalog.toml"

Route = Literal["clearance", "real-time reporting", "post-audit", "approved platform", "peppol"]
TestMode = Literal["yes", "no", "unknown"]
Validation = Literal["check_digits", "format_only", "none"]
Written = Literal["formatted", "compact"]


class OtherId(BaseModel):
    """An identifier people mistake for the tax ID (a PAN for a GSTIN, a SIREN for a TVA number)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    module: str


class CountryFacts(BaseModel):
    """One catalog row: a country's e-invoicing route and its proof, its dated obligations, its
    currency and its tax ID."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    route: Route
    platform: str
    document_format: str
    test_environment: TestMode
    proof_id: str
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")
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
    note: str = Field(default="", description="what the review could not confirm")
    obligation: tuple[Obligation, ...] = ()

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        return self.obligation

    def certificate_on(self, on: date | None = None) -> tuple[bool, str]:
        """Whether a certificate is required on `on` (default today), and what it means.

        False only for a verified or secondary "not required" in force and no required one:
        an inference counts as required (golive does not say "no" without a source)."""
        day = on or now().date()
        current = [o for o in self.obligation if o.kind == "certificate" and o.in_force(day)]
        required = [o for o in current if o.required]
        if required or not any(o.sourced_no for o in current):
            return True, "; ".join(o.what for o in required)
        return False, "; ".join(o.what for o in current if o.sourced_no)

    @property
    def certificate_required(self) -> bool:
        """certificate_on(today)[0], for readers of the older flat field (certs.py)."""
        return self.certificate_on()[0]

    @property
    def certificate_reason(self) -> str:
        """Why no certificate is needed today ("" when one is)."""
        required, what = self.certificate_on()
        return "" if required else what

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
        seen: set[str] = set()
        for obligation in self.obligation:
            if obligation.id in seen:
                raise ValueError(f"obligation id {obligation.id!r} appears twice")
            seen.add(obligation.id)
            if obligation.from_ and obligation.until and obligation.until < obligation.from_:
                raise ValueError(f"obligation {obligation.id!r} ends before it starts")
            if not obligation.what.strip():
                raise ValueError(f"obligation {obligation.id!r} says nothing (what is empty)")
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
    row = dict(row)
    # an obligation without its own source or review date has the row's
    obligations = []
    for raw in row.get("obligation", []) or []:
        entry = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(entry, dict):
            entry.setdefault("source", row.get("source", ""))
            entry.setdefault("reviewed", row.get("reviewed"))
        obligations.append(entry)
    if obligations:
        row["obligation"] = obligations
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
