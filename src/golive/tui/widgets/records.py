"""A list of small records in the session (people, contacts, pilot customers): add, edit, remove.

Each change is validated by the session model as a whole list (set_value), so the model's
rules speak here too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, DataTable, Static

from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec, set_value, to_text, value_at


class RecordList(Vertical):
    """The records at `path`: a table, and Add / Edit / Remove."""

    DEFAULT_CLASSES = "record-list"

    def __init__(self, path: str, title: str, fields: tuple[FieldSpec, ...], *, noun: str) -> None:
        super().__init__(id="rl-" + path.replace(".", "-").replace("_", "-"))
        self.path = path
        self.title = title
        self.fields = fields
        self.noun = noun

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="panel-title")
        table: DataTable[Text] = DataTable(cursor_type="row", classes="record-table")
        table.add_columns(*(spec.label for spec in self.fields))
        yield table
        with ButtonRow(classes="row-buttons"):
            yield Button(f"Add {self.noun}", id="add", compact=True)
            yield Button("Edit", id="edit", compact=True)
            yield Button("Remove", id="remove", compact=True)

    def on_mount(self) -> None:
        self.refresh_rows()

    def records(self) -> list[dict[str, Any]]:
        value = value_at(self.app.session, self.path)  # type: ignore[attr-defined]
        rows: list[dict[str, Any]] = []
        for entry in value or []:
            rows.append(entry.model_dump() if isinstance(entry, BaseModel) else dict(entry))
        return rows

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for index, record in enumerate(self.records()):
            cells = [Text(to_text(record.get(spec.path), spec.kind)) for spec in self.fields]
            table.add_row(*cells, key=str(index))
        if not table.row_count:
            table.add_row(*[Text("—")] + [Text("")] * (len(self.fields) - 1), key="none")

    def _selected_index(self) -> int | None:
        table = self.query_one(DataTable)
        records = self.records()
        if not records or table.cursor_row < 0 or table.cursor_row >= len(records):
            return None
        return table.cursor_row

    def save_list(self, records: list[dict[str, Any]]) -> list[str]:
        errors = set_value(self.app.session, self.path, records)  # type: ignore[attr-defined]
        if not errors:
            self.refresh_rows()
            self.app.session_changed()  # type: ignore[attr-defined]
        return errors

    def _open_form(self, index: int | None) -> None:
        from golive.tui.screens.record_form import RecordFormScreen

        records = self.records()
        current = records[index] if index is not None else {}
        self.app.push_screen(
            RecordFormScreen(
                f"{'Edit' if index is not None else 'Add'} {self.noun}",
                self.fields,
                current,
                lambda record: self._check(index, record),
            ),
        )

    def _check(self, index: int | None, record: dict[str, Any]) -> list[str]:
        records = self.records()
        if index is None:
            records.append(record)
        else:
            records[index] = {**records[index], **record}
        return self.save_list(records)

    @on(Button.Pressed, "#add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        self._open_form(None)

    @on(Button.Pressed, "#edit")
    def _edit(self, event: Button.Pressed) -> None:
        event.stop()
        index = self._selected_index()
        if index is not None:
            self._open_form(index)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = self._selected_index()
        self._open_form(index)

    @on(Button.Pressed, "#remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        index = self._selected_index()
        if index is None:
            return
        records = self.records()
        del records[index]
        errors = self.save_list(records)
        if errors:
            self.notify("\n".join(errors), title="Not removed", severity="error")
