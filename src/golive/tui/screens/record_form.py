"""A small form for one record of a list (a person, a contact, a pilot customer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec, from_text, to_text


class RecordFormScreen(ModalScreen[None]):
    """Asks `check(record)` to take the record; stays open, showing the errors, until it does."""

    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(
        self,
        title: str,
        fields: tuple[FieldSpec, ...],
        current: dict[str, Any],
        check: Callable[[dict[str, Any]], list[str]],
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.form_title = title
        self.fields = fields
        self.current = current
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.form_title, classes="dialog-title")
            for spec in self.fields:
                yield Label(spec.label)
                yield Input(
                    to_text(self.current.get(spec.path), spec.kind),
                    placeholder=spec.placeholder,
                    id=f"rf-{spec.path}",
                )
            yield Static("", id="rf-errors", classes="field-error")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        record: dict[str, Any] = {}
        errors: list[str] = []
        for spec in self.fields:
            raw = self.query_one(f"#rf-{spec.path}", Input).value
            try:
                record[spec.path] = from_text(raw, spec)
            except ValueError as error:
                errors.append(f"{spec.label}: {error}")
        if not errors:
            errors = self.check(record)
        if errors:
            self.query_one("#rf-errors", Static).update("\n".join(f"✗ {e}" for e in errors))
            return
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
