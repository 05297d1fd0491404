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

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import socket
import stat
import tomllib
from collections.abc import Callable, Iterator
from enum import Enum
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from golive.session.checklist import definition, known_item_ids
from golive.session.clock import now
from golive.session.errors import (
    BadInputError,
    Problem,
    SaveError,
    SessionConflictError,
    SessionLoadError,
    SessionLockedError,
)
from golive.session.model import SCHEMA_VERSION, Session
from golive.session.plain_errors import plain_message
from golive.session.trust import MAX_SESSION_BYTES, UntrustedFileError
from golive.session.trust import check as check_trusted
from golive.session.trust import read_bytes as read_trusted

END_MARKER = "# end of golive session"
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


# --- serialising ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Turn a model dump into what TOML can hold: enums to values, None dropped."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value if v is not None]
    return value


def _has_carriage_return(value: Any) -> bool:
    if isinstance(value, str):
        return "\r" in value
    if isinstance(value, dict):
        return any(_has_carriage_return(k) or _has_carriage_return(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_carriage_return(v) for v in value)
    return False


def _item_order(session: Session) -> Callable[[str], tuple[int, str]]:
    order: dict[str, int] = {}
    for index, item_def in enumerate(definition().items):
        order[item_def.id] = index
        for country in session.countries:
            order.setdefault(item_def.id.format(cc=country), index)
    return lambda item_id: (order.get(item_id, len(order)), item_id)


_HEADER_TEXT = (
    "# golive session file. Hand edits are fine, but comments are not kept:\n"
    "# golive rewrites this file when it saves. Nothing secret belongs here.\n"
)


def dumps(session: Session) -> bytes:
    """The session as TOML bytes: deterministic, so sessions diff cleanly in git."""
    data = _plain(session.model_dump(mode="python", by_alias=True, exclude_none=True))
    data["countries"] = dict(sorted(data["countries"].items()))
    data["drafts"] = dict(sorted(data["drafts"].items()))
    data["items"] = {k: data["items"][k] for k in sorted(data["items"], key=_item_order(session))}
    header = _HEADER_TEXT
    # Multi-line strings read best, but tomli_w writes CRLF in them as LF: a session holding a
    # carriage return anywhere is written with escaped strings instead, so nothing changes.
    body = tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))
    return (header + body.rstrip("\n") + "\n\n" + END_MARKER + "\n").encode("utf-8")


# --- loading ----------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.\-" ]+?)\s*=')


def _split_dotted(text: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "." and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> line number, to point at the line a problem is on (best effort)."""
    index: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    array_counts: dict[tuple[str, ...], int] = {}
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            in_multiline = line.count('"""') % 2 == 0
            continue
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith(("#",)) and "=" not in line.split("]")[0]:
            path = tuple(_split_dotted(header.group(2)))
            if header.group(1) == "[[":
                count = array_counts.get(path, -1) + 1
                array_counts[path] = count
                table = (*path, str(count))
            else:
                table = path
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*table, *_split_dotted(key.group(1))), number)
            if line.count('"""') % 2 == 1:
                in_multiline = True
    return index


def _first_line_of_trouble(text: str, error: BaseException) -> int | None:
    """For reader errors without a position: the first line holding a very long number or
    very deep nesting (what makes Python's own limits trip)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(r"\d{1000}", line) or line.count("[") + line.count("{") > 500:
            return number
    return None


def _locate(index: dict[tuple[str, ...], int], loc: tuple[str, ...]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return None


def _migrate(data: dict[str, Any], problems: list[Problem], name: str) -> dict[str, Any]:
    """Bring an older session file up to SCHEMA_VERSION."""
    version = data.get("schema_version")
    if version == 1:
        # version 1 kept item states as a flat `[checklist]` table of id = "status"
        flat = data.pop("checklist", {})
        items = data.setdefault("items", {})
        if not isinstance(flat, dict):
            problems.append(Problem('must be a table of id = "status"', name, key="checklist"))
        elif isinstance(items, dict):
            for item_id, status in flat.items():
                items.setdefault(item_id, {"status": status})
        data["schema_version"] = 2
    return data


def parse(raw: bytes, path: Path, warnings: list[str] | None = None) -> Session:
    """A session from the bytes of a file, or SessionLoadError listing every problem.

    What is worth a word but does not stop the load (no end line) is appended to `warnings`.
    """
    name = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SessionLoadError(
            name, [Problem("not UTF-8 text (is this a session file?)", name, line)]
        ) from None
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as error:
        # TOMLDecodeError is a ValueError; so are integers past Python's digit limit.
        # RecursionError: arrays or inline tables nested thousands deep.
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        toml_line = int(match.group(1)) if match else None
        if "(at end of document)" in str(error):
            toml_line = max(1, len(text.splitlines()))
        if isinstance(error, RecursionError):
            message = "values nested too deeply"
        elif isinstance(error, tomllib.TOMLDecodeError):
            message = (
                re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(error))
                or "not valid TOML"
            )
        else:
            message = "a number too long to read"
        if toml_line is None:
            toml_line = _first_line_of_trouble(text, error)
        raise SessionLoadError(
            name, [Problem(f"not valid TOML: {message}", name, toml_line)]
        ) from None
    problems: list[Problem] = []
    version = data.get("schema_version")
    if "schema_version" not in data or "meta" not in data:
        missing = "schema_version" if "schema_version" not in data else "meta"
        problems.append(
            Problem(
                "no schema_version or [meta]: this is not a golive session file, or it is cut short",
                name,
                key=missing,
            )
        )
        raise SessionLoadError(name, problems)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(
            Problem("schema_version must be a whole number", name, key="schema_version")
        )
        raise SessionLoadError(name, problems)
    if version > SCHEMA_VERSION:
        problems.append(
            Problem(
                f"written by a newer golive (schema {version}; this golive reads up to {SCHEMA_VERSION}): "
                "update golive to open it",
                name,
                key="schema_version",
            )
        )
        raise SessionLoadError(name, problems)
    if version < 1:
        problems.append(
            Problem(
                f"schema_version {version} is not one golive ever wrote", name, key="schema_version"
            )
        )
        raise SessionLoadError(name, problems)
    no_marker = version == SCHEMA_VERSION and text.rstrip().splitlines()[-1:] != [END_MARKER]
    # golive's own header says golive wrote the file, so a missing end line means it was cut
    # (even at a table's edge, where the rest still validates); a file without the header was
    # written by a TOML library (a script, a generator): it loads, with a warning
    cut_short = no_marker and text.startswith(_HEADER_TEXT)
    data = _migrate(data, problems, name)
    lines: dict[tuple[str, ...], int] = {}

    def line_of(loc: tuple[str, ...]) -> int | None:
        if not lines:  # only a file with problems pays for finding their lines
            lines.update(_line_index(text))
        return _locate(lines, loc)

    session: Session | None = None
    try:
        session = Session.model_validate(data)
    except RecursionError:
        problems.append(Problem("values nested too deeply", name, key="(file)"))
    except ValidationError as error:
        for detail in error.errors():
            loc = tuple(str(part) for part in detail["loc"] if part != "[key]")
            message = plain_message(detail)
            problems.append(Problem(message, name, line_of(loc), ".".join(loc)))
    if session is not None:
        known = known_item_ids(session)
        for item_id in session.items:
            if item_id not in known:
                problems.append(
                    Problem(
                        "not a checklist item of this session (unknown id, or a country not in [countries])",
                        name,
                        line_of(("items", item_id)),
                        f"items.{item_id}",
                    )
                )
    if no_marker and (cut_short or problems or session is None):
        # with other problems, a missing end line says the likeliest cause: the file is cut short
        problems.insert(
            0,
            Problem(
                f"the file does not end with the line {END_MARKER!r}: it may be cut short. "
                "If you removed that line by hand, add it back",
                name,
                len(text.splitlines()),
            ),
        )
    if problems or session is None:
        raise SessionLoadError(name, problems)
    if no_marker and warnings is not None:
        warnings.append(
            f"{name} does not end with the line {END_MARKER!r}, but it reads as a whole session: "
            "check that nothing at its end was cut off (golive writes the line back on the next save)"
        )
    return session


# --- the file handle --------------------------------------------------------------------------


def _digest(raw: bytes | None) -> str | None:
    return hashlib.sha256(raw).hexdigest() if raw is not None else None


_NOT_A_FILE = (errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP)


def _read(path: Path) -> bytes | None:
    """The session file's bytes (None if there is none), refused before a byte is read when it
    is a link, a FIFO or device, another user's, writable by others or over 20 MB."""
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(os.lstat(path).st_mode):
            raise BadInputError(
                f"{str(path)[:200]} is not a session file: it is a folder",
                where="SESSION",
                advice="give a session name such as acme-eu, or the path of a .toml file",
            )
    try:
        return read_trusted(path, "session file", limit=MAX_SESSION_BYTES)
    except UntrustedFileError:
        raise
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno in _NOT_A_FILE:
            raise BadInputError(
                f"{str(path)[:200]} is not a session file: {error.strerror}",
                where="SESSION",
                advice="give a session name such as acme-eu, or the path of a .toml file",
            ) from None
        raise SaveError(
            f"cannot read {path}: {error.strerror}",
            where=str(path),
            advice="check the file's permissions and that the disk is mounted",
        ) from None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temp_prefix(path: Path) -> str:
    return f".{path.name[:120]}."


def clean_orphaned_temp_files(path: Path) -> list[Path]:
    """Remove temp files left by a save that was killed (their process is gone)."""
    removed = []
    for candidate in path.parent.glob(f"{glob_escape(_temp_prefix(path))}*.tmp"):
        parts = candidate.name.split(".")
        try:
            pid = int(parts[-3])
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def write_atomically(path: Path, content: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `content` so that a crash leaves the old file or the new one."""
    import secrets as _random

    folder = path.parent
    temp = folder / f"{_temp_prefix(path)}{os.getpid()}.{_random.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temp, flags, mode)
    except OSError as error:
        raise SaveError(
            f"cannot write in {folder}: {error.strerror}",
            where=str(path),
            advice="check that the folder exists, is writable and the disk is not full; "
            "nothing in memory was lost, save again when fixed",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise SaveError(
            f"saving {path.name} failed: {error.strerror or error}",
            where=str(path),
            advice="free some disk space or fix the folder's permissions, then save again; "
            "the session in memory is intact and the file on disk is unchanged",
        ) from None
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _saving(folder: Path) -> Iterator[None]:
    """One save at a time in a folder, across processes: between reading what is on disk and
    replacing it, no other golive can replace it (so no save overwrites content it did not
    load). Best effort where the file system has no flock (the check still runs)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the flock


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
            raise BadInputError(
                f"no session file at {path}",
                where=str(path),
                advice="check the name (`golive` lists recent sessions) or create it with `golive new`",
            )
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


_MISSING = object()


def _changed_keys(before: Any, after: Any, path: tuple[str, ...]) -> list[str]:
    """The leaf keys that differ (for saying what a merge took from the other side)."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = dict.fromkeys([*before, *after])
        return [
            changed
            for key in keys
            for changed in _changed_keys(
                before.get(key, _MISSING), after.get(key, _MISSING), (*path, str(key))
            )
        ]
    return [".".join(path)] if path else []


def _three_way(
    base: Any, mine: Any, theirs: Any, path: tuple[str, ...]
) -> tuple[Any, list[str], list[str]]:
    """Merge two changes of `base`: (merged, keys changed differently on both sides, keys
    taken from theirs)."""
    if mine == theirs:
        return mine, [], []
    if mine == base:
        return theirs, [], _changed_keys(base, theirs, path)
    if theirs == base:
        return mine, [], []
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        merged: dict[str, Any] = {}
        conflicts: list[str] = []
        taken: list[str] = []
        for key in dict.fromkeys([*mine, *theirs, *base]):
            value, c, t = _three_way(
                base.get(key, _MISSING),
                mine.get(key, _MISSING),
                theirs.get(key, _MISSING),
                (*path, str(key)),
            )
            conflicts += c
            taken += t
            if value is not _MISSING:
                merged[key] = value
        return merged, conflicts, taken
    return mine, [".".join(path)], []


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
