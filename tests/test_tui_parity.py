"""The wizard runs the parity suite from Staging and Production, streaming each scenario into the
log like the other suites, and a demo-like session (both environments on the sandbox) passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    environment_for,
    make_session,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, RichLog

from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.evidence import read
from golive.session.store import SessionFile
from golive.tui.widgets.check_panel import CheckPanel


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid")) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", sandbox.client_secret.get_secret_value())
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", sandbox.client_secret.get_secret_value())
    sandbox.reset_faults()
    yield
    sandbox.reset_faults()


def sandbox_session(server: SandboxServer, step: str) -> SessionFile:
    file = make_session(
        step=step, countries={"DE": "DE136695976", "IT": "IT00743110157"}, demo=True
    )
    environment = environment_for(server.url, server.company, str(server.ca_bundle))
    file.session.environments.staging = environment
    file.session.environments.production = environment.model_copy()
    file.save()
    return file


def log_text(panel: CheckPanel) -> str:
    return "\n".join(line.text for line in panel.query_one(RichLog).lines)


async def test_staging_runs_the_tax_scenarios_and_a_zero_tax_fails(sandbox: SandboxServer) -> None:
    file = sandbox_session(sandbox, "staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        app.screen.query_one("#run-parity", Button).press()
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the parity run")
        assert panel.last_result is not None and panel.last_result.passed
        assert len(panel.last_result.checks) == 12  # DE and IT: 6 scenarios each
        assert "Parity: DE domestic B2B, standard rate: passed" in log_text(panel)
        sandbox.set_faults(zero_tax=["IT"])
        panel.last_result = None
        app.screen.query_one("#run-parity", Button).press()
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the second run")
        assert panel.last_result is not None and not panel.last_result.passed
        # the result lands before the advice line is drawn: wait for the advice
        await wait_for(
            pilot,
            lambda: "unexpected zero" in str(app.screen.query_one("#check-advice").render()),
            30,
            "the advice",
        )
        advice = str(app.screen.query_one("#check-advice").render())
        assert "IT domestic B2B, standard rate: staging: line 1: unexpected zero" in advice
        await app.workers.wait_for_complete()


async def test_production_compares_with_staging_after_confirmation(sandbox: SandboxServer) -> None:
    file = sandbox_session(sandbox, "production")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ProductionScreen")
        panel = app.screen.query_one(CheckPanel)
        app.screen.query_one("#run-parity", Button).press()
        await wait_for_screen(pilot, "ConfirmScreen")
        app.screen.query_one("#confirm", Button).press()
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the parity run")
        result = panel.last_result
        assert result is not None and result.passed, result.summary()
        assert result.environment == "production"
        assert "staging line 1" in result.checks[0].message
        await app.workers.wait_for_complete()
    records = read(file.evidence_path).records
    assert records[-1].kind == "check.parity"
    assert records[-1].items == ["staging.verify_config", "environment.company_id"]
