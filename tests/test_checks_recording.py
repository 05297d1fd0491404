"""A run as evidence: the record, the items it ticks or fails, the rehearsal rule, JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from golive.checks import SuiteResult, record_suite, run_suite
from golive.checks.junit import junit_xml
from golive.checks.recording import evidence_for, item_updates
from golive.checks.results import CheckResult, CheckStage
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.checklist import build_checklist
from golive.session.evidence import read
from golive.session.model import CountrySetup, ItemStatus, RetryPolicy, Session, Timeouts

SECRET = "recording-test-secret-0123456789"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", clearance_step_s=0.02, client_secret=SecretStr(SECRET))
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


def session_for(server: SandboxServer) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in ("DE", "IT")}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = server.url
        env.client_id = server.client_id
        env.external_company_id = server.company
        env.ca_bundle = str(server.ca_bundle)
        env.timeouts = Timeouts(connect=2, read=2, write=2, pool=2)
        env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    return session


async def run(session: Session, environment: str, suite: str) -> SuiteResult:
    return await run_suite(
        session,
        environment,
        suite,
        secret=SecretStr(SECRET),
        confirm_production=True,
        poll_interval=0.02,
    )


def status_of(session: Session, item_id: str) -> ItemStatus:
    return build_checklist(session)[item_id].status


async def test_a_passed_smoke_run_ticks_the_staging_item(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    session = session_for(sandbox)
    result = await run(session, "staging", "smoke")
    log_path = tmp_path / "s.evidence.jsonl"
    recorded = record_suite(session, log_path, result, by="Ada")
    assert recorded.items_set == {"staging.smoke_tests": ItemStatus.DONE}
    assert recorded.not_ticked == []
    assert status_of(session, "staging.smoke_tests") is ItemStatus.DONE
    state = session.items["staging.smoke_tests"]
    assert state.evidence == [recorded.evidence.id] and state.changed_by == "Ada"
    log = read(log_path)
    assert log.chain_ok and len(log.records) == 1
    evidence = log.records[0]
    assert evidence.kind == "check.smoke" and evidence.host == "127.0.0.1"
    assert evidence.environment == "staging" and evidence.rehearsal is True
    assert evidence.outcome == "passed" and evidence.items == ["staging.smoke_tests"]
    assert evidence.diagnosis["base_url"] == sandbox.url
    assert {c["id"] for c in evidence.diagnosis["checks"]} >= {"connectivity", "transaction.IT"}
    assert SECRET not in log_path.read_text()


async def test_a_failed_smoke_run_fails_the_item(sandbox: SandboxServer, tmp_path: Path) -> None:
    session = session_for(sandbox)
    sandbox.set_faults(reject_countries=("IT",))
    result = await run(session, "staging", "smoke")
    recorded = record_suite(session, tmp_path / "s.evidence.jsonl", result)
    assert recorded.items_set == {"staging.smoke_tests": ItemStatus.FAILED}
    failure = recorded.evidence.diagnosis["failures"][0]
    assert failure["check"] == "transaction.IT" and failure["stage"] == "clearance"
    assert "REJ-001" in failure["message"] and failure["advice"]


# what a production connectivity run proves: its own item, the endpoint and the company
PRODUCTION_CONNECTIVITY_ITEMS = (
    "production.connectivity",
    "environment.endpoint",
    "environment.company_id",
)


@pytest.mark.parametrize(
    ("suite", "items"),
    [
        ("connectivity", PRODUCTION_CONNECTIVITY_ITEMS),
        ("transaction", ("production.single_transaction",)),
    ],
)
async def test_a_rehearsal_never_ticks_a_production_item(
    sandbox: SandboxServer, tmp_path: Path, suite: str, items: tuple[str, ...]
) -> None:
    session = session_for(sandbox)
    result = await run(session, "production", suite)
    assert result.passed and result.rehearsal
    recorded = record_suite(session, tmp_path / "p.evidence.jsonl", result)
    assert recorded.items_set == {}
    assert recorded.not_ticked == list(items)
    assert "rehearsal" in recorded.why_not_ticked
    for item in items:
        assert status_of(session, item) is ItemStatus.TODO
    assert read(tmp_path / "p.evidence.jsonl").records[0].rehearsal


async def test_a_failed_rehearsal_does_not_fail_a_production_item(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    session = session_for(sandbox)
    sandbox.set_faults(fail_auth=True)
    result = await run(session, "production", "connectivity")
    assert not result.passed
    recorded = record_suite(session, tmp_path / "p.evidence.jsonl", result)
    assert recorded.items_set == {} and recorded.not_ticked == ["production.connectivity"]
    assert status_of(session, "production.connectivity") is ItemStatus.TODO


async def test_a_demo_session_ticks_production_items_and_says_it_is_a_demo(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    session = session_for(sandbox)
    session.meta.demo = True
    result = await run(session, "production", "connectivity")
    assert result.demo and "[demo]" in result.summary()
    recorded = record_suite(session, tmp_path / "d.evidence.jsonl", result)
    assert recorded.items_set == dict.fromkeys(PRODUCTION_CONNECTIVITY_ITEMS, ItemStatus.DONE)
    assert status_of(session, "production.connectivity") is ItemStatus.DONE
    assert read(tmp_path / "d.evidence.jsonl").records[0].diagnosis["demo"] is True


def test_a_run_against_the_production_host_ticks_its_item() -> None:
    result = SuiteResult(
        suite="connectivity",
        environment="production",
        host="api.onesourcetax.com",
        base_url="https://api.onesourcetax.com",
        rehearsal=False,
        checks=[CheckResult(id="connectivity", title="c", outcome="passed")],
    )
    assert item_updates(result) == dict.fromkeys(PRODUCTION_CONNECTIVITY_ITEMS, ItemStatus.DONE)
    failed = result.model_copy(
        update={"checks": [CheckResult(id="connectivity", title="c", outcome="failed")]}
    )
    assert item_updates(failed) == {"production.connectivity": ItemStatus.FAILED}
    cancelled = result.model_copy(update={"cancelled": True})
    assert item_updates(cancelled) == {}
    probe = result.model_copy(update={"suite": "probe"})
    assert item_updates(probe) == {}


@pytest.mark.parametrize(
    ("stage", "endpoint", "company"),
    [
        # the host never answered: the endpoint is wrong, the company is not known either way
        (CheckStage.DNS, ItemStatus.FAILED, None),
        (CheckStage.TLS, ItemStatus.FAILED, None),
        # a refused token says nothing of the host or the company (a wrong secret)
        (CheckStage.AUTH, None, None),
        # the host answered and issued a token, but does not know the company
        (CheckStage.COMPANY, ItemStatus.DONE, ItemStatus.FAILED),
    ],
)
def test_a_failed_production_connectivity_run_speaks_only_for_the_setting_that_failed(
    stage: CheckStage, endpoint: ItemStatus | None, company: ItemStatus | None
) -> None:
    result = SuiteResult(
        suite="connectivity",
        environment="production",
        host="api.onesourcetax.com",
        base_url="https://api.onesourcetax.com",
        rehearsal=False,
        checks=[CheckResult(id="connectivity", title="c", outcome="failed", stage=stage)],
    )
    updates = item_updates(result)
    assert updates.get("production.connectivity") is ItemStatus.FAILED
    assert updates.get("environment.endpoint") is endpoint
    assert updates.get("environment.company_id") is company
    named = evidence_for(result).items
    assert ("environment.endpoint" in named) is (endpoint is not None)
    assert ("environment.company_id" in named) is (company is not None)


def test_junit_xml_has_one_testcase_per_check_with_failures_escaped() -> None:
    result = SuiteResult(
        suite="smoke",
        environment="staging",
        host="127.0.0.1",
        base_url="https://127.0.0.1:1",
        rehearsal=True,
        elapsed_s=1.5,
        checks=[
            CheckResult(id="connectivity", title="Connectivity", outcome="passed", elapsed_s=0.2),
            CheckResult(
                id="transaction.MX",
                title="Transaction for Mexico <MX> & co",
                outcome="failed",
                stage=CheckStage.CLEARANCE,
                message='rejected: CFDI40147 at lines[0].taxId "quoted" <tag> \x01',
                advice="fix lines[0].taxId & send again",
            ),
            CheckResult(id="transaction.IT", title="Italy", outcome="warning", message="WARN-001"),
            CheckResult(id="validation", title="Invalid", outcome="skipped", message="not run"),
        ],
    )
    data = junit_xml(result)
    root = ET.fromstring(data)
    suite = root.find("testsuite")
    assert suite is not None
    assert (
        suite.get("tests") == "4" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    )
    assert suite.get("time") == "1.500"
    cases = suite.findall("testcase")
    assert [c.get("name", "").split(":")[0] for c in cases] == [
        "connectivity",
        "transaction.MX",
        "transaction.IT",
        "validation",
    ]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "clearance"
    assert failure.get("message", "").startswith(
        '[clearance] rejected: CFDI40147 at lines[0].taxId "quoted" <tag>'
    )
    assert "what to do: fix lines[0].taxId & send again" in (failure.text or "")
    assert cases[3].find("skipped") is not None
    assert "warning" in (cases[2].findtext("system-out") or "")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["rehearsal"] == "true" and properties["host"] == "127.0.0.1"
