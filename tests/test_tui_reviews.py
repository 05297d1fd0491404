"""The Post-deployment step's review schedule: lay it out, tick one with a note (through
golive.ops.reviews), saved at once."""

from __future__ import annotations

from datetime import timedelta

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
from textual.widgets import Button, DataTable

from golive.session.clock import now
from golive.session.model import ItemStatus


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_post_deployment_lays_out_the_reviews_and_ticks_one_with_a_note() -> None:
    file = make_session(step="post")
    start = now().date() - timedelta(days=3)
    file.session.post_deployment.reviews_from = start
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "PostDeploymentScreen")
        assert "No schedule yet" in text_of(app, "#reviews-summary")
        app.screen.query_one("#review-tick", Button).press()
        await pilot.pause()
        assert "lay out the schedule" in text_of(app, "#reviews-result")
        app.screen.query_one("#reviews-generate", Button).press()
        await pilot.pause()
        assert text_of(app, "#reviews-result").startswith("✓ ")
        table = app.screen.query_one("#reviews", DataTable)
        # the open ones due by today (2 days overdue and today, 4 daily reviews each), the next 6
        assert table.row_count == 12 + 6
        assert [str(c) for c in table.get_row_at(0)] == [
            "Daily review of API usage metrics",
            str(start + timedelta(days=1)),
            "✗ overdue",
        ]
        assert "0 of 115 reviews ticked · 8 overdue" in text_of(app, "#reviews-summary")
        table.focus()
        table.move_cursor(row=1)
        await pilot.pause()
        app.screen.query_one("#review-tick", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        assert "Daily review of error logs" in text_of(app, ".dialog-text")
        await pilot.press(*"no new errors", "enter")
        await wait_for_screen(pilot, "PostDeploymentScreen")
        assert text_of(app, "#reviews-result").startswith("✓ ticked; 1 of 7 daily reviews done")
        assert "1 of 115 reviews ticked · 7 overdue" in text_of(app, "#reviews-summary")
        await wait_for(pilot, lambda: app.save_state.startswith("saved "), 5, "the save")
    session = reload(file)
    ticked = [o for o in session.post_deployment.reviews if o.done_at is not None]
    assert [(o.item, o.due, o.note, o.by) for o in ticked] == [
        ("post.week1.error_logs", start + timedelta(days=1), "no new errors", "Ada Tester")
    ]
    assert len(session.post_deployment.reviews) > 100  # a year of reviews
    item = session.items["post.week1.error_logs"]
    assert item.status is ItemStatus.IN_PROGRESS
