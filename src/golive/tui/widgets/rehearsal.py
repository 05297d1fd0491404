"""The outage rehearsal on the Environment step: what proves the timeouts and the retry policy.

In a demo session it runs `golive.ops.rehearse.run_demo_rehearsal` (golive's demo stand-in
integration through the fault proxy in front of the sandbox) in a thread worker on a copy of the
session; the UI thread takes what it recorded. Anywhere else it says how to rehearse the
partner's own integration, which golive cannot start from here.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from golive.tui.presentation import error_text
from golive.tui.widgets.button_row import ButtonRow

if TYPE_CHECKING:
    from golive.ops.rehearse import RehearsalResult
    from golive.tui.app import WizardApp
    from golive.tui.offthread import SessionCopy

DEMO_TEXT = (
    "The demo brings its own stand-in integration, which applies the staging timeouts and retry "
    "policy above. Rehearse sends it through golive's fault proxy in front of the sandbox: a "
    "503, a 429 with Retry-After, a hang past the read timeout, a dropped connection and an "
    "outage, one document each (about 15 s). A plan file replaces those phases."
)
OWN_TEXT = (
    "Timeouts and retry are proven by an outage rehearsal of your own integration: run golive "
    "rehearse with this session, point the staging integration at the proxy it prints, and "
    "golive judges the integration's log (see golive rehearse --help)."
)


class RehearsalPanel(Vertical):
    """The demo's outage rehearsal: an optional plan, Rehearse / Cancel, and what it found."""

    def __init__(self) -> None:
        super().__init__(id="rehearsal", classes="rehearsal")
        self.cancel_event = threading.Event()
        self.finished = True  # no rehearsal under way (the quit dialog asks while one is)

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        demo = self.wizard.session.meta.demo
        yield Static("Outage rehearsal (staging timeouts and retry)", classes="panel-title")
        yield Static(DEMO_TEXT if demo else OWN_TEXT, classes="field-help")
        if not demo:
            return
        yield Static("Plan file (optional)", classes="field-label")
        yield Input(placeholder="golive's default phases", id="rehearsal-plan")
        with ButtonRow(classes="row-buttons"):
            yield Button("Rehearse outage", id="rehearse", compact=True)
            yield Button("Cancel rehearsal", id="cancel-rehearsal", compact=True, disabled=True)
        yield Static("Not rehearsed in this session yet.", id="rehearsal-result")

    def _result(self, text: str) -> None:
        self.query_one("#rehearsal-result", Static).update(Text(text))

    def _busy(self, busy: bool) -> None:
        self.finished = not busy
        self.query_one("#rehearse", Button).disabled = busy
        self.query_one("#cancel-rehearsal", Button).disabled = not busy

    @on(Button.Pressed, "#rehearse")
    def _rehearse_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.wizard.file is None or not self.finished:
            return
        typed = self.query_one("#rehearsal-plan", Input).value.strip()
        plan = Path(typed).expanduser() if typed else None
        # what was typed on the step is recorded first, so the rehearsal runs on it
        self.screen.on_screen_suspend()  # type: ignore[attr-defined]
        self.cancel_event.clear()
        self._busy(True)
        self._result("Starting the rehearsal proxy…")
        self._run(plan)

    @on(Button.Pressed, "#cancel-rehearsal")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()

    def cancel(self) -> None:
        self.cancel_event.set()
        if not self.finished:
            self._result("Cancelling after the current attempt…")

    def on_unmount(self) -> None:
        self.cancel_event.set()  # a rehearsal never outlives its screen

    @work(exclusive=True, group="checks", exit_on_error=False, thread=True)
    def _run(self, plan: Path | None) -> None:
        from golive.ops.demo_integration import run_demo_rehearsal
        from golive.tui.offthread import SessionCopy

        file = self.wizard.file
        if file is None:
            return
        work_on = self.app.call_from_thread(SessionCopy, file.session)

        def progress(text: str) -> None:
            self.app.call_from_thread(self._result, f"Rehearsing… {text}")

        try:
            result = run_demo_rehearsal(
                work_on.session,
                file.path,
                plan=plan,
                progress=progress,
                cancel=self.cancel_event,
            )
        except Exception as error:  # a GoliveError says what to do; never a traceback
            self.app.call_from_thread(self._recorded, None, f"✗ {error_text(error)}")
            return
        self.app.call_from_thread(self._recorded, work_on, describe(result, self.cancel_event))

    def _recorded(self, work_on: SessionCopy | None, text: str) -> None:
        """On the UI thread: take what the rehearsal recorded, and show what it found."""
        file = self.wizard.file
        if work_on is not None and file is not None:
            work_on.take_into(file.session)
            self.wizard.session_changed(save_now=True)
        self._busy(False)
        self._result(text)


def describe(result: RehearsalResult, cancelled: Any) -> str:
    """What a rehearsal found, phase by phase, and what it set."""
    lines = [f"{'✓' if p.passed else '✗'} {p.describe()}" for p in result.phases]
    lines += [f"note: {note}" for note in result.notes]
    if cancelled.is_set():
        head = "■ Cancelled: the timeouts and retry items are unchanged."
    elif result.passed:
        head = (
            "✓ Rehearsal of golive's demo stand-in integration passed: the timeouts and retry "
            "items are done (their evidence names the stand-in)."
        )
    else:
        head = "✗ Rehearsal failed: the timeouts and retry items are marked failed."
    return "\n".join([head, *lines])
