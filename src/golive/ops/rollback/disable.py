"""Disabling the integration: the command (capped output, killed on timeout) or the HTTP call."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from golive.session.model import ItemStatus, Session
from golive.session.sections import FlagCall

OUTPUT_KEPT = 4000  # characters of the disable command's output kept in the evidence
OUTPUT_CAP = 64 * 1024  # bytes of the disable command's output kept in disable-output.txt


# --- running it ---------------------------------------------------------------------------------


@dataclass
class DisableOutcome:
    method: str
    ok: bool
    exit_code: int | None = None
    http_status: int | None = None
    output: str = ""
    error: str = ""
    manual: bool = False
    process_group: int | None = None

    def describe(self) -> str:
        if self.manual:
            return "manual steps to do now"
        if self.method == "command":
            if self.exit_code is None:
                return f"the command did not finish: {self.error}"
            return f"the command exited with {self.exit_code}"
        if self.http_status is None:
            return f"the flag service was not reached: {self.error}"
        return f"the flag service answered HTTP {self.http_status}"


@dataclass
class LogArchive:
    path: Path | None
    sha256: str
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class RollbackResult:
    started_at: datetime
    folder: Path
    disable: DisableOutcome
    drafts: list[Path]
    archive: LogArchive
    items: dict[str, ItemStatus]
    warnings: list[str]
    evidence_id: str

    @property
    def ok(self) -> bool:
        return (self.disable.ok or self.disable.manual) and self.archive.path is not None


def _truncate(text: str) -> str:
    if len(text) <= OUTPUT_KEPT:
        return text
    return f"[{len(text) - OUTPUT_KEPT} characters cut]\n" + text[-OUTPUT_KEPT:]


def _kill_group(group: int) -> None:
    """End every process of the command's process group (its children too: no orphan left)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _read_capped(spool: IO[bytes]) -> str:
    """The output as kept: all of it up to OUTPUT_CAP bytes, else its start and end, cut."""
    size = os.fstat(spool.fileno()).st_size
    spool.seek(0)
    if size <= OUTPUT_CAP:
        return spool.read().decode("utf-8", "replace")
    half = OUTPUT_CAP // 2
    head = spool.read(half)
    spool.seek(size - half)
    tail = spool.read(half)
    return (
        head.decode("utf-8", "replace")
        + f"\n… {size - 2 * half} bytes cut …\n"
        + tail.decode("utf-8", "replace")
    )


def _disable_command(argv: list[str], timeout: float, folder: Path) -> DisableOutcome:
    """Run the command without a shell in its own process group; on timeout the whole group is
    killed. Its output (stdout and stderr together) is kept up to OUTPUT_CAP bytes."""
    from golive.secrets.redaction import redact

    with tempfile.TemporaryFile(dir=folder) as spool:
        try:
            process = subprocess.Popen(
                argv,
                shell=False,
                stdin=subprocess.DEVNULL,
                stdout=spool,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one on timeout
            )
        except FileNotFoundError:
            return DisableOutcome("command", False, error=f"{argv[0]!r} was not found")
        except PermissionError:
            return DisableOutcome("command", False, error=f"{argv[0]!r} cannot be executed")
        except OSError as error:
            return DisableOutcome(
                "command", False, error=f"{argv[0]!r} could not start: {error.strerror}"
            )
        timed_out = False
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process.pid)
            process.wait()
            code = None
        output = redact(_read_capped(spool))
    (folder / "disable-output.txt").write_text(output, "utf-8")
    if timed_out:
        return DisableOutcome(
            "command",
            False,
            output=_truncate(output),
            error=f"timed out after {timeout:g} s (its process group was killed)",
            process_group=process.pid,
        )
    return DisableOutcome(
        "command",
        code == 0,
        exit_code=code,
        output=_truncate(output),
        process_group=process.pid,
    )


def _disable_http(session: Session, call: FlagCall, timeout: float) -> DisableOutcome:
    import httpx

    from golive.secrets import resolve_secret
    from golive.secrets.redaction import redact

    headers = {"User-Agent": "golive rollback"}
    if call.token_secret:
        token = resolve_secret(session, call.token_secret).value.get_secret_value()
        headers["Authorization"] = f"Bearer {token}"
    if call.body:
        stripped = call.body.lstrip()
        headers["Content-Type"] = (
            "application/json" if stripped.startswith(("{", "[")) else "text/plain; charset=utf-8"
        )
    try:
        response = httpx.request(
            call.method,
            call.url,
            content=call.body.encode() if call.body else None,
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return DisableOutcome("http", False, error=redact(f"{type(error).__name__}: {error}"))
    return DisableOutcome(
        "http",
        200 <= response.status_code < 300,
        http_status=response.status_code,
        output=_truncate(redact(response.text)),
    )
