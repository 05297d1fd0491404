"""Issue 12 (and 15): a rollback that reports what happened.

The plan is done only when it can run; a dry run that cannot run exits 1; every draft says what
each step did; header fields never take a newline; log archiving skips what is not a regular
file, never opens it; a killed run leaves an honest partial record; the disable command's whole
process group ends on timeout and its output is capped.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from golive.ops.rollback import (
    OUTPUT_CAP,
    parse_customer,
    preview_rollback,
    run_rollback,
    set_plan,
)
from golive.ops.support import set_escalation_level
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.sections import AffectedCustomer
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

NOW = "2026-11-03T04:05:06+00:00"
OK_COMMAND = [sys.executable, "-c", "print('flag off')"]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.log").write_text("error: boom\n" * 10)
    return folder


@pytest.fixture
def handle(tmp_path: Path, logs: Path) -> SessionFile:
    session = make_session(("DE",))
    set_escalation_level(session, 1, name="Bob Support", email="support@partner.example")
    handle = SessionFile.create(tmp_path / "acme.toml", session)
    set_plan(
        handle.session,
        command=OK_COMMAND,
        notify=[parse_customer("ACME Corp,Jane Doe,jane@acme.example")],
        log_locations=[str(logs)],
        session_path=handle.path,
    )
    handle.save()
    return handle


def status(handle: SessionFile, item: str) -> str:
    return build_checklist(handle.session)[item].status.value


def test_a_plan_whose_command_does_not_exist_is_not_done_and_dry_run_exits_1(
    run_golive, handle: SessionFile
) -> None:  # type: ignore[no-untyped-def]
    assert status(handle, "rollback.plan") == "done"
    path = str(handle.path)
    planned = run_golive("rollback", path, "--command", "flagctl-that-is-not-here off")
    assert planned.returncode == 0, planned.stderr
    assert "rollback.plan: in_progress" in planned.stdout
    assert "'flagctl-that-is-not-here' is not found on this machine" in planned.stdout
    reloaded = SessionFile.open(handle.path).session
    assert build_checklist(reloaded)["rollback.plan"].status.value == "in_progress"
    [*_, check] = read(evidence_path(handle.path)).records
    assert check.kind == "rollback_plan_check" and check.outcome == "failed"
    dry = run_golive("rollback", path, "--dry-run", "--reason", "errors")
    assert dry.returncode == 1
    assert "cannot run as planned" in dry.stderr and "flagctl-that-is-not-here" in dry.stderr
    assert "Traceback" not in dry.stderr
    # an absolute path that is not executable, a log folder that is gone: said the same way
    script = handle.path.with_name("flagctl")
    script.write_text("#!/bin/sh\nexit 0\n")
    planned = run_golive("rollback", path, "--command", f"{script} off", "--logs", "/nowhere/x")
    assert "is not executable" in planned.stdout
    assert "the log location /nowhere/x does not exist" in planned.stdout
    script.chmod(0o755)
    logs = str(handle.path.with_name("logs"))
    planned = run_golive("rollback", path, "--command", f"{script} off", "--logs", logs)
    assert "rollback.plan: done" in planned.stdout, planned.stdout
    dry = run_golive("rollback", path, "--dry-run", "--reason", "errors")
    assert dry.returncode == 0, dry.stderr
    assert "can run as planned" in dry.stdout


def test_a_plan_with_a_flag_url_can_run(handle: SessionFile) -> None:
    plan = set_plan(
        handle.session, flag_url="https://flags.example/api/onesource", session_path=handle.path
    )
    assert plan.ready and status(handle, "rollback.plan") == "done"


def test_a_failed_disable_is_what_the_letter_says(handle: SessionFile) -> None:
    set_plan(
        handle.session,
        command=[sys.executable, "-c", "import sys; sys.exit(4)"],
        session_path=handle.path,
    )
    result = run_rollback(handle.session, handle.path, reason="5xx above 10 %")
    assert not result.ok and status(handle, "rollback.disable_flag") == "failed"
    letter = result.drafts[0].read_text()
    assert "we could not disable it; our team is on it" in letter
    assert "we disabled" not in letter.lower()
    assert "Disabled the integration: no" in letter
    assert "Error logs preserved for the investigation: yes." in letter
    assert letter.splitlines()[1] == (
        "Subject: ONESOURCE tax integration for ACME Corp: a problem we are working on"
    )


def test_a_successful_disable_says_so_and_a_custom_template_gets_the_steps(
    handle: SessionFile,
) -> None:
    handle.session.rollback.notification_template = "Hello $contact, we are on it ($reason).\n"
    result = run_rollback(handle.session, handle.path, reason="errors")
    letter = result.drafts[0].read_text()
    assert "Hello Jane Doe, we are on it (errors)." in letter
    assert "What we have done so far:\n- Disabled the integration: yes." in letter


def test_header_fields_never_take_a_newline(handle: SessionFile, tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="line break"):
        set_plan(
            handle.session,
            notify=[AffectedCustomer(customer="Evil\nBcc: all@corp.example", email="e@x.example")],
        )
    # a hand-edited session: the plan check says so, and the draft's headers stay one line each
    handle.session.rollback.notify = [
        AffectedCustomer(
            customer="Evil\r\nBcc: all@corp.example",
            contact="Eve\nCc: x@y.example",
            email="eve@evil.example",
        )
    ]
    plan = set_plan(handle.session, session_path=handle.path)
    assert plan.item_status.value == "in_progress"
    assert any("line break" in p for p in plan.problems)
    result = run_rollback(handle.session, handle.path, reason="x")
    text = result.drafts[0].read_text()
    head = text.split("\n\n", 1)[0].splitlines()
    assert head == [
        "To: Eve Cc: x@y.example <eve@evil.example>",
        "Subject: ONESOURCE tax integration for Evil Bcc: all@corp.example: temporarily disabled",
    ]


def test_a_fifo_in_the_log_folder_is_skipped_never_opened(
    run_golive, handle: SessionFile, logs: Path
) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(logs / "pipe.log")
    os.mkfifo(handle.path.with_name("top.fifo"))
    session = SessionFile.open(handle.path)
    session.session.rollback.log_locations.append(str(handle.path.with_name("top.fifo")))
    session.save()
    # a subprocess with a deadline: were the FIFO opened, the run would hang until killed
    done = run_golive(
        "rollback", str(handle.path), "run", "--reason", "errors", "--yes", timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"not archived: {logs / 'pipe.log'} (a FIFO: not a regular file, not opened)" in (
        done.stdout
    )
    assert "top.fifo (a FIFO" in done.stdout
    assert "rollback.preserve_logs: done" in done.stdout
    reloaded = SessionFile.open(handle.path).session
    checklist = build_checklist(reloaded)
    assert checklist["rollback.preserve_logs"].status.value == "done"
    assert "2 path(s) skipped" in checklist["rollback.preserve_logs"].note
    kinds = [r.kind for r in read(evidence_path(handle.path)).records]
    assert kinds[-5:] == [
        "rollback_started",
        "rollback_disable",
        "rollback_logs",
        "rollback_notify",
        "rollback",
    ]


@contextmanager
def evidence_lock_after(log: Path, kind: str, process: subprocess.Popen[str]) -> Iterator[None]:
    """Hold the evidence log's lock from the moment a record of `kind` is in it: golive's next
    append then waits, so whatever it does after that step cannot be recorded.

    Lock-step, not polling: the test holds the lock and lets golive take it once each time golive
    is seen waiting for it (in /proc/locks), so golive never gets two turns unseen."""
    fd = os.open(log, os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        while f'"kind":"{kind}"' not in log.read_text():
            _wait_until(lambda: _waits_on_lock(log, process.pid), process)
            fcntl.flock(fd, fcntl.LOCK_UN)
            _wait_until(lambda: not _waits_on_lock(log, process.pid), process)
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits for golive to finish its turn
        # golive waits for the lock again only after it saved the session
        _wait_until(lambda: _waits_on_lock(log, process.pid), process)
        yield
    finally:
        os.close(fd)


def _waits_on_lock(log: Path, pid: int) -> bool:
    """Whether process `pid` is blocked on the log's flock (a `->` line of /proc/locks)."""
    inode = f":{os.stat(log).st_ino}"
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        waiting = len(fields) >= 8 and fields[1] == "->" and fields[5] == str(pid)
        if waiting and fields[6].endswith(inode):
            return True
    return False


def _wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    while not condition():
        assert process.poll() is None, process.communicate()
        with suppress(subprocess.TimeoutExpired):  # wait on the process: it moves on or ends
            process.wait(timeout=0.01)


def test_a_rollback_killed_after_its_disable_step_leaves_an_honest_partial_record(
    handle: SessionFile, tmp_path: Path
) -> None:
    env = {**os.environ, "GOLIVE_NOW": NOW}
    env.pop("GOLIVE_DEBUG", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "golive",
            "rollback",
            str(handle.path),
            "run",
            "--reason",
            "x",
            "--yes",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = evidence_path(handle.path)
    with evidence_lock_after(log, "rollback_disable", process):
        # golive saves the session after the disable record, then waits on the lock to record
        # its next step: kill it once the save is there
        while not _disabled_in_session(handle.path):
            assert process.poll() is None, process.communicate()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.01)
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    session = SessionFile.open(handle.path).session
    checklist = build_checklist(session)
    assert session.rollback.started_at is not None
    assert checklist["rollback.disable_flag"].status.value == "done"
    kinds = [r.kind for r in read(log).records]
    # the steps up to the disable are recorded in order (a later step's record may be in the log,
    # appended before the kill; the session never claims it: see below)
    assert kinds.index("rollback_started") < kinds.index("rollback_disable")
    for later in ("rollback.preserve_logs", "rollback.notify", "rollback.root_cause"):
        item = checklist[later]
        assert item.status.value in ("todo", "not_applicable") and not item.state.evidence, later
    folder = Path(session.rollback.run_folder)
    assert not list(folder.glob("notify-*")), "no draft claims a step it did not finish"


def _disabled_in_session(path: Path) -> bool:
    try:
        session = SessionFile.open(path).session
    except Exception:  # mid-replace: not there yet
        return False
    return build_checklist(session)["rollback.disable_flag"].status.value == "done"


def test_a_timeout_ends_the_whole_process_group(handle: SessionFile, tmp_path: Path) -> None:
    child_pid = tmp_path / "child.pid"
    spawner = (
        "import subprocess, sys, time, pathlib; "
        "child = subprocess.Popen(['sleep', '300']); "
        f"pathlib.Path({str(child_pid)!r}).write_text(str(child.pid)); "
        "print('spawned', flush=True); time.sleep(300)"
    )
    set_plan(handle.session, command=[sys.executable, "-c", spawner], timeout_s=1)
    result = run_rollback(handle.session, handle.path, reason="x")
    assert "timed out after 1 s (its process group was killed)" in result.disable.error
    assert "spawned" in result.disable.output
    pid = int(child_pid.read_text())

    def running(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")

    try:  # SIGKILL is delivered asynchronously: wait for the child's exit (a pidfd), bounded
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        pass
    else:
        try:
            select.select([pidfd], [], [], 10)
        finally:
            os.close(pidfd)
    assert not running(pid), "the disable command's child was left running"
    group = result.disable.process_group
    assert group is not None
    alive = [
        p.name
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and running(int(p.name)) and _pgid(int(p.name)) == group
    ]
    assert alive == []


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_the_disable_output_kept_is_capped(handle: SessionFile) -> None:
    noisy = "import sys; sys.stdout.write('x' * 1_000_000); sys.stderr.write('the end')"
    set_plan(handle.session, command=[sys.executable, "-c", noisy])
    result = run_rollback(handle.session, handle.path, reason="x")
    assert result.disable.ok
    kept = (result.folder / "disable-output.txt").read_text()
    assert len(kept.encode()) < OUTPUT_CAP + 100
    assert "bytes cut" in kept and kept.endswith("the end")
    assert len(result.disable.output) < 5000


def test_the_preview_names_what_cannot_run(handle: SessionFile) -> None:
    set_plan(handle.session, command=["/nonexistent/flagctl", "off"], session_path=handle.path)
    preview = preview_rollback(handle.session, handle.path, reason="x")
    assert preview.can_run and not preview.can_run_fully
    assert "/nonexistent/flagctl does not exist on this machine" in preview.plan_problems[0]
    assert any("cannot run as prepared" in a for a in preview.actions)
