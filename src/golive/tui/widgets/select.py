"""A Select that survives Textual 8's mount race (textual#6581).

On a busy machine `Select` can set its first value before its `SelectCurrent`'s label is mounted,
and `SelectCurrent.update` raises NoMatches out of `Select._on_mount`: the screen would crash. This
one keeps the label it was given and shows it once the label is there.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay


class _PatientSelectCurrent(SelectCurrent):
    def update(self, label: object) -> None:
        try:
            super().update(label)  # type: ignore[arg-type]
        except NoMatches:  # the label is not mounted yet: show it after the next refresh
            self.call_after_refresh(self.update, label)


ValueType = TypeVar("ValueType")


class PatientSelect(Select[ValueType]):
    """`Select`, but its current value's label may arrive before the label is mounted."""

    def compose(self) -> ComposeResult:
        yield _PatientSelectCurrent(self.prompt)
        yield SelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
