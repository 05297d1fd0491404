"""Safe by default: a confirmation of an action with effects outside golive opens on the safe
choice, names the risky button as risky in words, and only its key (y) goes ahead — a stray
Enter, or Tab then Enter, never runs the rollback, the pilot or the test alert."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    make_session,
    reload,
    text_of,
    wait_for,
    wait_for_screen,
)
from textual.app import App
from textual.widgets import Button

from golive.session.model import GateOverride
from golive.session.sections import AffectedCustomer, PilotCustomer
from golive.tui.screens.confirm import ConfirmScreen


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


class _Host(App[None]):
    def __init__(self, screen: ConfirmScreen) -> None:
        super().__init__()
        self.dialog = screen
        self.answers: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


async def test_a_risky_dialog_opens_on_the_safe_choice_and_says_which_key_goes_ahead() -> None:
    host = _Host(
        ConfirmScreen("Roll back?", confirm="Roll back now", cancel="Not now", danger=True)
    )
    async with host.run_test() as pilot:
        await pilot.pause()
        dialog = host.dialog
        assert host.focused is dialog.query_one("#cancel", Button)
        risky = dialog.query_one("#confirm", Button)
        assert str(risky.label) == "⚠ Roll back now (press y)"
        hint = str(dialog.query_one("#confirm-hint").content)  # type: ignore[attr-defined]
        assert "press y" in hint and "Enter alone does not" in hint
        await pilot.press("tab", "enter")  # reach the risky button and press Enter: refused
        await pilot.pause()
        assert host.focused is risky and host.answers == []
        assert "Enter does not go ahead here: press y" in str(
            dialog.query_one("#confirm-hint").content  # type: ignore[attr-defined]
        )
        await pilot.press("y")
        await pilot.pause()
    assert host.answers == [True]


async def test_a_stray_enter_on_a_risky_dialog_cancels() -> None:
    host = _Host(ConfirmScreen("Send?", confirm="Send", danger=True))
    async with host.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert host.answers == [False]


async def test_a_click_on_the_risky_button_goes_ahead() -> None:
    host = _Host(ConfirmScreen("Send?", confirm="Send", danger=True))
    async with host.run_test() as pilot:
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
    assert host.answers == [True]


async def test_a_harmless_dialog_keeps_enter_on_yes() -> None:
    host = _Host(ConfirmScreen("Quit?", confirm="Quit"))
    async with host.run_test() as pilot:
        await pilot.pause()
        assert host.focused is host.dialog.query_one("#confirm", Button)
        await pilot.press("y")  # no key shortcut on an ordinary question
        await pilot.pause()
        assert host.answers == []
        await pilot.press("enter")
        await pilot.pause()
    assert host.answers == [True]


def _rollback_session(tmp_path: Path) -> tuple[object, Path]:
    marker = tmp_path / "disabled.txt"
    file = make_session(step="rollback")
    plan = file.session.rollback
    plan.disable_method = "command"
    plan.disable_command = [
        sys.executable,
        "-c",
        f"open({str(marker)!r}, 'w').write('off')",
    ]
    plan.notify = [AffectedCustomer(customer="ACME GmbH", contact="Ann", email="ann@acme.example")]
    file.save()
    return file, marker


async def test_tab_then_enter_on_the_rollback_step_does_not_roll_back(tmp_path: Path) -> None:
    file, marker = _rollback_session(tmp_path)
    app = app_for(file)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "RollbackScreen")
        app.screen.query_one("#start-rollback", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        await pilot.press(*"errors", "enter")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "⚠ Roll back now (press y)" in str(app.screen.query_one("#confirm", Button).label)
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"  # still asking
        assert "press y" in text_of(app, "#confirm-hint")
        assert not marker.exists()
        assert app.session.rollback.started_at is None
        await pilot.press("escape")
        await wait_for_screen(pilot, "RollbackScreen")
        assert not marker.exists() and app.session.rollback.started_at is None
        # the deliberate key does roll back
        app.screen.query_one("#start-rollback", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        await pilot.press(*"errors", "enter")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, marker.exists, 20, "the disable command")
        await wait_for(
            pilot, lambda: "rollback started" in text_of(app, "#rollback-result"), 20, "the result"
        )
    assert marker.read_text() == "off"
    assert reload(file).rollback.started_at is not None  # type: ignore[arg-type]


async def test_a_stray_enter_does_not_enable_the_pilot() -> None:
    file = make_session(step="golive")
    file.session.targets.pilot_min = 1
    file.session.golive.pilot_customers = [PilotCustomer(name="ACME GmbH", countries=["DE"])]
    file.session.gate_overrides.append(
        GateOverride(gate="golive", reason="CAB approved", by="Ada Tester", at=datetime.now(UTC))
    )
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "GoLiveScreen")
        enable = app.screen.query_one("#pilot-enable", Button)
        enable.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "GoLiveScreen")
        assert app.session.golive.pilot_enabled_at is None
        enable.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for_screen(pilot, "GoLiveScreen")
        await wait_for(pilot, lambda: "pilot enabled" in text_of(app, "#golive-result"), 10)
        assert app.session.golive.pilot_enabled_at is not None


async def test_the_test_alert_is_sent_only_with_the_key() -> None:
    file = make_session(step="monitoring")
    file.session.monitoring.alerting.channel = "email"
    file.session.monitoring.alerting.email_recipients = ["ops@acme.example"]
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "MonitoringScreen")
        button = app.screen.query_one("#test-alert", Button)
        button.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "email" in text_of(app, ".dialog-text")
        await pilot.press("enter")
        await wait_for_screen(pilot, "MonitoringScreen")
        assert text_of(app, "#monitoring-result") == "Not sent: the test alert was not confirmed."
        button.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for_screen(pilot, "MonitoringScreen")
        await wait_for(
            pilot,
            lambda: text_of(app, "#monitoring-result") not in ("", "checking…"),
            20,
            "the test alert",
        )
        assert "Not sent" not in text_of(app, "#monitoring-result")


async def test_a_stray_enter_does_not_open_a_rollout_stage() -> None:
    from golive.ops.rollout import plan_default_stages

    file = make_session(step="golive")
    file.session.golive.pilot_enabled_at = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    file.session.gate_overrides.append(
        GateOverride(gate="golive", reason="CAB approved", by="Ada Tester", at=datetime.now(UTC))
    )
    plan_default_stages(file.session)
    file.save()
    first = file.session.golive.rollout[0].name
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "GoLiveScreen")
        button = app.screen.query_one("#stage-open", Button)
        button.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        assert f"⚠ Open {first} (press y)" in str(app.screen.query_one("#confirm", Button).label)
        await pilot.press("enter")
        await wait_for_screen(pilot, "GoLiveScreen")
        assert app.session.golive.rollout[0].opened_at is None
        button.press()
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        # no watch figures yet: golive asks why it should open anyway
        await wait_for_screen(pilot, "ReasonScreen")
        await pilot.press(*"pilot quiet for 48 h", "enter")
        await wait_for_screen(pilot, "GoLiveScreen")
        await wait_for(pilot, lambda: app.session.golive.rollout[0].opened_at is not None, 10)
