"""The rehearsal rule is decided on the address, not the spelling (issue 15).

Every spelling of this machine, a private or link-local address, and a name that resolves to one
is a rehearsal: against production it never proves anything, whatever it is called.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from tests.hostile_server import HostileServer

from golive.api import addresses
from golive.api.endpoints import is_rehearsal
from golive.checks import record_suite, run_suite
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.checklist import build_checklist
from golive.session.model import (
    CountrySetup,
    EnvironmentSettings,
    ItemStatus,
    RetryPolicy,
    Session,
    Timeouts,
)

SECRET = "rehearsal-address-secret-4417"  # pragma: allowlist secret


def production(base_url: str) -> EnvironmentSettings:
    return EnvironmentSettings(base_url=base_url, client_id="c", external_company_id="X")


@pytest.mark.parametrize(
    "host",
    [
        "127.1",  # the C library reads a short dotted form: 127.0.0.1
        "0x7f.1",  # hexadecimal parts
        "2130706433",  # one 32-bit number
        "017700000001",  # octal
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::1]",
        "localhost.",  # the fully qualified spelling
        "LOCALHOST",
        "api.localhost",  # RFC 6761: names below localhost are this machine
        "10.20.30.40",  # a private network
        "192.168.1.10",
        "172.16.0.9",
        "[fd00::1]",  # an IPv6 unique local address
        "169.254.10.1",  # link-local
        "[fe80::1]",
        "[::ffff:10.0.0.1]",
        "0.0.0.0",  # connects to this machine on Linux
    ],
)
def test_every_spelling_of_a_local_address_is_a_rehearsal(host: str) -> None:
    assert is_rehearsal(production(f"https://{host}:8443"))
    # the token URL alone is enough: a call there proves nothing about production either
    env = production("https://api.onesourcetax.com").model_copy(
        update={"token_url": f"https://{host}/oauth2/v1/token"}
    )
    assert is_rehearsal(env)


def test_a_public_address_is_not_a_rehearsal() -> None:
    assert not is_rehearsal(production("https://8.8.8.8"))
    assert not is_rehearsal(production("https://[2001:4860:4860::8888]"))


def test_a_name_that_resolves_to_this_machine_is_a_rehearsal() -> None:
    name = socket.gethostname()
    found = addresses.resolve(name)
    if not found or not all(addresses.is_local_address(a) for a in found):
        pytest.skip(f"this machine's name {name} does not resolve to a local address here")
    assert "localhost" not in name and addresses.numeric_address(name) is None
    assert is_rehearsal(production(f"https://{name}:8443"))


def test_the_addresses_a_check_resolved_decide() -> None:
    env = production("https://tax.customer-corp.example")
    host = "tax.customer-corp.example"
    assert is_rehearsal(env, addresses={host: ["10.1.2.3"]})
    assert is_rehearsal(env, addresses={host: ["::ffff:192.168.0.1"]})
    assert is_rehearsal(env, addresses={host: ["8.8.8.8", "127.0.0.1"]})  # any of them
    assert not is_rehearsal(env, addresses={host: ["8.8.8.8"]})


def session_for(base_url: str, server: SandboxServer | None = None) -> Session:
    session = Session()
    session.countries = {"DE": CountrySetup(requirements=requirements_for("DE"))}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = base_url
        env.client_id = server.client_id if server else "c"
        env.external_company_id = server.company if server else "ACME"
        env.ca_bundle = str(server.ca_bundle) if server else ""
        env.timeouts = Timeouts(connect=1, read=1, write=1, pool=1)
        env.retry = RetryPolicy(max_attempts=1)
    return session


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", clearance_step_s=0.02, client_secret=SecretStr(SECRET))
    with SandboxServer(settings) as server:
        yield server


@pytest.mark.parametrize("spelling", ["127.1", "0x7f.1", "localhost."])
async def test_a_production_run_at_a_respelled_loopback_proves_nothing(
    sandbox: SandboxServer, tmp_path: Path, spelling: str
) -> None:
    port = sandbox.url.rsplit(":", 1)[1]
    session = session_for(f"https://{spelling}:{port}", sandbox)
    result = await run_suite(
        session, "production", "connectivity", secret=SecretStr(SECRET), confirm_production=True
    )
    assert result.rehearsal, result.summary()
    recorded = record_suite(session, tmp_path / "p.evidence.jsonl", result)
    assert recorded.items_set == {}
    # whatever the run found (a respelled name may fail TLS), it proves nothing about production
    assert recorded.not_ticked[0] == "production.connectivity"
    assert set(recorded.not_ticked) <= {
        "production.connectivity",
        "environment.endpoint",
        "environment.company_id",
    }
    assert "rehearsal" in recorded.why_not_ticked
    for item in recorded.not_ticked:
        status = build_checklist(session)[item].status
        assert (
            status is ItemStatus.TODO
        )  # neither done nor failed: it says nothing about production


async def test_the_address_the_connectivity_check_reached_decides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name whose DNS answer changed after the run was planned (rebinding): the connectivity
    check resolved it to this machine, so the run is a rehearsal."""
    name = socket.gethostname()
    if not all(addresses.is_local_address(a) for a in addresses.resolve(name) or ["8.8.8.8"]):
        pytest.skip(f"this machine's name {name} does not resolve to a local address here")
    with HostileServer(lifetime_s=60) as hostile:
        port = hostile.ports["garbage"]
        monkeypatch.setattr(addresses, "resolve", lambda _host, **_kw: [])  # planning saw nothing
        session = session_for(f"http://{name}:{port}")
        result = await run_suite(session, "staging", "connectivity", secret=SecretStr(SECRET))
    assert result.rehearsal
