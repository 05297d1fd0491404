"""The evidence log: an append-only, hash-chained JSON Lines file beside the session.

One record per live run (a check, a tax-ID verification, a certificate inspection, a test alert,
a watch, a rollback...). Each line carries the SHA-256 of the line before, so an edited or
removed line shows. Appending never rewrites the session file; a missing or damaged log never
stops a session from loading, it only says what it lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from golive.session.checklist import set_item_status
from golive.session.clock import now
from golive.session.errors import SaveError
from golive.session.model import ItemStatus, Moment, Session

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
    records: list[EvidenceRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    verified_lines: int = 0
    broken_at: int | None = None
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
    """One line of the log as written: the previous line's hash and the record."""

    model_config = ConfigDict(extra="ignore")

    prev: str
    record: EvidenceRecord


def _parse_line(line: bytes) -> tuple[EvidenceRecord, str] | None:
    """The record of a line and the hash it claims for the line before; None if damaged."""
    try:
        parsed = _Line.model_validate_json(line)  # JSON and model in one pass (pydantic-core)
    except (ValueError, ValidationError, RecursionError):
        return None
    return parsed.record, parsed.prev


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


def _last_record_hash(fd: int, size: int) -> str:
    """The hash of the last whole line holding a record: what the next record chains to.

    Damaged lines (half a line left by an interrupted write, ended by a later append) are
    stepped over, so one interrupted write never breaks the chain of everything after it."""
    lines = _lines_backwards(fd, size)
    next(lines, None)  # after the last newline: nothing, or half a line
    for line in lines:
        if line and _parse_line(line) is not None:
            return _line_hash(line)
    return GENESIS


def _encode(record: EvidenceRecord, prev: str) -> bytes:
    payload = {"prev": prev, "record": record.model_dump(mode="json")}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def append(log_path: Path, record: EvidenceRecord) -> EvidenceRecord:
    """Append one record, chained to the last whole line. Safe against concurrent appenders."""
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(log_path, flags, 0o600)
    except OSError as error:
        raise SaveError(
            f"cannot open the evidence log {log_path.name}: {error.strerror}",
            where=str(log_path),
            advice="check the folder is writable and the disk not full; the run's result is still shown",
        ) from None
    size = 0
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        # an interrupted write may have left half a line: end it so ours starts clean
        prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
        data = prefix + _encode(record, _last_record_hash(fd, size)) + b"\n"
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
    return record


def read(log_path: Path) -> EvidenceLog:
    """Every record of the log, the chain verified; problems say what was lost and where."""
    log = EvidenceLog()
    try:
        raw = log_path.read_bytes()
    except FileNotFoundError:
        return log
    except OSError as error:
        log.problems.append(
            f"{log_path.name}: cannot be read ({error.strerror}); no evidence shown"
        )
        log.broken_at = 1
        return log
    lines = raw.split(b"\n")
    trailing = lines.pop()  # after the last newline: empty, or half a line
    prev = GENESIS
    # Damaged lines since the last record. The next record may chain over them (they were
    # half lines of interrupted writes, ended by that append) or to one of them; an edited
    # or removed record matches neither, and breaks the chain.
    damaged: list[int] = []
    accepted = {GENESIS}
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parsed = _parse_line(line)
        if parsed is None:
            log.problems.append(f"{log_path.name}:{number}: damaged line, its record is lost")
            damaged.append(number)
            accepted.add(_line_hash(line))
            continue
        record, claimed = parsed
        if claimed not in accepted and log.broken_at is None:
            log.broken_at = damaged[0] if damaged else number
            log.problems.append(
                f"{log_path.name}:{number}: the hash chain breaks here: a line before it was "
                "changed, removed or inserted"
            )
        if log.broken_at is None:
            log.verified_lines = number
        log.records.append(record)
        prev = _line_hash(line)
        damaged.clear()
        accepted = {prev}
    if damaged and log.broken_at is None:
        # a damaged last whole line: an interrupted write never ends with a newline, so this
        # was a whole record once
        log.broken_at = damaged[0]
    if trailing:
        log.problems.append(
            f"{log_path.name}:{len(lines) + 1}: an incomplete last line (an interrupted write) was ignored"
        )
    return log


def record(
    session: Session,
    log_path: Path,
    evidence: EvidenceRecord,
    item_updates: Mapping[str, ItemStatus] | None = None,
    *,
    note: str | None = None,
    by: str | None = None,
) -> list[str]:
    """Append a run's evidence and set the items it proves (in memory; the caller saves).

    A rehearsal (a run against the sandbox or a UAT host) never satisfies a production item,
    except in a demo session. Returns the ids of items left unchanged for that reason.
    """
    append(log_path, evidence)
    skipped: list[str] = []
    for item_id, status in (item_updates or {}).items():
        if (
            evidence.rehearsal
            and not session.meta.demo
            and item_id.startswith("production.")
            and status is ItemStatus.DONE
        ):
            skipped.append(item_id)
            continue
        set_item_status(
            session,
            item_id,
            status,
            by=by or evidence.by or None,
            note=note if note is not None else evidence.summary,
            reason=evidence.summary
            if status in (ItemStatus.BLOCKED, ItemStatus.NOT_APPLICABLE)
            else "",
            evidence=[evidence.id],
            at=evidence.ended,
        )
    return skipped


def records_for(log: EvidenceLog, item_ids: Iterable[str]) -> list[EvidenceRecord]:
    """The records proving any of these items, in log order (indexed: cheap per item)."""
    log._index()
    positions: set[int] = set()
    for item_id in set(item_ids):
        positions.update(log._by_item.get(item_id, ()))
    return [log.records[position] for position in sorted(positions)]
