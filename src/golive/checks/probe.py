"""The probe: N transactions at concurrency C, held against the session's targets.

Each transaction is a quote for the next country of the plan (round robin); for a clearance country
a test document follows, and its final status is counted by country. The figures: error rate,
p50/p95/p99 latency of the tax calculations (retries included, as the integration would wait),
throughput, clearance outcomes and rejections by country.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from golive.api.client import OnesourceClient
from golive.api.errors import ApiError, Failure
from golive.checks.documents import quote_request
from golive.checks.events import CheckEvent, EventSink
from golive.checks.results import CheckOutcome, CheckResult, CheckStage, StageResult
from golive.checks.smoke import CountryPlan
from golive.checks.stages import StageRecorder
from golive.checks.transaction import clear_test_document
from golive.session.model import Targets
from golive.session.percentiles import LatencySketch
from golive.session.percentiles import percentile as percentile  # the tests and callers use it here
from golive.session.targets import ERROR_RATE, RESPONSE_TIME, judge


def _country_figures(
    calls: int, errors: int, latencies: list[float], cleared: int, rejected: int
) -> dict[str, float | None]:
    """One country's probe figures, named as the watch names them."""
    decided = cleared + rejected
    return {
        "calls": float(calls),
        "errors": float(errors),
        "error_rate_pct": round(100.0 * errors / calls, 3) if calls else None,
        "response_time_p95_s": LatencySketch.of(latencies).percentile(95),
        "clearance_documents": float(decided) if decided else None,
        "clearance_success_pct": round(100.0 * cleared / decided, 3) if decided else None,
    }


def error_label(error: ApiError) -> str:
    if error.failure is Failure.STATUS and error.status_code is not None:
        return f"HTTP {error.status_code}" + (f" {error.code}" if error.code else "")
    return error.failure.value


@dataclass
class _Tally:
    """What the probe's workers count as they go."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    first_error: dict[str, ApiError] = field(default_factory=dict)
    clearance: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    rejection_codes: dict[str, Counter[str]] = field(default_factory=dict)
    # country -> [calls, errors, latencies, cleared, rejected]
    per_country: dict[str, list[Any]] = field(default_factory=dict)
    retries: int = 0


# Long because the probe loop keeps its per-country figures, tally.clearance counts and progress together.
async def run_probe(
    client: OnesourceClient,
    *,
    plan: list[CountryPlan],
    count: int,
    concurrency: int,
    targets: Targets,
    emit: EventSink,
    clearance_timeout: float,
    poll_interval: float,
) -> tuple[CheckResult, dict[str, Any]]:
    title = f"Probe: {count} transactions at concurrency {concurrency}"
    check_id = "probe"
    role = client.settings.company_role
    tally = _Tally()
    done = 0
    next_index = 0
    quiet = EventSink(None)

    emit(CheckEvent("stage_started", check_id, title, CheckStage.TRANSACTION, f"{count} quotes"))
    # One token before the workers start, so they do not all ask for one at once.
    try:
        await client.token()
    except ApiError as error:
        recorder = StageRecorder(check_id, title, emit)
        recorder.start(CheckStage.AUTH, "token")
        recorder.fail_with(error, CheckStage.AUTH)
        return recorder.result(), {"requests": 0}

    async def worker() -> None:
        nonlocal done, next_index
        while next_index < count:
            index = next_index
            next_index += 1
            entry = plan[index % len(plan)]
            mine = tally.per_country.setdefault(entry.country, [0, 0, [], 0, 0])
            mine[0] += 1
            started = time.perf_counter()
            try:
                answer = await client.calculate(quote_request(entry.company, role, entry.country))
            except ApiError as error:
                mine[1] += 1
                tally.latencies.append(error.elapsed_s or (time.perf_counter() - started))
                label = error_label(error)
                tally.errors[label] += 1
                tally.first_error.setdefault(label, error)
                tally.retries += max(0, error.attempts - 1)
            else:
                tally.latencies.append(answer.elapsed_s)
                mine[2].append(answer.elapsed_s)
                tally.retries += answer.attempts - 1
                if entry.clearance:
                    total = answer.body.get("totalTaxAmount", 0.0)
                    recorder = StageRecorder(f"probe.{entry.country}", "", quiet, entry.country)
                    status = await clear_test_document(
                        client,
                        recorder,
                        country=entry.country,
                        name=entry.name,
                        company=entry.company,
                        total_tax=float(total) if isinstance(total, int | float) else 0.0,
                        clearance_timeout=clearance_timeout,
                        poll_interval=poll_interval,
                    )
                    tally.clearance["submitted"] += 1
                    if status in ("Approved", "Warning"):
                        mine[3] += 1
                    if status == "Rejected":
                        mine[4] += 1
                        tally.rejections[entry.country] += 1
                        codes = tally.rejection_codes.setdefault(entry.country, Counter())
                        for message in recorder.stages[-1].details.get("messages", []):
                            codes[str(message.get("code", ""))] += 1
                    tally.clearance[status.lower() if status else "failed"] += 1
            done += 1
            emit(
                CheckEvent(
                    "progress",
                    check_id,
                    title,
                    message=f"{done} of {count}",
                    done=done,
                    total=count,
                )
            )

    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, count))):
            group.create_task(worker())
    elapsed = time.perf_counter() - started

    return _probe_result(
        tally,
        check_id=check_id,
        title=title,
        count=count,
        concurrency=concurrency,
        elapsed=elapsed,
        targets=targets,
        emit=emit,
    )


def _probe_figures(
    tally: _Tally, *, count: int, concurrency: int, elapsed: float, targets: Targets
) -> tuple[dict[str, Any], float, float]:
    """The probe's figures (error rate, latency percentiles, throughput, clearance, by country),
    with the error rate and p95 unrounded (what the targets are held against)."""
    ordered = sorted(tally.latencies)
    sketch = LatencySketch.of(ordered)
    failed = sum(tally.errors.values())
    error_rate = 100.0 * failed / count if count else 0.0
    p95 = sketch.percentile(95) or 0.0
    figures: dict[str, Any] = {
        "requests": count,
        "concurrency": concurrency,
        "succeeded": count - failed,
        "failed": failed,
        "error_rate_pct": round(error_rate, 3),
        "response_time_p50_s": round(sketch.percentile(50) or 0.0, 4),
        "response_time_p95_s": round(p95, 4),
        "response_time_p99_s": round(sketch.percentile(99) or 0.0, 4),
        "max_s": round(ordered[-1], 4) if ordered else 0.0,
        "mean_s": round(sum(ordered) / len(ordered), 4) if ordered else 0.0,
        "elapsed_s": round(elapsed, 3),
        "throughput_rps": round(count / elapsed, 2) if elapsed > 0 else 0.0,
        "retries": tally.retries,
        "errors": dict(tally.errors.most_common()),
        "clearance": dict(tally.clearance),
        "rejections_by_country": dict(sorted(tally.rejections.items())),
        "rejection_codes": {cc: dict(c) for cc, c in sorted(tally.rejection_codes.items())},
        "by_country": {
            cc: _country_figures(*tally.per_country[cc]) for cc in sorted(tally.per_country)
        },
        "targets": {
            "error_rate_pct": targets.error_rate_pct,
            "response_time_p95_s": targets.response_time_p95_s,
        },
    }
    return figures, error_rate, p95


# Long because the verdict, its advice and the clearance stage are said together, in order.
def _probe_result(
    tally: _Tally,
    *,
    check_id: str,
    title: str,
    count: int,
    concurrency: int,
    elapsed: float,
    targets: Targets,
    emit: EventSink,
) -> tuple[CheckResult, dict[str, Any]]:
    """The probe's result held against the targets (and its figures), emitted."""
    figures, error_rate, p95 = _probe_figures(
        tally, count=count, concurrency=concurrency, elapsed=elapsed, targets=targets
    )
    misses = [
        verdict.describe()
        for verdict in judge(targets, {ERROR_RATE: error_rate, RESPONSE_TIME: p95})
        if verdict.meets is False
    ]
    figures["meets_targets"] = not misses
    head = (
        f"{count} quotes in {elapsed:.1f} s ({figures['throughput_rps']:g}/s): error rate "
        f"{error_rate:.2f} %, p50 {figures['response_time_p50_s'] * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, p99 {figures['response_time_p99_s'] * 1000:.0f} ms"
    )
    stages = [
        StageResult(
            stage=CheckStage.TRANSACTION,
            outcome="failed" if misses else "passed",
            elapsed_s=round(elapsed, 4),
            message=head,
            details={
                k: figures[k]
                for k in (
                    "response_time_p50_s",
                    "response_time_p95_s",
                    "response_time_p99_s",
                    "error_rate_pct",
                    "errors",
                )
            },
        )
    ]
    outcome: CheckOutcome = "failed" if misses else "passed"
    message = head if not misses else "; ".join(misses) + f" ({head})"
    advice = ""
    stage = CheckStage.TRANSACTION
    if misses:
        worst = next(iter(tally.first_error.values()), None)
        advice = (
            f"most frequent error: {tally.errors.most_common(1)[0][0]} ({worst.message}); {worst.advice}"
            if worst is not None
            else "answers are slower than the target: compare with a run at lower concurrency; "
            "if it persists, raise it with Thomson Reuters before go-live"
        )
    if tally.clearance:
        rejected = sum(tally.rejections.values())
        text = ", ".join(f"{k} {v}" for k, v in sorted(tally.clearance.items()))
        clearance_outcome: CheckOutcome = (
            "warning" if rejected or tally.clearance.get("failed") else "passed"
        )
        detail = ""
        if rejected:
            detail = "; tally.rejections: " + ", ".join(
                f"{cc} {n}" for cc, n in sorted(tally.rejections.items())
            )
        stages.append(
            StageResult(
                stage=CheckStage.CLEARANCE,
                outcome="warning" if clearance_outcome == "warning" else "passed",
                message=f"test documents: {text}{detail}",
                details={
                    "clearance": dict(tally.clearance),
                    "rejections_by_country": dict(tally.rejections),
                },
            )
        )
        if outcome == "passed" and clearance_outcome == "warning":
            outcome = "warning"
            stage = CheckStage.CLEARANCE
            message = f"{head}; test documents: {text}{detail}"
            advice = (
                "look at the rejected test documents (codes by country in the figures) and fix the "
                "fields they name in the integration's e-invoices"
            )
    result = CheckResult(
        id=check_id,
        title=title,
        outcome=outcome,
        stage=stage,
        message=message,
        advice=advice,
        elapsed_s=round(elapsed, 4),
        stages=stages,
        details=figures,
    )
    emit(CheckEvent("result", check_id, title, stage, message, result=result))
    return result, figures
