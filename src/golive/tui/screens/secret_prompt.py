"""Asks for a client secret for this run only (kept in memory, never written)."""

from __future__ import annotations

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow


class SecretPromptScreen(ModalScreen[SecretStr | None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, environment: str, why: str) -> None:
        super().__init__(classes="dialog-screen")
        self.environment = environment
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"The {self.environment} client secret", classes="dialog-title")
            yield Static(
                f"{self.why}\n\nType it here for this run only: golive keeps it in memory "
                "until you quit and never writes it anywhere.",
                classes="dialog-text",
            )
            yield Input(password=True, id="secret", placeholder="client secret")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Use it", id="use", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#use")
    def _use(self) -> None:
        value = self.query_one("#secret", Input).value.strip()
        if value:
            self.dismiss(SecretStr(value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
