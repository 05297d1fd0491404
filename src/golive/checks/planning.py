"""Planning a suite run before anything is sent: the inputs checked (environment, suite, countries,
limits, the production confirmation), each country's company and test document, the deadline.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from golive.api.client import stage_deadline
from golive.api.endpoints import ENVIRONMENTS, Endpoints, is_rehearsal
from golive.checks.documents import country_name, document_plan
from golive.checks.results import SUITES, SuiteName
from golive.checks.smoke import CountryPlan
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings, Session

DEFAULT_CONCURRENCY = 32
MAX_CONCURRENCY = 256
DEFAULT_PROBE_COUNT = 100
# What a probe may do: (most requests, most at once) per environment.
PROBE_LIMITS = {"staging": (10_000, MAX_CONCURRENCY), "production": (1_000, 50)}
NEEDS_CONFIRMATION = frozenset({"transaction", "probe", "parity"})
FALLBACK_COUNTRY = "US"


def check_inputs(environment: str, suite: str) -> SuiteName:
    if environment not in ENVIRONMENTS:
        raise BadInputError(
            f"{environment!r} is not an environment",
            where="check.environment",
            advice="use staging or production",
        )
    for name in SUITES:
        if suite == name:
            return name
    raise BadInputError(
        f"{suite!r} is not a check suite",
        where="check.suite",
        advice=f"use one of: {', '.join(SUITES)}",
    )


def environment_settings(session: Session, environment: str) -> EnvironmentSettings:
    settings: EnvironmentSettings = getattr(session.environments, environment)
    return settings


def plan_countries(
    session: Session,
    settings: EnvironmentSettings,
    environment: str,
    countries: Sequence[str] | None,
) -> list[CountryPlan]:
    """The countries a run covers, each with its company and whether it gets a test document."""
    active = session.active_countries()
    chosen = [c.strip().upper() for c in countries] if countries else active
    unknown = [c for c in chosen if c not in active]
    if unknown:
        raise BadInputError(
            f"not countries of this session: {', '.join(unknown)}",
            where="check.countries",
            advice=f"the session has: {', '.join(active) or 'none'} "
            "(add one with `golive countries SESSION add CC`)",
        )
    plan: list[CountryPlan] = []
    for code in dict.fromkeys(chosen):
        own = session.countries[code].company_for(environment)
        company = own or settings.external_company_id
        if not company:
            raise BadInputError(
                f"no externalCompanyId for {code} in the {environment} environment",
                where=f"environments.{environment}.external_company_id",
                advice="enter the company's externalCompanyId (the wizard's Environment step)",
            )
        send, why_not = document_plan(session, code, environment)
        plan.append(
            CountryPlan(
                code,
                country_name(session, code),
                company,
                send,
                why_not,
                company_override=bool(own),
            )
        )
    return plan


def _check_limits(environment: str, suite: str, concurrency: int, probe_count: int) -> None:
    if concurrency < 1 or concurrency > MAX_CONCURRENCY:
        raise BadInputError(
            f"concurrency {concurrency} is out of range",
            where="check.concurrency",
            advice=f"use 1 to {MAX_CONCURRENCY}",
        )
    if suite != "probe":
        return
    most, widest = PROBE_LIMITS[environment]
    if probe_count < 1 or probe_count > most:
        raise BadInputError(
            f"a probe of {probe_count} transactions is out of range for {environment}",
            where="check.probe_count",
            advice=f"use 1 to {most} against {environment}",
        )
    if concurrency > widest:
        raise BadInputError(
            f"concurrency {concurrency} is above the {environment} cap of {widest}",
            where="check.concurrency",
            advice=f"use at most {widest} against {environment}",
        )


@dataclass(frozen=True)
class SuitePlan:
    """A checked request to run a suite: what runs, against what, for which countries."""

    suite: SuiteName
    environment: str
    settings: EnvironmentSettings
    endpoints: Endpoints
    countries: list[CountryPlan]
    company: str
    rehearsal: bool
    concurrency: int
    probe_count: int
    countries_given: bool

    @property
    def sends_einvoices(self) -> bool:
        """The run sends e-invoice test documents (so E-Invoicing's credentials are used)."""
        if self.suite == "connectivity":
            return False
        if self.suite == "transaction" and not self.countries_given:
            return bool(self.countries) and transaction_country(self.countries).clearance
        return any(c.clearance for c in self.countries)

    @property
    def needs_confirmation(self) -> bool:
        """A run against production that sends transactions (a quote, maybe a test document)."""
        return self.environment == "production" and self.suite in NEEDS_CONFIRMATION

    def describe(self) -> str:
        """What the run will send, in words (for the production confirmation)."""
        host = self.endpoints.host
        if self.suite == "connectivity":
            return f"connectivity checks and one quote for {self.company!r} against {host}"
        if self.suite == "parity":
            return (
                f"the parity scenarios of {', '.join(c.country for c in self.countries)} as quotes "
                f"(nothing committed) against {host}, compared with staging"
            )
        chosen = self.countries if self.countries_given else [transaction_country(self.countries)]
        if self.suite == "probe":
            chosen = self.countries
        clearance = [c.country for c in chosen if c.clearance]
        amount = (
            f"{self.probe_count} tax calculations"
            if self.suite == "probe"
            else (f"{len(chosen)} tax calculation(s)")
        )
        text = (
            f"{amount} as quotes (nothing committed) for {', '.join(c.country for c in chosen)} "
            f"against {host}"
        )
        if clearance:
            text += (
                f", and e-invoices for {', '.join(clearance)} sent as test documents "
                "(sendType Test, never taken as real invoices)"
            )
        return text


def suite_deadline(plan: SuitePlan, clearance_timeout: float) -> float:
    """The longest a whole run may take, from the environment's timeouts and retry policy.

    Each call has its own deadline (`stage_deadline`: every attempt and retry); a run is so many
    rounds of calls (its countries, or its probe's requests, `concurrency` at a time). A server
    that keeps every call just under its own limits still cannot hold the run past this.
    """
    timeouts = plan.settings.timeouts
    call = stage_deadline(timeouts, plan.settings.retry)
    connectivity = 4 * timeouts.connect + 3 * call  # DNS, TCP, TLS, close; ping, token, quote
    # one country: the token, a quote, a test document and its clearance polls
    transaction = 3 * call + clearance_timeout + call
    if plan.suite == "connectivity":
        return connectivity
    if plan.suite == "transaction":
        chosen = len(plan.countries) if plan.countries_given else 1
        return call + math.ceil(chosen / plan.concurrency) * transaction
    if plan.suite == "smoke":
        rounds = math.ceil((len(plan.countries) + 1) / plan.concurrency)
        return connectivity + rounds * transaction
    rounds = math.ceil(plan.probe_count / plan.concurrency)
    return call + rounds * call + clearance_timeout + call


def plan_suite(
    session: Session,
    environment: str,
    suite: str,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    probe_count: int = DEFAULT_PROBE_COUNT,
    countries: Sequence[str] | None = None,
) -> SuitePlan:
    """Check a run's inputs before anything is sent (or any secret asked for).

    Raises BadInputError for an unknown environment or suite, missing or unsafe settings,
    countries not in the session, limits exceeded, or smoke tests against production.
    """
    name = check_inputs(environment, suite)
    settings = environment_settings(session, environment)
    endpoints = Endpoints.of(settings, environment)
    if not settings.client_id:
        raise BadInputError(
            f"the {environment} environment has no client id",
            where=f"environments.{environment}.client_id",
            advice="enter the client id Thomson Reuters issued for this environment",
        )
    _check_limits(environment, name, concurrency, probe_count)
    if environment == "production" and name == "smoke":
        raise BadInputError(
            "smoke tests run against staging, not production",
            where="check.suite",
            advice="against production run the connectivity and transaction suites",
        )
    plan = plan_countries(session, settings, environment, countries)
    if name in ("transaction", "smoke", "probe", "parity") and not plan:
        raise BadInputError(
            f"the session has no countries to run the {name} suite for",
            where="check.countries",
            advice="add the deployment's countries (`golive countries SESSION add DE IT`)",
        )
    company = settings.external_company_id or (plan[0].company if plan else "")
    if not company:
        raise BadInputError(
            f"the {environment} environment has no externalCompanyId",
            where=f"environments.{environment}.external_company_id",
            advice="enter the company's externalCompanyId (the wizard's Environment step)",
        )
    return SuitePlan(
        suite=name,
        environment=environment,
        settings=settings,
        endpoints=endpoints,
        countries=plan,
        company=company,
        rehearsal=is_rehearsal(settings),
        concurrency=concurrency,
        probe_count=probe_count,
        countries_given=bool(countries),
    )


def transaction_country(plan: list[CountryPlan]) -> CountryPlan:
    """A country that gets a test document when there is one (so it is exercised too), else one
    where a document is due but only quoted (the check then says why), else the first."""
    due = [entry for entry in plan if entry.clearance] or [e for e in plan if e.quote_only]
    return (due or plan)[0]
