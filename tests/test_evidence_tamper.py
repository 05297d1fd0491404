"""Issue 12: a log that shows any edit, and files golive refuses to trust.

Every tampering (edit, delete, reorder, truncate, a forged record with a correct hash) at the
first, a middle and the last line is found by `golive status`, `golive validate` and
`golive export`, naming the file and the first bad line; nothing from that line on counts as
evidence. A kill -9 between appending a record and saving the session loses nothing and raises
no alarm. Files that are links, FIFOs, another user's or writable by others are refused.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from golive.session import evidence
from golive.session.evidence import EvidenceRecord
from golive.session.lock import lock_path
from golive.session.model import ItemStatus
from golive.session.store import SessionFile, backup_path, evidence_path
from golive.session.trust import UntrustedFileError
from session_factory import make_session

FROZEN = {"GOLIVE_NOW": "2026-11-20T12:00:00+00:00"}
ROOT = Path(__file__).resolve().parent.parent
SOURCE = str(ROOT / "src")
IS_ROOT = os.geteuid() == 0

RUNS = [
    ("connectivity", "passed", "staging.smoke_tests", "connectivity run 1"),
    ("smoke", "passed", "staging.smoke_tests", "smoke run 2"),
    ("probe", "passed", "staging.verify_config", "probe run 3"),
    ("smoke", "failed", "staging.smoke_tests", "smoke run 4: 3 of 12 failed"),
]


def recorded_session(tmp_path: Path) -> Path:
    """A session with four runs recorded the way every live run records them, then saved."""
    handle = SessionFile.create(tmp_path / "acme.toml", make_session())
    for kind, outcome, item, summary in RUNS:
        run = EvidenceRecord(
            kind=kind, environment="staging", outcome=outcome, summary=summary, items=[item]
        )
        status = ItemStatus.DONE if outcome == "passed" else ItemStatus.FAILED
        evidence.record(handle.session, handle.evidence_path, run, {item: status})
    handle.save()
    assert not evidence.pending_path(handle.evidence_path).exists()  # confirmed by the save
    return handle.path


def _lines(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


def _forged(prev_line: bytes | None, seq: int, summary: str) -> bytes:
    """A record a forger writes with golive's own format and a correct hash."""
    prev = evidence._line_hash(prev_line.rstrip(b"\n")) if prev_line else evidence.GENESIS
    record = EvidenceRecord(
        kind="smoke",
        environment="staging",
        outcome="passed",
        summary=summary,
        items=["staging.smoke_tests"],
    )
    return evidence._encode(record, prev, seq) + b"\n"


def edit(lines: list[bytes], index: int) -> list[bytes]:
    changed = list(lines)
    line = changed[index]
    edited = line.replace(b'"outcome":"failed"', b'"outcome":"passed"')
    if edited == line:
        edited = line.replace(b"run", b"RUN", 1)
    assert edited != line
    changed[index] = edited
    return changed


def delete(lines: list[bytes], index: int) -> list[bytes]:
    return lines[:index] + lines[index + 1 :]


def reorder(lines: list[bytes], index: int) -> list[bytes]:
    other = index + 1 if index + 1 < len(lines) else index - 1
    changed = list(lines)
    changed[index], changed[other] = changed[other], changed[index]
    return changed


def truncate(lines: list[bytes], index: int) -> list[bytes]:
    return [*lines[:index], lines[index][: len(lines[index]) // 2]]


def forge(lines: list[bytes], index: int) -> list[bytes]:
    """A forged record with a correct hash: before the first, in the middle, after the last."""
    if index >= len(lines) - 1:
        return [*lines, _forged(lines[-1], len(lines) + 1, "forged: smoke passed")]
    prev = lines[index - 1] if index else None
    return [*lines[:index], _forged(prev, index + 1, "forged: smoke passed"), *lines[index:]]


TAMPERINGS: dict[str, Callable[[list[bytes], int], list[bytes]]] = {
    "edit": edit,
    "delete": delete,
    "reorder": reorder,
    "truncate": truncate,
    "forged": forge,
}
WHERE = {"first": 0, "middle": 1, "last": 3}
# the first bad line golive must name, per tampering and place (four records, lines 1 to 4)
EXPECTED_LINE = {
    ("edit", "first"): 1,
    ("edit", "middle"): 2,
    ("edit", "last"): 4,  # no line after it: the session's head catches it
    ("delete", "first"): 1,
    ("delete", "middle"): 2,
    ("delete", "last"): 4,
    ("reorder", "first"): 1,
    ("reorder", "middle"): 2,
    ("reorder", "last"): 3,  # lines 3 and 4 swapped: line 3 is the first out of place
    ("truncate", "first"): 1,
    ("truncate", "middle"): 2,
    ("truncate", "last"): 4,
    ("forged", "first"): 1,
    ("forged", "middle"): 2,
    ("forged", "last"): 5,  # appended after the last record golive confirmed
}
CASES = [(how, where) for how in TAMPERINGS for where in WHERE]


@pytest.mark.parametrize(("how", "where"), CASES, ids=[f"{h}-{w}" for h, w in CASES])
def test_every_tampering_is_found_by_status_validate_and_export(
    tmp_path: Path, run_golive, how: str, where: str
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    log.write_bytes(b"".join(TAMPERINGS[how](_lines(log), WHERE[where])))
    line = EXPECTED_LINE[(how, where)]
    located = f"acme.evidence.jsonl:{line}: "

    verdict = evidence.verify(SessionFile.open(path).session, log)
    assert not verdict.ok and verdict.first_bad_line == line, verdict.problems
    assert verdict.problems[0].startswith(located), verdict.problems

    status = run_golive("status", str(path), "--json", env=FROZEN)
    assert status.returncode == 0, status.stderr
    chain = json.loads(status.stdout)["evidence_chain"]
    assert chain["ok"] is False and chain["first_bad_line"] == line
    assert chain["problems"][0].startswith(located)
    text = run_golive("status", str(path), env=FROZEN)
    assert f"DOES NOT VERIFY at line {line}" in text.stdout and located in text.stdout

    validate = run_golive("validate", str(path), env=FROZEN)
    assert validate.returncode == 1, validate.stdout + validate.stderr
    assert "its evidence log does not verify" in validate.stdout
    assert f"{tmp_path / 'acme.evidence.jsonl'}:{line}: " in validate.stdout

    export = run_golive("export", str(path), "--format", "json", env=FROZEN)
    assert export.returncode == 0, export.stderr
    assert f"does not verify (first bad line {line})" in export.stderr and located in export.stderr
    report = json.loads(export.stdout)
    assert report["evidence_chain"]["ok"] is False and report["evidence_chain"]["broken_at"] == line
    # no record at or after the bad line is evidence; the ones before it are
    shown = [entry["id"] for entry in report["evidence"]]
    assert shown == list(verdict.verified)
    assert len(shown) <= line - 1
    assert all(u["line"] >= line for u in report["evidence_chain"]["unverified"])
    assert "forged" not in json.dumps(report["evidence"])


def test_the_last_failed_run_edited_to_passed_is_not_shown_as_evidence(
    tmp_path: Path, run_golive
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    log.write_bytes(b"".join(edit(_lines(log), 3)))
    markdown = run_golive("export", str(path), env=FROZEN).stdout
    assert "DOES NOT VERIFY at line 4" in markdown
    assert "record 4, the last golive confirmed, is not as golive wrote it" in markdown
    last_id = evidence.read(log).records[-1].id
    assert f"Record `{last_id}` at line 4 (" in markdown and "does not verify" in markdown
    assert f"(record `{last_id}`)" not in markdown  # never listed as evidence


def test_an_untouched_log_verifies_everywhere(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    assert run_golive("validate", str(path)).stdout.strip() == f"{path}: valid"
    chain = json.loads(run_golive("status", str(path), "--json").stdout)["evidence_chain"]
    assert chain["ok"] and chain["records"] == 4 and chain["verified"] == 4
    report = json.loads(run_golive("export", str(path), "--format", "json", env=FROZEN).stdout)
    assert report["evidence_chain"]["ok"] and len(report["evidence"]) == 4
    assert "up to the last record golive confirmed" in report["evidence_chain"]["statement"]


def test_a_removed_log_is_found_not_taken_for_a_session_without_runs(
    tmp_path: Path, run_golive
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    evidence_path(path).unlink()
    validate = run_golive("validate", str(path))
    assert validate.returncode == 1
    assert "acme.evidence.jsonl: missing, but golive confirmed 4 records in it" in validate.stdout
    status = run_golive("status", str(path))
    assert "acme.evidence.jsonl DOES NOT VERIFY: it is missing" in status.stdout
    markdown = run_golive("export", str(path), env=FROZEN).stdout
    assert "No evidence log: no live run" not in markdown and "DOES NOT VERIFY" in markdown


# --- kill -9 between appending a record and saving the session ----------------------------------

KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from golive.session import evidence
    from golive.session.evidence import EvidenceRecord
    from golive.session.model import ItemStatus
    from golive.session.store import SessionFile

    appended = evidence._append

    def append_then_die(*args):
        result = appended(*args)
        os.kill(os.getpid(), signal.SIGKILL)  # after the append, before any save
        return result

    evidence._append = append_then_die
    handle = SessionFile.open(Path(sys.argv[1]))
    run = EvidenceRecord(kind="smoke", environment="staging", outcome="passed",
                         summary="killed run: 12/12 passed", items=["staging.smoke_tests"])
    print(run.id, flush=True)
    evidence.record(handle.session, handle.evidence_path, run,
                    {"staging.smoke_tests": ItemStatus.DONE})
    handle.save()
    print("saved", flush=True)
    """
)


def test_a_kill_between_append_and_save_loses_nothing_and_raises_no_alarm(
    tmp_path: Path, run_golive
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    before = path.read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SOURCE},
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    run_id = killed.stdout.split()[0]
    assert "saved" not in killed.stdout and path.read_bytes() == before  # never saved
    log = evidence_path(path)
    assert evidence.read(log).records[-1].id == run_id  # the evidence is in the log

    validate = run_golive("validate", str(path))
    assert validate.returncode == 0 and validate.stdout.strip() == f"{path}: valid"
    chain = json.loads(run_golive("status", str(path), "--json").stdout)["evidence_chain"]
    assert chain["ok"] and chain["records"] == chain["verified"] == 5 and not chain["problems"]
    report = json.loads(run_golive("export", str(path), "--format", "json", env=FROZEN).stdout)
    assert report["evidence"][-1]["id"] == run_id and report["evidence_chain"]["ok"]

    # the next save confirms it for good: the head moves over it and the note goes
    saved = run_golive("item", str(path), "credentials.vault", "--status", "done")
    assert saved.returncode == 0, saved.stderr
    handle = SessionFile.open(path)
    assert handle.session.evidence is not None and handle.session.evidence.records == 5
    assert not evidence.pending_path(log).exists()
    # and a forged record after it is still found
    log.write_bytes(log.read_bytes() + _forged(_lines(log)[-1], 6, "forged"))
    assert run_golive("validate", str(path)).returncode == 1


def test_a_record_golive_did_not_note_is_an_alarm_even_with_a_correct_hash(tmp_path: Path) -> None:
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    log.write_bytes(log.read_bytes() + _forged(_lines(log)[-1], 5, "forged"))
    handle = SessionFile.open(path)
    verdict = evidence.verify(handle.session, log)
    assert verdict.problems == (
        "acme.evidence.jsonl:5: a record golive did not write: it is past the last record "
        "golive confirmed, and golive never noted appending it",
    )
    # a save never adopts it
    handle.session.meta.title = "changed"
    handle.save()
    assert SessionFile.open(path).session.evidence.records == 4  # type: ignore[union-attr]


def test_a_record_appended_with_a_wrong_hash_is_blamed_not_the_confirmed_one(
    tmp_path: Path,
) -> None:
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    with log.open("ab") as handle:
        handle.write(b'{"prev":"x","seq":5,"record":{"kind":"smoke","outcome":"passed"}}\n')
    verdict = evidence.verify(SessionFile.open(path).session, log)
    assert verdict.first_bad_line == 5 and len(verdict.verified) == 4
    assert verdict.problems[0].startswith("acme.evidence.jsonl:5: this line does not chain")


def test_two_golives_recording_runs_on_one_session_merge_their_heads(tmp_path: Path) -> None:
    path = recorded_session(tmp_path)
    first, second = SessionFile.open(path), SessionFile.open(path)
    for handle, item in ((first, "staging.deploy"), (second, "staging.verify_config")):
        run = EvidenceRecord(kind="probe", outcome="passed", items=[item])
        evidence.record(handle.session, handle.evidence_path, run, {item: ItemStatus.DONE})
    second.save()
    first.save()  # merges the other save; the heads are no conflict: the one further on wins
    merged = SessionFile.open(path).session
    assert merged.evidence is not None and merged.evidence.records == 6
    assert {"staging.deploy", "staging.verify_config"} <= set(merged.items)
    assert evidence.verify(merged, evidence_path(path)).ok
    assert not evidence.pending_path(evidence_path(path)).exists()


# --- files golive refuses to trust ---------------------------------------------------------------


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user needs root")
def test_the_shared_folder_forgery_is_refused(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    log = folder / "acme.evidence.jsonl"
    # another user pre-creates the log, world-writable, holding a forged passed run
    log.write_bytes(_forged(None, 1, "forged: production transaction passed"))
    os.chown(log, 65534, 65534)
    log.chmod(0o666)
    path = folder / "acme.toml"
    created = run_golive("new", str(path), "--no-tui")
    assert created.returncode == 0, created.stderr

    validate = run_golive("validate", str(path))
    assert validate.returncode == 1
    assert "acme.evidence.jsonl: the evidence log acme.evidence.jsonl belongs to another user" in (
        validate.stdout
    )
    chain = json.loads(run_golive("status", str(path), "--json").stdout)["evidence_chain"]
    assert not chain["ok"] and chain["verified"] == 0
    assert "golive does not trust the file itself" in chain["statement"]
    report = json.loads(run_golive("export", str(path), "--format", "json", env=FROZEN).stdout)
    assert report["evidence"] == [] and "forged" not in json.dumps(report)

    # and golive never appends to it
    handle = SessionFile.open(path)
    with pytest.raises(UntrustedFileError) as refused:
        evidence.record(handle.session, log, EvidenceRecord(kind="probe", outcome="passed"))
    assert "belongs to another user (uid 65534" in refused.value.message
    assert f"mv {log} {log}.untrusted" in refused.value.advice
    assert len(_lines(log)) == 1


def test_a_world_writable_log_is_refused_and_says_chmod(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    log.chmod(0o666)
    validate = run_golive("validate", str(path))
    assert validate.returncode == 1
    assert "is writable by group and others (mode 0666)" in validate.stdout
    handle = SessionFile.open(path)
    with pytest.raises(UntrustedFileError) as refused:
        evidence.record(handle.session, log, EvidenceRecord(kind="probe", outcome="passed"))
    assert refused.value.advice == f"check its contents, then chmod 600 {log}"


def _make_bad(path: Path, kind: str, tmp_path: Path) -> None:
    """Turn `path` (a file golive keeps) into what `kind` names."""
    if kind == "symlink":
        target = tmp_path / f"elsewhere-{path.name}"
        if path.exists():
            path.rename(target)
        else:
            target.write_bytes(b"")
            target.chmod(0o600)
        path.symlink_to(target)
    elif kind == "fifo":
        path.unlink(missing_ok=True)
        os.mkfifo(path, 0o600)
    elif kind == "device":
        path.unlink(missing_ok=True)
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    elif kind == "other-owner":
        if not path.exists():
            path.write_bytes(b"")
        path.chmod(0o600)
        os.chown(path, 65534, 65534)
    elif kind == "group-writable":
        if not path.exists():
            path.write_bytes(b"")
        path.chmod(0o620)


RULE_WORDS = {
    "symlink": "is a symbolic link",
    "fifo": "is a FIFO (named pipe), not a regular file",
    "device": "is a device, not a regular file",
    "other-owner": "belongs to another user (uid 65534",
    "group-writable": "is writable by its group (mode 0620)",
}
KINDS = [
    pytest.param(
        k,
        marks=pytest.mark.skipif(
            k in ("other-owner", "device") and not IS_ROOT, reason="needs root"
        ),
    )
    for k in RULE_WORDS
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_session_file_is_refused_at_once(tmp_path: Path, run_golive, kind: str) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    _make_bad(path, kind, tmp_path)
    for command in (["status", str(path)], ["validate", str(path)]):
        result = run_golive(*command, timeout=30)  # a FIFO must not block: never opened
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert RULE_WORDS[kind] in result.stdout + result.stderr
    result = run_golive("status", str(path), timeout=30)
    assert f"the session file acme.toml {RULE_WORDS[kind]}" in result.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", ["bak", "lock"])
def test_a_bad_backup_or_lock_file_is_refused_before_saving(
    tmp_path: Path, run_golive, kind: str, which: str
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    target = backup_path(path) if which == "bak" else lock_path(path)
    _make_bad(target, kind, tmp_path)
    before = path.read_bytes()
    result = run_golive("item", str(path), "credentials.vault", "--status", "done", timeout=30)
    assert result.returncode == 2, (result.stdout, result.stderr)
    role = "backup file" if which == "bak" else "lock file"
    assert f"the {role} {target.name} {RULE_WORDS[kind]}" in result.stderr
    assert path.read_bytes() == before  # nothing saved


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_evidence_log_is_not_trusted_nor_appended_to(
    tmp_path: Path, run_golive, kind: str
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    log = evidence_path(path)
    _make_bad(log, kind, tmp_path)
    validate = run_golive("validate", str(path), timeout=30)
    assert validate.returncode == 1, validate.stdout + validate.stderr
    assert f"the evidence log acme.evidence.jsonl {RULE_WORDS[kind]}" in validate.stdout
    report = json.loads(run_golive("export", str(path), "--format", "json", env=FROZEN).stdout)
    assert report["evidence"] == [] and not report["evidence_chain"]["ok"]
    handle = SessionFile.open(path)
    with pytest.raises(UntrustedFileError):
        evidence.record(handle.session, log, EvidenceRecord(kind="probe", outcome="passed"))


def test_a_session_saved_before_golive_kept_a_head_says_so_and_adopts_one(
    tmp_path: Path, run_golive
) -> None:  # type: ignore[no-untyped-def]
    path = recorded_session(tmp_path)
    text = path.read_text()
    start = text.index("[evidence]")
    end = text.index("\n\n", start)
    path.write_text(text[:start] + text[end + 2 :])  # as an older golive wrote it
    assert SessionFile.open(path).session.evidence is None
    chain = json.loads(run_golive("status", str(path), "--json").stdout)["evidence_chain"]
    assert chain["ok"] and "keeps no chain head yet" in chain["statement"]
    assert run_golive("item", str(path), "credentials.vault", "--status", "done").returncode == 0
    head = SessionFile.open(path).session.evidence
    assert head is not None and head.records == 4  # adopted: from now on the last record counts
    log = evidence_path(path)
    log.write_bytes(b"".join(edit(_lines(log), 3)))
    assert run_golive("validate", str(path)).returncode == 1


def test_a_session_file_over_20_mb_is_refused_before_it_is_parsed(
    tmp_path: Path, run_golive
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.write(b"schema_version = 2\n[meta]\n")
        handle.write(b"# padding\n" * (2 * 1024 * 1024 + 10))
    path.chmod(0o600)
    for command in ("status", "validate"):
        result = run_golive(command, str(path))
        assert result.returncode == 2
        assert "the session file huge.toml is 20.0 MB, more than golive reads (20 MB)" in (
            result.stdout + result.stderr
        )
