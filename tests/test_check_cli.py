"""`golive check` as a user runs it: a real subprocess against the sandbox on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.evidence import read
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts
from golive.session.store import SessionFile, load

SECRET = "cli-test-secret-abcdef0123456789"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", clearance_step_s=0.02, client_secret=SecretStr(SECRET))
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


@pytest.fixture
def session_path(sandbox: SandboxServer, golive_home: Path) -> Path:
    session = Session()
    session.meta.engineer = "Ada"
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in ("DE", "MX")}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = sandbox.url
        env.client_id = sandbox.client_id
        env.external_company_id = sandbox.company
        env.ca_bundle = str(sandbox.ca_bundle)
        env.timeouts = Timeouts(connect=2, read=2, write=2, pool=2)
        env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    return SessionFile.create("acme", session).path


def secrets_env() -> dict[str, str]:
    return {"GOLIVE_STAGING_CLIENT_SECRET": SECRET, "GOLIVE_PRODUCTION_CLIENT_SECRET": SECRET}


@pytest.fixture
def golive(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`golive ...` in this process (fast); returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "200")
    for key, value in secrets_env().items():
        monkeypatch.setenv(key, value)

    def run(*args: str) -> tuple[int, str, str]:
        from golive.cli import main

        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


# the production gate (staging smoke tests) is held in these sessions (issue 12: obeyed)
REHEARSAL = "a rehearsal against the sandbox"


def evidence_of(session_path: Path) -> Path:
    return session_path.with_name("acme.evidence.jsonl")


def test_a_passing_smoke_run(run_golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_golive("check", "acme", "--env", "staging", "--suite", "smoke", env=secrets_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "transaction.MX" in result.stdout and "passed" in result.stdout
    assert "staging.smoke_tests: done" in result.stdout
    assert "rehearsal" in result.stdout
    assert "used GOLIVE_STAGING_CLIENT_SECRET from the environment" in result.stderr
    session = load(session_path)
    assert session.items["staging.smoke_tests"].status.value == "done"
    assert session.items["staging.smoke_tests"].changed_by == "Ada"
    log = read(evidence_of(session_path))
    assert log.chain_ok and [r.kind for r in log.records] == ["check.smoke"]
    for text in (
        result.stdout,
        result.stderr,
        evidence_of(session_path).read_text(),
        session_path.read_text(),
    ):
        assert SECRET not in text


def test_a_failing_check_exits_1(golive, sandbox: SandboxServer, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults(reject_countries=("MX",))
    code, out, err = golive("check", "acme", "--env", "staging", "--suite", "smoke")
    assert code == 1, err
    assert "CFDI40147" in out and "what to do:" in out
    assert "staging.smoke_tests: failed" in out
    assert load(session_path).items["staging.smoke_tests"].status.value == "failed"


def test_json_and_junit(golive, session_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "reports" / "golive.xml"
    junit.parent.mkdir()
    code, out, err = golive(
        "check",
        "acme",
        "--env",
        "staging",
        "--suite",
        "connectivity",
        "--json",
        "--junit",
        str(junit),
    )
    assert code == 0, err
    document = json.loads(out)  # stdout holds the JSON only
    assert document["passed"] is True and document["suite"] == "connectivity"
    stages = [s["stage"] for s in document["checks"][0]["stages"]]
    assert stages == ["dns", "tcp", "tls", "http", "auth", "company"]
    assert document["evidence"]["id"] == read(evidence_of(session_path)).records[0].id
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "0"


def test_a_failed_stage_in_junit(
    golive, sandbox: SandboxServer, session_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults(fail_auth=True)
    junit = tmp_path / "golive.xml"
    code, _, _ = golive(
        "check", "acme", "--env", "staging", "--suite", "connectivity", "--junit", str(junit)
    )
    assert code == 1
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "auth"
    assert "the client id or secret is wrong" in (failure.get("message") or "")


def test_production_needs_confirmation_without_a_terminal(
    golive, sandbox: SandboxServer, session_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = sandbox.state.metrics.requests("token", 200)
    code, _, err = golive(
        "check", "acme", "--env", "production", "--suite", "transaction", "--override", REHEARSAL
    )
    assert code == 2
    assert "needs confirmation" in err and "--yes" in err
    assert sandbox.state.metrics.requests("token", 200) == before
    assert not evidence_of(session_path).exists()


def test_production_with_yes_is_a_rehearsal_here(golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = golive(
        "check",
        "acme",
        "--env",
        "production",
        "--suite",
        "transaction",
        "--yes",
        "--override",
        REHEARSAL,
    )
    assert code == 0, err
    assert "transaction.MX" in out  # the clearance country is chosen
    assert "not ticked: production.single_transaction" in out
    assert "production.single_transaction" not in load(session_path).items
    assert [o.reason for o in load(session_path).gate_overrides] == [REHEARSAL]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--env", "staging", "--suite", "smoke", "--country", "FR"],
            "not countries of this session: FR",
        ),
        (["--env", "production", "--suite", "smoke"], "smoke tests run against staging"),
        (["--env", "staging", "--suite", "probe", "--concurrency", "0"], "out of range"),
        (["--env", "staging", "--suite", "soak"], "invalid choice"),
        (["--env", "staging", "--suite", "smoke", "--clearance-timeout", "0"], "out of range"),
    ],
)
def test_bad_input_exits_2(golive, session_path: Path, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = golive("check", "acme", *args)
    assert code == 2, err
    assert words in err


def test_a_missing_session_is_bad_input(golive) -> None:  # type: ignore[no-untyped-def]
    code, _, err = golive("check", "nobody", "--env", "staging", "--suite", "smoke")
    assert code == 2 and "no session file" in err


def test_a_probe_prints_its_figures(golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = golive(
        "check",
        "acme",
        "--env",
        "staging",
        "--suite",
        "probe",
        "--count",
        "20",
        "--concurrency",
        "5",
        "--country",
        "DE",
    )
    assert code == 0, err
    assert "requests 20, concurrency 5" in out and "p95" in out
    figures = read(evidence_of(session_path)).records[0].figures
    assert figures["requests"] == 20 and figures["meets_targets"] is True


def _smoke_interrupted_mid_quote(
    sandbox: SandboxServer, golive_home: Path
) -> subprocess.CompletedProcess[str]:
    """`golive check --suite smoke`, sent Ctrl+C while its quotes are held by the latency: once
    one has reached the sandbox (a condition, not a delay)."""
    sandbox.set_faults(latency_ms=3000, endpoints=("calculate",))
    quotes_before = sandbox.state.metrics.arrivals("calculate")
    env = {**os.environ, **secrets_env(), "GOLIVE_HOME": str(golive_home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "golive", "check", "acme", "--env", "staging", "--suite", "smoke"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while sandbox.state.metrics.arrivals("calculate") == quotes_before:
        assert time.monotonic() < deadline, "the smoke tests never sent a quote"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_ctrl_c_cancels_and_records_a_cancelled_run(
    sandbox: SandboxServer, session_path: Path, golive_home: Path
) -> None:
    result = _smoke_interrupted_mid_quote(sandbox, golive_home)
    assert result.returncode == 130, result.stderr
    assert "cancelled" in result.stderr
    records = read(evidence_of(session_path)).records
    assert [r.outcome for r in records] == ["cancelled"]
    assert "staging.smoke_tests" not in load(session_path).items


def test_ctrl_c_shows_what_the_unfinished_checks_had_reached(
    sandbox: SandboxServer, session_path: Path, golive_home: Path
) -> None:
    result = _smoke_interrupted_mid_quote(sandbox, golive_home)
    assert result.returncode == 130, result.stderr
    # the partial progress (the check that was running and the stage it had reached), not an
    # empty table
    assert "stopped during" in result.stdout, result.stdout


PROBE = """
import sys
from golive.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("textual", "golive.tui") if m in sys.modules)
print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
"""


def test_the_check_command_does_not_import_textual(session_path: Path, golive_home: Path) -> None:
    env = {**os.environ, **secrets_env(), "GOLIVE_HOME": str(golive_home)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "check",
            "acme",
            "--env",
            "staging",
            "--suite",
            "connectivity",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.stderr.rstrip().splitlines()[-1] == "IMPORTED:", result.stderr
