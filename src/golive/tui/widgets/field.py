"""A field of the session on a step: label, input, hint and its errors, validated as the user types.

The pydantic model is the source of the rules: a typed value is put into a copy of the session
and the whole session validated, so field validators, model validators (production is https only,
pilot_max >= pilot_min) and types all speak. The session in memory always validates, so every
error of the copy is this field's. What does not validate yet is kept as a draft
(`session.drafts[path]`) and saved with the session, never lost.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from golive.session.model import Session
from golive.tui.presentation import FIELD_LABELS

Kind = Literal["text", "number", "optional", "list", "argv", "choice", "bool", "multiline"]


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


# --- reading and writing a path of the session --------------------------------------------------


def _step(container: Any, part: str) -> Any:
    if isinstance(container, BaseModel):
        return getattr(container, part)
    if isinstance(container, dict):
        return container.get(part)
    if isinstance(container, list):
        index = int(part)
        return container[index] if index < len(container) else None
    return None


def value_at(root: Any, path: str) -> Any:
    current = root
    for part in path.split("."):
        if current is None:
            return None
        current = _step(current, part)
    return current


def _set_in_plain(data: dict[str, Any], parts: list[str], value: Any) -> None:
    """Set a value inside a model dump, creating the tables that are missing (None)."""
    current: Any = data
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(current, list):
            key: Any = int(part)
            while len(current) <= key:
                current.append({})
        else:
            key = part
        if last:
            current[key] = value
            return
        child = current[key] if isinstance(current, list) else current.get(key)
        if child is None:
            current[key] = {}
        current = current[key]


def _assign(container: Any, part: str, value: Any) -> None:
    if isinstance(container, BaseModel):
        setattr(container, part, value)
    elif isinstance(container, dict):
        container[part] = value
    elif isinstance(container, list):
        container[int(part)] = value


def _apply_validated(live: Session, candidate: Session, path: str) -> None:
    """Copy the validated value at `path` from the candidate into the live session, creating
    the missing tables on the way (a contact that was None, a list entry not there yet)."""
    parts = path.split(".")
    parent: Any = live
    for index, part in enumerate(parts):
        child = _step(parent, part)
        last = index == len(parts) - 1
        if last or child is None:
            new_value = value_at(candidate, ".".join(parts[: index + 1]))
            if isinstance(parent, list) and int(part) >= len(parent):
                parent.append(new_value)
            else:
                _assign(parent, part, new_value)
            return
        parent = child


def validate_value(session: Session, path: str, value: Any) -> tuple[list[str], Session | None]:
    """Every error the model finds when `path` takes `value` (all at once), or the new session."""
    data = session.model_dump(by_alias=True)
    _set_in_plain(data, path.split("."), value)
    try:
        candidate = Session.model_validate(data)
    except ValidationError as error:
        messages = []
        for detail in error.errors():
            loc = ".".join(str(part) for part in detail["loc"])
            message = str(detail["msg"]).removeprefix("Value error, ")
            if loc and loc != path and not path.startswith(loc + ".") and not loc.startswith(path):
                message = f"{loc}: {message}"
            elif loc.startswith(path + "."):
                message = f"{loc.removeprefix(path + '.')}: {message}"
            messages.append(message)
        return list(dict.fromkeys(messages)), None
    return [], candidate


def set_value(session: Session, path: str, value: Any) -> list[str]:
    """Validate and, when valid, set `path` to `value` in the live session. Returns the errors."""
    errors, candidate = validate_value(session, path, value)
    if candidate is not None:
        _apply_validated(session, candidate, path)
    return errors


# --- text <-> value ------------------------------------------------------------------------------


def to_text(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if kind == "argv" and isinstance(value, list):
        return shlex.join(str(v) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def from_text(raw: str, spec: FieldSpec) -> Any:
    """The value the model is asked to take for what was typed (ValueError: cannot be read)."""
    text = raw.strip()
    if spec.kind == "list":
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if spec.kind == "argv":
        try:
            return shlex.split(text)
        except ValueError as error:
            raise ValueError(f"cannot read this as a command: {error}") from None
    if spec.kind == "optional":
        return text or None
    if spec.kind == "multiline":
        return raw.rstrip()
    return text


def apply_text(session: Session, spec: FieldSpec, raw: str) -> list[str]:
    """Take what the user typed: set it when valid, keep it as a draft when not."""
    try:
        value = from_text(raw, spec)
    except ValueError as error:
        errors = [str(error)]
    else:
        errors = set_value(session, spec.path, value)
    drafts = dict(session.drafts)
    if errors:
        drafts[spec.path] = raw
    else:
        drafts.pop(spec.path, None)
    if drafts != session.drafts:
        session.drafts = drafts
    return errors


def apply_value(session: Session, spec: FieldSpec, value: Any) -> list[str]:
    """A chosen value (a select, a switch): set it, or say why not."""
    errors = set_value(session, spec.path, value)
    if not errors and spec.path in session.drafts:
        session.drafts = {k: v for k, v in session.drafts.items() if k != spec.path}
    return errors


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
            control = Select(
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
        try:
            value = from_text(raw, self.spec)
        except ValueError as error:
            return [str(error)]
        errors, _ = validate_value(self._session(), self.spec.path, value)
        return errors

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
