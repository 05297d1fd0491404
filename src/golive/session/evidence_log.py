"""The evidence log's records and lines: the file format, the note of pending records, appending
under the log's lock and reading with the chain verified line by line (see golive.session.evidence)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from golive.session import trust
from golive.session.clock import now
from golive.session.errors import SaveError
from golive.session.model import Moment

GENESIS = "0" * 64
Outcome = Literal["passed", "failed", "warning", "cancelled", "error", "info"]


class EvidenceRecord(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:16])
    kind: str
    environment: str = ""
    host: str = ""
    started: Moment = Field(default_factory=now)
    ended: Moment = Field(default_factory=now)
    outcome: Outcome
    rehearsal: bool = False
    summary: str = ""
    figures: dict[str, Any] = Field(default_factory=dict)
    diagnosis: dict[str, Any] = Field(default_factory=dict)
    items: list[str] = Field(default_factory=list)
    by: str = ""


@dataclass
class EvidenceLog:
    """The log as read, its chain checked line by line (not yet against a session's head:
    `verify` does that). `problems` are what breaks the chain; `notes` what was lost without
    breaking it (half a line of an interrupted write)."""

    records: list[EvidenceRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verified_lines: int = 0
    broken_at: int | None = None
    # per record, in log order: its line number and the SHA-256 of that line
    lines: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    trusted: bool = True
    # when the chain breaks because a line does not chain to the record before it, that line
    # (the break is then blamed on the record before, which a session's head may clear)
    unchained_line: int | None = None
    # indexes built on first use, rebuilt when records are added (a report asks per item)
    _by_id: dict[str, EvidenceRecord] = field(default_factory=dict, repr=False, compare=False)
    _by_item: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)

    @property
    def chain_ok(self) -> bool:
        return self.broken_at is None

    def _index(self) -> None:
        if self._indexed == len(self.records):
            return
        self._by_id = {record.id: record for record in self.records}
        self._by_item = {}
        for position, record in enumerate(self.records):
            for item_id in dict.fromkeys(record.items):
                self._by_item.setdefault(item_id, []).append(position)
        self._indexed = len(self.records)

    def by_id(self) -> dict[str, EvidenceRecord]:
        self._index()
        return dict(self._by_id)


def _line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


class _Line(BaseModel):
    """One line of the log as written: the previous line's hash, its place, and the record."""

    model_config = ConfigDict(extra="ignore")

    prev: str
    seq: int | None = None  # lines written before golive numbered them have none
    record: EvidenceRecord


def _parse_line(line: bytes) -> _Line | None:
    """A line of the log; None if damaged."""
    try:
        return _Line.model_validate_json(line)  # JSON and model in one pass (pydantic-core)
    except (ValueError, ValidationError, RecursionError):
        return None


_CHUNK = 1 << 16


def _lines_backwards(fd: int, size: int) -> Iterator[bytes]:
    """The file's lines, last first; the first one yielded is what follows the last newline."""
    position, pending = size, b""
    while position > 0:
        start = max(0, position - _CHUNK)
        pending = os.pread(fd, position - start, start) + pending
        position = start
        lines = pending.split(b"\n")
        pending = lines.pop(0)  # may go on further back
        yield from reversed(lines)
    yield pending


def _next_place(fd: int, size: int) -> tuple[str, int]:
    """What the next record chains to (the hash of the last whole line holding a record) and
    its place in the log.

    Damaged lines (half a line left by an interrupted write, ended by a later append) are
    stepped over, so one interrupted write never breaks the chain of everything after it."""
    lines = _lines_backwards(fd, size)
    next(lines, None)  # after the last newline: nothing, or half a line
    for line in lines:
        if not line:
            continue
        parsed = _parse_line(line)
        if parsed is None:
            continue
        if parsed.seq is not None:
            return _line_hash(line), parsed.seq + 1
        # a log written before records were numbered: count them, once
        count = sum(1 for whole in os.pread(fd, size, 0).split(b"\n")[:-1] if _parse_line(whole))
        return _line_hash(line), count + 1
    return GENESIS, 1


def _encode(record: EvidenceRecord, prev: str, seq: int | None = None) -> bytes:
    payload: dict[str, Any] = {"prev": prev, "record": record.model_dump(mode="json")}
    if seq is not None:  # every line golive appends has it; None writes an old-style line
        payload["seq"] = seq
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# --- the note of records golive is appending (see the module's docstring) --------------------


def pending_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + ".pending")


def _read_pending(log_path: Path) -> tuple[dict[tuple[str, str], int], list[str]]:
    """(id, line hash) -> place of each record golive noted it appends; and problems."""
    path = pending_path(log_path)
    try:
        raw = trust.read_bytes(path, "evidence note", limit=16 * 1024 * 1024)
    except trust.UntrustedFileError as error:
        return {}, [f"{path.name}: {error.message}; no record past the session's head is confirmed"]
    except OSError as error:
        return {}, [f"{path.name}: cannot be read ({error.strerror})"]
    noted: dict[tuple[str, str], int] = {}
    for line in (raw or b"").split(b"\n"):
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
            entry = json.loads(line)
            noted[(str(entry["id"]), str(entry["line"]))] = int(entry["seq"])
    return noted, []


def _note_pending(log_path: Path, record_id: str, seq: int, line_hash: str) -> None:
    """Note durably, before the line is appended, that golive appends this record."""
    path = pending_path(log_path)
    trust.check(path, "evidence note")
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        error = trust.problem(path, "evidence note", os.fstat(fd))
        if error is not None:
            raise error
        entry = {"id": record_id, "line": line_hash, "seq": seq}
        data = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_log(log_path: Path) -> int:
    """The log opened for appending, under the trust rules; SaveError if it cannot be."""
    trust.check(log_path, "evidence log")  # lstat first: a FIFO is never opened
    flags = (
        os.O_RDWR
        | os.O_CREAT
        | os.O_APPEND
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
    )
    try:
        fd = os.open(log_path, flags, 0o600)
    except OSError as error:
        raise SaveError(
            f"cannot open the evidence log {log_path.name}: {error.strerror}",
            where=str(log_path),
            advice="check the folder is writable and the disk not full; the run's result is still shown",
        ) from None
    problem = trust.problem(log_path, "evidence log", os.fstat(fd))
    if problem is not None:
        os.close(fd)
        raise problem
    return fd


def _append(log_path: Path, record: EvidenceRecord) -> tuple[int, str, str]:
    """Append one record: (its place, the hash it chains to, its own line's hash)."""
    fd = _open_log(log_path)
    size = 0
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        prev, seq = _next_place(fd, size)
        line = _encode(record, prev, seq)
        line_hash = _line_hash(line)
        _note_pending(log_path, record.id, seq, line_hash)
        # an interrupted write may have left half a line: end it so ours starts clean
        prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
        data = prefix + line + b"\n"
        written = 0
        while written < len(data):  # a full disk gives short writes before it gives errors
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as error:
        with contextlib.suppress(OSError):  # leave no half line of ours behind
            os.ftruncate(fd, size)
        raise SaveError(
            f"writing the evidence log {log_path.name} failed: {error.strerror}",
            where=str(log_path),
            advice="free disk space; the run's result is still shown and can be run again",
        ) from None
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    return seq, prev, line_hash


def append(log_path: Path, record: EvidenceRecord) -> EvidenceRecord:
    """Append one record, chained to the last whole line. Safe against concurrent appenders.
    Refuses (UntrustedFileError, exit 2) a log that is a link, not a regular file, another
    user's or writable by others."""
    _append(log_path, record)
    return record


# Long because each line's problem (JSON, fields, hash link) is reported at the line where it occurs.
def read(log_path: Path) -> EvidenceLog:
    """Every record of the log, the chain verified line by line; problems say where it breaks."""
    log = EvidenceLog()
    name = log_path.name
    try:
        raw = trust.read_bytes(log_path, "evidence log")
    except trust.UntrustedFileError as error:
        log.problems.append(f"{name}: {error.message}; none of its records is trusted")
        log.broken_at = 1
        log.trusted = False
        return log
    except OSError as error:
        log.problems.append(f"{name}: cannot be read ({error.strerror}); no evidence shown")
        log.broken_at = 1
        return log
    if raw is None:
        return log
    lines = raw.split(b"\n")
    trailing = lines.pop()  # after the last newline: empty, or half a line
    # Damaged lines since the last record. The next record may chain over them (they were
    # half lines of interrupted writes, ended by that append) or to one of them; an edited
    # or removed record matches neither, and breaks the chain.
    damaged: list[int] = []
    accepted = {GENESIS}
    last_line = 0  # the line of the last record read

    def breaks(line_number: int, what: str) -> None:
        if log.broken_at is None:
            log.broken_at = line_number
            log.problems.append(f"{name}:{line_number}: {what}")

    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parsed = _parse_line(line)
        if parsed is None:
            damaged.append(number)
            accepted.add(_line_hash(line))
            continue
        place = len(log.records) + 1
        if parsed.seq is not None and parsed.seq > place:
            breaks(
                number,
                f"record number {parsed.seq} stands at place {place}: a record before it was "
                "removed, the records were reordered, or this line was changed",
            )
        elif parsed.prev not in accepted or (parsed.seq is not None and parsed.seq < place):
            if damaged:
                breaks(damaged[0], "a damaged line where a whole record was: it was changed")
            elif last_line:
                if log.broken_at is None:
                    log.unchained_line = number
                breaks(
                    last_line,
                    f"line {number} does not chain to this line: this line was changed or "
                    "inserted, or lines after it were removed or reordered",
                )
            else:
                breaks(
                    number,
                    "the first record does not start the chain: it was changed, or records "
                    "before it were removed",
                )
        elif damaged:
            for lost in damaged:
                log.notes.append(
                    f"{name}:{lost}: half a line of an interrupted write; it held no record"
                )
        log.records.append(parsed.record)
        log.lines.append(number)
        log.hashes.append(_line_hash(line))
        last_line = number
        damaged.clear()
        accepted = {log.hashes[-1]}
    if damaged:
        # a damaged last whole line: an interrupted write never ends with a newline, so this
        # was a whole record once
        breaks(damaged[0], "a damaged line where a whole record was: it was changed")
    if trailing:
        log.notes.append(
            f"{name}:{len(lines) + 1}: an incomplete last line (an interrupted write) was ignored"
        )
    log.verified_lines = (
        (log.broken_at - 1) if log.broken_at is not None else len(lines) + (1 if trailing else 0)
    )
    return log
