"""Smoke tests against the sandbox: concurrent, streaming progress, cancellable, skipping after a
connectivity failure, and the deliberately invalid request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from golive.api import OnesourceClient
from golive.checks import CheckEvent, CheckStage, run_suite
from golive.checks.events import EventSink
from golive.checks.transaction import check_validation
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.model import CountrySetup, EnvironmentSettings, RetryPolicy, Session, Timeouts

DEMO_SECRET = SecretStr("golive-demo-secret")  # pragma: allowlist secret
NON_CLEARANCE = ("AT", "BE", "DE", "DK", "FR", "NL")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.03)) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


def session_for(server: SandboxServer, countries: tuple[str, ...] = ("IT", "DE", "MX")) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in countries}
    env = session.environments.staging
    env.base_url = server.url
    env.client_id = server.client_id
    env.external_company_id = server.company
    env.ca_bundle = str(server.ca_bundle)
    env.timeouts = Timeouts(connect=2, read=3, write=2, pool=3)
    env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    return session


async def test_smoke_runs_everything_and_streams_progress(sandbox: SandboxServer) -> None:
    events: list[CheckEvent] = []
    result = await run_suite(
        session_for(sandbox),
        "staging",
        "smoke",
        secret=DEMO_SECRET,
        on_event=events.append,
        poll_interval=0.02,
    )
    assert result.passed, result.summary()
    assert [c.id for c in result.checks] == [
        "connectivity",
        "transaction.DE",
        "transaction.IT",
        "transaction.MX",
        "validation",
    ]
    validation = result.checks[-1]
    assert validation.stage is CheckStage.VALIDATION
    assert (
        "refused as expected with 400" in validation.message
        and "VALIDATION_ERROR" in validation.message
    )
    progress = [(e.done, e.total) for e in events if e.kind == "progress"]
    assert progress[0] == (0, 4) and progress[-1] == (4, 4)
    assert sorted(progress) == progress
    results = [e.result.id for e in events if e.kind == "result" and e.result is not None]
    assert sorted(results) == sorted(c.id for c in result.checks)
    assert result.figures["checks"]["passed"] == 5


async def test_transactions_run_concurrently_up_to_the_limit(sandbox: SandboxServer) -> None:
    session = session_for(sandbox, NON_CLEARANCE)
    await run_suite(session, "staging", "connectivity", secret=DEMO_SECRET)  # warm up
    sandbox.set_faults(latency_ms=200, endpoints=("calculate",))
    timings = {}
    for limit in (1, 32):
        started = time.perf_counter()
        result = await run_suite(session, "staging", "smoke", secret=DEMO_SECRET, concurrency=limit)
        assert result.passed
        timings[limit] = time.perf_counter() - started
    # 8 quotes (company + 6 countries + invalid) at 200 ms: serial >= 1.4 s; parallel ~ 0.6 s
    assert timings[1] >= 1.4
    assert timings[32] < timings[1] * 0.6


async def test_a_connectivity_failure_skips_the_rest(sandbox: SandboxServer) -> None:
    sandbox.set_faults(fail_auth=True)
    result = await run_suite(session_for(sandbox), "staging", "smoke", secret=DEMO_SECRET)
    assert not result.passed
    assert result.checks[0].stage is CheckStage.AUTH
    skipped = result.checks[1:]
    assert {c.outcome for c in skipped} == {"skipped"}
    assert all("connectivity failed at the authentication stage" in c.message for c in skipped)
    assert result.figures["checks"]["skipped"] == 4


async def test_cancelling_leaves_no_task_behind(sandbox: SandboxServer) -> None:
    sandbox.set_faults(latency_ms=400, endpoints=("calculate", "einvoice"))
    started = asyncio.Event()

    def on_event(event: CheckEvent) -> None:
        if event.kind == "stage_started" and event.check.startswith("transaction."):
            started.set()

    task = asyncio.create_task(
        run_suite(session_for(sandbox), "staging", "smoke", secret=DEMO_SECRET, on_event=on_event)
    )
    await asyncio.wait_for(started.wait(), timeout=10)
    await asyncio.sleep(0.05)  # requests in flight
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert left == []


async def test_an_api_that_accepts_an_invalid_request_fails_validation() -> None:
    def accept_everything(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(
                200, json={"access_token": "abcdef123", "token_type": "Bearer", "expires_in": 60}
            )
        return httpx.Response(200, json={"totalTaxAmount": 0, "lines": []})

    env = EnvironmentSettings(
        base_url="https://mock.example", client_id="x", external_company_id="ACME"
    )
    client = OnesourceClient(
        env,
        environment="staging",
        client_secret=SecretStr("abcd1234"),
        transport=httpx.MockTransport(accept_everything),
    )
    async with client:
        result = await check_validation(client, company="ACME", emit=EventSink(None))
    assert result.outcome == "failed" and result.stage is CheckStage.VALIDATION
    assert "accepted a deliberately invalid request" in result.message
    assert "not a mock" in result.advice


async def test_a_failing_event_callback_does_not_break_a_run(sandbox: SandboxServer) -> None:
    def broken(_event: CheckEvent) -> None:
        raise RuntimeError("presenter bug")

    result = await run_suite(
        session_for(sandbox), "staging", "connectivity", secret=DEMO_SECRET, on_event=broken
    )
    assert result.passed
