"""The wizard and its session file: resume where the user left (drafts included), autosave,
a failed save shown with its reason and nothing lost, quitting that asks first, the lock, the
start screen, and the commands that open the wizard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    field_input,
    make_session,
    reload,
    text_of,
    type_into,
    unfold,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, DataTable, Input, Select

from golive.session.lock import SessionLock
from golive.session.store import SessionFile, resolve
from golive.tui.app import SessionSource, WizardApp
from golive.tui.widgets.step_list import StepList


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_resume_lands_on_the_step_left_with_values_and_drafts() -> None:
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        await type_into(pilot, field_input(app, "credentials.vault.product"), "HashiCorp Vault")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "EnvironmentScreen")
        await type_into(pilot, field_input(app, "environments.staging.client_id"), "stg-client")
        await unfold(pilot, app, "fold-connection-staging")
        await type_into(pilot, field_input(app, "environments.staging.timeouts.read"), "abc")
        await type_into(pilot, field_input(app, "environments.staging.base_url"), "ftp://nope")
        select = app.screen.query_one("#f-environments-staging-company-role #control", Select)
        select.value = "B"
        await pilot.pause()
        await pilot.press("ctrl+q")  # saves on the way out
        await pilot.pause()
    assert app.return_code == 0
    assert not SessionLock(file.path).path.exists()

    again = app_for(file)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "EnvironmentScreen")
        assert field_input(again, "environments.staging.client_id").value == "stg-client"
        assert field_input(again, "environments.staging.timeouts.read").value == "abc"
        assert field_input(again, "environments.staging.base_url").value == "ftp://nope"
        # a draft shows its errors again at once
        errors = again.screen.query_one("#f-environments-staging-timeouts-read .field-error")
        assert "valid number" in str(errors.content)  # type: ignore[attr-defined]
        assert again.session.environments.staging.company_role == "B"
        await pilot.press("ctrl+b")
        await wait_for_screen(pilot, "CredentialsScreen")
        assert field_input(again, "credentials.vault.product").value == "HashiCorp Vault"
        # the sidebar says the environment step needs attention (its drafts)
        steps = again.screen.query_one("#step-list", StepList)
        assert str(steps.prompt_of("environment")).startswith(" !")


async def test_autosave_after_a_change_and_the_header_says_so() -> None:
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        await type_into(pilot, field_input(app, "credentials.vault.path"), "kv/acme")
        assert app.save_state == "unsaved changes"
        await wait_for(pilot, lambda: app.save_state.startswith("saved "), 5, "the autosave")
        assert reload(file).credentials.vault.path == "kv/acme"
        assert "saved" in text_of(app, "#save-state")


async def test_a_failed_save_is_shown_and_nothing_in_memory_is_lost() -> None:
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        # someone else changes the same value: saving would overwrite their work, so it refuses
        # (a change of another value is merged; see test_session_store)
        other = SessionFile.open(file.path)
        other.session.credentials.vault.path = "kv/elsewhere"
        other.save()
        await type_into(pilot, field_input(app, "credentials.vault.path"), "kv/acme")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.save_state.startswith("save failed:")
        assert "changed by someone else" in app.save_state
        assert app.session.credentials.vault.path == "kv/acme"
        assert any("Not saved" in (n.title or "") for n in app._notifications)
        # quitting asks first, and staying keeps everything
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "Saving failed" in text_of(app, ".dialog-text")
        await pilot.press("enter")  # the focused, safe button: stay
        await wait_for_screen(pilot, "CredentialsScreen")
        assert app.session.credentials.vault.path == "kv/acme"
    assert reload(file).credentials.vault.path == "kv/elsewhere"


@pytest.fixture
def locked_session() -> Iterator[SessionFile]:
    """A session held open by another process (a real flock, as another golive holds it)."""
    file = make_session()
    holder = (
        "import sys, time; from pathlib import Path; from golive.session.lock import SessionLock; "
        "SessionLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", holder, str(file.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        file.other_pid = other.pid  # type: ignore[attr-defined]
        yield file
    finally:
        other.kill()
        other.wait()


async def test_a_locked_session_offers_read_only(locked_session: SessionFile) -> None:
    file = locked_session
    lock_file = SessionLock(file.path).path
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ConfirmScreen")
        question = text_of(app, ".dialog-text")
        assert f"process {file.other_pid}" in question and "read-only" in question  # type: ignore[attr-defined]
        app.screen.query_one("#confirm", Button).press()
        await wait_for_screen(pilot, "CredentialsScreen")
        assert app.read_only
        assert "read-only" in app.save_state
        await type_into(pilot, field_input(app, "credentials.vault.path"), "kv/x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert reload(file).credentials.vault.path == ""
    assert lock_file.exists()  # still the other golive's


async def test_start_screen_lists_recent_sessions_and_creates_one() -> None:
    make_session("first", title="First go-live", customer="First Co")
    app = WizardApp(SessionSource(kind="start"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StartScreen")
        table = app.screen.query_one("#recent", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, 10, "the recent sessions")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "First go-live" and row[1] == "First Co" and "/" in row[2]
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "NewSessionScreen")
        app.screen.query_one("#new-name", Input).value = "bad name!"
        app.screen.query_one("#create", Button).press()
        await pilot.pause()
        assert "not a usable session name" in text_of(app, "#new-error")
        app.screen.query_one("#new-name", Input).value = "second"
        app.screen.query_one("#new-countries", Input).value = "DE, MX"
        app.screen.query_one("#create", Button).press()
        await wait_for_screen(pilot, "CredentialsScreen")
        assert app.session.active_countries() == ["DE", "MX"]
    assert resolve("second").exists()


async def test_start_screen_opens_a_file_by_path(tmp_path: Path) -> None:
    file = make_session("elsewhere", step="support")
    app = WizardApp(SessionSource(kind="start"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StartScreen")
        await pilot.press("ctrl+o")
        await pilot.press(*str(tmp_path / "missing.toml"), "enter")
        await pilot.pause()
        assert "no session file" in text_of(app, "#start-error")
        app.screen.query_one("#open-path", Input).value = str(file.path)
        await pilot.press("enter")
        await wait_for_screen(pilot, "SupportScreen")


async def test_a_damaged_file_is_explained_not_a_traceback(golive_home: Path) -> None:
    path = golive_home / "sessions" / "broken.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("schema_version = 2\n[meta]\ncurrent_step = 'support'\nbogus = 1\n")
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "✗" in text_of(app, "#opening-message"), 10, "the error")
        message = text_of(app, "#opening-message")
        assert "unknown key" in message and "ctrl+q" in message
        await pilot.press("ctrl+q")
    assert app.return_code == 2  # as the command line says a bad session file


async def test_a_session_name_not_found_is_said_in_the_wizard() -> None:
    from golive.tui.launch import source_for_reference

    app = WizardApp(source_for_reference("nope"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "✗" in text_of(app, "#opening-message"), 10, "the error")
        assert "no session file" in text_of(app, "#opening-message")
        await pilot.press("ctrl+q")
    assert app.return_code == 2


def test_the_wizard_commands_need_a_terminal(run_golive) -> None:  # type: ignore[no-untyped-def]
    make_session()
    result = run_golive("resume", "acme")
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_golive("resume", "nope.toml")
    assert missing.returncode == 2 and "no session file" in missing.stderr
    # without a terminal, SESSION is checked first: the clearer message
    named = run_golive("resume", "nope")
    assert named.returncode == 2 and "no session file" in named.stderr
    bad = run_golive("resume", "../escape")
    assert bad.returncode == 2 and "session name" in bad.stderr
    assert run_golive("demo").returncode == 2


async def test_a_conflict_is_resolved_by_keeping_mine_or_taking_the_file() -> None:
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        other = SessionFile.open(file.path)
        other.session.credentials.vault.path = "kv/other"
        other.save()
        await type_into(pilot, field_input(app, "credentials.vault.path"), "kv/mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.save_state.startswith("save failed:")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keep my version" in commands and "Take the file's version" in commands
        app.keep_my_version()
        assert "over the other change" in app.save_state
        assert reload(file).credentials.vault.path == "kv/mine"
        # and the other way: take the file's version, the screens show it
        other = SessionFile.open(file.path)
        other.session.credentials.vault.path = "kv/theirs"
        other.save()
        await type_into(pilot, field_input(app, "credentials.vault.product"), "Mine")
        await type_into(pilot, field_input(app, "credentials.vault.path"), "kv/mine-again")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.save_state.startswith("save failed:")
        app.take_file_version()
        await wait_for_screen(pilot, "CredentialsScreen")
        await wait_for(
            pilot,
            lambda: field_input(app, "credentials.vault.path").value == "kv/theirs",
            5,
            "the reloaded value",
        )
        assert app.session.credentials.vault.product == ""
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "EnvironmentScreen")
        await wait_for(pilot, lambda: app.save_state.startswith("saved"), 20, "the save")
        assert app.save_state.startswith("saved")
