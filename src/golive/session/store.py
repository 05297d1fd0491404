"""Reading and writing session files so that a session is never lost or corrupted.

- Saving writes a temp file in the same folder (created exclusively, mode 0600, no symlink
  followed), flushes and fsyncs it, then `os.replace`s it over the session: a crash leaves the
  old file or the new one, never half of each.
- `NAME.toml.bak` is the file as it was when this run opened it.
- Saving an unchanged session writes nothing; the same content always gives the same bytes.
- A save never overwrites content it did not load (another process's newer save).
- Loading collects every problem (file, line, key, what is wrong) and never changes the file.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pydantic import ValidationError

from golive.session.atomic import (
    _digest,
    _read,
    _saving,
    clean_orphaned_temp_files,
    write_atomically,
)
from golive.session.clock import now
from golive.session.errors import (
    BadInputError,
    SaveError,
    SessionConflictError,
    SessionLoadError,
    SessionLockedError,
)
from golive.session.merge import _three_way
from golive.session.model import Session
from golive.session.parsing import END_MARKER, dumps, parse
from golive.session.paths import (
    MAX_FILE_NAME,
    SESSION_NAME,
    backup_path,
    data_dir,
    evidence_path,
    resolve,
    sessions_dir,
)
from golive.session.trust import check as check_trusted

__all__ = [
    "END_MARKER",
    "MAX_FILE_NAME",
    "SESSION_NAME",
    "SaveError",
    "Session",
    "SessionFile",
    "SessionLoadError",
    "backup_path",
    "clean_orphaned_temp_files",
    "data_dir",
    "dumps",
    "evidence_path",
    "load",
    "parse",
    "recent_sessions",
    "resolve",
    "sessions_dir",
    "write_atomically",
]


class SessionFile:
    """A session and the file it lives in, as this run loaded it.

    Opened with `read_only=True` (the session is open in another golive, see
    `golive.session.lock`), it never writes: `save()` raises SaveError and memory keeps every
    change.
    """

    def __init__(
        self, path: Path, session: Session, loaded: bytes | None, *, read_only: bool = False
    ) -> None:
        self.path = path
        self.session = session
        self.read_only = read_only
        self._loaded = loaded
        self._on_disk = _digest(loaded)
        self._base = loaded  # the content this run last loaded or saved: the base of a merge
        self.merged_keys: list[str] = []  # what the last save took from another golive's save
        self._backed_up = loaded is None
        # what the load found worth saying without refusing the file (e.g. no end line)
        self.warnings: list[str] = []

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(".toml")

    @property
    def evidence_path(self) -> Path:
        return evidence_path(self.path)

    @classmethod
    def open(cls, reference: str | Path, *, read_only: bool = False) -> SessionFile:
        path = reference if isinstance(reference, Path) else resolve(reference)
        raw = _read(path)
        if raw is None:
            advice = (
                "check the name (`golive` lists recent sessions) or create it with `golive new`"
            )
            if reference == "demo":
                advice = "`golive demo` creates the demo session (and opens the wizard on it)"
            raise BadInputError(f"no session file at {path}", where=str(path), advice=advice)
        warnings: list[str] = []
        session = parse(raw, path, warnings)
        if not read_only:
            clean_orphaned_temp_files(path)
        handle = cls(path, session, raw, read_only=read_only)
        handle.warnings = warnings
        return handle

    @classmethod
    def create(cls, reference: str | Path, session: Session) -> SessionFile:
        path = reference if isinstance(reference, Path) else resolve(reference)
        if path.exists():
            raise BadInputError(
                f"a session already exists at {path}",
                where=str(path),
                advice="open it with `golive resume`, or choose another name",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise SaveError(
                f"cannot create the folder {path.parent}: {error.strerror}",
                where=str(path.parent),
                advice="choose a writable location or set GOLIVE_HOME",
            ) from None
        handle = cls(path, session, None)
        handle.save()
        return handle

    def has_changes(self) -> bool:
        return _digest(dumps(self.session)) != self._on_disk

    def ensure_writable(self) -> None:
        """Raise SessionLockedError when another golive has this session open for writing.

        Every save checks it; a command about to do long work (a live check) checks it first.
        """
        from golive.session.lock import is_locked

        owner = is_locked(self.path)
        if owner is not None and not (
            owner.host == socket.gethostname() and owner.pid == os.getpid()
        ):
            raise SessionLockedError(
                f"{self.path.name} is open in another {owner.describe()}; nothing was saved",
                where=str(self.path),
                advice="make the change in that golive, or close it there and run this again",
            )

    def save(self, *, force: bool = False) -> bool:
        """Write the session if it changed. Returns whether anything was written."""
        content = dumps(self.session)
        if _digest(content) == self._on_disk:
            return False
        if self.read_only:
            raise SaveError(
                f"{self.path.name} is open read-only here: changes are not saved",
                where=str(self.path),
                advice="your changes are still in memory; close the other golive and open the "
                "session again to edit it",
            )
        with _saving(self.path.parent):
            self.ensure_writable()
            from golive.session.evidence import advance_head, drop_confirmed_notes

            current = _read(self.path)
            self.merged_keys = []
            if not force and _digest(current) != self._on_disk:
                if current is not None and self._on_disk is not None:
                    # another golive saved meanwhile: keep both, or raise on a real conflict
                    self._merge_from(current)
                else:
                    self._refuse_overwrite()
            if not self._backed_up and self._loaded is not None:
                check_trusted(backup_path(self.path), "backup file")
                write_atomically(backup_path(self.path), self._loaded)
                self._backed_up = True
            # the records golive noted as its own since the last save now count for good
            advance_head(self.session, self.evidence_path)
            self.session.meta.updated = now()
            content = dumps(self.session)
            write_atomically(self.path, content)
            self._on_disk = _digest(content)
            self._base = content
            drop_confirmed_notes(self.evidence_path, self.session.evidence)
        return True

    def _refuse_overwrite(self) -> None:
        created = self._on_disk is None
        raise SessionConflictError(
            f"{self.path.name} was created by another golive meanwhile"
            if created
            else f"{self.path.name} was removed by someone else since this run loaded it",
            where=str(self.path),
            advice="your changes are still in memory; save under another name, or reload "
            "rather than overwrite the other work",
        )

    def _merge_from(self, current: bytes) -> None:
        """Take what another golive saved meanwhile into this session, keeping this run's own
        changes: a three-way merge against the content this run last loaded or saved. Keys
        changed on both sides, differently, are a conflict: nothing is merged then."""
        conflict = SessionConflictError(
            f"{self.path.name} was changed by someone else since this run loaded it",
            where=str(self.path),
            advice="your changes are still in memory; reload the file to see the other "
            "changes (or save under another name) rather than overwrite them",
        )
        if self._base is None:
            raise conflict
        try:
            base, theirs = parse(self._base, self.path), parse(current, self.path)
        except SessionLoadError:
            raise conflict from None
        mine_data = self.session.model_dump(mode="python", by_alias=True)
        theirs_data = theirs.model_dump(mode="python", by_alias=True)
        # The evidence chain's head is not a value two sides change differently: both moved it
        # along the same log. The one further along wins (both are confirmed heads).
        heads = [h for h in (mine_data.get("evidence"), theirs_data.get("evidence")) if h]
        if heads:
            mine_data["evidence"] = theirs_data["evidence"] = max(
                heads, key=lambda head: head["records"]
            )
        merged, conflicts, taken = _three_way(
            base.model_dump(mode="python", by_alias=True), mine_data, theirs_data, ()
        )
        if conflicts:
            conflict.message = (
                f"{self.path.name} was changed by someone else since this run loaded it, "
                f"and both changed {', '.join(conflicts[:5])}"
                + (f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else "")
            )
            raise conflict
        try:
            result = Session.model_validate(merged)
        except ValidationError:
            raise conflict from None
        for field in Session.model_fields:  # in place: whoever holds this session sees it
            setattr(self.session, field, getattr(result, field))
        self.merged_keys = taken

    def reload(self) -> None:
        """Take the file as it is on disk now (another process saved it)."""
        raw = _read(self.path)
        if raw is None:
            raise BadInputError(f"{self.path} no longer exists", where=str(self.path))
        self.warnings = []
        self.session = parse(raw, self.path, self.warnings)
        self._on_disk = _digest(raw)
        self._base = raw


def load(reference: str | Path) -> Session:
    return SessionFile.open(reference).session


def recent_sessions(limit: int = 20) -> list[Path]:
    """Session files in the sessions folder, newest change first."""
    folder = sessions_dir()
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob("*.toml") if not p.name.startswith(".")]
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return files[:limit]
