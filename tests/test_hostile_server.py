"""No server can hang golive, flood its memory or drive the terminal.

Every suite (connectivity, transaction, smoke, probe) runs in process against each behaviour of
the hostile server (tests/hostile_server.py) and must end in a named failure: the stage, what
happened and advice; within its deadline (the call's deadline from the session's timeouts, plus
a margin); and under a memory bound measured with tracemalloc.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from tests.hostile_server import HostileServer

from golive.api.client import MAX_BODY_BYTES, call_deadline
from golive.checks import CheckEvent, SuiteResult, run_suite
from golive.checks import suites as suites_module
from golive.countries import requirements_for
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts
from golive.session.text import is_unsafe

SECRET = SecretStr("hostile-test-secret-91c2")  # pragma: allowlist secret
TIMEOUTS = Timeouts(connect=0.5, read=1.0, write=0.5, pool=0.5)  # a trickle every 0.5 s passes read
DEADLINE_S = call_deadline(TIMEOUTS)
MARGIN_S = 6.0  # DNS/TCP/TLS stages before the call, the close, a loaded machine
MEMORY_BOUND = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def session_for(base_url: str) -> Session:
    session = Session()
    session.countries = {"DE": CountrySetup(requirements=requirements_for("DE"))}
    staging = session.environments.staging
    staging.base_url = base_url
    staging.client_id = "hostile-client"
    staging.external_company_id = "ACME"
    staging.timeouts = TIMEOUTS
    staging.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, retry_after_cap=1)
    return session


@dataclass(frozen=True)
class Expected:
    stage_by_suite: dict[str, str]
    words: tuple[str, ...]  # the message names what happened


def stages(connectivity: str, token: str) -> dict[str, str]:
    """The stage each suite names: connectivity and smoke start with /ping, the others a token."""
    return {
        "connectivity": connectivity,
        "smoke": connectivity,
        "transaction": token,
        "probe": token,
    }


BEHAVIOURS: dict[str, Expected] = {
    "no_tls": Expected(stages("tls", "tcp"), ("127.0.0.1",)),
    "trickle_headers": Expected(stages("http", "http"), ("no whole answer", "headers")),
    "trickle_body": Expected(stages("http", "http"), ("no whole answer", "reading the answer")),
    "gzip_bomb": Expected(
        stages("http", "transaction"), ("larger than golive reads", "decompressed")
    ),
    "huge_body": Expected(stages("http", "transaction"), ("larger than golive reads",)),
    "huge_declared": Expected(stages("http", "transaction"), ("announces 52428800 bytes",)),
    "deep_json": Expected(stages("auth", "transaction"), ("nested more than",)),
    "redirect": Expected(stages("http", "transaction"), ("302", "login.example.com", "redirect")),
    "garbage": Expected(stages("auth", "transaction"), ("not JSON",)),
    "nan_token": Expected(stages("auth", "transaction"), ("NaN",)),
    "hostile_errors": Expected(stages("auth", "auth"), ("403", "DENIED")),
}


async def run_against(
    server: HostileServer, behaviour: str, suite: str
) -> tuple[SuiteResult, float, int]:
    scheme = "https" if behaviour == "no_tls" else "http"
    events: list[CheckEvent] = []
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = await run_suite(
            session_for(server.url(behaviour, scheme)),
            "staging",
            suite,
            secret=SECRET,
            on_event=events.append,
            confirm_production=True,
            probe_count=4,
            concurrency=2,
            clearance_timeout=2.0,
        )
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


@pytest.mark.parametrize("suite", ["connectivity", "transaction", "smoke", "probe"])
@pytest.mark.parametrize("behaviour", list(BEHAVIOURS))
async def test_every_suite_fails_by_name_in_time_and_memory(
    hostile: HostileServer, behaviour: str, suite: str
) -> None:
    result, elapsed, peak = await run_against(hostile, behaviour, suite)
    expected = BEHAVIOURS[behaviour]
    assert result.outcome == "failed", result.summary()
    failed = next(c for c in result.checks if c.outcome == "failed")
    assert failed.stage is not None
    if suite != "probe":
        want = expected.stage_by_suite[suite]
        assert failed.stage.value == want, (behaviour, suite, failed.stage, failed.message)
    assert "internal error" not in failed.message
    for word in expected.words:
        assert word in failed.message, (behaviour, suite, failed.message)
    assert failed.advice, failed.message
    assert not is_unsafe(failed.message) and not is_unsafe(failed.advice), failed.message
    assert elapsed < DEADLINE_S + MARGIN_S, f"{behaviour}/{suite} took {elapsed:.1f} s"
    assert peak < MEMORY_BOUND, f"{behaviour}/{suite} peaked at {peak / 1e6:.1f} MB"


def test_the_hostile_answers_are_what_they_claim(hostile: HostileServer) -> None:
    """The bomb really is small on the wire and far over the limit when unpacked."""
    assert hostile.bomb_size < MAX_BODY_BYTES // 4
    from tests.hostile_server import BOMB_BYTES, FLOOD_BYTES

    assert BOMB_BYTES > 10 * MAX_BODY_BYTES and FLOOD_BYTES > 10 * MAX_BODY_BYTES


async def test_a_suite_past_its_deadline_is_a_named_failure(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suite's own deadline (here shorter than one call's) stops the run and says so."""
    monkeypatch.setattr(suites_module, "suite_deadline", lambda _plan, _clearance: 0.5)
    result, elapsed, _ = await run_against(hostile, "trickle_body", "connectivity")
    assert result.outcome == "failed"
    last = result.checks[-1]
    assert last.id == "deadline" and last.outcome == "failed"
    assert "did not finish within its deadline of 0.5 s" in last.message
    assert last.advice
    assert elapsed < DEADLINE_S  # stopped by the suite's deadline, before the call's own


def test_the_default_deadlines_are_bounded() -> None:
    """With the default settings every suite still has a finite deadline, derived from them."""
    session = session_for("https://api-uat.onesourcetax.com")
    session.environments.staging.timeouts = Timeouts()
    session.environments.staging.retry = RetryPolicy()
    for suite in ("connectivity", "transaction", "smoke", "probe"):
        plan = suites_module.plan_suite(session, "staging", suite)
        deadline = suites_module.suite_deadline(plan, 60.0)
        assert 0 < deadline < 24 * 3600, (suite, deadline)


@pytest.mark.parametrize(
    ("expires_in", "words"),
    [
        ("-5", "no positive expires_in"),
        ("0", "no positive expires_in"),
        ("1e308", "longer than a year"),
        ("1e999", "no positive expires_in"),  # parses as infinity
        ('"3600"', "no positive expires_in"),
        ("Infinity", "Infinity"),
    ],
)
async def test_a_token_whose_expires_in_golive_cannot_believe_is_named(
    expires_in: str, words: str
) -> None:
    import httpx

    from golive.api.client import OnesourceClient
    from golive.api.errors import ApiError
    from golive.session.model import EnvironmentSettings

    body = f'{{"access_token": "tok-1", "token_type": "Bearer", "expires_in": {expires_in}}}'

    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )

    env = EnvironmentSettings(
        base_url="https://mock.example", client_id="x", external_company_id="A"
    )
    client = OnesourceClient(
        env, environment="staging", client_secret=SECRET, transport=httpx.MockTransport(answer)
    )
    async with client:
        with pytest.raises(ApiError) as caught:
            await client.token()
    assert words in caught.value.message
    assert caught.value.where == "token" and caught.value.advice
