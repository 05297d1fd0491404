"""The wizard shows a hostile server's words escaped: no control characters or bidi overrides
reach the terminal through the check panel (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.hostile_server import HOSTILE_TEXT, HostileServer
from tests.tui_fixtures import (
    SIZE,
    app_for,
    environment_for,
    make_session,
    text_of,
    wait_for,
    wait_for_screen,
)
from textual.widgets import RichLog

from golive.session.text import is_unsafe
from golive.tui.widgets.check_panel import CheckPanel


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileServer]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "hostile-tui-secret-77aa")
    with HostileServer(lifetime_s=120) as server:
        yield server


async def test_the_check_panel_escapes_what_a_server_says(hostile: HostileServer) -> None:
    file = make_session(step="staging", countries={"DE": "DE136695976"}, demo=True)
    file.session.environments.staging = environment_for(hostile.url("hostile_errors"), "ACME")
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the smoke tests")
        await app.workers.wait_for_complete()
        log = "\n".join(line.text for line in panel.query_one(RichLog).lines)
        shown = "\n".join([log, text_of(app, "#check-status"), text_of(app, "#check-advice")])
    assert "DENIED" in shown, shown
    assert "\\x1b" in shown and "\\u202e" in shown, shown  # escaped, not dropped
    assert HOSTILE_TEXT not in shown
    assert not is_unsafe(shown.replace("\n", "")), repr(shown)
