"""The probe: N transactions at concurrency C, figures held against the session's targets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from golive.checks import CheckStage, run_suite
from golive.checks.probe import percentile
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.errors import BadInputError
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts

DEMO_SECRET = SecretStr("golive-demo-secret")  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.01)) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


def session_for(server: SandboxServer, countries: tuple[str, ...] = ("DE", "FR")) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in countries}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = server.url
        env.client_id = server.client_id
        env.external_company_id = server.company
        env.ca_bundle = str(server.ca_bundle)
        env.timeouts = Timeouts(connect=2, read=2, write=2, pool=2)
        env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    return session


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([0.3], 99) == 0.3
    assert percentile([], 50) == 0.0


async def test_probe_figures_meet_the_targets(sandbox: SandboxServer) -> None:
    before = sandbox.state.metrics.requests("calculate", 200)
    result = await run_suite(
        session_for(sandbox), "staging", "probe", secret=DEMO_SECRET, probe_count=60, concurrency=8
    )
    assert result.passed, result.summary()
    figures = result.figures
    assert figures["requests"] == 60 and figures["succeeded"] == 60 and figures["failed"] == 0
    assert (
        0
        < figures["response_time_p50_s"]
        <= figures["response_time_p95_s"]
        <= figures["response_time_p99_s"]
        <= figures["max_s"]
    )
    assert figures["meets_targets"] is True
    assert figures["throughput_rps"] > 0
    assert sandbox.state.metrics.requests("calculate", 200) - before == 60
    assert result.checks[0].stage is CheckStage.TRANSACTION


async def test_an_error_rate_above_the_target_fails_with_the_cause(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    session.environments.staging.retry = RetryPolicy(enabled=False)
    await run_suite(session, "staging", "connectivity", secret=DEMO_SECRET)
    sandbox.set_faults(error_rate=0.5, seed=7, endpoints=("calculate",))
    result = await run_suite(
        session, "staging", "probe", secret=DEMO_SECRET, probe_count=40, concurrency=4
    )
    check = result.checks[0]
    assert check.outcome == "failed"
    assert re.search(r"error rate \d+\.\d\d % \(misses the target < 1\.00 %\)", check.message)
    assert (
        result.figures["errors"].get("HTTP 503 SERVICE_UNAVAILABLE", 0)
        == result.figures["failed"]
        > 0
    )
    assert "HTTP 503" in check.advice


async def test_a_slow_p95_fails(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    session.targets.response_time_p95_s = 0.05
    sandbox.set_faults(latency_ms=80, endpoints=("calculate",))
    result = await run_suite(
        session, "staging", "probe", secret=DEMO_SECRET, probe_count=10, concurrency=10
    )
    check = result.checks[0]
    assert check.outcome == "failed"
    assert "response time (p95)" in check.message and "misses the target < 0.050 s" in check.message


async def test_clearance_rejections_are_counted_by_country(sandbox: SandboxServer) -> None:
    sandbox.set_faults(reject_countries=("MX",))
    result = await run_suite(
        session_for(sandbox, ("DE", "IT", "MX")),
        "staging",
        "probe",
        secret=DEMO_SECRET,
        probe_count=9,
        concurrency=9,
        poll_interval=0.01,
    )
    figures = result.figures
    assert figures["rejections_by_country"] == {"MX": 3}
    assert figures["rejection_codes"] == {"MX": {"CFDI40147": 3}}
    assert figures["clearance"]["submitted"] == 6 and figures["clearance"]["approved"] == 3
    check = result.checks[0]
    assert check.outcome == "warning" and check.stage is CheckStage.CLEARANCE
    assert "MX 3" in check.message


async def test_probe_limits_against_production(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    with pytest.raises(BadInputError, match="out of range for production"):
        await run_suite(
            session,
            "production",
            "probe",
            secret=DEMO_SECRET,
            confirm_production=True,
            probe_count=1001,
        )
    with pytest.raises(BadInputError, match="cap of 50"):
        await run_suite(
            session,
            "production",
            "probe",
            secret=DEMO_SECRET,
            confirm_production=True,
            concurrency=51,
        )
    with pytest.raises(BadInputError, match="out of range"):
        await run_suite(session, "staging", "probe", secret=DEMO_SECRET, concurrency=0)
    result = await run_suite(
        session,
        "production",
        "probe",
        secret=DEMO_SECRET,
        confirm_production=True,
        probe_count=5,
        concurrency=5,
    )
    assert result.passed and result.rehearsal
