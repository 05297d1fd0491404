"""Smoke tests: connectivity, then one transaction per country and one deliberately invalid request,
run concurrently (limit settable), streaming progress, cancellable.

Connectivity runs first: when it fails, the rest would only repeat its failure, so they are
reported as not run, naming the stage that failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from golive.api.client import OnesourceClient
from golive.checks.connectivity import check_connectivity
from golive.checks.events import CheckEvent, EventSink
from golive.checks.results import CheckResult
from golive.checks.transaction import check_transaction, check_validation


@dataclass(frozen=True)
class CountryPlan:
    """What a check does for one country: which company, and whether a test document goes."""

    country: str
    name: str
    company: str
    clearance: bool
    quote_only: str = ""  # why no test document goes ("" when one goes or none is due)
    company_override: bool = False  # the company is the country's own, not the environment's


async def run_smoke(
    client: OnesourceClient,
    *,
    plan: list[CountryPlan],
    company: str,
    emit: EventSink,
    concurrency: int,
    clearance_timeout: float,
    poll_interval: float,
) -> list[CheckResult]:
    first_country = plan[0].country if plan else "US"
    connectivity = await check_connectivity(
        client, company=company, country=first_country, emit=emit
    )
    results: list[CheckResult] = [connectivity]
    titles = [(f"transaction.{p.country}", f"Transaction for {p.name} ({p.country})") for p in plan]
    titles.append(("validation", "A deliberately invalid request is refused"))
    if not connectivity.passed:
        stage = connectivity.stage.label if connectivity.stage else "connectivity"
        for check_id, title in titles:
            skipped = CheckResult(
                id=check_id,
                title=title,
                outcome="skipped",
                stage=None,
                message=f"not run: connectivity failed at the {stage} stage",
                advice=connectivity.advice,
            )
            emit(CheckEvent("result", check_id, title, message=skipped.message, result=skipped))
            results.append(skipped)
        return results

    jobs: list[Callable[[], Awaitable[CheckResult]]] = []
    for entry in plan:
        jobs.append(transaction_job(client, entry, emit, clearance_timeout, poll_interval))
    jobs.append(lambda: check_validation(client, company=company, emit=emit))
    results.extend(await run_limited(jobs, concurrency, emit, "smoke"))
    return results


def transaction_job(
    client: OnesourceClient,
    entry: CountryPlan,
    emit: EventSink,
    clearance_timeout: float,
    poll_interval: float,
) -> Callable[[], Awaitable[CheckResult]]:
    def job() -> Awaitable[CheckResult]:
        return check_transaction(
            client,
            country=entry.country,
            name=entry.name,
            company=entry.company,
            clearance=entry.clearance,
            quote_only=entry.quote_only,
            company_override=entry.company_override,
            emit=emit,
            clearance_timeout=clearance_timeout,
            poll_interval=poll_interval,
        )

    return job


async def run_limited(
    jobs: list[Callable[[], Awaitable[CheckResult]]],
    concurrency: int,
    emit: EventSink,
    check_id: str,
) -> list[CheckResult]:
    """Run the jobs, at most `concurrency` at a time, results in the jobs' order.

    A TaskGroup: cancelling the caller cancels every job and waits for them, so no task is left.
    """
    results: list[CheckResult | None] = [None] * len(jobs)
    limit = asyncio.Semaphore(max(1, concurrency))
    done = 0
    total = len(jobs)

    async def one(index: int) -> None:
        nonlocal done
        async with limit:
            results[index] = await jobs[index]()
        done += 1
        emit(
            CheckEvent(
                "progress", check_id, message=f"{done} of {total} done", done=done, total=total
            )
        )

    emit(CheckEvent("progress", check_id, message=f"0 of {total} done", done=0, total=total))
    async with asyncio.TaskGroup() as group:
        for index in range(total):
            group.create_task(one(index))
    return [r for r in results if r is not None]
