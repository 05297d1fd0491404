"""One golive at a time per session: a lock file naming who holds it.

A second golive opening a locked session is told which host, process and start time hold it
and may open it read-only. A lock left by a dead process is recognised as stale and taken over.

How: the lock file `NAME.toml.lock` holds the owner (host, pid, start time) as JSON, and the
owner keeps an exclusive `flock` on it for as long as it holds the session. The kernel drops
that flock the moment the process dies (kill -9, a crash, a power cut on reboot), so "stale"
never depends on guessing from a pid that may have been reused. A lock whose owner runs on
another host is never broken automatically (a shared folder's locks may not reach across
hosts): the message names that host so the user can check.

A lock file that is a link, a FIFO or device, another user's or writable by others is refused
(`golive.session.trust`, exit 2): another user could otherwise hold or fake the lock, and a FIFO
would block the read.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from golive.session import trust
from golive.session.clock import now
from golive.session.errors import SessionLockedError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
LOCK_ROLE = "lock file"


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name + ".lock")


def _process_start_ticks(pid: int) -> str:
    """The kernel's start time of a process (tells a reused pid apart); "" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, start_ticks: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = _process_start_ticks(pid)
    return not (start_ticks and current and current != start_ticks)


@dataclass(frozen=True)
class LockOwner:
    host: str
    pid: int
    started: str
    start_ticks: str = ""

    def describe(self) -> str:
        when = self.started
        with contextlib.suppress(ValueError):
            when = datetime.fromisoformat(self.started).strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"golive on host {self.host}, process {self.pid}, since {when}"

    def is_stale(self) -> bool:
        """The owner is a process of this host that is gone (or whose pid now names another)."""
        return self.host == socket.gethostname() and not _alive(self.pid, self.start_ticks)


def _parse_owner(raw: bytes) -> LockOwner | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        return LockOwner(
            host=str(data["host"]),
            pid=int(data["pid"]),
            started=str(data["started"]),
            start_ticks=str(data.get("start_ticks", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def read_owner(session_path: Path) -> LockOwner | None:
    """Who holds (or last held) the session's lock, from the lock file; None if none is readable."""
    path = lock_path(session_path)
    for _attempt in range(20):  # the owner may be writing it this very moment
        try:
            raw = trust.read_bytes(path, LOCK_ROLE, limit=1 << 16)
        except OSError:
            return None
        if raw is None:
            return None
        owner = _parse_owner(raw)
        if owner is not None:
            return owner
        time.sleep(0.005)
    return None


def is_locked(session_path: Path) -> LockOwner | None:
    """The live owner of the session's lock, or None if nobody holds it (no file, or stale)."""
    path = lock_path(session_path)
    trust.check(path, LOCK_ROLE)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        problem = trust.problem(path, LOCK_ROLE, os.fstat(fd))
        if problem is not None:
            raise problem
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_owner(session_path) or LockOwner(host="?", pid=0, started="?")
        fcntl.flock(fd, fcntl.LOCK_UN)
        owner = read_owner(session_path)
        if owner is not None and owner.host != socket.gethostname():
            return owner  # another host's lock: its flock may not reach us, trust the file
        return None
    finally:
        os.close(fd)


class SessionLock:
    """Held while a golive has a session open for writing.

    `acquire()` raises SessionLockedError naming the other golive (host, process, start time)
    when the session is open elsewhere; the caller may then open the session read-only
    (`SessionFile.open(path, read_only=True)`). `took_over` names the dead owner of a stale
    lock this one replaced, so a presenter can say so.
    """

    def __init__(self, session_path: Path) -> None:
        self.session_path = session_path
        self.path = lock_path(session_path)
        self.held = False
        self.took_over: LockOwner | None = None
        self._fd: int | None = None

    def _me(self) -> LockOwner:
        return LockOwner(
            host=socket.gethostname(),
            pid=os.getpid(),
            started=now().isoformat(),
            start_ticks=_process_start_ticks(os.getpid()),
        )

    def _cannot(self, error: OSError) -> SessionLockedError:
        read_only = error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
        return SessionLockedError(
            f"cannot take the lock {self.path.name}: {error.strerror}",
            where=str(self.path),
            advice="open the session read-only"
            + (
                " (its folder cannot be written)"
                if read_only
                else ", or check the folder is writable and the disk not full"
            ),
        )

    # Long because each way the lock can already be held (by us, a live holder, a stale one) is handled in turn.
    def acquire(self) -> None:
        if self.held:
            return
        me = self._me()
        for _attempt in range(50):
            trust.check(self.path, LOCK_ROLE)
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            except OSError as error:
                raise self._cannot(error) from None
            problem = trust.problem(self.path, LOCK_ROLE, os.fstat(fd))
            if problem is not None:
                os.close(fd)
                raise problem
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                owner = read_owner(self.session_path)
                if owner is not None and owner.host == me.host and owner.pid == me.pid:
                    # this process already holds it (another handle): nothing more to take
                    self.held = True
                    return
                if (owner is None or owner.is_stale()) and _attempt < 10:
                    # a golive taking over a stale lock this instant, or `is_locked` peeking
                    time.sleep(0.02)
                    continue
                described = owner.describe() if owner else "golive (its lock file is unreadable)"
                raise SessionLockedError(
                    f"{self.session_path.name} is open in another {described}",
                    where=str(self.session_path),
                    advice="close it there, or open this one read-only",
                ) from None
            except OSError as error:
                os.close(fd)
                raise self._cannot(error) from None
            try:
                if os.fstat(fd).st_ino != os.lstat(self.path).st_ino:
                    raise FileNotFoundError  # released and removed meanwhile: take a fresh one
                previous = _parse_owner(os.pread(fd, 4096, 0))
                if previous is not None and previous.host != me.host:
                    # another host's lock: our flock proves nothing about that host
                    os.close(fd)
                    raise SessionLockedError(
                        f"{self.session_path.name} is open in another {previous.describe()}",
                        where=str(self.session_path),
                        advice="close it there, or open this one read-only; if that golive is "
                        f"gone (the other host crashed), remove {self.path}",
                    )
                payload = json.dumps(me.__dict__).encode()
                os.ftruncate(fd, 0)
                os.pwrite(fd, payload, 0)
                os.fsync(fd)
            except FileNotFoundError:
                os.close(fd)
                continue
            except OSError as error:
                os.close(fd)
                raise self._cannot(error) from None
            self.took_over = previous
            self._fd = fd
            self.held = True
            return
        raise SessionLockedError(
            f"cannot take the lock {self.path.name}: it keeps changing",
            where=str(self.path),
            advice="another golive is opening and closing this session; try again",
        )

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                if os.fstat(self._fd).st_ino == os.lstat(self.path).st_ino:
                    self.path.unlink()
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self.held = False

    def __enter__(self) -> SessionLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
