"""Running a check stage by stage: timing each stage, reporting it, and naming where a failure is.

`StageRecorder` times stages and emits their events; `stage_of` says which stage an API error
belongs to (a DNS failure is DNS wherever it happens; a 401 from the token endpoint is AUTH...).
"""

from __future__ import annotations

import time
from typing import Any

from golive.api.errors import ApiError, Failure, Operation
from golive.checks.events import CheckEvent, EventSink
from golive.checks.results import CheckOutcome, CheckResult, CheckStage, StageOutcome, StageResult


def stage_of(error: ApiError, default: CheckStage) -> CheckStage:
    """The stage an API error belongs to; `default` for errors of the call itself."""
    if error.failure is Failure.DNS:
        return CheckStage.DNS
    if error.failure in (Failure.REFUSED, Failure.CONNECT):
        return CheckStage.TCP
    if error.failure is Failure.TLS:
        return CheckStage.TLS
    if error.failure in (Failure.TIMEOUT, Failure.PROTOCOL):
        return CheckStage.HTTP
    if error.failure is Failure.STATUS:
        if error.operation is Operation.TOKEN or error.status_code == 401:
            return CheckStage.AUTH
        if error.status_code == 403 and (
            error.company_not_found or error.code == "COMPANY_NOT_FOUND"
        ):
            return CheckStage.COMPANY
    return default


class StageRecorder:
    """The stages of one check: each timed, each reported as it starts and ends."""

    def __init__(self, check_id: str, title: str, emit: EventSink, country: str | None = None):
        self.check_id = check_id
        self.title = title
        self.country = country
        self.emit = emit
        self.stages: list[StageResult] = []
        self.details: dict[str, Any] = {}
        self._started = time.perf_counter()
        self._stage_started = self._started
        self._current: CheckStage | None = None

    def start(self, stage: CheckStage, message: str) -> None:
        self._current = stage
        self._stage_started = time.perf_counter()
        self.emit(CheckEvent("stage_started", self.check_id, self.title, stage, message))

    def finish(
        self,
        outcome: StageOutcome,
        message: str,
        *,
        advice: str = "",
        stage: CheckStage | None = None,
        details: dict[str, Any] | None = None,
    ) -> StageResult:
        """End the current stage (or record `stage` as the one that failed)."""
        chosen = stage or self._current
        if chosen is None:
            raise RuntimeError("StageRecorder.finish() before start()")
        if details and details.get("request_id"):
            # every request id of the check, in order: what support looks a request up by
            self.details.setdefault("request_ids", []).append(details["request_id"])
        elapsed = time.perf_counter() - self._stage_started
        result = StageResult(
            stage=chosen,
            outcome=outcome,
            elapsed_s=round(elapsed, 4),
            message=message,
            advice=advice,
            details=details or {},
        )
        self.stages.append(result)
        self.emit(
            CheckEvent(
                "stage_finished", self.check_id, self.title, chosen, message, stage_result=result
            )
        )
        self._current = None
        return result

    def skip(self, stage: CheckStage, message: str) -> StageResult:
        result = StageResult(stage=stage, outcome="skipped", message=message)
        self.stages.append(result)
        self.emit(
            CheckEvent(
                "stage_finished", self.check_id, self.title, stage, message, stage_result=result
            )
        )
        return result

    def fail_with(self, error: ApiError, default: CheckStage) -> StageResult:
        """End the current stage as failed by an API error, under the stage the error belongs to."""
        details: dict[str, Any] = {"url": error.url, "attempts": error.attempts}
        if error.request_id:
            details["request_id"] = error.request_id
        if error.status_code is not None:
            details["status"] = error.status_code
        if error.problems:
            details["problems"] = [
                {"code": p.code, "message": p.message, "path": p.path} for p in error.problems
            ]
        if error.tls_problem:
            details["tls_problem"] = error.tls_problem
        return self.finish(
            "failed",
            error.message,
            advice=error.advice,
            stage=stage_of(error, default),
            details=details,
        )

    def result(self) -> CheckResult:
        """The check's result: the first failure (else the first warning, else the last stage)."""
        elapsed = round(time.perf_counter() - self._started, 4)
        failed = next((s for s in self.stages if s.outcome == "failed"), None)
        warned = next((s for s in self.stages if s.outcome == "warning"), None)
        ran = [s for s in self.stages if s.outcome != "skipped"]
        decisive = failed or warned or (ran[-1] if ran else None)
        outcome: CheckOutcome = "failed" if failed else "warning" if warned else "passed"
        if not ran:
            outcome = "skipped"
        result = CheckResult(
            id=self.check_id,
            title=self.title,
            outcome=outcome,
            stage=decisive.stage if decisive else None,
            message=decisive.message if decisive else "",
            advice=decisive.advice if decisive else "",
            elapsed_s=elapsed,
            country=self.country,
            stages=self.stages,
            details=self.details,
        )
        self.emit(
            CheckEvent(
                "result", self.check_id, self.title, result.stage, result.message, result=result
            )
        )
        return result
