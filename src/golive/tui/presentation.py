"""How the wizard says things: an error in words (with where it is, as the field's label), the
save state, and the styles every screen loads.

This module is on the first-paint path: it imports nothing of Textual or the session model.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from golive.session.errors import GoliveError
from golive.session.text import printable

# The wizard's styles. Every screen but the first frame's loads it (Screen.CSS_PATH): parsing
# it costs about 25 ms, which the first frame of `golive resume` does not pay.
SCREENS_CSS = Path(__file__).resolve().parent.parent / "screens.css"

# session path -> the label of its field on a step (filled in as the step screens declare them)
FIELD_LABELS: dict[str, str] = {}


def field_label(where: str) -> str:
    """A core error's `where` as the wizard names it: the field's label when it is a session
    field shown on a step (never a command-line flag), else the words of its last part."""
    if not where:
        return ""
    if where in FIELD_LABELS:
        return FIELD_LABELS[where]
    general = ".".join("*" if part.isdigit() else part for part in where.split("."))
    for path, label in FIELD_LABELS.items():
        if ".".join("*" if p.isdigit() else p for p in path.split(".")) == general:
            return label
    if "." not in where and not where.startswith("-"):
        return where
    last = where.lstrip("-").rsplit(".", 1)[-1]
    return last.replace("_", " ").replace("-", " ").capitalize()


def error_text(error: BaseException) -> str:
    """An error as the wizard shows it inline: what went wrong, where, and what to do, never a
    traceback (anything that is not a GoliveError is a bug, said in one line)."""
    if isinstance(error, GoliveError):
        where = field_label(error.where)
        message = f"{where}: {error.message}" if where else error.message
        advice = f"\n  what to do: {printable(error.advice)}" if error.advice else ""
        return f"✗ {printable(message)}{advice}"
    return printable(f"✗ it stopped: {type(error).__name__}: {error}")


class SaveState(Enum):
    """Where the session stands against its file."""

    NONE = "none"  # no session open
    SAVED = "saved"
    UNSAVED = "unsaved"
    FAILED = "failed"
    READ_ONLY = "read-only"


class SaveStatus(str):
    """The save state shown in the header: its words, and its kind (read the kind, never the
    words' prefix)."""

    kind: SaveState

    def __new__(cls, kind: SaveState, text: str) -> SaveStatus:
        status = super().__new__(cls, text)
        status.kind = kind
        return status

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SaveStatus) and other.kind is not self.kind:
            return False
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    @property
    def failed(self) -> bool:
        return self.kind is SaveState.FAILED

    @property
    def pending(self) -> bool:
        return self.kind is SaveState.UNSAVED


NO_SESSION = SaveStatus(SaveState.NONE, "")
READ_ONLY = SaveStatus(SaveState.READ_ONLY, "read-only: changes are not saved")
UNSAVED = SaveStatus(SaveState.UNSAVED, "unsaved changes")


def saved(text: str) -> SaveStatus:
    return SaveStatus(SaveState.SAVED, text)


def save_failed(error: GoliveError) -> SaveStatus:
    return SaveStatus(SaveState.FAILED, f"save failed: {error.message}")


def width_class(width: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class Textual's horizontal breakpoints give a screen `width` columns wide."""
    chosen = next((name for edge, name in sorted(breakpoints, reverse=True) if width >= edge), "")
    return chosen or "-narrow"
