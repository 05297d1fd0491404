"""The live-test log wraps long lines to the width it has: nothing is cut at 80 columns."""

from __future__ import annotations

import pytest
from rich.text import Text
from tests.tui_fixtures import app_for, make_session, wait_for_screen
from textual.widgets import RichLog


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_a_long_log_line_wraps_at_80_columns() -> None:
    file = make_session(step="staging")
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        log = app.screen.query_one("#check-log", RichLog)
        log.scroll_visible(animate=False)
        await pilot.pause()
        line = (
            "✓ transaction: GOLIVE-TEST-20260102-0304 for Mexico: New -> Delivered -> Approved "
            "by the authority (UUID 6F9619FF-8B86-D011-B42D-00C04FC964FF)"
        )
        log.write(Text(line))
        await pilot.pause()
        width = log.scrollable_content_region.width
        assert 0 < width < 78
        assert len(log.lines) > 1
        assert all(strip.cell_length <= width for strip in log.lines)
        shown = " ".join(strip.text.strip() for strip in log.lines)
        assert shown.split() == line.split()
