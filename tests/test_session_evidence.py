"""The evidence log: append-only, hash-chained, tamper-evident, never blocking a load."""

from __future__ import annotations

import stat
from pathlib import Path

from golive.session import evidence, store
from golive.session.evidence import EvidenceRecord
from golive.session.model import ItemStatus
from session_factory import make_session


def _log(tmp_path: Path, n: int = 3) -> Path:
    path = tmp_path / "s.evidence.jsonl"
    for i in range(n):
        evidence.append(
            path, EvidenceRecord(kind="connectivity", outcome="passed", summary=f"run {i}")
        )
    return path


def test_appended_records_verify_and_file_is_0600(tmp_path: Path) -> None:
    path = _log(tmp_path)
    log = evidence.read(path)
    assert [r.summary for r in log.records] == ["run 0", "run 1", "run 2"]
    assert log.chain_ok and log.verified_lines == 3 and not log.problems
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_edited_line_is_named_and_nothing_from_it_on_is_verified(tmp_path: Path) -> None:
    # issue 12: an edit of line 2 was reported "broken at line 3 (lines 1 to 2 verified)"
    path = _log(tmp_path)
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("run 1", "run X")
    path.write_text("\n".join(lines) + "\n")
    log = evidence.read(path)
    assert not log.chain_ok and log.broken_at == 2 and log.verified_lines == 1
    assert log.problems[0].startswith("s.evidence.jsonl:2: ") and "changed" in log.problems[0]


def test_a_removed_line_shows(tmp_path: Path) -> None:
    path = _log(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert evidence.read(path).broken_at == 2


def test_half_a_last_line_is_ignored_and_the_next_append_starts_clean(tmp_path: Path) -> None:
    path = _log(tmp_path, 2)
    with path.open("ab") as handle:
        handle.write(b'{"prev": "abc", "rec')
    log = evidence.read(path)
    assert len(log.records) == 2 and log.chain_ok and "incomplete last line" in log.notes[0]
    evidence.append(path, EvidenceRecord(kind="probe", outcome="failed"))
    log = evidence.read(path)
    assert [r.kind for r in log.records] == ["connectivity", "connectivity", "probe"]
    # an interrupted write is a note, not a break (it never held a record)
    assert log.chain_ok and not log.problems and "interrupted write" in log.notes[0]


def test_missing_or_garbage_log_never_stops_a_session_loading(tmp_path: Path) -> None:
    handle = store.SessionFile.create(tmp_path / "s.toml", make_session())
    assert evidence.read(handle.evidence_path).records == []
    handle.evidence_path.write_bytes(b"\x00\xffnot json\n")
    store.SessionFile.open(handle.path)
    log = evidence.read(handle.evidence_path)
    assert log.records == [] and "damaged line" in log.problems[0] and not log.chain_ok


def test_record_updates_items_without_rewriting_the_session(tmp_path: Path) -> None:
    handle = store.SessionFile.create(tmp_path / "s.toml", make_session())
    before = handle.path.read_bytes()
    run = EvidenceRecord(
        kind="smoke",
        environment="staging",
        host="api-uat.onesourcetax.com",
        outcome="passed",
        summary="12/12 passed",
        rehearsal=True,
    )
    evidence.record(
        handle.session, handle.evidence_path, run, {"staging.smoke_tests": ItemStatus.DONE}
    )
    assert handle.path.read_bytes() == before
    state = handle.session.items["staging.smoke_tests"]
    assert (
        state.status is ItemStatus.DONE
        and state.evidence == [run.id]
        and state.note == "12/12 passed"
    )


def test_a_rehearsal_never_satisfies_a_production_item_except_in_a_demo(tmp_path: Path) -> None:
    session = make_session()
    run = EvidenceRecord(
        kind="connectivity",
        environment="production",
        host="127.0.0.1",
        outcome="passed",
        rehearsal=True,
    )
    skipped = evidence.record(
        session, tmp_path / "e.jsonl", run, {"production.connectivity": ItemStatus.DONE}
    )
    assert skipped == ["production.connectivity"] and "production.connectivity" not in session.items
    session.meta.demo = True
    assert (
        evidence.record(
            session, tmp_path / "e.jsonl", run, {"production.connectivity": ItemStatus.DONE}
        )
        == []
    )
    assert session.items["production.connectivity"].status is ItemStatus.DONE
