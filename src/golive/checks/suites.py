"""The one entry point of the live checks: `run_suite(session, environment, suite, ...)`.

It checks the inputs (environment, suite, countries, limits, the production confirmation), builds
the API client from the session's environment settings, runs the suite and returns a
`SuiteResult`. It records nothing: `golive.checks.recording.record_suite` turns the result into
evidence and item states.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr

from golive.api.client import OnesourceClient, RetryNotice
from golive.api.endpoints import Endpoints, is_rehearsal
from golive.api.trace import HarTrace
from golive.checks.connectivity import check_connectivity
from golive.checks.events import CheckEvent, EventCallback, EventSink
from golive.checks.planning import (
    DEFAULT_CONCURRENCY,
    DEFAULT_PROBE_COUNT,
    FALLBACK_COUNTRY,
    MAX_CONCURRENCY,
    NEEDS_CONFIRMATION,
    PROBE_LIMITS,
    SuitePlan,
    check_inputs,
    environment_settings,
    plan_countries,
    plan_suite,
    suite_deadline,
    transaction_country,
)
from golive.checks.probe import run_probe
from golive.checks.results import CheckResult, CheckStage, SuiteResult
from golive.checks.smoke import CountryPlan, run_limited, run_smoke, transaction_job
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import Session

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PROBE_COUNT",
    "FALLBACK_COUNTRY",
    "MAX_CONCURRENCY",
    "NEEDS_CONFIRMATION",
    "PROBE_LIMITS",
    "ParityOptions",
    "SuitePlan",
    "cancelled_suite",
    "environment_settings",
    "plan_countries",
    "plan_suite",
    "run_suite",
    "suite_deadline",
]


# Long because it builds the client, runs the suite, and turns cancellation and deadlines into a result.
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
            where="check.production_confirmation",
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
                where="check.parity_staging",
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
        chosen = plan if countries_given else [transaction_country(plan)]
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
    name = check_inputs(environment, suite)
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
