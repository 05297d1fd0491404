"""The wizard's behaviour around its steps: a worker's failure said in words, where focus lands,
keys typed right after Tab, and what the step states and messages say."""

from __future__ import annotations

from typing import Any

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    field_input,
    make_session,
    text_of,
    type_into,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, Input


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_a_certificate_inspection_that_breaks_is_said_in_words_not_left_inspecting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import golive.certs

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("the parser fell over")

    monkeypatch.setattr(golive.certs, "inspect_certificate", broken)
    certificate = tmp_path / "some.cer"
    certificate.write_text("not a certificate")
    file = make_session(step="compliance", countries={"MX": "AAA010101AAA"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        app.screen.query_one("#country-open", Button).press()
        await wait_for_screen(pilot, "CountryScreen")
        await type_into(pilot, app.screen.query_one("#cert-path", Input), str(certificate))
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "inspecting" not in text_of(app, "#cert-state"), what="the failure"
        )
        state = text_of(app, "#cert-state")
        assert "it stopped" in state and "the parser fell over" in state
        assert "Traceback" not in state
        notes = [n for n in app._notifications if "it stopped" in n.title]
        assert notes and notes[0].title.startswith("Compliance")
        assert "What to do" in notes[0].message


async def test_keys_typed_right_after_tab_land_in_the_next_field() -> None:
    from textual import events

    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        first = field_input(app, "credentials.obtained_on")
        second = field_input(app, "credentials.expires_on")
        first.focus()
        await wait_for(pilot, lambda: app.focused is first, what="the first field's focus")
        driver = app._driver
        assert driver is not None
        # as a fast typist's keys arrive: all queued before the app handles the Tab
        for key, char in (("tab", "\t"), ("2", "2"), ("0", "0"), ("3", "3"), ("0", "0")):
            event = events.Key(key, char)
            event.set_sender(app)
            driver.send_message(event)
        await wait_for(pilot, lambda: second.value == "2030", what="the keys in the second field")
        assert first.value == ""


@pytest.mark.parametrize(
    ("step", "screen"),
    [
        ("compliance", "ComplianceScreen"),
        ("golive", "GoLiveScreen"),
        ("monitoring", "MonitoringScreen"),
        ("credentials", "CredentialsScreen"),
        ("environment", "EnvironmentScreen"),
    ],
)
async def test_a_step_opens_with_focus_on_its_first_field_or_list_never_a_button(
    step: str, screen: str
) -> None:
    from textual.widgets import DataTable

    file = make_session(step=step, countries={"MX": "AAA010101AAA"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, screen)
        await wait_for(pilot, lambda: app.focused is not None, what="the first focus")
        focused = app.focused
        assert not isinstance(focused, Button), f"{step}: focus on {focused!r}"
        assert app.screen.query_one("#main") in focused.ancestors
        if step == "compliance":
            assert isinstance(focused, DataTable)
        # the focused widget is on the screen (not scrolled out of sight)
        main = app.screen.query_one("#main")
        assert main.scrollable_content_region.contains_region(focused.region) or (
            focused.region.y < main.region.bottom
        )


async def test_valid_environment_fields_put_the_step_in_progress_and_next_says_what_is_open() -> (
    None
):
    from golive.tui.widgets.sidebar import StepState

    file = make_session(step="environment")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "EnvironmentScreen")
        assert app.step_states()["environment"] is StepState.NOT_STARTED
        await type_into(
            pilot, field_input(app, "environments.staging.base_url"), "https://sandbox.example.com"
        )
        await wait_for(
            pilot,
            lambda: app.session.environments.staging.base_url == "https://sandbox.example.com",
            what="the value",
        )
        states = app.step_states()
        assert states["environment"] is StepState.IN_PROGRESS
        # evidence-bound items are never ticked from fields
        assert not app.checklist()["environment.endpoint"].ready
        # a change on a step is no progress of the review's
        assert states["review"] is StepState.NOT_STARTED
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "ComplianceScreen")
        notes = [n for n in app._notifications if n.title == "Still open on Environment"]
        assert notes, [n.title for n in app._notifications]
        endpoint = app.checklist()["environment.endpoint"].text
        assert endpoint in notes[0].message


async def test_the_quit_dialog_does_not_say_a_test_runs_once_it_finished() -> None:
    import asyncio

    from golive.tui.widgets.check_panel import CheckPanel

    file = make_session(step="staging")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        release = asyncio.Event()

        async def winding_up() -> None:  # a run past its results (the trace being written)
            await release.wait()

        panel.finished = True
        panel.run_worker(winding_up(), group="checks", exit_on_error=False)
        await wait_for(pilot, lambda: any(w.is_running for w in app.workers), what="the worker")
        assert not app.running_checks()
        panel.finished = False  # while the test runs, quitting asks first
        assert app.running_checks()
        release.set()


async def test_a_monitoring_check_in_a_thread_never_changes_the_live_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading
    from types import SimpleNamespace

    from golive.ops import monitoring

    seen: list[tuple[bool, bool]] = []

    def check(session: Any, _path: Any) -> object:
        seen.append((session is app.session, threading.current_thread() is threading.main_thread()))
        session.meta.engineer = "Recorded by the check"
        return SimpleNamespace(summary="the log folder is writable", ok=True)

    monkeypatch.setattr(monitoring, "check_log_location", check)
    file = make_session(step="monitoring")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "MonitoringScreen")
        app.screen.query_one("#check-logs", Button).press()
        await wait_for(
            pilot, lambda: "writable" in text_of(app, "#monitoring-result"), what="the result"
        )
        # the check ran in its thread on a copy; the UI thread took what it recorded
        assert seen == [(False, False)]
        assert app.session.meta.engineer == "Recorded by the check"
        assert app.session.meta.title == "ACME go-live"


async def test_a_core_error_names_the_field_by_its_label_never_a_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from golive.ops import monitoring
    from golive.session.errors import BadInputError

    def check(_session: Any, _path: Any) -> object:
        raise BadInputError("the folder does not exist", where="monitoring.logging.location")

    monkeypatch.setattr(monitoring, "check_log_location", check)
    file = make_session(step="monitoring")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "MonitoringScreen")
        app.screen.query_one("#check-logs", Button).press()
        await wait_for(
            pilot, lambda: "does not exist" in text_of(app, "#monitoring-result"), what="the error"
        )
        shown = text_of(app, "#monitoring-result")
        label = app.screen.query_one("#f-monitoring-logging-location .field-label").render()
        assert f"{label}: the folder does not exist" in shown
        assert "--" not in shown and "monitoring.logging" not in shown
