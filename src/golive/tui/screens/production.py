"""Step 6, Production: the low-traffic window, the deploy, connectivity and the single
transaction against production (each asked for before it is sent). Warns while the staging
smoke tests have not passed."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.deploy import DeployRecord
from golive.tui.widgets.gate import GateBanner


def _zone() -> str:
    """The zone Start is read in (the machine's own), named as the window's messages name it."""
    from golive.ops.window import local_zone, zone_name

    return zone_name(local_zone())


class ProductionScreen(StepScreen):
    STEP = "production"
    INTRO = (
        "Pick a low-traffic window (outside business hours and public holidays in every country), "
        "deploy, then verify connectivity and send one transaction to production as a quote."
    )
    HELP = (
        "F5 verifies connectivity (DNS, TCP, TLS, HTTP, token, company); F7 sends the single "
        "transaction after you confirm it; F6 cancels. Production runs always ask first."
    )
    BINDINGS = [  # noqa: RUF012
        Binding("f5", "run_main", "Connect"),
        Binding("f7", "run_transaction", "Transaction"),
        Binding("f6", "cancel_run", "Cancel"),
    ]

    def compose_top(self) -> ComposeResult:
        yield GateBanner("production")

    def compose_extra(self) -> ComposeResult:
        yield Static("Deployment window (low traffic)", classes="panel-title")
        with Horizontal(classes="input-row"):
            yield Label(f"Start ({_zone()}) ", classes="field-label")
            yield Input(placeholder="YYYY-MM-DDTHH:MM", id="window-start", compact=True)
        with Horizontal(classes="input-row"):
            yield Label("Length in hours ", classes="field-label")
            yield Input("2", id="window-hours", compact=True)
        with ButtonRow(classes="row-buttons"):
            yield Button("Check", id="window-check", compact=True)
            yield Button("Choose", id="window-choose", compact=True)
            yield Button("Suggest windows", id="window-suggest", compact=True)
        yield Static("", id="window-state", classes="field-help")
        # the suggested windows: Enter (or a click) on one fills Start
        yield OptionList(id="window-list", compact=True)
        yield DeployRecord("production")
        yield CheckPanel(
            "production",
            (
                ("connectivity", "Verify connectivity (F5)"),
                ("transaction", "Single transaction (F7)"),
                ("parity", "Tax parity with staging"),
            ),
            title="Live tests against production",
        )

    def on_mount(self) -> None:
        self._show_window()

    def on_session_refresh(self) -> None:
        self.query_one(GateBanner).refresh_gate()

    def _show_window(self) -> None:
        window = self.session.production.window
        if window is None:
            return
        text = f"✓ chosen: {window.start:%Y-%m-%d %H:%M}–{window.end:%H:%M} UTC"
        if window.warnings:
            text += "\n! " + "\n! ".join(window.warnings)
        self.query_one("#window-state", Static).update(Text(text))

    def action_run_main(self) -> None:
        self.query_one(CheckPanel).start("connectivity")

    def action_run_transaction(self) -> None:
        self.query_one(CheckPanel).start("transaction")

    def action_cancel_run(self) -> None:
        self.query_one(CheckPanel).cancel()

    def _window_inputs(self) -> tuple[object, float] | None:
        from golive.ops.window import parse_moment

        state = self.query_one("#window-state", Static)
        try:
            start = parse_moment(self.query_one("#window-start", Input).value)
            hours = float(self.query_one("#window-hours", Input).value or "2")
        except GoliveError as error:
            state.update(Text(f"✗ {error.message}\n  {error.advice}"))
            return None
        except ValueError:
            state.update(Text("✗ the length is a number of hours, e.g. 2"))
            return None
        return start, hours

    @on(Button.Pressed, "#window-check, #window-choose")
    def _window(self, event: Button.Pressed) -> None:
        event.stop()
        from golive.ops.window import assess_window

        given = self._window_inputs()
        if given is None:
            return
        start, hours = given
        assert isinstance(start, datetime)
        state = self.query_one("#window-state", Static)
        try:
            assessment = assess_window(self.session, start, hours)
        except GoliveError as error:
            state.update(Text(f"✗ {error.message}\n  {error.advice}"))
            return
        if event.button.id == "window-choose":
            if assessment.clear:
                self._choose(start, hours, "")
            else:
                self._ask_reason(start, hours, assessment.warnings)
            return
        lines = [
            f"{assessment.start:%Y-%m-%d %H:%M}–{assessment.end:%H:%M} UTC "
            f"({assessment.local_start:%a %d %b %H:%M} {assessment.local_zone})",
        ]
        lines += [f"! {w}" for w in assessment.warnings] or [
            f"✓ outside business hours and holidays everywhere "
            f"({assessment.hours_from_business:.1f} h margin)"
        ]
        state.update(Text("\n".join(lines)))

    def _ask_reason(self, start: datetime, hours: float, warnings: tuple[str, ...]) -> None:
        from golive.tui.screens.reason import ReasonScreen

        def given(reason: str | None) -> None:
            if reason:
                self._choose(start, hours, reason)

        self.app.push_screen(
            ReasonScreen(
                "This window is " + "; ".join(warnings) + ".\n\nChoose it anyway? Say why "
                "(recorded with the window and shown in the report).",
                confirm="Choose this window",
                placeholder="e.g. the customer's own maintenance slot, agreed in ticket 123",
            ),
            given,
        )

    def _choose(self, start: datetime, hours: float, reason: str) -> None:
        from golive.ops.window import choose_window

        state = self.query_one("#window-state", Static)
        file = self.wizard.file
        try:
            assessment = choose_window(
                self.session,
                start,
                hours,
                reason=reason,
                session_path=file.path if file is not None else None,
            )
        except GoliveError as error:
            state.update(Text(f"✗ {error.message}\n  {error.advice}"))
            return
        self.wizard.session_changed(save_now=True)
        lines = [
            "✓ chosen and recorded (Schedule deployment: done)",
            f"{assessment.start:%Y-%m-%d %H:%M}–{assessment.end:%H:%M} UTC "
            f"({assessment.local_start:%a %d %b %H:%M} {assessment.local_zone})",
        ]
        lines += [f"! {w}" for w in assessment.warnings]
        if reason:
            lines.append(f"chosen anyway because: {reason}")
        state.update(Text("\n".join(lines)))

    @on(Button.Pressed, "#window-suggest")
    def _suggest(self, event: Button.Pressed) -> None:
        event.stop()
        from golive.ops.window import suggest_windows

        state = self.query_one("#window-state", Static)
        try:
            suggestions = suggest_windows(self.session, limit=5)
        except GoliveError as error:
            state.update(Text(f"✗ {error.message}"))
            return
        if not suggestions.candidates:
            state.update(Text("No clear window in the coming days. " + " ".join(suggestions.notes)))
            return
        state.update(
            Text(f"Best windows (Start, {suggestions.local_zone}); Enter on one fills Start:")
        )
        picker = self.query_one("#window-list", OptionList)
        picker.clear_options()
        picker.add_options(
            Option(
                f"{c.local_start:%Y-%m-%dT%H:%M}  ({c.local_start:%a}, "
                f"{c.hours_from_business:.1f} h from business hours)",
                id=f"{c.local_start:%Y-%m-%dT%H:%M}",
            )
            for c in suggestions.candidates
        )
        picker.display = True
        picker.highlighted = 0
        picker.focus()

    @on(OptionList.OptionSelected, "#window-list")
    def _pick_window(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        start = self.query_one("#window-start", Input)
        start.value = event.option.id or ""
        start.focus()
