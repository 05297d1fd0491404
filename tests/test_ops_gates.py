"""Issue 12: every command that acts past a gate obeys it, headless as in the wizard.

`pilot --enable`, `rollout --open` and a production transaction wait for the go-live or the
production gate; a production deploy record for the production gate. Held, they exit 1 naming
what the gate waits for and change nothing; with `--override REASON` they go ahead and the
override is recorded (who, when, why) like the wizard's, and named in the action's evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from golive.session.evidence import read
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

NOW = datetime(2026, 11, 2, 21, 0, tzinfo=UTC)
ENV = {"GOLIVE_NOW": NOW.isoformat()}


@pytest.fixture
def path(tmp_path: Path) -> str:
    handle = SessionFile.create(tmp_path / "acme.toml", make_session(("DE",)))
    return str(handle.path)


def test_pilot_enable_with_the_gate_held_exits_1_and_changes_nothing(run_golive, path: str) -> None:  # type: ignore[no-untyped-def]
    refused = run_golive(
        "pilot", path, "--add", "Kunde A", "--contact", "it@a.example", "--enable", env=ENV
    )
    assert refused.returncode == 1
    assert "the golive gate is held: it waits for" in refused.stderr
    assert "Test with single transaction (todo)" in refused.stderr
    assert "Rollback plan prepared (todo)" in refused.stderr
    assert "--override REASON" in refused.stderr
    assert "Traceback" not in refused.stderr
    session = SessionFile.open(path).session
    assert session.golive.pilot_enabled_at is None
    assert session.golive.pilot_customers == [], "nothing of the refused command is kept"
    assert not evidence_path(Path(path)).exists()


def test_pilot_enable_with_an_override_is_recorded(run_golive, path: str) -> None:  # type: ignore[no-untyped-def]
    assert run_golive("pilot", path, "--add", "Kunde A", env=ENV).returncode == 0
    enabled = run_golive(
        "pilot", path, "--enable", "--override", "the customer's CFO signed off", env=ENV
    )
    assert enabled.returncode == 0, enabled.stderr
    assert "went ahead on the override by Ada Lovelace" in enabled.stdout
    session = SessionFile.open(path).session
    assert session.golive.pilot_enabled_at == NOW
    [override] = session.gate_overrides
    assert (override.gate, override.reason, override.by) == (
        "golive",
        "the customer's CFO signed off",
        "Ada Lovelace",
    )
    [evidence] = read(evidence_path(Path(path))).records
    assert evidence.kind == "pilot_enabled"
    assert evidence.diagnosis["gate_override"]["reason"] == "the customer's CFO signed off"
    assert "Rollback plan prepared (todo)" in evidence.diagnosis["gate_waited_for"]
    shown = run_golive("gate", path, "golive", env=ENV)
    assert "the customer's CFO signed off" in shown.stdout + shown.stderr


def test_rollout_open_with_the_gate_held_exits_1(run_golive, path: str) -> None:  # type: ignore[no-untyped-def]
    refused = run_golive("rollout", path, "--default-stages", "--stage", "10%", "--open", env=ENV)
    assert refused.returncode == 1
    assert "the golive gate is held" in refused.stderr
    session = SessionFile.open(path).session
    assert session.golive.rollout == [], "the stages of the refused command are not kept"
    opened = run_golive(
        "rollout",
        path,
        "--stage",
        "10%",
        "--open",
        "--reason",
        "no figures yet",
        "--override",
        "pilot ran on the old platform",
        env=ENV,
    )
    assert opened.returncode == 0, opened.stderr
    assert "went ahead on the override" in opened.stdout
    session = SessionFile.open(path).session
    assert [o.reason for o in session.gate_overrides] == ["pilot ran on the old platform"]
    assert session.golive.rollout[0].opened_at == NOW
    [evidence] = read(evidence_path(Path(path))).records
    assert evidence.diagnosis["gate_override"]["reason"] == "pilot ran on the old platform"


def test_a_production_transaction_with_the_gate_held_sends_nothing(run_golive, path: str) -> None:  # type: ignore[no-untyped-def]
    refused = run_golive(
        "check",
        path,
        "--env",
        "production",
        "--suite",
        "transaction",
        "--yes",
        env={**ENV, "GOLIVE_PRODUCTION_CLIENT_SECRET": "s3cret-for-the-test"},
    )
    assert refused.returncode == 1
    assert "the production gate is held" in refused.stderr
    assert "smoke tests" in refused.stderr and "--override REASON" in refused.stderr
    assert not evidence_path(Path(path)).exists(), "nothing was run"


def test_an_override_of_an_open_gate_is_not_recorded(tmp_path: Path) -> None:
    import shutil

    from golive.ops.deploys import record_deploy

    # the completed sample: every gate is open (the gate engine needs every production item)
    samples = Path(__file__).resolve().parent.parent / "sample_configs"
    for name in ("completed.toml", "completed.evidence.jsonl"):
        shutil.copy(samples / name, tmp_path / name)
        (tmp_path / name).chmod(0o600)
    handle = SessionFile.open(tmp_path / "completed.toml")
    before = list(handle.session.gate_overrides)
    done = record_deploy(
        handle.session, handle.path, "production", "v1", override="not needed at all"
    )
    handle.session.gate_overrides = handle.session.gate_overrides[len(before) :]
    assert handle.session.gate_overrides == [], "an open gate needs no override"
    assert done.warnings == ()
    [*_, evidence] = read(evidence_path(handle.path)).records
    assert "gate_override" not in evidence.diagnosis
