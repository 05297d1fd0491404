"""The live checks: connectivity, a single transaction, smoke tests and the probe.

One entry point, `run_suite`; results are `SuiteResult`s; progress goes through `on_event`;
`record_suite` turns a result into evidence and item states.
"""

from __future__ import annotations

from golive.checks.events import CheckEvent, EventCallback
from golive.checks.recording import RecordedRun, record_suite
from golive.checks.results import SUITES, CheckResult, CheckStage, StageResult, SuiteResult
from golive.checks.suites import cancelled_suite, run_suite

__all__ = [
    "SUITES",
    "CheckEvent",
    "CheckResult",
    "CheckStage",
    "EventCallback",
    "RecordedRun",
    "StageResult",
    "SuiteResult",
    "cancelled_suite",
    "record_suite",
    "run_suite",
]
