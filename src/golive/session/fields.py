"""A session field edited by value or by typed text: read and set a path, validate against
the whole model, keep what does not validate yet as a draft.

The pydantic model is the source of the rules: a value is put into a copy of the session and
the whole session validated, so field validators, model validators (production is https only,
pilot_max >= pilot_min) and types all speak. The session in memory always validates, so every
error of the copy is this field's. What does not validate yet is kept as a draft
(`session.drafts[path]`) and saved with the session, never lost. The wizard presents these
(golive.tui.widgets.field); nothing here knows of a screen.
"""

from __future__ import annotations

import shlex
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from golive.session.model import Session
from golive.session.plain_errors import plain_message

Kind = Literal["text", "number", "optional", "list", "argv", "choice", "bool", "multiline"]


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
        return field_messages(error, path), None
    return [], candidate


def field_messages(error: ValidationError, path: str) -> list[str]:
    """The model's errors for a value at `path`, in words, each once: worded by
    session/plain_errors.py, as the loader words them; named relative to `path`."""
    messages = []
    for detail in error.errors():
        loc = ".".join(str(part) for part in detail["loc"])
        message = plain_message(detail)
        if loc and loc != path and not path.startswith(loc + ".") and not loc.startswith(path):
            message = f"{loc}: {message}"
        elif loc.startswith(path + "."):
            message = f"{loc.removeprefix(path + '.')}: {message}"
        messages.append(message)
    return list(dict.fromkeys(messages))


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


def from_text(raw: str, kind: Kind) -> Any:
    """The value the model is asked to take for what was typed (ValueError: cannot be read)."""
    text = raw.strip()
    if kind == "list":
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if kind == "argv":
        try:
            return shlex.split(text)
        except ValueError as error:
            raise ValueError(f"cannot read this as a command: {error}") from None
    if kind == "optional":
        return text or None
    if kind == "multiline":
        return raw.rstrip()
    return text


def apply_text(session: Session, path: str, kind: Kind, raw: str) -> list[str]:
    """Take what the user typed: set it when valid, keep it as a draft when not."""
    try:
        value = from_text(raw, kind)
    except ValueError as error:
        errors = [str(error)]
    else:
        errors = set_value(session, path, value)
    drafts = dict(session.drafts)
    if errors:
        drafts[path] = raw
    else:
        drafts.pop(path, None)
    if drafts != session.drafts:
        session.drafts = drafts
    return errors


def apply_value(session: Session, path: str, value: Any) -> list[str]:
    """A chosen value (a select, a switch): set it, or say why not."""
    errors = set_value(session, path, value)
    if not errors and path in session.drafts:
        session.drafts = {k: v for k, v in session.drafts.items() if k != path}
    return errors


def errors_for_text(session: Session, path: str, kind: Kind, raw: str) -> list[str]:
    """What is wrong with `raw` typed at `path` (nothing is changed)."""
    try:
        value = from_text(raw, kind)
    except ValueError as error:
        return [str(error)]
    errors, _ = validate_value(session, path, value)
    return errors
