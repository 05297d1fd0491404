"""A field of the session on a step: label, input, hint and its errors, shown as the user types.

The rules (validation against the whole model, drafts) are the core's: golive.session.fields.
This module only presents them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from golive.session import fields
from golive.session.fields import Kind, set_value, to_text, validate_value, value_at
from golive.session.model import Session
from golive.tui.presentation import FIELD_LABELS
from golive.tui.widgets.select import PatientSelect

__all__ = [
    "FieldSpec",
    "Kind",
    "ModelField",
    "apply_text",
    "apply_value",
    "from_text",
    "set_value",
    "summary_of",
    "to_text",
    "validate_value",
    "value_at",
]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a step: where it lives in the session, how it is typed, what it is for."""

    path: str
    label: str
    kind: Kind = "text"
    help: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, value) for kind "choice"
    none_when_empty: bool = False  # a choice that may be unset (None rather than "")

    def __post_init__(self) -> None:
        # an error whose `where` is this path is shown with this label
        FIELD_LABELS.setdefault(self.path, self.label)

    @property
    def dom_id(self) -> str:
        return "f-" + self.path.replace(".", "-").replace("_", "-")


# The field logic is the core's (golive.session.fields); these names are read from here too.
def from_text(raw: str, spec: FieldSpec) -> Any:
    """The value the model is asked to take for what was typed (ValueError: cannot be read)."""
    return fields.from_text(raw, spec.kind)


def apply_text(session: Session, spec: FieldSpec, raw: str) -> list[str]:
    """Take what the user typed: set it when valid, keep it as a draft when not."""
    return fields.apply_text(session, spec.path, spec.kind, raw)


def apply_value(session: Session, spec: FieldSpec, value: Any) -> list[str]:
    """A chosen value (a select, a switch): set it, or say why not."""
    return fields.apply_value(session, spec.path, value)


def summary_of(session: Session, specs: Iterable[FieldSpec]) -> str:
    """What the fields hold now, on one line, for a folded group: the values given, a value
    typed that does not validate, and how many are empty (each field says what empty means)."""
    parts = []
    empty = 0
    for spec in specs:
        if spec.path in session.drafts:
            parts.append(f"{spec.label}: ✗ {session.drafts[spec.path]!r} does not validate")
            continue
        value = value_at(session, spec.path)
        text = to_text(value, spec.kind)
        if spec.kind == "bool":
            text = "on" if value else "off"
        elif spec.kind == "choice" and text:
            text = {choice: label for label, choice in spec.choices}.get(text, text)
        if text:
            parts.append(f"{spec.label}: {text}")
        else:
            empty += 1
    if empty:
        parts.append(f"{empty} empty")
    return " · ".join(parts)


# --- the widget ----------------------------------------------------------------------------------


class ModelField(Vertical):
    """Label, input, hint and errors for one FieldSpec."""

    DEFAULT_CLASSES = "model-field"

    def __init__(self, spec: FieldSpec, session: Session) -> None:
        super().__init__(id=spec.dom_id)
        self.spec = spec
        self.errors: list[str] = []
        draft = session.drafts.get(spec.path)
        self._initial = (
            draft if draft is not None else to_text(value_at(session, spec.path), spec.kind)
        )
        self._initial_value = value_at(session, spec.path)
        self._last = self._initial
        self._draft_on_open = draft is not None

    def compose(self) -> ComposeResult:
        spec = self.spec
        yield Label(spec.label, classes="field-label")
        control: Widget
        if spec.kind == "choice":
            current = self._initial_value
            current = current.value if isinstance(current, Enum) else current
            values = {value for _, value in spec.choices}
            control = PatientSelect(
                [(label, value) for label, value in spec.choices],
                value=current if current in values else Select.NULL,
                prompt=spec.placeholder or "choose…",
                allow_blank=True,
                id="control",
                compact=True,
            )
        elif spec.kind == "bool":
            control = Switch(value=bool(self._initial_value), id="control")
        elif spec.kind == "multiline":
            control = TextArea(
                self._initial, id="control", soft_wrap=True, show_line_numbers=False, compact=True
            )
        else:
            control = Input(self._initial, placeholder=spec.placeholder, id="control", compact=True)
        control.tooltip = spec.help or None
        yield control
        yield Static("", classes="field-error")

    def on_mount(self) -> None:
        if self._draft_on_open:
            self._show(self._errors_for(self._initial))

    def on_descendant_focus(self) -> None:
        # the step's hint line says what the focused field is for (one line for all fields:
        # fewer widgets, so a step with many fields is built faster)
        for hint in self.screen.query("#field-hint").results(Static):
            hint.update(f"{self.spec.label}: {self.spec.help}" if self.spec.help else "")
            hint.set_class(bool(self.spec.help), "-shown")

    def on_descendant_blur(self) -> None:
        for hint in self.screen.query("#field-hint").results(Static):
            hint.update("")
            hint.remove_class("-shown")

    @property
    def control(self) -> Widget:
        return self.query_one("#control")

    def _session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def _errors_for(self, raw: str) -> list[str]:
        return fields.errors_for_text(self._session(), self.spec.path, self.spec.kind, raw)

    def _show(self, errors: list[str]) -> None:
        if errors == self.errors and self.has_class("-invalid") == bool(errors):
            return
        self.errors = errors
        error_box = self.query_one(".field-error", Static)
        error_box.update("\n".join(f"✗ {message}" for message in errors))
        self.set_class(bool(errors), "-invalid")

    def _changed(self) -> None:
        changed = getattr(self.app, "session_changed", None)
        if changed is not None:
            changed()

    @on(Input.Changed, "#control")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._take_text(event.value)

    @on(TextArea.Changed, "#control")
    def _typed_area(self, event: TextArea.Changed) -> None:
        event.stop()
        self._take_text(event.text_area.text)

    def _take_text(self, raw: str) -> None:
        if raw == self._last:
            return
        self._last = raw
        if getattr(self.app, "file", None) is None:
            return
        self._show(apply_text(self._session(), self.spec, raw))
        self._changed()

    @on(Select.Changed, "#control")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        value: Any = event.value
        if value is Select.NULL:
            value = None if self.spec.none_when_empty else ""
        current = value_at(self._session(), self.spec.path)
        current = current.value if isinstance(current, Enum) else current
        if value == current:
            return
        self._show(apply_value(self._session(), self.spec, value))
        self._changed()

    @on(Switch.Changed, "#control")
    def _switched(self, event: Switch.Changed) -> None:
        event.stop()
        if event.value == value_at(self._session(), self.spec.path):
            return
        self._show(apply_value(self._session(), self.spec, event.value))
        self._changed()

    def set_text(self, text: str) -> None:
        """Put a value in the field from outside (a preset, a suggestion) and take it."""
        control = self.control
        if isinstance(control, Input):
            control.value = text
        elif isinstance(control, TextArea):
            control.text = text
        self._take_text(text)

    def revalidate(self) -> list[str]:
        """Check the field's current text again (Next does this for every field)."""
        if self.spec.path in self._session().drafts:
            self._show(self._errors_for(self._session().drafts[self.spec.path]))
        else:
            self._show([])
        return self.errors
