"""Scenario parity: tax scenarios run as quotes against each environment's company, held against
what each scenario expects and, staging against production, against each other.

What it catches are the silent failures: a jurisdiction nobody configured that answers zero tax
instead of an error, a production company set up differently from staging, a rate off its
expectation. Every finding names the scenario, the line, the jurisdiction and both figures.

Scenarios are built in for each session country (domestic B2B at the standard rate, a reduced-rate
line, an exempt line, the intra-EU B2B reverse charge where it applies, an export, B2C) and can
be the user's own, in a TOML file beside the session (`--scenarios FILE`, JSON Schema via
`golive schema scenarios`):

    tolerance = 0.01          # staging vs production: amounts may differ by this much
    reduced_product = "BOOK-001"   # the company's product codes for the built-in reduced-rate
    exempt_product = "MED-001"     # and exempt lines (the sandbox has its own)
    reverse_charge = true          # run the built-in intra-EU reverse charge on a real host too

    [[scenario]]
    name = "DE books, reduced rate"
    ship_from = "DE"
    ship_to = "DE"
    buyer = "B2B"             # or B2C
    [[scenario.lines]]
    amount = 100.0
    product_code = "BOOK-001"
    expect = "rate"           # taxed | rate | amount | exempt | reverse_charge | export
    rate = 0.07               # for expect = "rate" (a fraction: 0.07 is 7 %)
    # tax_amount = 7.0        # for expect = "amount", with tolerance
    # jurisdiction = "Germany" # a part of the jurisdiction's name the answer must hold

The built-in scenarios expect what they can know without the company's tax set-up: a taxable
line is taxed (a rate above zero, in a jurisdiction of its country), an exempt, reverse-charge or
export line is not. The rates themselves are the company's; say them in a scenario file. So are
the products that are reduced or exempt: against a real host those built-ins run only with the
file's product codes, the reverse charge only with `reverse_charge = true`; what did not run is
one warning of the run, never a silent pass.
"""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from golive.api.client import OnesourceClient
from golive.api.errors import ApiError
from golive.checks.documents import currency_of, document_number
from golive.checks.events import CheckEvent, EventSink
from golive.checks.results import CheckOutcome, CheckResult, CheckStage, StageResult
from golive.session.errors import BadInputError
from golive.session.model import Session

EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
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
            where="--scenarios",
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
            where="--scenarios",
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


# --- one answer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    rate: float
    amount: float
    treatment: str = ""


@dataclass
class Answer:
    """What one environment answered for one scenario, per line and jurisdiction."""

    environment: str
    lines: dict[int, list[Jurisdiction]] = field(default_factory=dict)
    error: str = ""
    correlation_id: str = ""


def _request(scenario: Scenario, company: str, role: str) -> dict[str, Any]:
    return {
        "externalCompanyId": company,
        "companyRole": role,
        "documentNumber": document_number("PARITY"),
        "documentDate": _today(),
        "currencyCode": scenario.currency or currency_of(scenario.ship_to),
        "isAudited": False,
        "customerType": scenario.buyer,
        "lines": [
            {
                "lineNumber": number,
                "amount": line.amount,
                "productCode": line.product_code,
                "shipFrom": {"country": scenario.ship_from},
                "shipTo": {"country": scenario.ship_to},
            }
            for number, line in enumerate(scenario.lines, start=1)
        ],
    }


def _today() -> str:
    from golive.checks.documents import today

    return today().isoformat()


def _float(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _answer_of(environment: str, body: dict[str, Any]) -> Answer:
    answer = Answer(environment)
    for index, line in enumerate(body.get("lines") or [], start=1):
        if not isinstance(line, dict):
            continue
        given = line.get("lineNumber")
        number = given if isinstance(given, int) else index
        found = line.get("taxes")
        taxes: list[Any] = found if isinstance(found, list) else []
        answer.lines[number] = [
            Jurisdiction(
                str(tax.get("authorityName") or "?"),
                _float(tax.get("taxRate")),
                _float(tax.get("taxAmount")),
                str(tax.get("taxTreatment") or ""),
            )
            for tax in taxes
            if isinstance(tax, dict)
        ]
    return answer


async def _ask(
    client: OnesourceClient, environment: str, scenario: Scenario, company: str
) -> Answer:
    try:
        reply = await client.calculate(_request(scenario, company, client.settings.company_role))
    except ApiError as error:
        return Answer(environment, error=error.message)
    answer = _answer_of(environment, reply.body)
    answer.correlation_id = str(reply.body.get("correlationId") or "")
    return answer


# --- holding answers against the expectation and against each other ------------------------------


def _pct(rate: float) -> str:
    return f"{rate * 100:.2f} %"


def _figure(j: Jurisdiction | None) -> str:
    if j is None:
        return "no such jurisdiction"
    return f"{_pct(j.rate)} (tax {j.amount:,.2f})"


def expectation_problems(scenario: Scenario, answer: Answer) -> list[str]:
    """Each way an answer misses its scenario's expectation, in words."""
    where = answer.environment
    if answer.error:
        return [f"{where}: the quote failed: {answer.error}"]
    problems: list[str] = []
    for number, line in enumerate(scenario.lines, start=1):
        taxes = answer.lines.get(number, [])
        head = f"{where}: line {number}"
        if line.jurisdiction:
            wanted = [t for t in taxes if line.jurisdiction.lower() in t.name.lower()]
            if not wanted:
                found = ", ".join(t.name for t in taxes) or "none"
                problems.append(
                    f"{head}: jurisdiction {line.jurisdiction!r} is missing from the answer "
                    f"(it holds: {found})"
                )
                continue
            taxes = wanted
        total = sum(t.amount for t in taxes)
        names = ", ".join(t.name for t in taxes) or "no jurisdiction"
        if line.expect in ZERO_EXPECTED:
            if total > line.tolerance:
                problems.append(
                    f"{head}, {names}: {line.expect.replace('_', ' ')} expected (no tax), "
                    f"the answer charges {total:,.2f} at {', '.join(_pct(t.rate) for t in taxes)}"
                )
            told = {t.treatment for t in taxes if t.treatment}
            if told and line.expect not in told:
                problems.append(
                    f"{head}, {names}: {line.expect.replace('_', ' ')} expected, the answer says "
                    f"{', '.join(sorted(told))}"
                )
            continue
        if not taxes:
            problems.append(
                f"{head}: unexpected zero: a taxable line answered with no jurisdiction at all "
                f"(expected tax in {scenario.ship_to})"
            )
            continue
        if total <= 0:
            problems.append(
                f"{head}, {names}: unexpected zero: a taxable line answered with tax 0.00 "
                f"at {', '.join(_pct(t.rate) for t in taxes)}"
            )
            continue
        if line.expect == "rate" and line.rate is not None:
            rate = sum(t.rate for t in taxes)
            if abs(rate - line.rate) > RATE_TOLERANCE:
                problems.append(f"{head}, {names}: rate {_pct(rate)}, expected {_pct(line.rate)}")
        if (
            line.expect == "amount"
            and line.tax_amount is not None
            and abs(total - line.tax_amount) > line.tolerance
        ):
            problems.append(
                f"{head}, {names}: tax {total:,.2f}, expected {line.tax_amount:,.2f} "
                f"(± {line.tolerance:g})"
            )
    return problems


def difference_problems(
    scenario: Scenario, first: Answer, second: Answer, tolerance: float
) -> list[str]:
    """Each line and jurisdiction where two environments' answers differ beyond the tolerance."""
    if first.error or second.error:
        return []
    problems: list[str] = []
    for number in range(1, len(scenario.lines) + 1):
        a = {t.name: t for t in first.lines.get(number, [])}
        b = {t.name: t for t in second.lines.get(number, [])}
        for name in sorted(set(a) | set(b)):
            x, y = a.get(name), b.get(name)
            if (
                x is not None
                and y is not None
                and abs(x.amount - y.amount) <= tolerance
                and abs(x.rate - y.rate) <= RATE_TOLERANCE
            ):
                continue
            problems.append(
                f"line {number}, {name}: {first.environment} {_figure(x)}, "
                f"{second.environment} {_figure(y)}"
            )
    return problems


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


@dataclass(frozen=True)
class ParityTarget:
    """One environment a parity run asks: its client and the company of each country."""

    environment: str
    client: OnesourceClient
    companies: dict[str, str]
    fallback_company: str


async def run_parity(
    targets: list[ParityTarget],
    scenarios: list[Scenario],
    *,
    tolerance: float,
    emit: EventSink,
    left_out: list[str] | None = None,
) -> list[CheckResult]:
    """Every scenario against every target, one check per scenario (streamed as they finish);
    what was `left_out` is one warning, so nothing untested reads as passed."""
    results: list[CheckResult] = []
    if left_out:
        warning = CheckResult(
            id="parity.not-run",
            title="Parity: scenarios not run",
            outcome="warning",
            stage=CheckStage.TRANSACTION,
            message="not run: " + "; ".join(left_out),
            advice="name the company's product codes in a scenario file (--scenarios): "
            'reduced_product = "...", exempt_product = "..."',
        )
        results.append(warning)
        emit(
            CheckEvent("result", warning.id, warning.title, message=warning.message, result=warning)
        )
    for index, scenario in enumerate(scenarios, start=1):
        check_id = f"parity.{_slug(scenario.name)}"
        title = f"Parity: {scenario.name}"
        emit(CheckEvent("stage_started", check_id, title, CheckStage.TRANSACTION, "quotes"))
        started = time.perf_counter()
        answers: list[Answer] = []
        for target in targets:
            company = target.companies.get(scenario.ship_from, target.fallback_company)
            answers.append(await _ask(target.client, target.environment, scenario, company))
        problems: list[str] = []
        for answer in answers:
            problems += expectation_problems(scenario, answer)
        if len(answers) == 2:
            problems += [
                f"{answers[0].environment} and {answers[1].environment} differ: {p}"
                for p in difference_problems(scenario, answers[0], answers[1], tolerance)
            ]
        outcome: CheckOutcome = "failed" if problems else "passed"
        shown = "; ".join(
            f"{a.environment} "
            + ", ".join(
                f"line {n}: " + (" + ".join(_figure(j) for j in js) or "no tax")
                for n, js in sorted(a.lines.items())
            )
            for a in answers
            if not a.error
        )
        message = (
            f"{scenario.name}: " + "; ".join(problems)
            if problems
            else f"{scenario.name}: as expected ({shown})"
        )
        advice = (
            "compare the company's tax set-up for this jurisdiction in ONESOURCE (staging and "
            "production): a jurisdiction that answers zero tax is usually not configured"
            if problems
            else ""
        )
        elapsed = round(time.perf_counter() - started, 4)
        result = CheckResult(
            id=check_id,
            title=title,
            outcome=outcome,
            stage=CheckStage.TRANSACTION,
            message=message,
            advice=advice,
            elapsed_s=elapsed,
            country=scenario.ship_from,
            stages=[
                StageResult(
                    stage=CheckStage.TRANSACTION,
                    outcome=outcome,
                    elapsed_s=elapsed,
                    message=message,
                    details={"problems": problems},
                )
            ],
            details={
                "scenario": scenario.name,
                "problems": problems,
                "answers": {
                    a.environment: {
                        "error": a.error,
                        "lines": {
                            str(n): [j.__dict__ for j in js] for n, js in sorted(a.lines.items())
                        },
                    }
                    for a in answers
                },
            },
        )
        results.append(result)
        emit(CheckEvent("result", check_id, title, CheckStage.TRANSACTION, message, result=result))
        emit(
            CheckEvent(
                "progress",
                "parity",
                "Parity",
                message=f"{index} of {len(scenarios)}",
                done=index,
                total=len(scenarios),
            )
        )
    return results
