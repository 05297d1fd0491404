"""Progress of a running check, as small events: a stage started or finished, progress, a result.

Checks report through one callback, `on_event(CheckEvent)`. The command line turns the events into
a live progress display, the wizard into Textual messages. A callback must be quick and must not
raise; an exception in it is logged and ignored so that it cannot break a run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from golive.checks.results import CheckResult, CheckStage, StageResult

log = logging.getLogger("golive.checks")

EventKind = Literal["stage_started", "stage_finished", "progress", "result", "notice"]


@dataclass(frozen=True)
class CheckEvent:
    """One thing that happened in a run.

    - stage_started: `check` began `stage` (message says what it does)
    - stage_finished: `stage_result` says how the stage went
    - progress: `done` of `total` units of `check` finished (transactions of a probe or smoke run)
    - result: `result` is the finished check
    - notice: a message worth showing (a retry, a skipped stage)
    """

    kind: EventKind
    check: str
    title: str = ""
    stage: CheckStage | None = None
    message: str = ""
    done: int = 0
    total: int = 0
    stage_result: StageResult | None = None
    result: CheckResult | None = None


EventCallback = Callable[[CheckEvent], None]


class EventSink:
    """Wraps the caller's callback: never raises into the check, and may be absent."""

    def __init__(self, callback: EventCallback | None) -> None:
        self._callback = callback

    def __call__(self, event: CheckEvent) -> None:
        if self._callback is None:
            return
        try:
            self._callback(event)
        except Exception:  # a presenter's bug must not break a live run
            log.exception("the progress callback failed on a %s event", event.kind)
