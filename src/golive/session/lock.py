"""One golive at a time per session: a lock file naming who holds it.

A second golive opening a locked session is told which host, process and start time hold it
and may open it read-only. A lock left by a dead process on this host is recognised as stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from golive.session.clock import now
from golive.session.errors import SessionLockedError


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
        return self.host == socket.gethostname() and not _alive(self.pid, self.start_ticks)


def read_owner(session_path: Path) -> LockOwner | None:
    try:
        data = json.loads(lock_path(session_path).read_text("utf-8"))
        return LockOwner(
            host=str(data["host"]),
            pid=int(data["pid"]),
            started=str(data["started"]),
            start_ticks=str(data.get("start_ticks", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


class SessionLock:
    """Held while a golive has a session open for writing."""

    def __init__(self, session_path: Path) -> None:
        self.session_path = session_path
        self.path = lock_path(session_path)
        self.held = False

    def acquire(self) -> None:
        me = LockOwner(
            host=socket.gethostname(),
            pid=os.getpid(),
            started=now().isoformat(),
            start_ticks=_process_start_ticks(os.getpid()),
        )
        payload = json.dumps(me.__dict__).encode()
        for _attempt in range(2):
            try:
                fd = os.open(
                    self.path,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                    0o600,
                )
            except FileExistsError:
                owner = read_owner(self.session_path)
                if owner is None or owner.is_stale():
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()
                    continue
                if owner.host == me.host and owner.pid == me.pid:
                    self.held = True
                    return
                raise SessionLockedError(
                    f"{self.session_path.name} is open in another {owner.describe()}",
                    where=str(self.session_path),
                    advice="close it there, or open this one read-only; if that golive is gone "
                    f"(another host crashed), remove {self.path.name}",
                ) from None
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            self.held = True
            return
        raise SessionLockedError(
            f"cannot take the lock {self.path.name}",
            where=str(self.path),
            advice="check the folder is writable",
        )

    def release(self) -> None:
        if self.held:
            owner = read_owner(self.session_path)
            if owner and owner.pid == os.getpid() and owner.host == socket.gethostname():
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            self.held = False

    def __enter__(self) -> SessionLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
