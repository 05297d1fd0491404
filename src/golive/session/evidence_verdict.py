"""The evidence log's verdict: its chain checked against the head the session keeps, the log of
the records that verify, moving the head and dropping the notes a save made durable."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golive.session import trust
from golive.session.evidence_log import (
    EvidenceLog,
    _open_log,
    _read_pending,
    pending_path,
    read,
)
from golive.session.model import EvidenceHead, Session

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
