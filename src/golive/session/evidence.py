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

from collections.abc import Iterable, Mapping
from pathlib import Path

from golive.session.checklist import about_production, set_item_status
from golive.session.evidence_log import (
    _CHUNK,
    GENESIS,
    EvidenceLog,
    EvidenceRecord,
    Outcome,
    _append,
    _encode,
    _Line,
    _line_hash,
    _lines_backwards,
    _next_place,
    _note_pending,
    _open_log,
    _parse_line,
    _read_pending,
    append,
    pending_path,
    read,
)
from golive.session.evidence_verdict import (
    ChainVerdict,
    UnverifiedRecord,
    _problem_line,
    advance_head,
    drop_confirmed_notes,
    verified_log,
    verify,
)
from golive.session.model import EvidenceHead, ItemStatus, Session

__all__ = [
    "GENESIS",
    "_CHUNK",
    "ChainVerdict",
    "EvidenceLog",
    "EvidenceRecord",
    "Outcome",
    "UnverifiedRecord",
    "_Line",
    "_append",
    "_encode",
    "_line_hash",
    "_lines_backwards",
    "_next_place",
    "_note_pending",
    "_open_log",
    "_parse_line",
    "_problem_line",
    "_read_pending",
    "advance_head",
    "append",
    "drop_confirmed_notes",
    "pending_path",
    "read",
    "record",
    "records_for",
    "verified_log",
    "verify",
]


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
