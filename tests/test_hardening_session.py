"""Hardening of the session layer: kill -9, full and read-only disks, mutated files, two
terminals. Everything here is what a user would see: the file loads, the message names the
file and the place, nothing in memory or on disk is lost."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golive.session import evidence, lock, store
from golive.session.checklist import set_item_status
from golive.session.errors import (
    SaveError,
    SessionConflictError,
    SessionLockedError,
)
from golive.session.evidence import EvidenceRecord
from golive.session.model import CountrySetup, ItemStatus, Session
from session_factory import WHEN, make_session

ROOT = Path(__file__).resolve().parent.parent
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}


def rich_session() -> Session:
    """A session with several countries, histories, notes in several scripts and line breaks."""
    session = make_session(("DE", "FR", "IT", "MX", "BR", "JP"))
    session.meta.customer = "Müller & Söhne GmbH — 東京支店"
    for n, item_id in enumerate(
        ["credentials.vault", "environment.retry", "compliance.MX.certificate", "staging.deploy"]
    ):
        set_item_status(
            session,
            item_id,
            ItemStatus.BLOCKED if n % 2 else ItemStatus.DONE,
            by="Zoë",
            note=f"note {n}: ünïcödé\nsecond line «quoted» \"double\" 'single' \\ back",
            reason="waiting for the customer's vault team",
            at=WHEN,
            attestation="seen by Zoë",  # issue 12: evidence-bound items done by hand
        )
    session.drafts = {"environments.staging.base_url": "htps://typo"}
    return session


# --- kill -9 while saving and appending evidence, 200 times -------------------------------------

FORK_SERVER = r"""
import os, random, sys, itertools
from pathlib import Path
from golive.session import store, evidence, lock
from golive.session.evidence import EvidenceRecord

path = Path(sys.argv[1])
log_path = store.evidence_path(path)
print("ready", flush=True)
for command in sys.stdin:
    word, _, arg = command.strip().partition(" ")
    if word == "go":
        pid = os.fork()
        if pid == 0:
            try:
                rng = random.Random(int(arg))
                held = lock.SessionLock(path)
                held.acquire()  # the killed predecessor's lock must be recognised as stale
                handle = store.SessionFile.open(path)
                acknowledged = len(evidence.read(log_path).records)
                for n in itertools.count():
                    size = rng.choice([10, 200, 3000, 9000, 70000])
                    evidence.append(
                        log_path,
                        EvidenceRecord(kind="probe", outcome="passed", summary=f"run {n}",
                                       figures={"blob": "é" * size}),
                    )
                    acknowledged += 1
                    handle.session.meta.title = f"acknowledged {acknowledged}"
                    handle.session.meta.customer = "x" * rng.randrange(0, 20000)
                    handle.save()
            finally:
                os._exit(3)
        print(pid, flush=True)
    elif word == "reap":
        _, status = os.waitpid(int(arg), 0)
        print(status, flush=True)
"""


def test_kill_9_two_hundred_times_while_saving_and_appending(tmp_path: Path) -> None:
    """200 kills at random moments of a process that takes the lock, saves and appends in a loop:
    every time the session (and its backup) loads, the log verifies up to its last whole line,
    no acknowledged record is lost and the dead process's lock is recognised as stale."""
    path = tmp_path / "kill.toml"
    store.SessionFile.create(path, rich_session())
    log_path = store.evidence_path(path)
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=CHILD_ENV,
    )
    assert server.stdin is not None and server.stdout is not None
    assert server.stdout.readline().strip() == "ready"
    rng = random.Random(20261102)
    seen = {"temp file left": 0, "half line left": 0, "stale lock taken over": 0, "kills": 0}
    try:
        for round_ in range(200):
            server.stdin.write(f"go {round_}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            time.sleep(rng.uniform(0, 0.06))
            os.kill(pid, signal.SIGKILL)
            server.stdin.write(f"reap {pid}\n")
            server.stdin.flush()
            status = int(server.stdout.readline())
            assert os.WIFSIGNALED(status), f"round {round_}: the saver stopped by itself ({status})"
            seen["kills"] += 1

            seen["temp file left"] += bool(list(tmp_path.glob(".kill.toml.*.tmp")))
            seen["half line left"] += log_path.exists() and not log_path.read_bytes().endswith(
                b"\n"
            )
            owner = lock.read_owner(path)
            if owner is not None and owner.pid == pid:
                assert lock.is_locked(path) is None  # the dead owner's lock is stale
                seen["stale lock taken over"] += 1

            handle = store.SessionFile.open(path)  # never half a file
            if store.backup_path(path).exists():
                store.load(store.backup_path(path))
            log = evidence.read(log_path)
            assert log.chain_ok, (round_, log.problems)
            assert all("incomplete last line" in p or "damaged line" in p for p in log.problems), (
                log.problems
            )
            title = handle.session.meta.title
            if title.startswith("acknowledged "):
                # every append the saver saw succeed is in the log
                assert len(log.records) >= int(title.split()[1]), (round_, title)
    finally:
        server.kill()
        server.wait()
    print(f"\nkill -9 x200: {seen}")
    assert seen["kills"] == 200
    assert seen["stale lock taken over"] >= 150  # most kills land after the lock was taken
    assert not [p for p in tmp_path.glob(".kill.toml.*.tmp") if p.exists()]  # open cleaned them


# --- a full disk and a read-only folder -------------------------------------------------------


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """The disk is 'full' past `limit` bytes per file (RLIMIT_FSIZE; works as root, too)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_evidence_on_a_full_disk_fails_clearly_and_leaves_no_half_line(tmp_path: Path) -> None:
    log_path = tmp_path / "s.evidence.jsonl"
    evidence.append(log_path, EvidenceRecord(kind="probe", outcome="passed", summary="before"))
    before = log_path.read_bytes()
    big = EvidenceRecord(kind="probe", outcome="passed", figures={"blob": "x" * 50_000})
    with file_size_limit(len(before) + 4096), pytest.raises(SaveError) as caught:
        evidence.append(log_path, big)  # part of it fits: a short write, then EFBIG
    assert "s.evidence.jsonl" in str(caught.value) and "what to do" in str(caught.value)
    assert log_path.read_bytes() == before  # no half line of the failed record left behind
    evidence.append(log_path, big)  # space again: it works
    log = evidence.read(log_path)
    assert log.chain_ok and not log.problems
    assert [r.summary for r in log.records] == ["before", ""]


def test_first_save_of_a_run_on_a_full_disk_keeps_backup_file_and_memory(tmp_path: Path) -> None:
    """The first save of a run writes NAME.toml.bak first: a full disk there loses nothing."""
    path = tmp_path / "s.toml"
    store.SessionFile.create(path, rich_session())
    original = path.read_bytes()
    handle = store.SessionFile.open(path)
    handle.session.meta.title = "typed during the outage"
    with file_size_limit(1024), pytest.raises(SaveError):
        handle.save()
    assert path.read_bytes() == original
    assert not list(tmp_path.glob(".s.toml*.tmp"))
    assert handle.session.meta.title == "typed during the outage"
    assert handle.save() is True
    assert store.backup_path(path).read_bytes() == original
    assert store.load(path).meta.title == "typed during the outage"


@pytest.fixture
def mounted_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real small file system of its own (root only; skipped with the reason otherwise)."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or 'not permitted'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 512):
                pass
    finally:
        os.close(fd)
    return filler


def test_a_really_full_disk(mounted_tmpfs: Path) -> None:
    path = mounted_tmpfs / "full.toml"
    handle = store.SessionFile.create(path, make_session())
    evidence.append(handle.evidence_path, EvidenceRecord(kind="probe", outcome="passed"))
    on_disk, log_before = path.read_bytes(), handle.evidence_path.read_bytes()
    filler = _fill(mounted_tmpfs)
    handle.session.meta.title = "unsaved work " + "ü" * 5_000
    with pytest.raises(SaveError) as caught:
        handle.save()
    message = str(caught.value)
    assert "No space left on device" in message and "what to do" in message, message
    big = EvidenceRecord(kind="probe", outcome="failed", figures={"blob": "ü" * 5_000})
    with pytest.raises(SaveError, match="No space left on device"):
        evidence.append(handle.evidence_path, big)
    assert path.read_bytes() == on_disk and handle.evidence_path.read_bytes() == log_before
    assert not list(mounted_tmpfs.glob(".full.toml.*.tmp"))
    assert handle.session.meta.title.startswith("unsaved work")  # nothing in memory lost
    filler.unlink()
    assert handle.save() is True  # a later save succeeds
    assert store.load(path).meta.title == handle.session.meta.title
    evidence.append(handle.evidence_path, big)
    log = evidence.read(handle.evidence_path)
    assert log.chain_ok and not log.problems and len(log.records) == 2


def test_a_read_only_folder(mounted_tmpfs: Path) -> None:
    path = mounted_tmpfs / "ro.toml"
    store.SessionFile.create(path, make_session())
    handle = store.SessionFile.open(path)
    on_disk = path.read_bytes()
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(mounted_tmpfs)], capture_output=True, text=True
    )
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
    try:
        handle.session.meta.title = "typed while the folder is read-only"
        with pytest.raises(SaveError) as caught:
            handle.save()
        assert "Read-only file system" in str(caught.value) and "what to do" in str(caught.value)
        with pytest.raises(SaveError, match="Read-only file system"):
            evidence.append(handle.evidence_path, EvidenceRecord(kind="probe", outcome="passed"))
        with pytest.raises(SessionLockedError) as locked:  # the wizard then offers read-only
            lock.SessionLock(path).acquire()
        assert "read-only" in locked.value.advice
        reader = store.SessionFile.open(path, read_only=True)  # reading still works
        assert reader.session.meta.title == make_session().meta.title
        assert path.read_bytes() == on_disk
        assert handle.session.meta.title == "typed while the folder is read-only"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mounted_tmpfs)], check=True)
    assert handle.save() is True
    assert store.load(path).meta.title == "typed while the folder is read-only"


# --- two terminals ----------------------------------------------------------------------------

HOLDER = r"""
import sys
from pathlib import Path
from golive.session import lock
held = lock.SessionLock(Path(sys.argv[1]))
try:
    held.acquire()
except Exception as error:
    print("refused", type(error).__name__, flush=True)
    sys.exit(0)
print("held", held.took_over.pid if held.took_over else "-", flush=True)
sys.stdin.readline()
held.release()
print("released", flush=True)
"""


def _holder(path: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=CHILD_ENV,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def test_a_second_golive_is_told_who_holds_the_session_and_may_open_it_read_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "acme.toml"
    store.SessionFile.create(path, make_session())
    proc, said = _holder(path)
    try:
        assert said == "held -"
        owner = lock.read_owner(path)
        assert owner is not None and owner.pid == proc.pid
        with pytest.raises(SessionLockedError) as caught:
            lock.SessionLock(path).acquire()
        message = str(caught.value)
        started = owner.started[:19].replace("T", " ")  # 2026-11-02 09:30:00
        assert f"host {socket.gethostname()}" in message
        assert f"process {proc.pid}" in message and started in message, message
        assert "read-only" in message
        assert lock.is_locked(path) == owner

        reader = store.SessionFile.open(path, read_only=True)
        before = path.read_bytes()
        reader.session.meta.title = "changed in the read-only window"
        with pytest.raises(SaveError, match="read-only"):
            reader.save()
        assert path.read_bytes() == before and not store.backup_path(path).exists()
        assert reader.session.meta.title == "changed in the read-only window"
    finally:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout is not None and proc.stdout.readline().strip() == "released"
        proc.wait()
    assert not lock.lock_path(path).exists()
    with lock.SessionLock(path) as mine:
        assert mine.held and mine.took_over is None


def test_a_lock_left_by_a_killed_golive_is_stale_and_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    store.SessionFile.create(path, make_session())
    proc, said = _holder(path)
    assert said == "held -"
    proc.kill()
    proc.wait()
    assert lock.lock_path(path).exists()  # the dead golive could not clean up
    assert lock.is_locked(path) is None
    owner = lock.read_owner(path)
    assert owner is not None and owner.is_stale()
    with lock.SessionLock(path) as mine:
        assert mine.took_over is not None and mine.took_over.pid == proc.pid
        now_held = lock.read_owner(path)
        assert now_held is not None and now_held.pid == os.getpid()


def test_a_stale_lock_naming_a_reused_pid_is_recognised(tmp_path: Path) -> None:
    """The pid in a dead golive's lock now belongs to another live process (or to us)."""
    path = tmp_path / "acme.toml"
    store.SessionFile.create(path, make_session())
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        for pid in (sleeper.pid, os.getpid()):
            stale = lock.LockOwner(
                host=socket.gethostname(),
                pid=pid,
                started="2026-01-01T00:00:00+00:00",
                start_ticks="1",  # not the start time of the process now holding that pid
            )
            lock.lock_path(path).write_text(json.dumps(stale.__dict__))
            assert stale.is_stale()
            assert lock.is_locked(path) is None
            mine = lock.SessionLock(path)
            mine.acquire()
            assert mine.took_over == stale
            assert lock.read_owner(path).start_ticks != "1"  # type: ignore[union-attr]
            mine.release()
            assert not lock.lock_path(path).exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_lock_from_another_host_is_never_broken(tmp_path: Path) -> None:
    path = tmp_path / "shared.toml"
    store.SessionFile.create(path, make_session())
    lock.lock_path(path).write_text(
        '{"host": "laptop-of-bob", "pid": 4242, "started": "2026-11-02T09:30:00+00:00"}'
    )
    with pytest.raises(SessionLockedError) as caught:
        lock.SessionLock(path).acquire()
    assert "laptop-of-bob" in str(caught.value) and "4242" in str(caught.value)
    assert "2026-11-02 09:30:00" in str(caught.value)
    assert str(lock.lock_path(path)) in caught.value.advice  # what to remove if it crashed
    assert lock.read_owner(path).host == "laptop-of-bob"  # type: ignore[union-attr]


def _all_at_once(script: str, args: list[list[str]]) -> list[str]:
    """Start one process per argument list; each prepares, says "ready" and waits; then all
    are let go at the same instant and each says one line. Returns those lines."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *arg],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=CHILD_ENV,
        )
        for arg in args
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:  # "go" as close together as we can
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        said = [proc.stdout.readline().strip() for proc in procs if proc.stdout]
        for proc in procs:  # then let them finish (release what they hold)
            proc.communicate("done\n", timeout=30)
    finally:
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.kill()
    return said


RACER = r"""
import sys
from pathlib import Path
from golive.session import lock
held = lock.SessionLock(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
try:
    held.acquire()
    print("held", flush=True)
except Exception as error:
    print(type(error).__name__, flush=True)
sys.stdin.readline()
held.release()
"""


def test_racing_for_the_lock_exactly_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "race.toml"
    store.SessionFile.create(path, make_session())
    for round_ in range(6):
        said = sorted(_all_at_once(RACER, [[str(path)]] * 6))
        assert said == ["SessionLockedError"] * 5 + ["held"], (round_, said)
        assert not lock.lock_path(path).exists()


SAVER = r"""
import sys
from pathlib import Path
from golive.session import store
from golive.session.errors import SessionConflictError
path, me = Path(sys.argv[1]), sys.argv[2]
handle = store.SessionFile.open(path)
handle.session.meta.title = f"saved by {me}"  # unique to this process and round
print("ready", flush=True)
sys.stdin.readline()
try:
    print("saved" if handle.save() else "unchanged", me, flush=True)
except SessionConflictError:
    print("conflict", me, flush=True)
"""


def test_no_save_overwrites_newer_content_it_did_not_load_across_processes(
    tmp_path: Path,
) -> None:
    """Six golives loaded the same file and save at the same instant: one wins, five are told."""
    path = tmp_path / "shared.toml"
    store.SessionFile.create(path, rich_session())
    for round_ in range(8):
        said = [
            line.split()
            for line in _all_at_once(SAVER, [[str(path), f"p{n}-r{round_}"] for n in range(6)])
        ]
        winners = [who for verdict, who in said if verdict == "saved"]
        assert len(winners) == 1, (round_, said)
        assert sum(verdict == "conflict" for verdict, _ in said) == 5
        assert store.load(path).meta.title == f"saved by {winners[0]}"


def test_a_file_created_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    first = store.SessionFile(path, make_session(), None)
    store.SessionFile.create(path, rich_session())  # another golive was quicker
    with pytest.raises(SessionConflictError, match="created by another golive"):
        first.save()
    assert store.load(path).meta.customer == rich_session().meta.customer


# --- carriage returns and other text that must survive a save --------------------------------


def test_pasted_windows_line_endings_survive_a_save(tmp_path: Path) -> None:
    session = rich_session()
    set_item_status(session, "credentials.access", "done", note="line one\r\nline two\r\n", at=WHEN)
    session.meta.title = "tab\there, bell\x07, nul-free, \u2028 separator, emoji 🚀"
    raw = store.dumps(session)
    again = store.parse(raw, tmp_path / "x.toml")
    assert again.items["credentials.access"].note == "line one\r\nline two\r\n"
    assert again == session and store.dumps(again) == raw


def test_session_with_many_countries_round_trips(tmp_path: Path) -> None:
    session = rich_session()
    session.countries.update({c: CountrySetup() for c in ("ES", "PL", "CO", "AR", "CL", "PE")})
    path = tmp_path / "many.toml"
    store.SessionFile.create(path, session)
    assert store.load(path) == session
