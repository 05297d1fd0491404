"""The demo's outage rehearsal: `golive rehearse demo --demo-integration` drives golive's demo
stand-in integration through the fault proxy in front of the demo's own sandbox (over TLS,
trusted by the environment's CA bundle), proves environment.timeouts and environment.retry, and
says in its output and its evidence that it was golive's stand-in. It refuses any other session;
a proxy that cannot trust its upstream says so in words, not as a raw TLS error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.test_ops_rehearse import SHORT_PLAN  # one 503, an outage, recovered

from conftest import RunGolive
from golive.ops.demo_integration import run_demo_rehearsal
from golive.sandbox.demo import DEMO_PRODUCTION_COMPANY, demo_file_on
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.environments import Environments, EnvironmentSettings, ca_bundle_serving
from golive.session.evidence import read
from golive.session.model import ItemStatus
from golive.session.store import SessionFile
from session_factory import make_session


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    return golive_in_process


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", extra_companies=(DEMO_PRODUCTION_COMPANY,))
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture
def demo(sandbox: SandboxServer, golive_home: Path, monkeypatch: pytest.MonkeyPatch) -> SessionFile:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # the demo puts its secrets in this process's environment: monkeypatch undoes them
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "")
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", "")
    return demo_file_on(sandbox, reset=True)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "short-plan.toml"
    path.write_text(SHORT_PLAN)
    return path


def test_the_demo_rehearsal_proves_timeouts_and_retry_and_names_the_stand_in(
    demo: SessionFile, plan: Path, run_golive: RunGolive
) -> None:
    result = run_golive("rehearse", "demo", "--demo-integration", "--plan", str(plan))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rehearsed golive's demo stand-in integration (not yours)" in result.stdout
    assert "✓ outage: 1 document(s), at most 4 attempt(s) — passed" in result.stdout
    assert "environment.retry: done" in result.stdout
    # its progress: the outage given up by the policy, with no tax
    assert "no tax recorded (gave up after 4 attempts (the policy allows 4))" in result.stderr
    session = SessionFile.open(demo.path).session
    for item in ("environment.timeouts", "environment.retry"):
        assert session.items[item].status is ItemStatus.DONE
    record = read(demo.evidence_path).records[-1]
    assert record.kind == "rehearsal" and record.outcome == "passed"
    assert record.diagnosis["integration"] == "golive's demo stand-in integration"
    assert "golive's demo stand-in integration" in record.summary
    # its log, beside the session, in the format the rehearsal reads
    log = demo.path.with_name("demo.rehearsal-log.jsonl")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"document", "attempt", "status", "latency_ms", "final"} <= set(lines[0])
    assert any(line.get("error") == "gave up" and "total_tax" not in line for line in lines)


def test_the_stand_in_rehearses_demo_sessions_only(
    run_golive: RunGolive, golive_home: Path, tmp_path: Path
) -> None:
    file = SessionFile.create(tmp_path / "acme.toml", make_session(("DE",)))
    result = run_golive("rehearse", str(file.path), "--demo-integration")
    assert result.returncode == 2
    assert "golive's demo stand-in integration rehearses demo sessions only" in result.stderr
    assert "--upstream URL --log FILE" in result.stderr
    assert "Traceback" not in result.stderr
    assert not read(file.evidence_path).records


def test_without_the_stand_in_the_upstream_and_log_are_asked_for(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    file = SessionFile.create(tmp_path / "acme.toml", make_session(("DE",)))
    result = run_golive("rehearse", str(file.path))
    assert result.returncode == 2
    assert "golive rehearse needs --upstream and --log" in result.stderr


def test_an_untrusted_upstream_is_said_in_words_and_fails_the_rehearsal(
    demo: SessionFile, plan: Path
) -> None:
    # the demo's sandbox (both environments) without its CA bundle: the proxy must not trust
    # it, and must say why
    demo.session.environments.staging.ca_bundle = ""
    demo.session.environments.production.ca_bundle = ""
    result = run_demo_rehearsal(demo.session, demo.path, plan=plan)
    assert not result.passed
    words = " ".join(result.notes)
    assert (
        "the proxy could not reach the upstream: the certificate of 127.0.0.1 is not trusted"
        in (words)
    )
    assert "not the integration" in words
    assert "CERTIFICATE_VERIFY_FAILED" not in words  # never the raw code
    assert demo.session.items["environment.retry"].status is ItemStatus.FAILED


def test_an_environment_ca_bundle_is_trusted_only_at_its_own_host_and_port() -> None:
    environments = Environments(
        staging=EnvironmentSettings(base_url="https://127.0.0.1:8443", ca_bundle="/ca/staging.pem"),
        production=EnvironmentSettings(base_url="https://api.example.com"),
    )
    assert ca_bundle_serving(environments, "https://127.0.0.1:8443/prometheus") == (
        "staging",
        "/ca/staging.pem",
    )
    assert ca_bundle_serving(environments, "https://127.0.0.1:9443") == ("", "")
    assert ca_bundle_serving(environments, "https://localhost:8443") == ("", "")
    # production has no bundle: its host gets the system's trust store
    assert ca_bundle_serving(environments, "https://api.example.com:443/x") == ("", "")


async def test_the_wizard_rehearses_the_demo_from_the_environment_step(
    demo: SessionFile, plan: Path
) -> None:
    from tests.tui_fixtures import SIZE, app_for, text_of, wait_for, wait_for_screen
    from textual.widgets import Button, Input

    demo.session.meta.current_step = "environment"
    demo.save()
    app = app_for(demo.path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "EnvironmentScreen", 30)
        app.screen.query_one("#rehearsal-plan", Input).focus()
        await pilot.press(*str(plan))
        app.screen.query_one("#rehearse", Button).focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: text_of(app, "#rehearsal-result").startswith(("✓", "✗")),
            120,
            "the rehearsal",
        )
        shown = text_of(app, "#rehearsal-result")
        assert shown.startswith("✓ Rehearsal of golive's demo stand-in integration passed"), shown
        assert "✓ outage: 1 document(s), at most 4 attempt(s) — passed" in shown
        assert app.checklist()["environment.retry"].status is ItemStatus.DONE
        await app.workers.wait_for_complete()
    session = SessionFile.open(demo.path).session
    assert session.items["environment.timeouts"].status is ItemStatus.DONE
    assert read(demo.evidence_path).records[-1].diagnosis["integration"] == (
        "golive's demo stand-in integration"
    )


async def test_outside_a_demo_the_wizard_says_how_to_rehearse_your_own_integration(
    tmp_path: Path,
) -> None:
    from tests.tui_fixtures import SIZE, app_for, wait_for_screen
    from textual.widgets import Static

    session = make_session(("DE",))
    session.meta.current_step = "environment"
    file = SessionFile.create(tmp_path / "acme.toml", session)
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "EnvironmentScreen", 30)
        panel = app.screen.query_one("#rehearsal")
        text = " ".join(str(s.content) for s in panel.query(Static))
        assert "an outage rehearsal of your own integration: run golive rehearse" in text
        assert not app.screen.query("#rehearse")  # no stand-in outside a demo
