"""Every network fault, through the real `golive check` command against the real sandbox: the
right stage, advice that says what to do, exit 1 (0 where the retry policy absorbs the fault),
the run recorded as evidence, and the client secret nowhere in what golive printed or wrote.

The same runs make the table in docs/faults.md (`python tests/fault_table.py --write ...`).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from fault_table import FAULTS, SECRET, Fault, Outcome, advice_matches, markdown, run_all
from golive.session import evidence, store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    runs = run_all(tmp_path_factory.mktemp("faults"))
    return {o.fault.name: o for o in runs}


def _secret_forms() -> list[str]:
    basic = base64.b64encode(f"golive-demo:{SECRET}".encode()).decode()
    return [SECRET, quote(SECRET, safe=""), basic]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_golive_check_names_the_stage_and_says_what_to_do(
    fault: Fault, outcomes: dict[str, Outcome]
) -> None:
    run = outcomes[fault.name]
    said = run.stdout + run.stderr
    assert "Traceback" not in said and "internal error" not in said, said
    assert run.exit_code == fault.exit_code, (run.exit_code, said[-2000:])
    assert run.stage == fault.stage, (run.stage, run.message)
    if fault.exit_code:
        assert run.message, "a failure must say what happened"
        assert advice_matches(fault, run.advice), run.advice
        assert "what to do" in run.stdout + run.stderr or run.advice
    assert run.elapsed_s >= fault.min_elapsed_s, run.elapsed_s
    assert run.elapsed_s < 30, "a fault must never make golive hang"

    document = json.loads(run.stdout)
    assert document["passed"] is (fault.exit_code == 0)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_every_faulty_run_is_recorded_and_the_session_stays_whole(
    fault: Fault, outcomes: dict[str, Outcome], tmp_path: Path
) -> None:
    run = outcomes[fault.name]
    session_bytes = run.written["sessions/faulty.toml"]
    path = tmp_path / "faulty.toml"
    path.write_bytes(session_bytes)
    store.load(path)  # the session loads after the run
    log_path = tmp_path / "faulty.evidence.jsonl"
    log_path.write_bytes(run.written["sessions/faulty.evidence.jsonl"])
    log = evidence.read(log_path)
    assert log.chain_ok and len(log.records) == 1
    assert log.records[0].outcome == ("passed" if fault.exit_code == 0 else "failed")
    junit = run.written["junit.xml"].decode()
    assert ("<failure" in junit) is (fault.exit_code != 0)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_client_secret_is_in_nothing_golive_printed_or_wrote(
    fault: Fault, outcomes: dict[str, Outcome]
) -> None:
    run = outcomes[fault.name]
    for form in _secret_forms():
        assert form not in run.stdout and form not in run.stderr
        assert not any(form in arg for arg in run.argv)
        for name, data in run.written.items():
            assert form.encode() not in data, f"{name} holds the secret"


def test_the_fault_table_in_the_docs_is_current(outcomes: dict[str, Outcome]) -> None:
    """docs/faults.md lists every fault with the stage and exit code seen here."""
    table = (ROOT / "docs" / "faults.md").read_text("utf-8")
    for fault in FAULTS:
        run = outcomes[fault.name]
        row = next((ln for ln in table.splitlines() if ln.startswith(f"| {fault.name} |")), "")
        assert row, f"docs/faults.md has no row for {fault.name}; regenerate it"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[2] == (run.stage or "-") and cells[3] == str(run.exit_code), row
    assert markdown(list(outcomes.values())).splitlines()[:9] == table.splitlines()[:9]
