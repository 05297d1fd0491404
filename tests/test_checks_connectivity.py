"""Connectivity, stage by stage, against the real sandbox: each fault names its stage and advice."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from golive.checks import CheckEvent, CheckStage, SuiteResult, run_suite
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts

DEMO_SECRET = SecretStr("golive-demo-secret")  # pragma: allowlist secret


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.02)) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "tls_sandbox" in request.fixturenames:
        request.getfixturevalue("tls_sandbox").reset_faults()


def session_for(server: SandboxServer | None, base_url: str = "", **env: Any) -> Session:
    session = Session()
    session.countries = {"DE": CountrySetup(requirements=requirements_for("DE"))}
    staging = session.environments.staging
    staging.base_url = base_url or (server.url if server else "")
    staging.client_id = server.client_id if server else "someone"
    staging.external_company_id = server.company if server else "ACME"
    staging.ca_bundle = str(server.ca_bundle or "") if server else ""
    staging.timeouts = Timeouts(connect=1, read=1, write=1, pool=1)
    staging.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, retry_after_cap=2)
    for key, value in env.items():
        setattr(staging, key, value)
    return session


async def connectivity(session: Session, events: list[CheckEvent] | None = None) -> SuiteResult:
    sink = events.append if events is not None else None
    return await run_suite(session, "staging", "connectivity", secret=DEMO_SECRET, on_event=sink)


def stage_outcomes(result: SuiteResult) -> dict[str, str]:
    return {s.stage.value: s.outcome for s in result.checks[0].stages}


async def test_every_stage_passes_and_is_timed(tls_sandbox: SandboxServer) -> None:
    events: list[CheckEvent] = []
    result = await connectivity(session_for(tls_sandbox), events)
    assert result.passed, result.summary()
    check = result.checks[0]
    assert [s.stage for s in check.stages] == [
        CheckStage.DNS,
        CheckStage.TCP,
        CheckStage.TLS,
        CheckStage.HTTP,
        CheckStage.AUTH,
        CheckStage.COMPANY,
    ]
    assert all(s.outcome == "passed" and s.elapsed_s > 0 for s in check.stages)
    tls = check.stages[2]
    assert tls.details["issuer"] == "golive sandbox throw-away CA"
    assert isinstance(tls.details["days_to_expiry"], int) and tls.details["days_to_expiry"] >= 28
    assert "host name matches" in tls.message
    assert result.figures["certificate_days_to_expiry"] == tls.details["days_to_expiry"]
    assert set(result.figures["stages_ms"]) == {"dns", "tcp", "tls", "http", "auth", "company"}
    kinds = [(e.kind, e.stage) for e in events if e.kind.startswith("stage")]
    assert kinds[:2] == [("stage_started", CheckStage.DNS), ("stage_finished", CheckStage.DNS)]
    assert events[-1].kind == "result" and events[-1].result is not None
    assert result.rehearsal


async def test_dns_failure() -> None:
    result = await connectivity(session_for(None, "https://no-such-host.invalid"))
    check = result.checks[0]
    assert check.outcome == "failed" and check.stage is CheckStage.DNS
    assert "no-such-host.invalid could not be resolved" in check.message
    assert "DNS" in check.advice
    assert stage_outcomes(result) == {
        "dns": "failed",
        "tcp": "skipped",
        "tls": "skipped",
        "http": "skipped",
        "auth": "skipped",
        "company": "skipped",
    }


async def test_connection_refused_is_tcp() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await connectivity(session_for(None, f"https://127.0.0.1:{port}"))
    check = result.checks[0]
    assert check.stage is CheckStage.TCP
    assert f"127.0.0.1:{port} refused the connection" in check.message
    assert "port" in check.advice


async def test_untrusted_certificate_fails_and_the_ca_bundle_passes(
    tls_sandbox: SandboxServer,
) -> None:
    failed = await connectivity(session_for(tls_sandbox, ca_bundle=""))
    check = failed.checks[0]
    assert check.stage is CheckStage.TLS
    assert "the certificate of 127.0.0.1 is not trusted" in check.message
    assert "set a CA bundle" in check.advice and "proxy intercepts TLS" in check.advice
    assert stage_outcomes(failed)["http"] == "skipped"
    passed = await connectivity(session_for(tls_sandbox))
    assert passed.passed


@pytest.mark.parametrize(
    ("variant", "words", "advice"),
    [
        ("expired", "has expired", "renewed"),
        ("wrong-host", "does not match the host name", "host name"),
        ("self-signed", "is not trusted", "CA bundle"),
    ],
)
async def test_bad_certificates_name_the_problem(variant: str, words: str, advice: str) -> None:
    with SandboxServer(SandboxSettings(tls=variant)) as server:  # type: ignore[arg-type]
        result = await connectivity(session_for(server))
    check = result.checks[0]
    assert check.stage is CheckStage.TLS
    assert words in check.message and advice in check.advice


async def test_plain_http_skips_tls() -> None:
    with SandboxServer() as server:
        result = await connectivity(session_for(server))
    assert result.passed
    tls = result.checks[0].stages[2]
    assert tls.outcome == "skipped" and "plain http" in tls.message


async def test_no_answer_is_http(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(hang_s=3, endpoints=("ping",))
    result = await connectivity(
        session_for(tls_sandbox, timeouts=Timeouts(connect=1, read=0.3, write=1, pool=1))
    )
    check = result.checks[0]
    assert check.stage is CheckStage.HTTP
    assert "no answer from" in check.message and "within 0.3 s" in check.message


async def test_a_failing_service_is_http(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(transient_503=5, endpoints=("ping",))
    result = await connectivity(session_for(tls_sandbox))
    check = result.checks[0]
    assert check.stage is CheckStage.HTTP
    assert "503" in check.message and "try again later" in check.advice


async def test_refused_credentials_are_auth(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(fail_auth=True)
    result = await connectivity(session_for(tls_sandbox))
    check = result.checks[0]
    assert check.stage is CheckStage.AUTH
    assert "token endpoint" in check.message and "answered 401" in check.message
    assert "the client id or secret is wrong for this environment" in check.message
    assert stage_outcomes(result)["company"] == "skipped"


async def test_an_unknown_company_is_company(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(unknown_companies=(tls_sandbox.company,))
    result = await connectivity(session_for(tls_sandbox))
    check = result.checks[0]
    assert check.stage is CheckStage.COMPANY
    assert f"the company '{tls_sandbox.company}' is not known to 127.0.0.1" in check.message
    assert "externalCompanyId" in check.advice


async def test_an_answer_that_is_not_json(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(malformed=True, endpoints=("token",))
    result = await connectivity(session_for(tls_sandbox))
    check = result.checks[0]
    assert check.stage is CheckStage.AUTH
    assert "was not JSON" in check.message
    assert "proxy" in check.advice or "base URL" in check.advice


async def test_rate_limiting_within_the_cap_still_passes(tls_sandbox: SandboxServer) -> None:
    tls_sandbox.set_faults(rate_limit=1, retry_after_s=0, endpoints=("calculate",))
    events: list[CheckEvent] = []
    result = await connectivity(session_for(tls_sandbox), events)
    assert result.passed
    assert any(e.kind == "notice" and "HTTP 429" in e.message for e in events)


async def test_through_a_proxy_dns_and_tcp_check_the_proxy(
    tls_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "")
    result = await connectivity(session_for(tls_sandbox))
    check = result.checks[0]
    assert check.details["proxy"] == f"127.0.0.1:{port}"
    assert check.stage is CheckStage.TCP
    assert f"127.0.0.1:{port} refused the connection" in check.message
    assert "the proxy" in check.message
