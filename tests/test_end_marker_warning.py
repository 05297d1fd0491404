"""A session file written by another TOML tool (no `# end of golive session` line) opens with a
one-line warning: on stderr from the command line, as a notification in the wizard; the next
save writes the line back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w
from tests.tui_fixtures import SIZE, app_for, wait_for

from conftest import RunGolive
from golive.session import store
from session_factory import make_session


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def _scripted(golive_home: Path) -> Path:
    data = tomllib.loads(store.dumps(make_session()).decode())
    path = store.resolve("scripted")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data))  # what a user's script writes: no end line
    return path


def _last_line(path: Path) -> str:
    return path.read_text().rstrip().splitlines()[-1]


def test_the_cli_warns_once_on_stderr_and_a_save_writes_the_line_back(
    golive_in_process: RunGolive, golive_home: Path
) -> None:
    path = _scripted(golive_home)
    result = golive_in_process("status", "scripted")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert store.END_MARKER in warnings[0] and "cut off" in warnings[0]

    saved = golive_in_process("countries", "scripted", "add", "FR")
    assert saved.returncode == 0, saved.stderr
    assert _last_line(path) == store.END_MARKER
    again = golive_in_process("status", "scripted")
    assert again.returncode == 0 and "warning:" not in again.stderr


async def test_the_wizard_shows_the_warning_when_the_session_opens(golive_home: Path) -> None:
    path = _scripted(golive_home)
    app = app_for(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(
            pilot,
            lambda: any(n.title == "Session file" for n in app._notifications),
            what="the end-line warning",
        )
        (note,) = [n for n in app._notifications if n.title == "Session file"]
        assert store.END_MARKER in note.message and note.severity == "warning"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _last_line(path) == store.END_MARKER, what="the save")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert store.SessionFile.open(path).warnings == []
