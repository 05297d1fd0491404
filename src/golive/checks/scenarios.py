"""The tax scenarios parity runs: their model (and JSON Schema), the built-in ones per country, and
a user's scenario file read with line-located errors. The checks themselves are in parity.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from golive.countries.vies import EU_MEMBER_STATES
from golive.session.errors import BadInputError
from golive.session.model import Session

EU = frozenset(EU_MEMBER_STATES)
STANDARD_PRODUCT = "GOLIVE-CHECK"
REDUCED_PRODUCT = "GOLIVE-REDUCED"
EXEMPT_PRODUCT = "GOLIVE-EXEMPT"
ZERO_EXPECTED = frozenset({"exempt", "reverse_charge", "export"})
RATE_TOLERANCE = 0.0005  # rates are fractions: 0.05 percentage points
DEFAULT_TOLERANCE = 0.01  # amounts, in the document's currency

Expect = Literal["taxed", "rate", "amount", "exempt", "reverse_charge", "export"]
Country = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, in capitals")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioLine(_Strict):
    """One line of a scenario and what its answer must be."""

    amount: float = Field(gt=0, description="the line's amount, in the document's currency")
    product_code: str = Field(default=STANDARD_PRODUCT, min_length=1)
    expect: Expect = Field(
        default="taxed",
        description="taxed (any rate above 0), rate (the `rate`), amount (the `tax_amount`), "
        "or not taxed: exempt, reverse_charge, export",
    )
    rate: float | None = Field(default=None, ge=0, le=1, description="a fraction: 0.19 is 19 %")
    tax_amount: float | None = Field(default=None, ge=0)
    tolerance: float = Field(default=DEFAULT_TOLERANCE, ge=0, description="for tax_amount")
    jurisdiction: str = Field(default="", description="a part of the jurisdiction's name")


class Scenario(_Strict):
    name: str = Field(min_length=1, max_length=120)
    ship_from: str = Country
    ship_to: str = Country
    buyer: Literal["B2B", "B2C"] = "B2B"
    currency: str = Field(
        default="", pattern=r"^([A-Z]{3})?$", description="ISO 4217; default by ship_to"
    )
    lines: list[ScenarioLine] = Field(min_length=1)


class ScenarioFile(_Strict):
    """A file of the user's own scenarios (`golive check --suite parity --scenarios FILE`)."""

    tolerance: float = Field(
        default=DEFAULT_TOLERANCE, ge=0, description="staging vs production: amounts may differ"
    )
    reduced_product: str = Field(
        default="", description="the company's product code of a reduced-rate line (built-ins)"
    )
    exempt_product: str = Field(
        default="", description="the company's product code of an exempt line (built-ins)"
    )
    reverse_charge: bool = Field(
        default=False,
        description="run the built-in intra-EU reverse charge against a real host (the company "
        "knows B2B buyers by the customerType golive sends)",
    )
    scenario: list[Scenario] = Field(default_factory=list)


def scenarios_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (`golive schema scenarios`)."""
    return ScenarioFile.model_json_schema()


# --- the scenarios ------------------------------------------------------------------------------


def _export_destination(country: str) -> str:
    return "US" if country != "US" else "CA"


def builtin_scenarios(
    countries: list[str],
    *,
    reduced_product: str | None = REDUCED_PRODUCT,
    exempt_product: str | None = EXEMPT_PRODUCT,
    reverse_charge: bool = True,
) -> list[Scenario]:
    """For each country: domestic B2B standard, reduced, exempt, intra-EU reverse charge (EU
    countries), an export, B2C. Without a product code for the reduced or the exempt line
    (None), that scenario is left out: which product is reduced or exempt is the company's."""
    found: list[Scenario] = []
    for cc in countries:

        def one(
            name: str, ship_to: str, buyer: Literal["B2B", "B2C"], cc: str = cc, **line: Any
        ) -> Scenario:
            return Scenario(
                name=f"{cc} {name}",
                ship_from=cc,
                ship_to=ship_to,
                buyer=buyer,
                lines=[ScenarioLine(amount=100.0, **line)],
            )

        found.append(one("domestic B2B, standard rate", cc, "B2B"))
        if reduced_product:
            found.append(one("domestic B2B, reduced rate", cc, "B2B", product_code=reduced_product))
        if exempt_product:
            found.append(
                one(
                    "domestic B2B, exempt line",
                    cc,
                    "B2B",
                    product_code=exempt_product,
                    expect="exempt",
                )
            )
        if cc in EU and reverse_charge:
            other = "FR" if cc != "FR" else "DE"
            found.append(
                one(
                    f"intra-EU B2B to {other}, reverse charge",
                    other,
                    "B2B",
                    expect="reverse_charge",
                )
            )
        destination = _export_destination(cc)
        found.append(one(f"export to {destination}", destination, "B2B", expect="export"))
        found.append(one("domestic B2C", cc, "B2C"))
    return found


_ARRAY = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.]+)\s*\]\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each key of a scenario file is: (scenario, i[, lines, j], key) -> line number."""
    index: dict[tuple[str, ...], int] = {}
    scenario = -1
    line_no = -1
    where: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        array = _ARRAY.match(raw)
        if array:
            name = array.group(1)
            if name == "scenario":
                scenario += 1
                line_no = -1
                where = ("scenario", str(scenario))
            elif name == "scenario.lines":
                line_no += 1
                where = ("scenario", str(scenario), "lines", str(line_no))
            index.setdefault(where, number)
            continue
        key = _KEY.match(raw)
        if key:
            index.setdefault((*where, key.group(1)), number)
    return index


def load_scenarios(path: Path) -> ScenarioFile:
    """A scenario file, or BadInputError naming each bad field as file:line: key: what."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInputError(
            f"cannot read the scenario file {path}: {error}",
            where="check.scenarios_file",
            advice="give a UTF-8 TOML file (see `golive schema scenarios`)",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInputError(
            f"{path}: not valid TOML: {error}",
            where=str(path),
            advice="fix the line named (see `golive schema scenarios` for the keys)",
        ) from None
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as error:
        lines = _key_lines(text)
        problems: list[str] = []
        for detail in error.errors(include_url=False):
            loc = tuple(str(part) for part in detail["loc"])
            line = None
            for end in range(len(loc), 0, -1):
                if loc[:end] in lines:
                    line = lines[loc[:end]]
                    break
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = "unknown key (a typo? `golive schema scenarios` lists the keys)"
            elif detail["type"] == "missing":
                message = "missing"
            key = ".".join(loc)
            problems.append(
                f"{path}:{line}: {key}: {message}" if line else f"{path}: {key}: {message}"
            )
        raise BadInputError(
            "; ".join(problems),
            where="check.scenarios_file",
            advice="fix the keys named (`golive schema scenarios` gives the JSON Schema)",
        ) from None


def scenarios_for(
    session: Session, path: Path | None, *, sandbox: bool
) -> tuple[list[Scenario], float, list[str]]:
    """The built-in scenarios of the session's countries, plus the file's; the tolerance; and
    what was left out. Against the sandbox the built-ins use its product codes (GOLIVE-REDUCED,
    GOLIVE-EXEMPT); against a real host only the codes the file names."""
    own = load_scenarios(path) if path is not None else ScenarioFile()
    reduced = own.reduced_product or (REDUCED_PRODUCT if sandbox else None)
    exempt = own.exempt_product or (EXEMPT_PRODUCT if sandbox else None)
    reverse = own.reverse_charge or sandbox
    left_out = [
        f"the {what} line of each country (no product code: give {key} in a scenario file)"
        for what, key, code in (
            ("reduced-rate", "reduced_product", reduced),
            ("exempt", "exempt_product", exempt),
        )
        if not code
    ]
    countries = session.active_countries()
    if not reverse and any(cc in EU for cc in countries):
        left_out.append(
            "the intra-EU B2B reverse charge (set reverse_charge = true in a scenario file once "
            "the company tells B2B buyers by the customerType golive sends)"
        )
    scenarios = builtin_scenarios(
        countries, reduced_product=reduced, exempt_product=exempt, reverse_charge=reverse
    )
    return scenarios + own.scenario, own.tolerance, left_out
