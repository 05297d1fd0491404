"""`golive demo`, walked with the keyboard only: from the start screen through every step to the
review, running the live tests against the in-process sandbox on the way."""

from __future__ import annotations

import pytest
from tests.tui_fixtures import SIZE, reload, text_of, wait_for, wait_for_screen
from textual.widgets import Button

from golive.session.evidence import read
from golive.session.model import ItemStatus
from golive.tui.app import SessionSource, WizardApp
from golive.tui.launch import demo_session_path
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.sidebar import STEPS

STEP_SCREENS = [
    "CredentialsScreen",
    "EnvironmentScreen",
    "ComplianceScreen",
    "MonitoringScreen",
    "StagingScreen",
    "ProductionScreen",
    "GoLiveScreen",
    "PostDeploymentScreen",
    "RollbackScreen",
    "SupportScreen",
    "ReviewScreen",
]


@pytest.fixture(autouse=True)
def _demo_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # the demo puts its secret in this process's environment: undo it after the test
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "")
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", "")


async def run_and_wait(pilot, key: str, suite_item: str | None = None) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    panel = app.screen.query_one(CheckPanel)
    before = panel.last_result
    await pilot.press(key)
    if await _confirm_shown(pilot, panel, before):
        await pilot.press("y")  # "⚠ Run in production (press y)"
    await wait_for(pilot, lambda: panel.last_result is not before, 90, f"the {key} run")
    assert panel.last_result is not None
    assert panel.last_result.passed, text_of(app, "#check-advice")


async def _confirm_shown(pilot, panel: CheckPanel, before: object) -> bool:  # type: ignore[no-untyped-def]
    """Whether the key asked for a confirmation: waits until it did, or the run started or ended
    (however slowly the app reacts on a loaded machine)."""

    def asking() -> bool:
        return pilot.app.screen.__class__.__name__ == "ConfirmScreen"

    await wait_for(
        pilot,
        lambda: asking() or panel.running or panel.last_result is not before,
        60,
        "the run or its confirmation",
    )
    return asking()


async def test_keyboard_only_walk_of_the_demo_with_live_tests() -> None:
    app = WizardApp(SessionSource(kind="start"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StartScreen")
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, "CredentialsScreen", 60)
        assert app.session.is_demo()
        assert "DEMO" in text_of(app, "#topbar-title")
        for index, name in enumerate(STEP_SCREENS):
            await wait_for_screen(pilot, name, 30)
            assert app.session.meta.current_step == STEPS[index].id
            if name == "StagingScreen":
                await run_and_wait(pilot, "f5")  # smoke tests
            elif name == "ProductionScreen":
                await run_and_wait(pilot, "f5")  # connectivity
                # the production gate waits for every pre-deployment item, which this walk
                # does not tick: the transaction goes ahead on an override recorded as a user
                # records it (the green walk, test_demo_green_walk, needs none)
                app.screen.query_one("#override", Button).press()
                await wait_for_screen(pilot, "ReasonScreen")
                await pilot.press(*"demo walk: the live tests only", "enter")
                await wait_for_screen(pilot, "ProductionScreen")
                assert "overridden by" in text_of(app, "#gate-text")
                await run_and_wait(pilot, "f7")  # the single transaction, confirmed
            if name != "ReviewScreen":
                await pilot.press("ctrl+n")
        readiness = text_of(app, "#readiness")
        assert "production" in readiness
        checklist = app.checklist()
        for item_id in (
            "staging.smoke_tests",
            "production.connectivity",
            "production.single_transaction",
        ):
            assert checklist[item_id].status is ItemStatus.DONE, item_id
        await pilot.press("ctrl+q")
        await pilot.pause()
    path = demo_session_path()
    session = reload(path)
    assert session.meta.current_step == "review"
    assert session.meta.demo
    kinds = [r.kind for r in read(path.with_name("demo.evidence.jsonl")).records]
    assert kinds == ["check.smoke", "check.connectivity", "check.transaction"]
    assert [(o.gate, o.reason) for o in session.gate_overrides] == [
        ("production", "demo walk: the live tests only")
    ]
    # the demo secret never reaches the disk
    assert "golive-demo-secret" not in path.read_text()
