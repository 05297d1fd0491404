"""Two terminals on one session: the wizard open in one, golive commands in the other."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from tests.tui_fixtures import app_for, make_session, wait_for, wait_for_screen
from textual.widgets import Input

from conftest import RunGolive
from golive.session import store
from golive.session.lock import SessionLock

ROOT = Path(__file__).resolve().parent.parent


def test_reading_commands_work_while_the_session_is_open_elsewhere(
    run_golive: RunGolive, golive_home: Path, tmp_path: Path
) -> None:
    assert run_golive("new", "acme", "--no-tui", "--countries", "DE").returncode == 0
    path = golive_home / "sessions" / "acme.toml"
    before = path.read_bytes()
    with SessionLock(path):
        for argv in (
            ["status", "acme"],
            ["status", "acme", "--json"],
            ["validate", "acme"],
            ["export", "acme", "--format", "md", "-o", str(tmp_path / "r.md")],
        ):
            result = run_golive(*argv)
            assert result.returncode == 0, (argv, result.stderr)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["item", "acme", "credentials.vault", "--status", "done"],
        ["countries", "acme", "add", "FR"],
        ["check", "acme", "--env", "staging", "--suite", "connectivity"],
        ["deploy", "acme", "--env", "staging", "--version", "v1"],
    ],
)
def test_a_command_that_writes_is_told_the_session_is_open_in_the_wizard(
    run_golive: RunGolive, golive_home: Path, argv: list[str]
) -> None:
    assert run_golive("new", "acme", "--no-tui", "--countries", "DE").returncode == 0
    path = golive_home / "sessions" / "acme.toml"
    before = path.read_bytes()
    with SessionLock(path):  # this process is "the wizard"
        result = run_golive(*argv)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert f"host {socket.gethostname()}" in said and f"process {os.getpid()}" in said, said
    assert path.read_bytes() == before


async def test_the_wizard_keeps_its_changes_and_the_others_after_an_outside_edit() -> None:
    # another golive cannot save while the wizard holds the lock (tested above); an editor can:
    # the wizard's next save merges, keeping both
    file = make_session(step="credentials")
    app = app_for(file)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        text = file.path.read_text("utf-8")
        assert 'partner = ""' in text
        file.path.write_text(text.replace('partner = ""', 'partner = "edited by hand"'), "utf-8")
        field = app.screen.query_one("#f-credentials-vault-product #control", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"Vault")
        await pilot.press("ctrl+s")
        await pilot.pause(0.5)
        await pilot.press("ctrl+s")  # whatever the wizard asks, saving again must keep both
        await wait_for(pilot, lambda: "saved" in app.save_state, 5, "a save")
        # the screens show the merged session
        await wait_for(pilot, lambda: app.session.meta.partner == "edited by hand", 5, "merge")
        await wait_for_screen(pilot, "CredentialsScreen")
        assert any(n.title == "Merged" and "meta.partner" in n.message for n in app._notifications)
        rebuilt = app.screen.query_one("#f-credentials-vault-product #control", Input)
        assert rebuilt.value == "Vault"
    session = store.load(file.path)
    assert session.meta.partner == "edited by hand"
    assert session.credentials.vault.product == "Vault"
