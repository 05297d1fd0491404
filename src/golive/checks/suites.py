"""The one entry point of the live checks: `run_suite(session, environment, suite, ...)`.

It checks the inputs (environment, suite, countries, limits, the production confirmation), builds
the API client from the session's environment settings, runs the suite and returns a
`SuiteResult`. It records nothing: `golive.checks.recording.record_suite` turns the result into
evidence and item states.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr

from golive.api.client import OnesourceClient, RetryNotice, stage_deadline
from golive.api.endpoints import ENVIRONMENTS, Endpoints, is_rehearsal
from golive.api.trace import HarTrace
from golive.checks.connectivity import check_connectivity
from golive.checks.documents import country_name, document_plan
from golive.checks.events import CheckEvent, EventCallback, EventSink
from golive.checks.probe import run_probe
from golive.checks.results import SUITES, CheckResult, CheckStage, SuiteName, SuiteResult
from golive.checks.smoke import CountryPlan, run_limited, run_smoke, transaction_job
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings, Session

DEFAULT_CONCURRENCY = 32
MAX_CONCURRENCY = 256
DEFAULT_PROBE_COUNT = 100
# What a probe may do: (most requests, most at once) per environment.
PROBE_LIMITS = {"staging": (10_000, MAX_CONCURRENCY), "production": (1_000, 50)}
NEEDS_CONFIRMATION = frozenset({"transaction", "probe", "parity"})
FALLBACK_COUNTRY = "US"


def _check_inputs(environment: str, suite: str) -> SuiteName:
    if environment not in ENVIRONMENTS:
        raise BadInputError(
            f"{environment!r} is not an environment",
            where="--env",
            advice="use staging or production",
        )
    for name in SUITES:
        if suite == name:
            return name
    raise BadInputError(
        f"{suite!r} is not a check suite",
        where="--suite",
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
            where="--country",
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
            where="--concurrency",
            advice=f"use 1 to {MAX_CONCURRENCY}",
        )
    if suite != "probe":
        return
    most, widest = PROBE_LIMITS[environment]
    if probe_count < 1 or probe_count > most:
        raise BadInputError(
            f"a probe of {probe_count} transactions is out of range for {environment}",
            where="--count",
            advice=f"use 1 to {most} against {environment}",
        )
    if concurrency > widest:
        raise BadInputError(
            f"concurrency {concurrency} is above the {environment} cap of {widest}",
            where="--concurrency",
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
            return bool(self.countries) and _transaction_country(self.countries).clearance
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
        chosen = self.countries if self.countries_given else [_transaction_country(self.countries)]
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
    name = _check_inputs(environment, suite)
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
            where="--suite",
            advice="against production run the connectivity and transaction suites",
        )
    plan = plan_countries(session, settings, environment, countries)
    if name in ("transaction", "smoke", "probe", "parity") and not plan:
        raise BadInputError(
            f"the session has no countries to run the {name} suite for",
            where="countries",
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


async def run_suite(
    session: Session,
    environment: str,
    suite: str,
    *,
    secret: SecretStr,
    on_event: EventCallback | None = None,
    confirm_production: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    probe_count: int = DEFAULT_PROBE_COUNT,
    countries: Sequence[str] | None = None,
    clearance_timeout: float = 60.0,
    poll_interval: float = 0.25,
    transport: httpx.AsyncBaseTransport | None = None,
    einvoicing_secret: SecretStr | None = None,
    trace: HarTrace | None = None,
    parity: ParityOptions | None = None,
) -> SuiteResult:
    """Run one suite (connectivity, transaction, smoke, probe, parity) against one environment.

    Parity against production also asks staging (`parity.staging_secret`) and compares them.

    Raises BadInputError before anything is sent when `plan_suite` refuses the inputs, or for a
    transaction or probe against production without `confirm_production=True`. Cancelling the
    task cancels every request in flight and closes the connections (no task is left behind).
    """
    prepared = plan_suite(
        session,
        environment,
        suite,
        concurrency=concurrency,
        probe_count=probe_count,
        countries=countries,
    )
    if prepared.needs_confirmation and not confirm_production:
        raise BadInputError(
            f"the {prepared.suite} suite against production needs confirmation",
            where="--env production",
            advice="answer the question on a terminal, or pass --yes in a script once you are sure",
        )
    name, settings, endpoints = prepared.suite, prepared.settings, prepared.endpoints
    if (
        prepared.sends_einvoices
        and not settings.einvoicing.shares_credentials
        and (einvoicing_secret is None or not einvoicing_secret.get_secret_value())
    ):
        from golive.api.client import einvoicing_secret_missing

        raise einvoicing_secret_missing(environment)  # before anything is sent
    finished: list[CheckResult] = []

    def collect(event: CheckEvent) -> None:
        if event.kind == "result" and event.result is not None and event.stage_result is None:
            finished.append(event.result)
        if on_event is not None:
            on_event(event)

    emit = EventSink(collect)
    deadline = suite_deadline(prepared, clearance_timeout)

    def on_retry(notice: RetryNotice) -> None:
        emit(
            CheckEvent(
                "notice",
                notice.operation.value,
                message=f"{notice.cause} from {notice.url}: attempt {notice.attempt} failed, "
                f"retrying in {notice.delay_s:.2f} s ({notice.reason})",
            )
        )

    result = SuiteResult(
        suite=name,
        environment=environment,
        host=endpoints.host,
        base_url=endpoints.base_url,
        rehearsal=prepared.rehearsal,
        demo=session.is_demo(),
        started=now(),
    )
    checks: list[CheckResult] = []
    clock = time.perf_counter()
    async with OnesourceClient(
        settings,
        environment=environment,
        client_secret=secret,
        max_connections=max(concurrency, 10),
        transport=transport,
        on_retry=on_retry,
        einvoicing_secret=einvoicing_secret,
        trace=trace,
    ) as client:
        try:
            async with asyncio.timeout(deadline):
                await _run_checks(
                    prepared,
                    session,
                    client,
                    emit,
                    checks,
                    result,
                    countries_given=bool(countries),
                    clearance_timeout=clearance_timeout,
                    poll_interval=poll_interval,
                    parity=parity,
                    transport=transport,
                )
        except TimeoutError:
            checks[:] = _past_suite_deadline(prepared, finished, deadline, emit)
    result.checks = checks
    result.rehearsal = result.rehearsal or _reached_a_local_address(prepared, checks)
    result.ended = now()
    result.elapsed_s = round(time.perf_counter() - clock, 3)
    result.figures.update(_figures(checks))
    return result


@dataclass(frozen=True)
class ParityOptions:
    """The parity suite's inputs: the user's scenario file, and staging's secret for a
    production run (which compares production with staging)."""

    scenarios: Path | None = None
    staging_secret: SecretStr | None = None


async def _run_parity(
    session: Session,
    environment: str,
    client: OnesourceClient,
    plan: list[CountryPlan],
    company: str,
    emit: EventSink,
    options: ParityOptions | None,
    transport: httpx.AsyncBaseTransport | None,
) -> list[CheckResult]:
    from golive.checks.parity import ParityTarget, run_parity, scenarios_for

    options = options or ParityOptions()
    on_sandbox = [
        environment_settings(session, name).preset == "sandbox" for name in {environment, "staging"}
    ]
    scenarios, tolerance, left_out = scenarios_for(
        session, options.scenarios, sandbox=all(on_sandbox)
    )
    targets = [ParityTarget(environment, client, {p.country: p.company for p in plan}, company)]
    if environment != "production":
        return await run_parity(
            targets, scenarios, tolerance=tolerance, emit=emit, left_out=left_out
        )
    staging_secret = options.staging_secret
    if staging_secret is None:  # the wizard: staging's secret from where golive keeps it
        from golive.secrets import aresolve_client_secret
        from golive.session.errors import GoliveError

        try:
            staging_secret = (await aresolve_client_secret(session, "staging")).value
        except GoliveError as error:
            raise BadInputError(
                "parity against production compares it with staging: "
                f"staging's client secret is needed ({error.message})",
                where="--env production",
                advice="store the staging client secret too (golive secret set SESSION staging)",
            ) from None
    staging = environment_settings(session, "staging")
    staging_plan = plan_countries(session, staging, "staging", [p.country for p in plan])
    async with OnesourceClient(
        staging,
        environment="staging",
        client_secret=staging_secret,
        transport=transport,
    ) as other:
        first = ParityTarget(
            "staging",
            other,
            {p.country: p.company for p in staging_plan},
            staging.external_company_id or (staging_plan[0].company if staging_plan else ""),
        )
        return await run_parity(
            [first, *targets], scenarios, tolerance=tolerance, emit=emit, left_out=left_out
        )


def _reached_a_local_address(prepared: SuitePlan, checks: list[CheckResult]) -> bool:
    """Whether the address the connectivity check resolved (not a proxy's) makes the run a
    rehearsal, even though the name did not when the run was planned."""
    for check in checks:
        if check.id != "connectivity" or "proxy" in check.details:
            continue
        for stage in check.stages:
            found = stage.details.get("addresses") if stage.stage is CheckStage.DNS else None
            if isinstance(found, list) and found:
                host = prepared.endpoints.host
                return is_rehearsal(prepared.settings, addresses={host: [str(a) for a in found]})
    return False


def _past_suite_deadline(
    prepared: SuitePlan, finished: list[CheckResult], deadline: float, emit: EventSink
) -> list[CheckResult]:
    """The checks that finished, and a failed check naming the run's deadline."""
    kept = [c for c in finished if c.id != "deadline"]
    check = CheckResult(
        id="deadline",
        title=f"The {prepared.suite} run within its deadline",
        outcome="failed",
        stage=CheckStage.HTTP,
        message=f"the {prepared.suite} run against {prepared.endpoints.host} did not finish within "
        f"its deadline of {deadline:g} s; the checks still running were stopped "
        f"({len(kept)} had finished)",
        advice="the service answers too slowly for a run of this size: try again later, or run "
        "fewer countries or requests; the deadline comes from the environment's timeouts and "
        "retry policy",
        elapsed_s=round(deadline, 3),
    )
    emit(CheckEvent("result", check.id, check.title, check.stage, check.message, result=check))
    return [*kept, check]


async def _run_checks(
    prepared: SuitePlan,
    session: Session,
    client: OnesourceClient,
    emit: EventSink,
    checks: list[CheckResult],
    result: SuiteResult,
    *,
    countries_given: bool,
    clearance_timeout: float,
    poll_interval: float,
    parity: ParityOptions | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    name, plan, company = prepared.suite, prepared.countries, prepared.company
    concurrency, probe_count = prepared.concurrency, prepared.probe_count
    if name == "connectivity":
        country = plan[0].country if plan else FALLBACK_COUNTRY
        checks.append(await check_connectivity(client, company=company, country=country, emit=emit))
    elif name == "transaction":
        chosen = plan if countries_given else [_transaction_country(plan)]
        jobs = [
            transaction_job(client, entry, emit, clearance_timeout, poll_interval)
            for entry in chosen
        ]
        checks.extend(await run_limited(jobs, concurrency, emit, "transaction"))
    elif name == "smoke":
        checks.extend(
            await run_smoke(
                client,
                plan=plan,
                company=company,
                emit=emit,
                concurrency=concurrency,
                clearance_timeout=clearance_timeout,
                poll_interval=poll_interval,
            )
        )
    elif name == "parity":
        checks.extend(
            await _run_parity(
                session, prepared.environment, client, plan, company, emit, parity, transport
            )
        )
    else:
        probe, figures = await run_probe(
            client,
            plan=plan,
            count=probe_count,
            concurrency=concurrency,
            targets=session.targets,
            emit=emit,
            clearance_timeout=clearance_timeout,
            poll_interval=poll_interval,
        )
        checks.append(probe)
        result.figures.update(figures)


def _transaction_country(plan: list[CountryPlan]) -> CountryPlan:
    """A country that gets a test document when there is one (so it is exercised too), else one
    where a document is due but only quoted (the check then says why), else the first."""
    due = [entry for entry in plan if entry.clearance] or [e for e in plan if e.quote_only]
    return (due or plan)[0]


def _figures(checks: list[CheckResult]) -> dict[str, object]:
    figures: dict[str, object] = {
        "checks": {
            "total": len(checks),
            "passed": sum(c.outcome == "passed" for c in checks),
            "warning": sum(c.outcome == "warning" for c in checks),
            "failed": sum(c.outcome == "failed" for c in checks),
            "skipped": sum(c.outcome == "skipped" for c in checks),
        }
    }
    for check in checks:
        if check.id == "connectivity":
            figures["stages_ms"] = {
                s.stage.value: round(s.elapsed_s * 1000, 1)
                for s in check.stages
                if s.outcome != "skipped"
            }
            tls = next((s for s in check.stages if s.stage.value == "tls"), None)
            if tls is not None and "days_to_expiry" in tls.details:
                figures["certificate_days_to_expiry"] = tls.details["days_to_expiry"]
    return figures


def cancelled_suite(
    session: Session,
    environment: str,
    suite: str,
    finished: list[CheckResult],
) -> SuiteResult:
    """The result of a run stopped before its end (Ctrl-C): the checks that finished, marked cancelled."""
    name = _check_inputs(environment, suite)
    settings = environment_settings(session, environment)
    endpoints = Endpoints.of(settings, environment)
    return SuiteResult(
        suite=name,
        environment=environment,
        host=endpoints.host,
        base_url=endpoints.base_url,
        rehearsal=is_rehearsal(settings),
        demo=session.is_demo(),
        cancelled=True,
        checks=list(finished),
        figures=_figures(finished),
    )
