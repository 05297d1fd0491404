"""The Go-live screen reads a checkpoint's figures with the same NAME=NUMBER rule as the CLI's
--figure (golive.session.figures): the same text is refused with the same words, and nothing is
recorded."""

from __future__ import annotations

from tests.tui_fixtures import (
    SIZE,
    app_for,
    make_session,
    reload,
    text_of,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, Input

from golive.ops.pilot import add_pilot_customer, enable_pilot


async def test_a_figure_that_is_not_a_number_is_refused_with_the_clis_words() -> None:
    file = make_session(step="golive", countries={"DE": "DE136695976"})
    add_pilot_customer(file.session, "ACME", contact="ops@acme.example")
    enable_pilot(file.session, file.path, override="test: the pilot's figures only")
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "GoLiveScreen")
        app.screen.query_one("#checkpoint-figures", Input).value = "calls=many"
        app.screen.query_one("#checkpoint-record", Button).press()
        await wait_for(
            pilot, lambda: "not a number" in text_of(app, "#golive-result"), 10, "the refusal"
        )
        shown = text_of(app, "#golive-result")
        assert "'calls=many': 'many' is not a number" in shown
        assert "error_rate_pct=0.4" in shown  # the example the CLI gives too
    assert all(not c.figures for c in reload(file).golive.checkpoints)
