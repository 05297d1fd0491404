"""A new deployment: its name and who it is for. Everything else is asked step by step."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from golive.session.errors import GoliveError
from golive.tui.presentation import SCREENS_CSS, error_text
from golive.tui.widgets.button_row import ButtonRow


class NewSessionScreen(ModalScreen[Path | None]):
    """Creates the session file (`golive new` does the same) and dismisses its path."""

    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    FIELDS = (
        ("name", "Session name (file name)", "acme-eu"),
        ("title", "Title", "ACME ONESOURCE go-live"),
        ("customer", "Customer", "ACME GmbH"),
        ("partner", "Partner", "your company"),
        ("engineer", "Engineer (recorded on every change)", "your name"),
        ("countries", "Countries (ISO codes)", "DE, IT, MX"),
    )

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("New deployment", classes="dialog-title")
            for key, label, placeholder in self.FIELDS:
                yield Label(label)
                yield Input(placeholder=placeholder, id=f"new-{key}")
            yield Static("", id="new-error", classes="field-error")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Create", id="create", variant="primary")
                yield Button("Cancel", id="cancel")

    def _value(self, key: str) -> str:
        return self.query_one(f"#new-{key}", Input).value.strip()

    @on(Button.Pressed, "#create")
    @on(Input.Submitted)
    def _create(self) -> None:
        from golive.countries.editing import add_countries
        from golive.countries.editing import country_codes as _country_codes
        from golive.session.model import Session
        from golive.session.store import SessionFile, resolve

        error_box = self.query_one("#new-error", Static)
        try:
            path = resolve(self._value("name"))
            session = Session()
            session.meta.title = self._value("title") or path.stem
            session.meta.customer = self._value("customer")
            session.meta.partner = self._value("partner")
            session.meta.engineer = self._value("engineer")
            add_countries(session, _country_codes([self._value("countries")]))
            handle = SessionFile.create(path, session)
        except GoliveError as error:
            error_box.update(error_text(error))
            return
        self.dismiss(handle.path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
