"""The wizard in a small terminal, resized during a live test, with long pasted text, and after
every network fault: always usable, nothing lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.tui_fixtures import (
    app_for,
    environment_for,
    make_session,
    reload,
    text_of,
    wait_for,
    wait_for_screen,
)
from textual import events
from textual.widgets import Button, Select, Switch, TextArea

from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.evidence import read
from golive.session.model import RetryPolicy, Timeouts
from golive.session.store import SessionFile
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.checklist import ChecklistTable
from golive.tui.widgets.sidebar import STEP_IDS
from golive.tui.widgets.step_list import StepList

SMALL = [(80, 24), (60, 20)]
FOCUSABLE_IN_MAIN = (
    "#main Input, #main Select, #main Switch, #main TextArea, #main DataTable, #main Button"
)

# Controls too narrow to use, found by this test and fixed in the wizard (226c56b): none left.
NARROW: dict[tuple[int, int, str], str] = {}


def _cases() -> Iterator[Any]:
    for width, height in SMALL:
        for step in STEP_IDS:
            marks = []
            if (width, height, step) in NARROW:
                marks.append(
                    pytest.mark.xfail(
                        strict=True, reason="bug (wizard): " + NARROW[(width, height, step)]
                    )
                )
            yield pytest.param(width, height, step, marks=marks, id=f"{width}x{height}-{step}")


def _unusable(app: Any, control: Any) -> str:
    """Why a focused control cannot be used, or ''."""
    region = control.region  # the part on screen
    if region.height < 1 or region.width < 1:
        return "not on screen when focused"
    if isinstance(control, Button):
        if region.width < control.outer_size.width:
            return f"cut: {region.width} of {control.outer_size.width} columns shown"
        return ""
    if isinstance(control, Switch):
        return ""
    if control.content_region.width < 10:
        return f"{control.content_region.width} columns wide"
    return ""


@pytest.mark.parametrize(("width", "height", "step"), list(_cases()))
async def test_every_step_is_usable_in_a_small_terminal(width: int, height: int, step: str) -> None:
    """The sidebar shows every step, the main area is wide enough to read, and every control of
    the step, focused, is on screen and wide enough to use."""
    file = make_session(step=step, countries={"DE": "DE136695976", "MX": ""})
    app = app_for(file)
    async with app.run_test(size=(width, height)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ != "OpeningScreen", 20)
        await pilot.pause(0.2)
        screen = app.screen
        steps = screen.query_one("#step-list", StepList)
        # below 80 columns the sidebar folds to each step's symbol and number (issue 16)
        assert steps.region.width >= (20 if width >= 80 else 5)
        assert steps.option_count == len(STEP_IDS)
        assert steps.region.height >= len(STEP_IDS), "every step visible in the sidebar"
        assert screen.query_one("#main").region.width >= 30
        problems = []
        controls = [c for c in screen.query(FOCUSABLE_IN_MAIN) if c.focusable]
        assert controls, "a step has controls"
        for control in controls:
            control.focus()
            await pilot.pause()
            why = _unusable(app, control)
            if why:
                problems.append(f"{type(control).__name__}#{control.id} in {control.parent}: {why}")
        assert not problems, "\n".join(problems)


# --- live tests: resizing, faults -------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.02)) as server:
        yield server


@pytest.fixture(autouse=True)
def _secrets(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", sandbox.client_secret.get_secret_value())
    sandbox.reset_faults()
    yield
    sandbox.reset_faults()


def _staging_session(server: SandboxServer) -> SessionFile:
    file = make_session(step="staging", countries={"DE": "DE136695976", "MX": ""}, demo=True)
    environment = environment_for(server.url, server.company, str(server.ca_bundle))
    environment.timeouts = Timeouts(connect=1, read=1, write=1, pool=1)
    environment.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05)
    file.session.environments.staging = environment
    file.save()
    return file


async def test_resizing_during_a_live_test(sandbox: SandboxServer) -> None:
    sandbox.set_faults(latency_ms=400)
    file = _staging_session(sandbox)
    app = app_for(file)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.running, 10, "the run to start")
        for size in [(80, 24), (60, 20), (200, 60), (61, 21), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.1)
            assert app.size == size
            # below 80 columns the sidebar folds to its symbols (issue 16)
            folded = size[0] < 80
            assert app.screen.query_one("#step-list").region.width >= (5 if folded else 20)
        # resizing must not stop the run: it ends passed, not cancelled (whether it was still
        # running after the last resize depends on the machine's load, so that is not asserted)
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the smoke tests")
        assert panel.last_result is not None and panel.last_result.passed
        assert "passed" in text_of(app, "#check-status")
        assert app.return_code is None and app._exception is None
    assert read(file.evidence_path).records[-1].outcome == "passed"


FAULTS: list[tuple[str, dict[str, Any], str]] = [
    ("401", {"fail_auth": True}, "authentication"),
    ("403 company", {"unknown_companies": ("DEMO-001",)}, "company"),
    ("429", {"rate_limit": 100, "retry_after_s": 0}, "429"),
    ("503", {"transient_503": 100}, "503"),
    ("hang", {"hang_s": 3, "endpoints": ("ping",)}, "answer"),
    ("malformed", {"malformed": True, "endpoints": ("token",)}, "JSON"),
    ("clearance rejected", {"reject_countries": ("MX",)}, "CFDI"),
]


async def test_the_wizard_stays_usable_after_every_network_fault(sandbox: SandboxServer) -> None:
    """One wizard, every fault in turn through the staging step's live-test panel: each shows
    its advice, then help opens, steps switch and the next run starts."""
    file = _staging_session(sandbox)
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        for name, faults, words in FAULTS:
            sandbox.reset_faults()
            sandbox.set_faults(**faults)
            panel = app.screen.query_one(CheckPanel)
            panel.last_result = None
            await pilot.press("f5")
            await wait_for(pilot, lambda p=panel: p.last_result is not None, 60, name)
            status = text_of(app, "#check-status")
            advice = text_of(app, "#check-advice")
            assert status.startswith("✗"), (name, status)
            assert "what to do" in advice, (name, advice)
            assert words in status + advice + _log(panel), (name, status, advice)
            # still usable: help, another step and back, a key typed into a field
            await pilot.press("f1")
            await wait_for_screen(pilot, "HelpScreen")
            await pilot.press("escape")
            await wait_for_screen(pilot, "StagingScreen")
            await pilot.press("ctrl+n")
            await wait_for_screen(pilot, "ProductionScreen")
            await pilot.press("ctrl+b")
            await wait_for_screen(pilot, "StagingScreen")
        sandbox.reset_faults()
        panel = app.screen.query_one(CheckPanel)
        panel.last_result = None
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the run after")
        assert panel.last_result is not None and panel.last_result.passed
        await app.workers.wait_for_complete()
    log = read(file.evidence_path)
    assert log.chain_ok and len(log.records) == len(FAULTS) + 1
    reload(file)  # the session loads


def _log(panel: CheckPanel) -> str:
    from textual.widgets import RichLog

    return "\n".join(line.text for line in panel.query_one(RichLog).lines)


# --- pasting long text --------------------------------------------------------------------------

LONG = ("Pasted from the runbook: ünïcödé, 東京, «quotes» — " * 250)[:10_000]


async def test_pasting_10000_characters_into_an_item_note() -> None:
    file = make_session(step="credentials")
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        table = app.screen.query_one(ChecklistTable)
        table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, "ItemScreen")
        note = app.screen.query_one("#note", TextArea)
        note.focus()
        await pilot.pause()
        note.text = ""
        started = time.perf_counter()
        app.post_message(events.Paste(LONG))
        await wait_for(pilot, lambda: note.text == LONG, 10, "the paste")
        pasted_in = time.perf_counter() - started
        await pilot.press("!")  # typing after it still works
        await pilot.pause()
        assert note.text == LONG + "!"
        app.screen.query_one("#status", Select).value = "in_progress"
        await pilot.pause()
        await pilot.click("#save")
        await wait_for_screen(pilot, "CredentialsScreen")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: reload(file).items["credentials.obtained"].note == LONG + "!", 20
        )
    assert reload(file).items["credentials.obtained"].note == LONG + "!"
    assert pasted_in < 2.0, pasted_in


async def test_pasting_several_lines_into_an_item_note_loses_nothing() -> None:
    text = "line one of the note\nline two\nline three"
    file = make_session(step="credentials")
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        app.screen.query_one(ChecklistTable).focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, "ItemScreen")
        note = app.screen.query_one("#note", TextArea)
        note.focus()
        await pilot.pause()
        note.text = ""
        app.post_message(events.Paste(text))
        await wait_for(pilot, lambda: note.text == text, 20, "the paste")
        assert note.text == text  # the item note was a one-line Input that kept line one only
        app.screen.query_one("#status", Select).value = "in_progress"
        await pilot.pause()
        await pilot.click("#save")
        await wait_for_screen(pilot, "CredentialsScreen")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: reload(file).items["credentials.obtained"].note == text, 20)
    assert reload(file).items["credentials.obtained"].note == text


async def test_pasting_10000_characters_into_a_multiline_field_is_autosaved() -> None:
    file = make_session(step="rollback")
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "RollbackScreen")
        area = app.screen.query_one("#f-rollback-manual-steps #control", TextArea)
        area.focus()
        await pilot.pause()
        text = "\n".join(LONG[i : i + 100] for i in range(0, len(LONG), 100))
        app.post_message(events.Paste(text))
        await wait_for(pilot, lambda: area.text == text, 10, "the paste")
        # typing after a long paste still lands (how fast is the keystroke benchmark's job:
        # a timed assertion here failed on a loaded machine)
        await pilot.press("x")
        await wait_for(pilot, lambda: area.text.endswith("x") or "x" in area.text, 5, "a key")
        await wait_for(
            pilot, lambda: "saved" in app.save_state and "unsaved" not in app.save_state, 10
        )
    saved = reload(file).rollback.manual_steps
    assert len(saved) == len(text) + 1 and "x" in saved
