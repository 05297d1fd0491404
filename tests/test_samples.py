"""The sample sessions validate, load as the README says, and say what they are meant to show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLES, RunGolive
from golive.session import evidence, store
from golive.session.checklist import build_checklist

NAMES = ["eu-rollout", "latam-halfway", "completed"]


@pytest.mark.parametrize("name", NAMES)
def test_sample_validates_and_its_evidence_chain_holds(name: str, run_golive: RunGolive) -> None:
    path = SAMPLES / f"{name}.toml"
    result = run_golive("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    log = evidence.read(store.evidence_path(path))
    assert log.chain_ok and not log.problems


def test_eu_rollout_is_new() -> None:
    session = store.load(SAMPLES / "eu-rollout.toml")
    assert session.active_countries() == ["DE", "FR", "IT"]
    assert not store.evidence_path(SAMPLES / "eu-rollout.toml").exists()


def test_latam_is_half_way_with_evidence() -> None:
    path = SAMPLES / "latam-halfway.toml"
    session = store.load(path)
    checklist = build_checklist(session)
    assert session.active_countries() == ["BR", "CO", "MX"]
    assert checklist["staging.smoke_tests"].status.value == "done"
    assert checklist["compliance.MX.certificate"].status.value == "failed"  # SAT's expired test CSD
    assert not checklist.ready_for_production
    assert len(evidence.read(store.evidence_path(path)).records) >= 5


def test_completed_is_ready_for_golive(run_golive: RunGolive) -> None:
    # at a moment after the go-live: credentials that expired since would hold the gate
    result = run_golive(
        "status",
        str(SAMPLES / "completed.toml"),
        "--json",
        "--require",
        "golive",
        env={"GOLIVE_NOW": "2026-07-02T09:00:00+00:00"},
    )
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["ready_for_golive"] is True
    # every item the gates need rests on evidence where golive proves it
    assert document["gates"]["golive"]["attested"] == []
    assert run_golive("gate", str(SAMPLES / "completed.toml")).returncode == 0


def test_samples_are_written_as_golive_writes_them(tmp_path: Path) -> None:
    for name in NAMES:
        path = SAMPLES / f"{name}.toml"
        assert store.dumps(store.load(path)) == path.read_bytes()
