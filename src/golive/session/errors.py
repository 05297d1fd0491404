"""The errors a user may see. Every one says what went wrong, where, and what to do.

They live on the ground floor so every layer can raise them and every presenter (CLI, TUI)
can show them the same way, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong with it."""

    message: str
    file: str = ""
    line: int | None = None
    key: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.key:
            where = f"{where}: {self.key}" if where else self.key
        return f"{where}: {self.message}" if where else self.message


class GoliveError(Exception):
    """An error meant for the user: a plain message, where it happened, and advice."""

    def __init__(self, message: str, *, where: str = "", advice: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.advice = advice

    def __str__(self) -> str:
        return self.described(self.where)

    def described(self, where: str) -> str:
        """The message with `where` as a presenter spells it (a flag, a field's label), and advice."""
        text = f"{where}: {self.message}" if where else self.message
        if self.advice:
            text = f"{text}\n  what to do: {self.advice}"
        return text


class BadInputError(GoliveError):
    """The user gave something golive cannot use (exit code 2)."""


@dataclass
class SessionLoadError(GoliveError):
    """A session file could not be loaded; one Problem per thing wrong with it."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(
            f"{self.path}: {len(self.problems)} problem(s); the file was not changed",
            advice="fix the lines named above (or restore NAME.toml.bak), then run the command again",
        )

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"  what to do: {self.advice}")
        return "\n".join(lines)

    def __hash__(self) -> int:
        return id(self)


class SaveError(GoliveError):
    """Saving failed; the session in memory is intact."""


class SessionConflictError(SaveError):
    """The file changed on disk since this run loaded it; saving would overwrite newer work."""


class SessionLockedError(GoliveError):
    """The session is open in another golive."""
