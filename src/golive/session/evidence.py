# Over 400 lines because appending, the hash chain and its verification share one file format (split pending: helper C edits record()).
"""The evidence log: an append-only, hash-chained JSON Lines file beside the session.

One record per live run (a check, a tax-ID verification, a certificate inspection, a test alert,
a watch, a rollback...). Appending never rewrites the session file; a missing or damaged log never
stops a session from loading, it only says what it lost.

How an edit shows (the chain head design):

- Each line carries the SHA-256 of the line before (`prev`) and its own place in the log
  (`seq`, 1 for the first record). An edited line no longer hashes to what the next line
  claims; a removed or reordered line leaves a record at a place that is not its number; an
  inserted line repeats a number. `read` names the FIRST bad line and never calls a line at
  or after it verified.
- The last line has no line after it to vouch for it, so the session keeps the head of the
  chain golive confirmed (`Session.evidence`: how many records, and the SHA-256 of the last
  one's line). A log shorter than the head was cut or had its last records removed; a record
  at the head that hashes otherwise was edited; a record past the head counts for nothing
  until golive confirms it as its own.
- To confirm its own records across a kill -9 between appending a record and saving the
  session, golive notes each record it is about to append (its id, place and line hash) in
  `NAME.evidence.jsonl.pending`, fsynced, before the line goes into the log, both under the
  log's exclusive lock. A record past the head that the note names is golive's own: it counts
  (no evidence is lost, no alarm) and the next save moves the head over it and drops the note.
  A record past the head that no note names was appended by something other than golive.
- The log, the note and the session must be regular files owned by the user and writable by
  nobody else (`golive.session.trust`): another user cannot plant or extend either.

What it is not: a signature. Someone with the user's own rights who rewrites the log, the
note and the session's head consistently is not detected; nothing kept beside the session can
prevent that without a secret held elsewhere.
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

from golive.session import trust
from golive.session.checklist import about_production, set_item_status
from golive.session.clock import now
from golive.session.errors import SaveError
from golive.session.model import EvidenceHead, ItemStatus, Moment, Session

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


# --- the verdict: the chain against the session's head ----------------------------------------


@dataclass(frozen=True)
class UnverifiedRecord:
    """A record of the log that does not verify: never shown or counted as evidence."""

    id: str
    line: int
    kind: str
    why: str


@dataclass(frozen=True)
class ChainVerdict:
    """What `verify` found: one verdict for status, validate, export and the gates.

    `problems` read "FILE:LINE: what is wrong" (or "FILE: what is wrong" for the file as a
    whole), the first bad line first; `verified` are the ids of the records that count as
    evidence, in log order; nothing at or after `first_bad_line` is among them."""

    log_file: str
    present: bool
    ok: bool
    records: int
    verified: tuple[str, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    unverified: tuple[UnverifiedRecord, ...]
    first_bad_line: int | None
    head_kept: bool
    trusted: bool = True  # False: the file breaks a rule of golive.session.trust, never read

    @property
    def statement(self) -> str:
        """The verdict in one sentence for people."""
        if not self.present and self.ok:
            return "No evidence log: no live run has been recorded for this session."
        if not self.present:
            return (
                f"The evidence log {self.log_file} DOES NOT VERIFY: it is missing, though golive "
                "recorded runs in it."
            )
        if not self.trusted:
            return (
                f"The evidence log {self.log_file} DOES NOT VERIFY: golive does not trust the "
                "file itself, so none of its records counts as evidence."
            )
        if self.ok:
            return (
                f"The evidence log {self.log_file} verifies: {self.records} record"
                f"{'' if self.records == 1 else 's'}, hash chain intact"
                + (
                    " up to the last record golive confirmed."
                    if self.head_kept
                    else " (the session keeps no chain head yet, so an edit or removal of the "
                    "last record could not be seen; golive keeps one from its next save)."
                )
            )
        where = f" at line {self.first_bad_line}" if self.first_bad_line else ""
        return (
            f"The evidence log {self.log_file} DOES NOT VERIFY{where}: "
            f"{len(self.verified)} of {self.records} record{'' if self.records == 1 else 's'} "
            "verify; the others are not evidence."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "log_file": self.log_file,
            "present": self.present,
            "ok": self.ok,
            "records": self.records,
            "verified": len(self.verified),
            "first_bad_line": self.first_bad_line,
            "problems": list(self.problems),
            "notes": list(self.notes),
            "statement": self.statement,
        }


# Long because each way the chain can break against the session's head (and golive's own notes) gets its own verdict.
def verify(session: Session, log_path: Path, log: EvidenceLog | None = None) -> ChainVerdict:
    """The log's chain checked against the head `session` keeps, and golive's notes of its own
    records past that head. Never raises for a bad log: a bad log is a verdict."""
    if log is None:
        log = read(log_path)
    name = log_path.name
    problems = list(log.problems)
    bad: list[tuple[int, str]] = []  # (line, why) of bad records
    if log.broken_at is not None:
        bad.append((log.broken_at, log.problems[0].split(": ", 1)[-1] if log.problems else ""))
    head = session.evidence
    count = len(log.records)
    end_line = (log.lines[-1] + 1) if log.lines else 1
    if (
        head is not None
        and log.unchained_line is not None
        and 0 < head.records <= count
        and log.lines[head.records - 1] == log.broken_at
        and log.hashes[head.records - 1] == head.last
    ):
        # the line blamed is the last record golive confirmed, and it hashes as confirmed:
        # it is intact, so the line after it is the bad one
        line = log.unchained_line
        what = (
            "this line does not chain to the last record golive confirmed: it was changed, "
            "or it is not golive's"
        )
        problems[0] = f"{name}:{line}: {what}"
        bad = [(line, what)]
    if head is not None and log.trusted:
        if head.records > count and not (log_path.exists() or log_path.is_symlink()):
            problems.append(
                f"{name}: missing, but golive confirmed {head.records} "
                f"record{'' if head.records == 1 else 's'} in it: the log was removed or moved"
            )
            bad.append((1, "the log was removed"))
        elif head.records > count:
            line = end_line
            problems.append(
                f"{name}:{line}: the log ends after {count} record{'' if count == 1 else 's'}, "
                f"but golive confirmed {head.records}: records were removed or the log was cut short"
            )
            bad.append((line, "the log was cut short"))
        elif head.records and log.hashes[head.records - 1] != head.last:
            line = log.lines[head.records - 1]
            what = (
                f"record {head.records}, the last golive confirmed, is not as golive wrote it: "
                "it was changed or replaced"
            )
            if log.broken_at is None or log.broken_at > line:
                problems.append(f"{name}:{line}: {what}")
            bad.append((line, what))
        past = range(head.records, count) if head.records <= count else range(0)
        if past:
            noted, note_problems = _read_pending(log_path)
            problems.extend(note_problems)
            for index in past:
                key = (log.records[index].id, log.hashes[index])
                if noted.get(key) == index + 1:
                    continue
                line = log.lines[index]
                what = (
                    "a record golive did not write: it is past the last record golive "
                    "confirmed, and golive never noted appending it"
                )
                problems.append(f"{name}:{line}: {what}")
                bad.append((line, what))
                break
    first_bad = min((line for line, _ in bad), default=None)
    why = dict(sorted(bad, reverse=True))  # per line, the reason found first
    verified: list[str] = []
    unverified: list[UnverifiedRecord] = []
    for record, line in zip(log.records, log.lines, strict=True):
        if first_bad is None or line < first_bad:
            verified.append(record.id)
            continue
        reason = (
            why.get(line, "")
            if line == first_bad
            else f"it comes after line {first_bad}, where the log stops verifying"
        )
        unverified.append(UnverifiedRecord(record.id, line, record.kind, reason))
    ordered = sorted(dict.fromkeys(problems), key=_problem_line)
    return ChainVerdict(
        log_file=name,
        present=log_path.exists() or log_path.is_symlink(),
        ok=not ordered,
        records=count,
        verified=tuple(verified),
        problems=tuple(ordered),
        notes=tuple(log.notes),
        unverified=tuple(unverified),
        first_bad_line=first_bad,
        head_kept=head is not None,
        trusted=log.trusted,
    )


def _problem_line(problem: str) -> int:
    head = problem.split(": ", 1)[0]
    _, _, number = head.rpartition(":")
    return int(number) if number.isdigit() else 0


def verified_log(session: Session, log_path: Path) -> tuple[EvidenceLog, ChainVerdict]:
    """The log holding only the records that verify, and the verdict: what a presenter shows
    as evidence."""
    log = read(log_path)
    verdict = verify(session, log_path, log)
    keep = set(verdict.verified)
    trusted = EvidenceLog(
        problems=list(verdict.problems),
        notes=list(verdict.notes),
        broken_at=verdict.first_bad_line,
        trusted=log.trusted,
    )
    for record, line, digest in zip(log.records, log.lines, log.hashes, strict=True):
        if record.id in keep:
            trusted.records.append(record)
            trusted.lines.append(line)
            trusted.hashes.append(digest)
    trusted.verified_lines = log.lines[len(trusted.records) - 1] if trusted.records else 0
    return trusted, verdict


def advance_head(session: Session, log_path: Path) -> bool:
    """Move the session's head over the records that verify (golive's own, past the head).
    Never moves it back: a cut log keeps saying so. A session without a head (saved by an
    older golive) adopts the part of the chain that verifies. Returns whether it moved."""
    if session.evidence is not None and not pending_path(log_path).exists():
        return False  # nothing noted: nothing past the head can be golive's
    log = read(log_path)
    verdict = verify(session, log_path, log)
    confirmed = len(verdict.verified)
    head = session.evidence
    if head is not None and confirmed <= head.records:
        return False
    if confirmed == 0:
        session.evidence = EvidenceHead()
        return True
    session.evidence = EvidenceHead(records=confirmed, last=log.hashes[confirmed - 1])
    return True


def drop_confirmed_notes(log_path: Path, head: EvidenceHead | None) -> None:
    """After a save made `head` durable: forget the notes of records it covers."""
    path = pending_path(log_path)
    if head is None or not path.exists():
        return
    with contextlib.suppress(OSError, trust.UntrustedFileError):
        fd = _open_log(log_path) if log_path.exists() else None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # no append between reading and rewriting the note
            noted, problems = _read_pending(log_path)
            if problems:
                return
            keep = [(key, seq) for key, seq in noted.items() if seq > head.records]
            if not keep:
                path.unlink()
                return
            data = b"".join(
                json.dumps(
                    {"id": key[0], "line": key[1], "seq": seq},
                    sort_keys=True,
                    separators=(",", ":"),
                ).encode()
                + b"\n"
                for key, seq in keep
            )
            temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temp_fd = os.open(
                temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600
            )
            try:
                os.write(temp_fd, data)
                os.fsync(temp_fd)
            finally:
                os.close(temp_fd)
            os.replace(temp, path)
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def record(
    session: Session,
    log_path: Path,
    evidence: EvidenceRecord,
    item_updates: Mapping[str, ItemStatus] | None = None,
    *,
    note: str | None = None,
    by: str | None = None,
    notes: Mapping[str, str] | None = None,
) -> list[str]:
    """Append a run's evidence and set the items it proves (in memory; the caller saves).

    `notes` gives an item its own note (else `note`, else the evidence's summary).

    The one entry point of every run. The record is noted as golive's own before it is
    appended, and the session's chain head moves over it (see the module's docstring).

    A rehearsal (a run against the sandbox or a UAT host) never satisfies a production item,
    except in a demo session. Returns the ids of items left unchanged for that reason.
    """
    seq, prev, line_hash = _append(log_path, evidence)
    head = session.evidence
    if head is not None and seq == head.records + 1 and prev == (head.last or GENESIS):
        # it follows the head directly: golive's own, confirmed now (the caller saves)
        session.evidence = EvidenceHead(records=seq, last=line_hash)
    # otherwise the note of it confirms it, and the next save moves the head over it
    skipped: list[str] = []
    for item_id, status in (item_updates or {}).items():
        if (
            evidence.rehearsal
            and not session.meta.demo
            and about_production(item_id)
            and status is ItemStatus.DONE
        ):
            skipped.append(item_id)
            continue
        set_item_status(
            session,
            item_id,
            status,
            by=by or evidence.by or None,
            note=(notes or {}).get(item_id, note if note is not None else evidence.summary),
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
