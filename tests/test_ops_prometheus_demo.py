"""Issue 16: the demo's Prometheus check trusts the sandbox's own CA.

The sandbox serves the API and (helper E's contract) Prometheus at `<base>/prometheus`, over TLS
with a throw-away CA that the demo session's environments name as their `ca_bundle`. golive
checks a Prometheus at an environment's host:port against that CA bundle, any other against the
system's trust store; verification stays on and a refusal is said in words.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from golive.ops import monitoring
from golive.ops.monitoring import prometheus_trust
from golive.ops.watch import query_prometheus
from golive.sandbox import SandboxSettings
from golive.sandbox.runner import SandboxServer
from golive.session.model import Session
from golive.session.store import SessionFile
from session_factory import make_session


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid")) as server:
        yield server


def demo_like(server: SandboxServer) -> Session:
    session = make_session(("DE",))
    session.environments.staging.base_url = server.url
    session.environments.staging.ca_bundle = str(server.ca_bundle)
    return session


def test_a_prometheus_at_the_sandbox_is_checked_against_its_ca(sandbox: SandboxServer) -> None:
    session = demo_like(sandbox)
    trust = prometheus_trust(session, f"{sandbox.url}/prometheus")
    assert trust.environment == "staging" and trust.ca_bundle == str(sandbox.ca_bundle)
    assert trust.context.verify_mode == ssl.CERT_REQUIRED
    other = prometheus_trust(session, "https://prometheus.example:9090")
    assert other.environment == "" and other.ca_bundle == ""
    assert other.context.verify_mode == ssl.CERT_REQUIRED


def test_the_check_gets_through_tls_to_the_sandbox(sandbox: SandboxServer, tmp_path: Path) -> None:
    session = demo_like(sandbox)
    handle = SessionFile.create(tmp_path / "demo.toml", session)
    url = f"{sandbox.url}/prometheus"
    check = monitoring.check_prometheus(handle.session, handle.path, url=url, timeout=10)
    # the sandbox answers PromQL: the certificate was accepted against the environment's CA
    assert "answers queries" in check.summary, check.summary
    assert "CERTIFICATE_VERIFY_FAILED" not in check.summary
    end = datetime(2026, 11, 3, tzinfo=UTC)
    figures = query_prometheus(
        url,
        {"error_rate_pct": "vector(0)"},
        since=end - timedelta(hours=1),
        until=end,
        trust=prometheus_trust(session, url),
    )
    assert all("certificate" not in e.lower() for e in figures.errors.values()), figures.errors


def test_without_the_ca_the_refusal_is_said_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    session = make_session(("DE",))  # no environment at the sandbox: the system's trust store
    handle = SessionFile.create(tmp_path / "other.toml", session)
    check = monitoring.check_prometheus(
        handle.session, handle.path, url=f"{sandbox.url}/prometheus", timeout=10
    )
    assert not check.passed
    assert "is not trusted" in check.summary
    assert "never turns verification off" in check.summary
    assert "ConnectError" not in check.summary
