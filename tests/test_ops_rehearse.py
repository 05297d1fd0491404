"""The outage rehearsal, with the sandbox as the upstream and a small scripted integration
(tests/rehearsal_integration.py) that calls through the proxy and logs in a watch format: a
well-behaved integration passes; one that retries forever and one that records zero tax on
failure are told apart, phase by phase. Traffic only on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from golive.ops.rehearse import load_plan, run_rehearsal
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.model import RetryPolicy, Timeouts
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

SECRET = "rehearsal-secret-0123456789abcdef"  # pragma: allowlist secret
INTEGRATION = Path(__file__).with_name("rehearsal_integration.py")
SHORT_PLAN = """\
[[phase]]
name = "one 503"
faults = { transient_503 = 1 }

[[phase]]
name = "outage"
faults = { error_rate = 1.0 }

[[phase]]
name = "recovered"
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(client_secret=SecretStr(SECRET))) as server:
        yield server


@pytest.fixture
def handle(tmp_path: Path) -> SessionFile:
    session = make_session(("DE",))
    staging = session.environments.staging
    staging.timeouts = Timeouts(connect=1, read=1, write=1, pool=1)
    staging.retry = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2, retry_after_cap=2)
    return SessionFile.create(tmp_path / "acme.toml", session)


def integration(mode: str, log: Path, documents: int) -> Any:
    """The wait of the rehearsal: run the scripted integration through the proxy to its end."""

    def run(proxy_url: str, _plan: Any) -> None:
        subprocess.run(
            [
                sys.executable,
                str(INTEGRATION),
                proxy_url,
                str(log),
                "--mode",
                mode,
                "--documents",
                str(documents),
            ],
            env={**os.environ, "REHEARSAL_SECRET": SECRET},
            check=True,
            timeout=120,
        )

    return run


def rehearse(
    handle: SessionFile,
    upstream: SandboxServer,
    tmp_path: Path,
    mode: str,
    plan: Path | None,
    documents: int,
) -> Any:
    log = tmp_path / f"{mode}.log"
    return run_rehearsal(
        handle.session,
        handle.path,
        upstream=upstream.url,
        log=log,
        plan=plan,
        wait=integration(mode, log, documents),
    )


def test_a_well_behaved_integration_passes_the_default_plan(
    handle: SessionFile, upstream: SandboxServer, tmp_path: Path
) -> None:
    result = rehearse(handle, upstream, tmp_path, "good", None, 6)
    assert result.passed, [p.describe() for p in result.phases] + result.notes
    names = [p.name for p in result.phases]
    assert names == [
        "5xx (one 503, then answers)",
        "429 with Retry-After 1 s",
        "timeout (no answer within the read timeout)",
        "dropped connection (one answer cut off)",
        "outage (every call 503)",
        "recovered",
    ]
    by_name = {p.name: p for p in result.phases}
    assert by_name["5xx (one 503, then answers)"].most_attempts == 2
    assert by_name["dropped connection (one answer cut off)"].most_attempts == 2
    assert by_name["timeout (no answer within the read timeout)"].most_attempts == 3
    checklist = build_checklist(handle.session)
    assert checklist["environment.timeouts"].status.value == "done"
    assert checklist["environment.retry"].status.value == "done"
    evidence = read(evidence_path(handle.path)).by_id()[result.evidence_id]
    assert evidence.kind == "rehearsal" and evidence.outcome == "passed"
    assert evidence.items == ["environment.timeouts", "environment.retry"]


def test_an_integration_that_retries_forever_fails_retry_within_policy(
    handle: SessionFile, upstream: SandboxServer, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(SHORT_PLAN)
    result = rehearse(handle, upstream, tmp_path, "forever", plan, 3)
    assert not result.passed
    outage = next(p for p in result.phases if p.name == "outage")
    assert outage.findings["retried within policy"] == (
        "REH-002 sent 6 times (the policy allows 3)"
    )
    assert outage.findings["never zero tax for a failed call"] == ""
    assert next(p for p in result.phases if p.name == "one 503").passed
    assert build_checklist(handle.session)["environment.retry"].status.value == "failed"


def test_an_integration_that_records_zero_tax_on_failure_fails(
    handle: SessionFile, upstream: SandboxServer, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(SHORT_PLAN)
    result = rehearse(handle, upstream, tmp_path, "zero-tax", plan, 3)
    assert not result.passed
    outage = next(p for p in result.phases if p.name == "outage")
    assert outage.findings == {
        "retried within policy": "",
        "gave up in time": "",
        "no duplicate documents": "",
        "never zero tax for a failed call": "REH-002 logged tax 0 for a call that failed",
    }
    assert (
        "outage: 1 document(s), at most 3 attempt(s) — never zero tax"
        in result.phases[1].describe()
    )


def test_a_bad_plan_is_named(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[phase]]\nname = "x"\nfaults = { transient_503 = -1 }\n')
    with pytest.raises(BadInputError, match=r"phase 1: faults\.transient_503"):
        load_plan(plan)
    plan.write_text('[[phase]]\nname = "x"\ncolour = 1\n')
    with pytest.raises(BadInputError, match="only name, documents and faults"):
        load_plan(plan)


def test_cli_rehearse_through_the_proxy(
    handle: SessionFile, upstream: SandboxServer, tmp_path: Path, golive_home: Path
) -> None:
    import re

    plan = tmp_path / "plan.toml"
    plan.write_text(SHORT_PLAN)
    log = tmp_path / "cli.log"
    command = [
        sys.executable,
        "-m",
        "golive",
        "rehearse",
        str(handle.path),
        "--upstream",
        upstream.url,
        "--log",
        str(log),
        "--plan",
        str(plan),
    ]
    env = {**os.environ, "GOLIVE_HOME": str(golive_home)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as golive:
        assert golive.stderr is not None and golive.stdout is not None
        first = golive.stderr.readline()
        found = re.search(r"rehearsal proxy at (\S+) ->", first)
        assert found, first
        integration("good", log, 3)(found.group(1), None)
        out = golive.stdout.read()
        assert golive.wait(timeout=60) == 0, out + golive.stderr.read()
    assert "✓ outage: 1 document(s), at most 3 attempt(s) — passed" in out
    assert "environment.retry: done" in out
    session = SessionFile.open(handle.path).session
    assert session.items["environment.timeouts"].status.value == "done"


def test_the_proxy_forwards_with_the_faults_and_keeps_its_admin_api(
    upstream: SandboxServer,
) -> None:
    import httpx

    from golive.sandbox.faults import FaultBoard, Faults
    from golive.sandbox.proxy import create_proxy_app

    board = FaultBoard(Faults(transient_503=1, endpoints=("token",)))
    with SandboxServer(SandboxSettings(), app=create_proxy_app(upstream.url, board)) as proxy:
        form = {
            "grant_type": "client_credentials",
            "client_id": upstream.client_id,
            "client_secret": SECRET,
        }
        with httpx.Client(base_url=proxy.url) as client:
            assert client.post("/oauth2/v1/token", data=form).status_code == 503
            token = client.post("/oauth2/v1/token", data=form)
            assert token.status_code == 200 and token.json()["access_token"]
            assert client.get("/admin/faults").status_code == 404  # never sent upstream
