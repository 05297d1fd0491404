"""Deploys to staging and production, and staging.verify_config: the settings side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive.ops.deploys import compare_settings, record_deploy, verify_config
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.model import RetryPolicy, Timeouts
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

# passes a held gate where the gate is not what is tested (issue 12: actions obey gates)
GATE_OVERRIDE = "a test of what comes after the gate, not of the gate"


@pytest.fixture
def handle(tmp_path: Path) -> SessionFile:
    session = make_session(("DE",))
    staging = session.environments.staging
    staging.client_id = "acme-uat"
    staging.external_company_id = "ACME-UAT"
    return SessionFile.create(tmp_path / "acme.toml", session)


def test_deploys_are_recorded_with_history(handle: SessionFile) -> None:
    record_deploy(handle.session, handle.path, "staging", "v2.4.0", by="Ada")
    first = record_deploy(
        handle.session, handle.path, "production", "v2.4.0", override=GATE_OVERRIDE
    )
    second = record_deploy(handle.session, handle.path, "staging", "v2.4.1")
    assert first.previous == "" and second.previous == "v2.4.0"
    assert handle.session.staging.deploy.version == "v2.4.1"
    assert handle.session.production.deploy.version == "v2.4.0"
    checklist = build_checklist(handle.session)
    assert checklist["staging.deploy"].status.value == "done"
    assert checklist["production.deploy"].status.value == "done"
    records = read(evidence_path(handle.path)).records
    assert [r.figures["version"] for r in records] == ["v2.4.0", "v2.4.0", "v2.4.1"]
    assert records[-1].summary == "v2.4.1 deployed to staging (was v2.4.0)"
    with pytest.raises(BadInputError):
        record_deploy(handle.session, handle.path, "qa", "v1")
    with pytest.raises(BadInputError):
        record_deploy(handle.session, handle.path, "staging", "  ")


def test_sound_settings_pass_and_show_what_differs(handle: SessionFile) -> None:
    comparison = verify_config(handle.session, handle.path)
    assert comparison.passed, comparison.findings
    differing = {r.key for r in comparison.rows if r.differs}
    assert {"base_url", "client_id", "external_company_id", "token_url"} <= differing
    assert all(r.expected_to_differ for r in comparison.rows if r.differs)
    assert build_checklist(handle.session)["staging.verify_config"].status.value == "done"


def test_what_looks_wrong_is_named(handle: SessionFile) -> None:
    production = handle.session.environments.production
    production.base_url = "https://api-uat.onesourcetax.com"
    production.timeouts = Timeouts(read=1.5)
    production.retry = RetryPolicy(enabled=False)
    production.client_id = "acme-uat"
    comparison = verify_config(handle.session, handle.path)
    assert not comparison.passed
    messages = [f"{f.severity} {f.key}: {f.message}" for f in comparison.findings]

    def said(text: str) -> bool:
        return any(text in m for m in messages)

    assert said("problem production.base_url: production points at api-uat.onesourcetax.com")
    assert said("problem production.base_url: staging and production use the same API endpoint")
    assert said("problem production.timeouts.read: the read timeout (1.5 s) is not above the 2 s")
    assert said("problem production.retry: retries are off")
    assert said("warning production.client_id: staging and production use the same client id")
    item = build_checklist(handle.session)["staging.verify_config"]
    assert item.status.value == "failed"
    assert "looks like a UAT" in item.note
    record = read(evidence_path(handle.path)).records[-1]
    assert record.outcome == "failed"
    assert any(f["key"] == "production.retry" for f in record.diagnosis["findings"])


@pytest.mark.parametrize(
    ("url", "severity"),
    [
        ("https://127.0.0.1/oauth2/v1/token", "problem"),
        ("https://localhost:8443/token", "problem"),
        ("https://sandbox.example.com/token", "problem"),
        ("https://auth.test.example.com/token", "warning"),
        ("https://staging.example.com/token", "warning"),
    ],
)
def test_test_hosts_in_production_are_named(handle: SessionFile, url: str, severity: str) -> None:
    handle.session.environments.production.token_url = url
    comparison = compare_settings(handle.session)
    assert [f.severity for f in comparison.findings if f.key == "production.token_url"] == [
        severity
    ]


def test_a_tight_read_timeout_and_missing_production_settings(handle: SessionFile) -> None:
    production = handle.session.environments.production
    production.timeouts = Timeouts(read=3)
    production.external_company_id = ""
    comparison = compare_settings(handle.session)
    assert [f.key for f in comparison.warnings] == ["production.timeouts.read"]
    assert [f.key for f in comparison.problems] == ["production.external_company_id"]


def test_cli_deploy_and_verify_config(run_golive, handle: SessionFile) -> None:  # type: ignore[no-untyped-def]
    # issue 12: a production deploy record acts past the production gate and obeys it
    held = run_golive("deploy", str(handle.path), "--env", "production", "--version", "3f9c2e1")
    assert held.returncode == 1
    assert "the production gate is held" in held.stderr and "smoke tests" in held.stderr
    assert "--override REASON" in held.stderr
    untouched = SessionFile.open(handle.path).session
    assert untouched.production.deploy.version == "" and untouched.gate_overrides == []
    assert not evidence_path(handle.path).exists()
    deployed = run_golive(
        "deploy",
        str(handle.path),
        "--env",
        "production",
        "--version",
        "3f9c2e1",
        "--override",
        "smoke tests ran in the customer's own staging (ticket 42)",
    )
    assert deployed.returncode == 0, deployed.stderr
    assert "production.deploy: done — 3f9c2e1" in deployed.stdout
    assert "went ahead on the override" in deployed.stdout
    reloaded = SessionFile.open(handle.path).session
    [override] = reloaded.gate_overrides
    assert override.gate == "production" and "ticket 42" in override.reason
    [evidence] = read(evidence_path(handle.path)).records
    assert evidence.diagnosis["gate_override"]["reason"] == override.reason
    assert "went ahead on the override" in evidence.summary
    verified = run_golive("verify-config", str(handle.path), "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["passed"] is True
    session = SessionFile.open(handle.path)
    session.session.environments.production.retry = RetryPolicy(max_attempts=1)
    session.save()
    failed = run_golive("verify-config", str(handle.path))
    assert failed.returncode == 1
    assert "problem: production.retry: retries are off" in failed.stdout
    bad = run_golive("deploy", str(handle.path), "--env", "qa", "--version", "1")
    assert bad.returncode == 2
