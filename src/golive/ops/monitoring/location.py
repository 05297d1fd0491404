"""The log location check: the folder exists and is writable, the lines are what was said."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.item_changes import default_actor
from golive.session.model import ItemStatus, Session
from golive.session.store import evidence_path

# --- the log location ---------------------------------------------------------------------------


@dataclass
class LocationCheck:
    location: str
    kind: Literal["file", "folder", "missing"]
    exists: bool
    writable: bool
    passed: bool
    summary: str
    json_lines: int | None = None
    lines_sampled: int = 0
    evidence_id: str = ""


def _sample_json_lines(path: Path, lines: int = 20) -> tuple[int, int]:
    """How many of the file's last lines are JSON objects (a check of --log-format json)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 64 * 1024))
        tail = handle.read().splitlines()[-lines:]
    parsed = 0
    for raw in tail:
        with contextlib.suppress(ValueError):
            parsed += isinstance(json.loads(raw), dict)
    return parsed, len(tail)


def check_log_location(
    session: Session, session_path: Path, *, by: str | None = None
) -> LocationCheck:
    # Long because each way a log location can be wrong is said apart.
    """The log location exists on this machine and can be written (a folder: a file is created and
    removed in it; a file: it is opened for appending, nothing is written)."""
    location = session.monitoring.logging.location
    if not location:
        raise BadInputError(
            "no log location is recorded",
            where="monitoring.logging.location",
            advice="record where the integration logs to first",
        )
    path = Path(location).expanduser()
    host = socket.gethostname()
    json_lines: int | None = None
    sampled = 0
    if path.is_dir():
        kind: Literal["file", "folder", "missing"] = "folder"
        writable = _folder_writable(path)
    elif path.is_file():
        kind = "file"
        try:
            with path.open("ab"):
                pass
            writable = True
        except OSError:
            writable = False
        if session.monitoring.logging.format == "json":
            with contextlib.suppress(OSError):
                json_lines, sampled = _sample_json_lines(path)
    else:
        kind = "missing"
        writable = False
    exists = kind != "missing"
    passed = exists and writable
    if kind == "missing":
        summary = f"{location} does not exist on {host}"
    elif not writable:
        summary = f"{location} ({kind}) exists on {host} but cannot be written by this user"
    else:
        summary = f"{location} ({kind}) exists on {host} and is writable"
    if json_lines is not None and sampled:
        summary += f"; {json_lines} of its last {sampled} lines are JSON objects"
    evidence = EvidenceRecord(
        kind="log_location",
        host=host,
        outcome="passed" if passed else "failed",
        summary=summary,
        figures={
            "kind": kind,
            "exists": exists,
            "writable": writable,
            "json_lines": json_lines,
            "sampled": sampled,
        },
        items=["monitoring.logging"],
        by=by or default_actor(session),  # who ran it: the record stands alone
    )
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"monitoring.logging": ItemStatus.DONE if passed else ItemStatus.FAILED},
        by=by,
    )
    return LocationCheck(
        location, kind, exists, writable, passed, summary, json_lines, sampled, evidence.id
    )


def _folder_writable(folder: Path) -> bool:
    probe = folder / f".golive-write-check-{os.getpid()}"
    try:
        fd = os.open(
            probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()
    return True
