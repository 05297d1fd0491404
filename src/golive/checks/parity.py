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
from dataclasses import dataclass, field
from typing import Any

from golive.api.client import OnesourceClient
from golive.api.errors import ApiError
from golive.checks.documents import currency_of, document_number
from golive.checks.events import CheckEvent, EventSink
from golive.checks.results import CheckOutcome, CheckResult, CheckStage, StageResult
from golive.checks.scenarios import (
    DEFAULT_TOLERANCE,
    EU,
    EXEMPT_PRODUCT,
    RATE_TOLERANCE,
    REDUCED_PRODUCT,
    STANDARD_PRODUCT,
    ZERO_EXPECTED,
    Scenario,
    ScenarioFile,
    ScenarioLine,
    builtin_scenarios,
    load_scenarios,
    scenarios_for,
    scenarios_schema,
)

__all__ = [  # the scenario names, as they were before scenarios.py
    "DEFAULT_TOLERANCE",
    "EU",
    "EXEMPT_PRODUCT",
    "RATE_TOLERANCE",
    "REDUCED_PRODUCT",
    "STANDARD_PRODUCT",
    "ZERO_EXPECTED",
    "ParityTarget",
    "Scenario",
    "ScenarioFile",
    "ScenarioLine",
    "builtin_scenarios",
    "difference_problems",
    "expectation_problems",
    "load_scenarios",
    "run_parity",
    "scenarios_for",
    "scenarios_schema",
]

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


# Long because each scenario runs against both environments and is compared in place.
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
