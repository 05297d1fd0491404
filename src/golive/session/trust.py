"""Files golive refuses to append to, or trust: its session, `.bak`, lock and evidence log.

A file golive keeps for a session must be a regular file (not a symbolic link, a FIFO, a
device, a socket or a folder), owned by the user running golive, and writable by nobody else
(no group or other write bit). Otherwise someone else could have written it (the shared-folder
forgery: another user pre-creates `NAME.evidence.jsonl` mode 0666 holding a forged record), or
reading it could block forever (a FIFO). Each check uses `lstat` first, so nothing is opened,
followed or blocked on before the rules hold; `open_for_reading` then opens without following a
link and without blocking, and checks again that what it opened is what it looked at.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from golive.session.errors import BadInputError

MAX_SESSION_BYTES = 20 * 1024 * 1024  # a session file is a few hundred kB at most


class UntrustedFileError(BadInputError):
    """A file of a session breaks one of the rules above (exit 2); says which and what to do."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def problem(path: Path, role: str, info: os.stat_result) -> UntrustedFileError | None:
    """What is wrong with the file `info` describes (from `os.lstat`), or None if nothing."""
    where = str(path)
    if stat.S_ISLNK(info.st_mode):
        return UntrustedFileError(
            f"the {role} {path.name} is a symbolic link; golive does not follow links to its own files",
            where=where,
            advice=f"remove the link (rm {path}) and put the real file there, or give the real path",
        )
    if not stat.S_ISREG(info.st_mode):
        return UntrustedFileError(
            f"the {role} {path.name} is {_kind(info.st_mode)}, not a regular file",
            where=where,
            advice=f"remove it (rm {path}) and run the command again",
        )
    uid = os.geteuid()
    if info.st_uid != uid:
        return UntrustedFileError(
            f"the {role} {path.name} belongs to another user (uid {info.st_uid}, you are uid {uid}): "
            "someone else may have written it",
            where=where,
            advice=f"if you did not expect it, move it aside (mv {path} {path}.untrusted) and run "
            "again; its contents are not trusted",
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return UntrustedFileError(
            f"the {role} {path.name} is writable by "
            + (
                "group and others"
                if info.st_mode & stat.S_IWGRP and info.st_mode & stat.S_IWOTH
                else "others"
                if info.st_mode & stat.S_IWOTH
                else "its group"
            )
            + f" (mode {stat.S_IMODE(info.st_mode):04o}): someone else may have changed it",
            where=where,
            advice=f"check its contents, then chmod 600 {path}",
        )
    return None


def check(path: Path, role: str) -> os.stat_result | None:
    """The file's `lstat` if golive may trust it, None if there is none; raises
    UntrustedFileError otherwise. `role` names it for the user ("session file", "lock file"...)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None
    error = problem(path, role, info)
    if error is not None:
        raise error
    return info


def open_for_reading(path: Path, role: str) -> int | None:
    """A read-only fd of a trusted file (never following a link, never blocking), or None if
    there is none. The caller closes it."""
    if check(path, role) is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    try:
        error = problem(path, role, os.fstat(fd))
    except OSError:
        os.close(fd)
        raise
    if error is not None:  # swapped between lstat and open
        os.close(fd)
        raise error
    return fd


def read_bytes(path: Path, role: str, limit: int | None = None) -> bytes | None:
    """The content of a trusted file, None if there is none; over `limit` bytes it is refused
    before any of it is read (UntrustedFileError, exit 2)."""
    fd = open_for_reading(path, role)
    if fd is None:
        return None
    try:
        size = os.fstat(fd).st_size
        if limit is not None and size > limit:
            raise UntrustedFileError(
                f"the {role} {path.name} is {size / 1024 / 1024:.1f} MB, more than golive reads "
                f"({limit // 1024 // 1024} MB): it is not a session golive wrote",
                where=str(path),
                advice="give the right file; a session file is a few hundred kB at most",
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if limit is not None and total > limit:  # it grew while being read
                raise UntrustedFileError(
                    f"the {role} {path.name} grew past {limit // 1024 // 1024} MB while being read",
                    where=str(path),
                    advice="give the right file; a session file is a few hundred kB at most",
                )
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
