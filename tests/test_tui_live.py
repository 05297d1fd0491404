"""Live tests in the wizard against the real sandbox: progress in the log, results on the items
and in the evidence, a failure with its advice, cancelling, the production confirmation, and the
gates with an override."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    environment_for,
    make_session,
    reload,
    text_of,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, RichLog

from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.checklist import override_gate
from golive.session.evidence import read
from golive.session.model import ItemStatus
from golive.session.store import SessionFile
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.gate import GateBanner
from golive.tui.widgets.step_list import StepList


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.02)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", sandbox.client_secret.get_secret_value())
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", sandbox.client_secret.get_secret_value())
    sandbox.reset_faults()
    yield
    sandbox.reset_faults()


def sandbox_session(server: SandboxServer, step: str, *, demo: bool = True) -> SessionFile:
    file = make_session(
        step=step, countries={"DE": "DE136695976", "IT": "IT00743110157"}, demo=demo
    )
    environment = environment_for(server.url, server.company, str(server.ca_bundle))
    file.session.environments.staging = environment
    file.session.environments.production = environment.model_copy()
    file.save()
    return file


def log_text(panel: CheckPanel) -> str:
    return "\n".join(line.text for line in panel.query_one(RichLog).lines)


async def test_staging_smoke_tests_stream_and_record(sandbox: SandboxServer) -> None:
    file = sandbox_session(sandbox, "staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the smoke tests")
        assert panel.last_result is not None and panel.last_result.passed
        assert "Transaction for Germany" in log_text(panel) or "DE" in log_text(panel)
        assert "passed" in text_of(app, "#check-status")
        assert app.checklist()["staging.smoke_tests"].status is ItemStatus.DONE
        await app.workers.wait_for_complete()
    session = reload(file)
    assert session.items["staging.smoke_tests"].status is ItemStatus.DONE
    records = read(file.evidence_path).records
    assert [r.kind for r in records] == ["check.smoke"]
    assert records[0].id in session.items["staging.smoke_tests"].evidence


async def test_a_failed_stage_shows_its_advice(sandbox: SandboxServer) -> None:
    sandbox.set_faults(fail_auth=True)
    file = sandbox_session(sandbox, "staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the smoke tests")
        status = text_of(app, "#check-status")
        advice = text_of(app, "#check-advice")
        assert status.startswith("✗")
        assert "authentication" in advice
        assert "what to do:" in advice
        assert app.checklist()["staging.smoke_tests"].status is ItemStatus.FAILED
        # the sidebar says it in a symbol, not only a colour
        steps = app.screen.query_one("#step-list", StepList)
        assert str(steps.prompt_of("staging")).startswith("▶!")


async def test_a_running_test_can_be_cancelled_and_the_ui_stays_responsive(
    sandbox: SandboxServer,
) -> None:
    sandbox.set_faults(hang_s=30)
    file = sandbox_session(sandbox, "staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.running, 10, "the run to start")
        await pilot.pause(0.3)
        # the UI answers while the test runs: open help and close it
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "StagingScreen")
        assert not app.screen.query_one("#cancel-run", Button).disabled
        await pilot.press("f6")
        await wait_for(pilot, lambda: panel.last_result is not None, 20, "the cancellation")
        assert panel.last_result is not None and panel.last_result.cancelled
        assert "cancelled" in text_of(app, "#check-status")
        assert app.checklist()["staging.smoke_tests"].status is ItemStatus.TODO
    records = read(file.evidence_path).records
    assert records[-1].outcome == "cancelled"


async def test_production_warns_then_runs_the_confirmed_transaction(sandbox: SandboxServer) -> None:
    file = sandbox_session(sandbox, "production")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ProductionScreen")
        gate = app.screen.query_one(GateBanner)
        assert "Warning" in text_of(app, "#gate-text") and "smoke tests" in text_of(
            app, "#gate-text"
        )
        assert not gate.status().open
        panel = app.screen.query_one(CheckPanel)
        # issue 12: the held production gate refuses the transaction (nothing is asked or sent)
        await pilot.press("f7")
        await wait_for(
            pilot, lambda: "gate is held" in text_of(app, "#check-status"), 10, "the refusal"
        )
        assert app.screen.__class__.__name__ == "ProductionScreen"
        assert not read(file.evidence_path).records
        override_gate(app.session, "production", "smoke tests ran in the customer's own staging")
        gate.refresh_gate()
        await pilot.press("f7")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "PRODUCTION" in text_of(app, ".dialog-text")
        assert "⚠ Run in production (press y)" in str(
            app.screen.query_one("#confirm", Button).label
        )
        await pilot.press("enter")  # a stray Enter: the focus is on "Do not run"
        await wait_for_screen(pilot, "ProductionScreen")
        assert "not confirmed" in text_of(app, "#check-status")
        assert panel.last_result is None
        await pilot.press("f7")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("tab", "enter")  # Enter on the risky button is refused
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen" and panel.last_result is None
        assert "press y" in text_of(app, "#confirm-hint")
        await pilot.press("y")  # the deliberate key
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the transaction")
        assert panel.last_result is not None and panel.last_result.passed
        assert app.checklist()["production.single_transaction"].status is ItemStatus.DONE


async def test_golive_is_held_until_overridden_with_a_reason(sandbox: SandboxServer) -> None:
    file = sandbox_session(sandbox, "golive")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "GoLiveScreen")
        assert "Held" in text_of(app, "#gate-text")
        assert app.screen.query_one("#golive-actions").disabled
        app.screen.query_one("#override", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        await pilot.press("enter")  # no reason: refused
        await pilot.pause()
        assert "reason is needed" in text_of(app, "#reason-error")
        await pilot.press(*"CAB approved", "enter")
        await wait_for_screen(pilot, "GoLiveScreen")
        assert "overridden by Ada Tester" in text_of(app, "#gate-text")
        assert not app.screen.query_one("#golive-actions").disabled
    session = reload(file)
    assert [(o.gate, o.reason, o.by) for o in session.gate_overrides] == [
        ("golive", "CAB approved", "Ada Tester")
    ]


async def test_quitting_with_a_test_running_asks_first(sandbox: SandboxServer) -> None:
    sandbox.set_faults(hang_s=30)
    file = sandbox_session(sandbox, "staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.running, 10, "the run to start")
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "live test is running" in text_of(app, ".dialog-text")
        await pilot.press("escape")  # keep running
        await wait_for_screen(pilot, "StagingScreen")
        assert panel.running
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, "ConfirmScreen")
        app.screen.query_one("#confirm", Button).press()
        await wait_for(pilot, lambda: not panel.running, 20, "the cancel on quit")
    assert app.return_code == 0


async def test_a_hand_set_production_setting_is_not_shown_as_a_run() -> None:
    """The live-test panel shows where the tests stand: an endpoint a person marked in progress
    is no run, so the panel says who set it and that no run is recorded."""
    from golive.session.checklist import set_item_status

    file = make_session(step="production", countries={"DE": "DE136695976"})
    set_item_status(file.session, "environment.endpoint", ItemStatus.IN_PROGRESS, by="Ada Tester")
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ProductionScreen")
        app.screen.query_one(CheckPanel).show_last_evidence()
        shown = text_of(app, "#check-status")
        assert "in_progress (set by Ada Tester; no run recorded)" in shown
