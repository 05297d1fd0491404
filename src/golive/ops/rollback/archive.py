"""Archiving the error logs: a timestamped tar.gz with a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import os
import stat
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from golive.ops.rollback.disable import LogArchive
from golive.ops.rollback.preview import archive_name


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symlink: not followed"
    if stat.S_ISFIFO(mode):
        return "a FIFO: not a regular file, not opened"
    if stat.S_ISSOCK(mode):
        return "a socket: not a regular file, not opened"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device: not a regular file, not opened"
    return "not a regular file: not opened"


def _regular_files(location: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """(file, name in the archive) of a log file or folder. Every entry is looked at with lstat
    first: only regular files are taken; symlinks, FIFOs, devices and sockets are skipped (and
    said), never opened, so nothing can hang the archive or lead it out of the folder."""
    label = location.name or "logs"
    try:
        info = os.lstat(location)
    except OSError as error:
        return [], [f"{location} ({error.strerror})"]
    if stat.S_ISREG(info.st_mode):
        return [(location, f"{label}")], []
    if not stat.S_ISDIR(info.st_mode):
        return [], [f"{location} ({_kind(info.st_mode)})"]
    found: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for root, dirs, files in os.walk(location, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                skipped.append(f"{base / name} (a symlink: not followed)")
        dirs.sort()
        for name in sorted(files):
            path = base / name
            try:
                mode = os.lstat(path).st_mode
            except OSError as error:
                skipped.append(f"{path} ({error.strerror})")
                continue
            if not stat.S_ISREG(mode):
                skipped.append(f"{path} ({_kind(mode)})")
                continue
            found.append((path, f"{label}/{path.relative_to(location).as_posix()}"))
    return found, skipped


def archive_logs(locations: list[str], folder: Path, at: datetime) -> LogArchive:
    # Long because the tar, its manifest and each skipped path are written in one pass.
    """The logs into folder/logs-<time>.tar.gz with MANIFEST.sha256 (inside and beside it)."""
    entries: list[tuple[Path, str]] = []
    missing: list[str] = []
    skipped: list[str] = []
    labels: set[str] = set()
    for index, text in enumerate(locations, start=1):
        location = Path(text).expanduser()
        if not location.exists() and not location.is_symlink():
            missing.append(text)
            continue
        files, passed_over = _regular_files(location)
        skipped.extend(passed_over)
        top = location.name or "logs"
        prefix = top if top not in labels else f"{index}-{top}"
        labels.add(prefix)
        entries.extend((path, prefix + name[len(top) :]) for path, name in files)
    if not entries:
        return LogArchive(None, "", 0, 0, missing, skipped)
    target = folder / archive_name(at)
    manifest: list[str] = []
    total = 0
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for path, name in entries:
            try:
                # O_NONBLOCK: should a regular file have been swapped for a FIFO since the
                # lstat, opening it does not wait for a writer (fstat below then skips it)
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            except OSError as error:
                skipped.append(f"{path} ({error.strerror})")
                continue
            with os.fdopen(fd, "rb") as source, tempfile.TemporaryFile(dir=folder) as spool:
                info = os.fstat(source.fileno())
                if not stat.S_ISREG(info.st_mode):
                    skipped.append(f"{path} (not a regular file)")
                    continue
                digest = hashlib.sha256()
                size = 0
                remaining = info.st_size  # a log still being written: what was there when opened
                while remaining > 0:
                    chunk = source.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    digest.update(chunk)
                    spool.write(chunk)
                    size += len(chunk)
                    remaining -= len(chunk)
                spool.seek(0)
                member = tarfile.TarInfo(name)
                member.size = size
                member.mtime = int(info.st_mtime)
                member.mode = 0o600
                archive.addfile(member, spool)
            manifest.append(f"{digest.hexdigest()}  {name}")
            total += size
        listing = ("\n".join(manifest) + "\n").encode()
        member = tarfile.TarInfo("MANIFEST.sha256")
        member.size = len(listing)
        member.mtime = int(at.timestamp())
        member.mode = 0o600
        with tempfile.TemporaryFile(dir=folder) as spool:
            spool.write(listing)
            spool.seek(0)
            archive.addfile(member, spool)
    (folder / "MANIFEST.sha256").write_bytes(listing)
    archive_digest = hashlib.sha256(target.read_bytes()).hexdigest()
    (folder / f"{target.name}.sha256").write_text(f"{archive_digest}  {target.name}\n", "utf-8")
    return LogArchive(target, archive_digest, len(manifest), total, missing, skipped)
