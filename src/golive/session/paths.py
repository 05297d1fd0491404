"""Where session files live: golive's data folder, a session name's path, its evidence log and backup."""

from __future__ import annotations

import os
import re
from pathlib import Path

from golive.session.errors import (
    BadInputError,
)

SESSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_FILE_NAME = 200  # bytes; the longest name leaves room for ".bak", ".lock" and temp names

# --- where sessions live ----------------------------------------------------------------------


def data_dir() -> Path:
    """golive's data folder: $GOLIVE_HOME, else the user data folder of this OS (platformdirs)."""
    override = os.environ.get("GOLIVE_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("golive", appauthor=False)


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def resolve(reference: str) -> Path:
    """SESSION as the user gives it: a name in the sessions folder, or a path to a .toml file."""
    if not reference or any(ord(c) < 32 or ord(c) == 127 for c in reference):
        raise BadInputError(
            "the session name is empty or holds control characters",
            where="SESSION",
            advice="use a name of letters, digits, '.', '_' or '-' (for example acme-eu), or a path to a .toml file",
        )
    if reference.endswith(".toml") or os.sep in reference or "/" in reference:
        if not reference.endswith(".toml"):
            raise BadInputError(
                f"{reference!r} is neither a session name nor a path to a .toml file",
                where="SESSION",
                advice="give a name such as acme-eu, or a path ending in .toml",
            )
        path = Path(reference).expanduser().absolute()
        if len(os.fsencode(path.name)) > MAX_FILE_NAME:
            raise BadInputError(
                f"the file name {path.name[:40]!r}... is too long ({len(os.fsencode(path.name))} bytes)",
                where="SESSION",
                advice=f"use a file name of at most {MAX_FILE_NAME} bytes (golive keeps "
                "NAME.toml.bak, NAME.toml.lock and NAME.evidence.jsonl beside it)",
            )
        return path
    if not SESSION_NAME.fullmatch(reference) or ".." in reference:
        raise BadInputError(
            f"{reference[:80]!r} is not a usable session name",
            where="SESSION",
            advice="use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return sessions_dir() / f"{reference}.toml"


def evidence_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name.removesuffix(".toml") + ".evidence.jsonl")


def backup_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name + ".bak")
