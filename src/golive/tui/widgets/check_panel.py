"""A live test on a step: its buttons, a status line, the advice of a failure and a log panel.

The run happens in a worker (`golive.checks.run_suite`), its events arrive as messages and go
into the log, and the result is recorded through `golive.checks.record_suite` (evidence log and
items), then saved. The UI stays responsive; F6 (or the Cancel button) cancels a run, which is
recorded as cancelled with the checks that had finished.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, RichLog, Static
from textual.worker import Worker

from golive.session.errors import GoliveError
from golive.session.text import printable
from golive.tui.messages import CheckFinished, CheckProgress
from golive.tui.widgets.button_row import ButtonRow

if TYPE_CHECKING:
    from pydantic import SecretStr

    from golive.checks.events import CheckEvent
    from golive.checks.planning import SuitePlan
    from golive.checks.results import CheckResult, SuiteResult
    from golive.tui.app import WizardApp

OUTCOME_SYMBOL = {
    "passed": "✓",
    "warning": "!",
    "failed": "✗",
    "skipped": "–",
    "cancelled": "■",
}


class CheckPanel(Vertical):
    """Runs suites of one environment: `suites` is ((suite, button label), ...)."""

    DEFAULT_CLASSES = "check-panel"

    def __init__(
        self, environment: str, suites: tuple[tuple[str, str], ...], *, title: str
    ) -> None:
        super().__init__(id=f"checks-{environment}")
        self.environment = environment
        self.suites = suites
        self.title = title
        self.worker: Worker[None] | None = None
        self.last_result: SuiteResult | None = None
        self.finished = True
        self._finished: list[CheckResult] = []

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="panel-title")
        with ButtonRow(classes="check-buttons row-buttons"):
            for suite, label in self.suites:
                yield Button(label, id=f"run-{suite}", compact=True, classes="run-button")
            yield Button("Cancel (F6)", id="cancel-run", compact=True, disabled=True)
            yield Checkbox("Trace to file", id="trace-toggle", compact=True)
        yield Static("Not run in this session yet.", id="check-status", classes="check-status")
        yield Static("", id="check-advice", classes="check-advice")
        # min_width=1: RichLog renders a line at least 78 cells wide by default, which cut long
        # lines at 80 columns (the log is narrower there); wrapped to the width it has instead
        yield RichLog(
            id="check-log",
            classes="check-log",
            wrap=True,
            markup=False,
            max_lines=2000,
            min_width=1,
        )

    def on_mount(self) -> None:
        # after the first frame: it imports the checks (httpx and the API client)
        self.call_after_refresh(self.show_last_evidence)

    def show_last_evidence(self) -> None:
        """The items' last recorded run, so a resumed session shows where the tests stand."""
        checklist = self.wizard.checklist()
        from golive.checks.recording import SUITE_ITEMS

        lines = []
        for suite, _label in self.suites:
            for item_id in SUITE_ITEMS.get((self.environment, suite), ()):
                item = checklist.by_id.get(item_id)
                if item is None or not item.state.history:
                    continue
                line = f"{item.text}: {item.status.value} — {item.note}".rstrip(" —")
                if not item.state.evidence_id:
                    # a state a person set is no run: say so, or it reads as a test result
                    who = item.state.changed_by or "a person"
                    line += f" (set by {who}; no run recorded)"
                lines.append(line)
        if lines:
            self.query_one("#check-status", Static).update(
                Text(printable("\n".join(lines), multiline=True))
            )

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    @on(Button.Pressed, ".run-button")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.start((event.button.id or "").removeprefix("run-"))

    @on(Button.Pressed, "#cancel-run")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()

    def start(self, suite: str) -> None:
        if self.running:
            self.notify("A live test is already running (F6 cancels it).", severity="warning")
            return
        self.worker = self.run_suite(suite)

    def cancel(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self._status("■ cancelling…", "")

    def _status(self, text: str, css: str) -> None:
        status = self.query_one("#check-status", Static)
        status.update(Text(printable(text, multiline=True)))
        status.set_class(css == "passed", "-passed")
        status.set_class(css == "failed", "-failed")

    def _advice(self, text: str) -> None:
        self.query_one("#check-advice", Static).update(Text(printable(text, multiline=True)))

    def _busy(self, busy: bool) -> None:
        for button in self.query(".run-button").results(Button):
            button.disabled = busy
        self.query_one("#cancel-run", Button).disabled = not busy

    async def _secret(self) -> SecretStr | None:
        from golive.secrets import aresolve_client_secret
        from golive.tui.screens.secret_prompt import SecretPromptScreen

        given = self.wizard.run_secrets.get(self.environment)
        if given is not None:
            return given
        try:
            resolved = await aresolve_client_secret(self.wizard.session, self.environment)
        except GoliveError as error:
            typed = await self.app.push_screen_wait(
                SecretPromptScreen(self.environment, error.message)
            )
            if typed is not None:
                self.wizard.run_secrets[self.environment] = typed
            return typed
        self.log_line(f"secret: {resolved.notice}")
        return resolved.value

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.wizard.on_worker_state_changed(event)  # the one handler: WizardApp's

    def log_line(self, text: str) -> None:
        self.query_one("#check-log", RichLog).write(Text(printable(text, multiline=True)))

    async def _ready(self, suite: str) -> tuple[SuitePlan, SecretStr, SecretStr | None] | None:
        """The plan and secrets of a run that may go ahead, or None (the status says why not):
        the production gate, the plan, the production confirmation, the secrets."""
        from golive.checks.suites import plan_suite
        from golive.tui.screens.confirm import ConfirmScreen

        session = self.wizard.session
        if self.environment == "production" and suite == "transaction":
            from golive.session.checklist import require_gate

            try:  # the same check as `golive check`: held and not overridden, nothing is sent
                require_gate(session, "production", chain_problems=self.wizard.chain_problems())
            except GoliveError as error:
                self._status(f"✗ not run: {error.message}; nothing was sent.", "failed")
                self._advice(
                    "What to do: finish those items, or use “Override with a reason…” above "
                    "(the reason is recorded and shown in the report)."
                )
                return None
        try:
            plan = plan_suite(session, self.environment, suite)
        except GoliveError as error:
            self._status(f"✗ cannot run: {error.message}", "failed")
            self._advice(f"What to do: {error.advice}" if error.advice else "")
            return None
        if plan.needs_confirmation:
            confirmed = await self.app.push_screen_wait(
                ConfirmScreen(
                    f"This sends to PRODUCTION ({plan.endpoints.host}):\n{plan.describe()}.\n\n"
                    "Run it?",
                    confirm="Run in production",
                    cancel="Do not run",
                    danger=True,
                )
            )
            if not confirmed:
                self._status("Not run: the production run was not confirmed; nothing was sent.", "")
                return None
        secret = await self._secret()
        if secret is None:
            self._status("Not run: no client secret was given; nothing was sent.", "")
            return None
        einvoicing_secret = await self._einvoicing_secret() if plan.sends_einvoices else None
        return plan, secret, einvoicing_secret

    @work(exclusive=True, group="checks", exit_on_error=False)
    async def run_suite(self, suite: str) -> None:
        from golive.checks import cancelled_suite, record_suite, run_suite

        session = self.wizard.session
        self.finished = False  # the app's quit dialog asks while a test has not finished
        self._finished = []
        self._advice("")
        self.query_one("#check-log", RichLog).clear()
        ready = await self._ready(suite)
        if ready is None:
            return
        plan, secret, einvoicing_secret = ready
        trace = self._new_trace(suite)
        self._busy(True)
        self._status(f"running {suite} against {plan.endpoints.host}…", "")
        self.log_line(f"{suite} against {plan.endpoints.base_url}")
        result: SuiteResult | None = None
        try:
            result = await run_suite(
                session,
                self.environment,
                suite,
                secret=secret,
                on_event=self._on_event,
                confirm_production=plan.needs_confirmation,
                einvoicing_secret=einvoicing_secret,
                trace=trace,
            )
        except asyncio.CancelledError:
            result = cancelled_suite(session, self.environment, suite, list(self._finished))
            self._finish(result, record_suite)
            raise
        except GoliveError as error:
            self._status(f"✗ {error.message}", "failed")
            self._advice(f"What to do: {error.advice}" if error.advice else "")
        except Exception as error:  # never a traceback: say what broke
            self._status(f"✗ the run stopped: {type(error).__name__}: {error}", "failed")
            self._advice("What to do: run it again; if it repeats, run `golive check` to see more")
        else:
            self._finish(result, record_suite)
        finally:
            self.finished = True
            self._busy(False)
            if trace is not None:
                self._write_trace(trace, suite)

    def _new_trace(self, suite: str) -> Any:
        """A HAR trace for this run when "Trace to file" is ticked, else None."""
        if not self.query_one("#trace-toggle", Checkbox).value:
            return None
        from golive.api.trace import HarTrace

        return HarTrace(f"golive wizard: {suite} against {self.environment}")

    def _write_trace(self, trace: Any, suite: str) -> None:
        """NAME.<suite>.<time>.har beside the session (what `golive support bundle` gathers)."""
        from golive.session.clock import now

        if self.wizard.file is None:
            self.log_line("trace not written: the session has no file yet")
            return
        path = self.wizard.file.path
        stamp = now().strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name.removesuffix('.toml')}.{suite}.{stamp}.har")
        try:
            trace.write(target)
        except GoliveError as error:
            self.notify(error.message, title="Trace not written", severity="error")
            return
        self.log_line(f"trace of {len(trace)} exchange(s) written to {target.name} (redacted)")

    async def _einvoicing_secret(self) -> SecretStr | None:
        """E-Invoicing's own client secret when it has credentials of its own, else None."""
        from golive.secrets import aresolve_client_secret, needs_einvoicing_secret

        if not needs_einvoicing_secret(self.wizard.session, self.environment):
            return None
        try:
            resolved = await aresolve_client_secret(
                self.wizard.session, self.environment, product="einvoicing"
            )
        except GoliveError as error:
            self.log_line(f"E-Invoicing secret: {error.message}")
            return None  # the client then names what is missing, before anything is sent
        self.log_line(f"E-Invoicing secret: {resolved.notice}")
        return resolved.value

    def _on_event(self, event: CheckEvent) -> None:
        if event.kind == "result" and event.result is not None:
            self._finished.append(event.result)
        self.post_message(CheckProgress(event))

    def _finish(self, result: SuiteResult, record: Any) -> None:
        recorded = None
        try:
            recorded = record(self.wizard.session, self.wizard.file.evidence_path, result)  # type: ignore[union-attr]
        except GoliveError as error:
            self.notify(
                f"{error.message}\n{error.advice}", title="Evidence not written", severity="error"
            )
        self.last_result = result
        self.post_message(CheckFinished(result, recorded))
        self.wizard.session_changed(save_now=True)

    @on(CheckProgress)
    def _progress(self, message: CheckProgress) -> None:
        message.stop()
        event = message.event
        if event.kind == "stage_started" and event.stage is not None:
            self.log_line(f"→ {event.title or event.check}: {event.stage.label}… {event.message}")
        elif event.kind == "stage_finished" and event.stage_result is not None:
            stage = event.stage_result
            symbol = OUTCOME_SYMBOL.get(stage.outcome, "·")
            self.log_line(
                f"  {symbol} {stage.stage.label} {stage.outcome} ({stage.elapsed_s:.2f} s)"
                + (f": {stage.message}" if stage.message else "")
            )
            if stage.outcome == "failed" and stage.advice:
                self.log_line(f"    what to do: {stage.advice}")
        elif event.kind == "progress":
            self.log_line(f"  … {event.done}/{event.total} {event.check}")
        elif event.kind == "result" and event.result is not None:
            check = event.result
            self.log_line(
                f"{OUTCOME_SYMBOL.get(check.outcome, '·')} {check.title}: {check.outcome}"
                + (f" — {check.message}" if check.message else "")
            )
        elif event.kind == "notice":
            self.log_line(f"! {event.message}")
        self._status(f"running… {event.title or event.check}", "")

    @on(CheckFinished)
    def _finished_message(self, message: CheckFinished) -> None:
        result = message.result
        symbol = OUTCOME_SYMBOL.get(result.outcome, "·")
        self._status(f"{symbol} {result.summary()}", "passed" if result.passed else "failed")
        advice = []
        for check in result.failures:
            stage = f" at {check.stage.label}" if check.stage else ""
            advice.append(f"✗ {check.title} failed{stage}: {check.message}")
            if check.advice:
                advice.append(f"  what to do: {check.advice}")
        recorded = message.recorded
        if recorded is not None:
            if recorded.items_set:
                advice.append(
                    "Recorded: "
                    + ", ".join(f"{k} {v.value}" for k, v in recorded.items_set.items())
                    + f" (evidence {recorded.evidence.id})"
                )
            if recorded.not_ticked and recorded.why_not_ticked:
                advice.append(
                    f"Not ticked: {', '.join(recorded.not_ticked)}: {recorded.why_not_ticked}"
                )
        self._advice("\n".join(advice))
        self.log_line(f"{symbol} {result.summary()}")
