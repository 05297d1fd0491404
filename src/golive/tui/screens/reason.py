"""Asks for the reason a change needs (not applicable, blocked, a gate override)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow


class ReasonScreen(ModalScreen[str | None]):
    """Dismisses the reason typed (never empty), or None when cancelled."""

    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(
        self,
        question: str,
        *,
        confirm: str = "Record",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.check = check
        self.question = question
        self.confirm_label = confirm
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            yield Input(placeholder=self.placeholder or "the reason", id="reason")
            yield Static("", id="reason-error", classes="field-error")
            with ButtonRow(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#reason-error", Static).update("✗ a reason is needed")
            self.query_one("#reason", Input).focus()
            return
        problem = self.check(reason) if self.check is not None else None
        if problem:
            self.query_one("#reason-error", Static).update(f"✗ {problem}")
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
