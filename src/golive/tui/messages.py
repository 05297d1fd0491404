"""Messages the wizard's widgets post: live-test progress and results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from golive.checks.events import CheckEvent
    from golive.checks.recording import RecordedRun
    from golive.checks.results import SuiteResult


class CheckProgress(Message):
    """One event of a running live test (a stage started or finished, progress, a result)."""

    def __init__(self, event: CheckEvent) -> None:
        super().__init__()
        self.event = event


class CheckFinished(Message):
    """A live test ended (passed, failed or cancelled) and was recorded as evidence."""

    def __init__(self, result: SuiteResult, recorded: RecordedRun | None) -> None:
        super().__init__()
        self.result = result
        self.recorded = recorded
