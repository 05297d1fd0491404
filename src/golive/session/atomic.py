"""Reading a file only when it is trusted, and writing one atomically (temp file, fsync,
`os.replace`): a crash leaves the old file or the new one, never half of each. The session store
and the reports write through here."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from glob import escape as glob_escape
from pathlib import Path

from golive.session.errors import (
    BadInputError,
    SaveError,
)
from golive.session.trust import MAX_SESSION_BYTES, UntrustedFileError
from golive.session.trust import read_bytes as read_trusted


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
