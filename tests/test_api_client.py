"""The API client against the real sandbox on loopback: tokens, retries, TLS, errors, secrets."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from golive.api import ApiError, Failure, OnesourceClient, Operation
from golive.api.client import redact_headers
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings, RetryPolicy, Timeouts

SECRET = "s3cr3t-for-the-client-tests-0123456789"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(
        client_secret=SecretStr(SECRET), clearance_step_s=0.02, extra_companies=("OTHER-1",)
    )
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", client_secret=SecretStr(SECRET))) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name in ("sandbox", "tls_sandbox"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset_faults()


def env_for(server: SandboxServer, **extra: Any) -> EnvironmentSettings:
    values: dict[str, Any] = {
        "base_url": server.url,
        "client_id": server.client_id,
        "external_company_id": server.company,
        "ca_bundle": str(server.ca_bundle or ""),
        "timeouts": Timeouts(connect=2, read=2, write=2, pool=2),
        "retry": RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, retry_after_cap=5),
    }
    values.update(extra)
    return EnvironmentSettings(**values)


def quote(company: str = "DEMO-001", country: str = "DE") -> dict[str, Any]:
    return {
        "externalCompanyId": company,
        "companyRole": "S",
        "documentNumber": "T-1",
        "documentDate": "2026-01-02",
        "currencyCode": "EUR",
        "lines": [{"lineNumber": 1, "amount": 100.0, "shipTo": {"country": country}}],
    }


class Sleeps:
    """A stand-in for asyncio.sleep that records the waits (the policy's decisions)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def client_for(server: SandboxServer, *, secret: str = SECRET, **kwargs: Any) -> OnesourceClient:
    env = kwargs.pop("env", None) or env_for(server)
    return OnesourceClient(env, environment="staging", client_secret=SecretStr(secret), **kwargs)


async def test_token_is_cached_and_calculate_is_a_quote(sandbox: SandboxServer) -> None:
    before = sandbox.state.metrics.requests("token", 200)
    async with client_for(sandbox) as client:
        first = await client.calculate({**quote(), "isAudited": True})
        await client.calculate(quote())
        await asyncio.gather(*(client.calculate(quote()) for _ in range(10)))
        token = await client.token()
    assert sandbox.state.metrics.requests("token", 200) - before == 1
    assert first.status_code == 200
    assert first.body["isAudited"] is False  # forced: golive never commits a transaction
    assert first.correlation_id == first.body["correlationId"]
    assert token.fresh()
    assert "Bearer" in token.token_type
    assert SECRET not in repr(token) and token.value.get_secret_value() not in repr(token)


async def test_the_token_is_fetched_again_shortly_before_it_expires() -> None:
    settings = SandboxSettings(token_ttl_s=1.0, client_secret=SecretStr(SECRET))
    with SandboxServer(settings) as server:
        async with client_for(server) as client:
            first = await client.token()
            assert first.expires_in == pytest.approx(1.0, abs=1)
            await asyncio.sleep(max(0.0, first.refresh_at - time.monotonic()) + 0.01)
            second = await client.token()
            assert second is not first
            assert server.state.metrics.requests("token", 200) == 2


async def test_a_revoked_token_is_replaced_once(sandbox: SandboxServer) -> None:
    async with client_for(sandbox) as client:
        await client.token()
        sandbox.revoke_tokens()
        answer = await client.calculate(quote())
    assert answer.status_code == 200


async def test_retry_after_is_honoured_then_succeeds(sandbox: SandboxServer) -> None:
    sandbox.set_faults(rate_limit=2, retry_after_s=3, endpoints=("calculate",))
    sleeps = Sleeps()
    async with client_for(sandbox, sleep=sleeps) as client:
        answer = await client.calculate(quote())
    assert answer.status_code == 200
    assert answer.attempts == 3
    assert sleeps.delays == [3.0, 3.0]


async def test_retry_after_really_waits(sandbox: SandboxServer) -> None:
    sandbox.set_faults(rate_limit=1, retry_after_s=1, endpoints=("calculate",))
    notices: list[Any] = []
    async with client_for(sandbox, on_retry=notices.append) as client:
        await client.token()
        started = time.monotonic()
        answer = await client.calculate(quote())
        waited = time.monotonic() - started
    assert answer.attempts == 2
    assert waited >= 1.0
    assert notices and notices[0].cause == "HTTP 429" and notices[0].delay_s == 1.0


async def test_retries_give_up_at_the_limit(sandbox: SandboxServer) -> None:
    sandbox.set_faults(rate_limit=10, retry_after_s=1, endpoints=("calculate",))
    sleeps = Sleeps()
    async with client_for(sandbox, sleep=sleeps) as client:
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote())
    error = caught.value
    assert error.status_code == 429 and error.attempts == 3
    assert "gave up after 3 attempts" in error.message
    assert "--concurrency" in error.advice
    assert sleeps.delays == [1.0, 1.0]


async def test_a_retry_after_longer_than_the_cap_is_not_waited_for(sandbox: SandboxServer) -> None:
    sandbox.set_faults(rate_limit=1, retry_after_s=60, endpoints=("calculate",))
    sleeps = Sleeps()
    async with client_for(sandbox, sleep=sleeps) as client:
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote())
    assert sleeps.delays == []
    assert "asked to wait 60 s" in caught.value.message


async def test_transient_503s_are_retried_with_backoff(sandbox: SandboxServer) -> None:
    sandbox.set_faults(transient_503=2, endpoints=("calculate",))
    sleeps = Sleeps()
    async with client_for(sandbox, sleep=sleeps) as client:
        answer = await client.calculate(quote())
    assert answer.attempts == 3
    assert len(sleeps.delays) == 2
    assert 0 <= sleeps.delays[0] <= 0.01 and 0 <= sleeps.delays[1] <= 0.02


async def test_a_document_is_never_submitted_twice(sandbox: SandboxServer) -> None:
    document = {
        "externalCompanyId": sandbox.company,
        "country": "IT",
        "sendType": "Test",
        "documentNumber": "D-1",
        "issueDate": "2026-01-02",
        "currencyCode": "EUR",
        "totalAmount": 122.0,
        "lines": [{"lineNumber": 1, "amount": 100.0}],
    }
    sandbox.set_faults(transient_503=1, endpoints=("einvoice",))
    sleeps = Sleeps()
    before = sandbox.state.metrics.requests("einvoice_submit", 503)
    async with client_for(sandbox, sleep=sleeps) as client:
        with pytest.raises(ApiError) as caught:
            await client.submit_document(document)
        assert caught.value.attempts == 1
        assert "never submitted twice" in caught.value.message
        assert sleeps.delays == []
        assert sandbox.state.metrics.requests("einvoice_submit", 503) - before == 1
        accepted = await client.submit_document(document)
        status = await client.document_status(accepted.body["documentId"])
    assert accepted.status_code == 202
    assert status.body["status"] in ("New", "Delivered", "Approved")


async def test_wrong_secret_is_an_auth_error_without_the_secret(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-secret-value-9876543210"  # pragma: allowlist secret
    caplog.set_level(logging.DEBUG)
    async with client_for(sandbox, secret=wrong) as client:
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote())
        text = str(caught.value) + repr(caught.value) + repr(client)
    error = caught.value
    assert error.operation is Operation.TOKEN and error.status_code == 401
    assert "the client id or secret is wrong for this environment" in error.message
    assert "GOLIVE_STAGING_CLIENT_SECRET" in error.advice
    for secret in (wrong, SECRET):
        assert secret not in text
        assert secret not in caplog.text


async def test_unknown_company_is_named(sandbox: SandboxServer) -> None:
    async with client_for(sandbox) as client:
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote(company="NOPE-9"))
    error = caught.value
    assert error.status_code == 403 and error.code == "COMPANY_NOT_FOUND"
    assert "'NOPE-9' is not known to 127.0.0.1" in error.message
    assert "externalCompanyId" in error.advice


async def test_a_validation_error_carries_code_and_path(sandbox: SandboxServer) -> None:
    async with client_for(sandbox) as client:
        with pytest.raises(ApiError) as caught:
            await client.calculate({**quote(), "lines": []})
    error = caught.value
    assert error.status_code == 400
    assert error.problems[0].code == "VALIDATION_ERROR"
    assert any(p.path == "lines" for p in error.problems)


async def test_malformed_answers_are_not_json(sandbox: SandboxServer) -> None:
    async with client_for(sandbox) as client:
        await client.token()
        sandbox.set_faults(malformed=True, endpoints=("calculate",))
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote())
    assert caught.value.failure is Failure.NOT_JSON
    assert "was not JSON" in caught.value.message


async def test_a_hanging_server_is_a_read_timeout_not_retried(sandbox: SandboxServer) -> None:
    sandbox.set_faults(hang_s=3, endpoints=("calculate",))
    env = env_for(sandbox, timeouts=Timeouts(connect=1, read=0.3, write=1, pool=1))
    sleeps = Sleeps()
    async with client_for(sandbox, env=env, sleep=sleeps) as client:
        await client.token()
        with pytest.raises(ApiError) as caught:
            await client.calculate(quote())
    assert caught.value.failure is Failure.TIMEOUT
    assert "within 0.3 s" in caught.value.message
    assert sleeps.delays == []


async def test_connection_refused_is_retried_then_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = EnvironmentSettings(
        base_url=f"http://127.0.0.1:{port}",
        client_id="x",
        retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01),
    )
    sleeps = Sleeps()
    async with OnesourceClient(
        env, environment="staging", client_secret=SecretStr("abcd1234"), sleep=sleeps
    ) as client:
        with pytest.raises(ApiError) as caught:
            await client.token()
    assert caught.value.failure is Failure.REFUSED
    assert f"127.0.0.1:{port} refused the connection" in caught.value.message
    assert caught.value.attempts == 2 and len(sleeps.delays) == 1


async def test_a_host_that_does_not_resolve() -> None:
    env = EnvironmentSettings(base_url="https://no-such-host.invalid", client_id="x")
    async with OnesourceClient(
        env, environment="staging", client_secret=SecretStr("abcd1234")
    ) as client:
        with pytest.raises(ApiError) as caught:
            await client.token()
    assert caught.value.failure is Failure.DNS
    assert "no-such-host.invalid could not be resolved" in caught.value.message
    assert caught.value.attempts == 1


async def test_tls_with_the_ca_bundle_passes_and_without_it_fails(
    tls_sandbox: SandboxServer,
) -> None:
    async with client_for(tls_sandbox) as client:
        assert (await client.calculate(quote())).status_code == 200
    env = env_for(tls_sandbox, ca_bundle="")
    async with client_for(tls_sandbox, env=env) as client:
        with pytest.raises(ApiError) as caught:
            await client.token()
    error = caught.value
    assert error.failure is Failure.TLS and error.tls_problem == "untrusted"
    assert "is not trusted" in error.message
    assert "CA bundle" in error.advice
    assert error.attempts == 1  # a refused certificate stays refused


@pytest.mark.parametrize(
    ("variant", "problem", "words"),
    [
        ("expired", "expired", "has expired"),
        ("wrong-host", "hostname", "does not match the host name"),
        ("self-signed", "untrusted", "is not trusted"),
    ],
)
async def test_bad_certificates_are_refused_with_their_reason(
    variant: str, problem: str, words: str
) -> None:
    with SandboxServer(SandboxSettings(tls=variant)) as server:  # type: ignore[arg-type]
        async with client_for(server, secret="golive-demo-secret") as client:
            with pytest.raises(ApiError) as caught:
                await client.token()
    assert caught.value.failure is Failure.TLS
    assert caught.value.tls_problem == problem
    assert words in caught.value.message


async def test_the_proxy_variables_are_respected(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port}")
    monkeypatch.setenv("NO_PROXY", "")
    env = env_for(sandbox, retry=RetryPolicy(enabled=False))
    async with client_for(sandbox, env=env) as client:
        with pytest.raises(ApiError) as caught:
            await client.token()
    assert caught.value.failure in (Failure.REFUSED, Failure.CONNECT)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with client_for(sandbox, env=env) as client:
        assert (await client.token()).fresh()


def test_production_refuses_http_and_settings_must_be_complete(sandbox: SandboxServer) -> None:
    with pytest.raises(BadInputError, match="https://"):
        OnesourceClient(env_for(sandbox), environment="production", client_secret=SecretStr(SECRET))
    with pytest.raises(BadInputError, match="no client id"):
        OnesourceClient(
            env_for(sandbox, client_id=""), environment="staging", client_secret=SecretStr(SECRET)
        )
    with pytest.raises(BadInputError, match="empty"):
        OnesourceClient(env_for(sandbox), environment="staging", client_secret=SecretStr(""))


def test_there_is_no_way_to_turn_verification_off() -> None:
    import inspect

    parameters = inspect.signature(OnesourceClient).parameters
    assert not {"verify", "insecure", "ssl_verify"} & set(parameters)


def test_authorization_headers_are_redacted() -> None:
    shown = redact_headers({"Authorization": "Bearer abc", "Correlation-Id": "1"})
    assert shown == {"Authorization": "***", "Correlation-Id": "1"}
