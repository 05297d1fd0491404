"""The Go-live step plans a rollout stage of the user's own (name, share, customers) through
golive.ops.rollout.plan_stage, saved at once."""

from __future__ import annotations

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    make_session,
    reload,
    text_of,
    type_into,
    wait_for_screen,
)
from textual.widgets import Button, DataTable, Input

from golive.session.checklist import override_gate


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_golive_plans_a_custom_rollout_stage() -> None:
    file = make_session(step="golive")
    override_gate(file.session, "golive", "CAB approved")
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "GoLiveScreen")
        assert not app.screen.query_one("#golive-actions").disabled
        await type_into(pilot, app.screen.query_one("#stage-name", Input), "batch EU")
        await type_into(pilot, app.screen.query_one("#stage-share", Input), "many")
        app.screen.query_one("#stage-add", Button).press()
        await pilot.pause()
        assert "is not a share" in text_of(app, "#golive-result")
        assert reload(file).golive.rollout == []
        await type_into(pilot, app.screen.query_one("#stage-share", Input), "30 %")
        await type_into(pilot, app.screen.query_one("#stage-customers", Input), "ACME, Globex")
        app.screen.query_one("#stage-add", Button).press()
        await pilot.pause()
        assert text_of(app, "#golive-result") == "✓ stage batch EU planned (30 %; ACME, Globex)"
        table = app.screen.query_one("#stages", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "batch EU",
            "30 %",
            "ACME, Globex",
            "○ not yet",
        ]
        assert app.screen.query_one("#stage-name", Input).value == ""
        # a share out of range is the core's answer, shown inline
        await type_into(pilot, app.screen.query_one("#stage-name", Input), "too much")
        await type_into(pilot, app.screen.query_one("#stage-share", Input), "150")
        await pilot.press("enter")
        await pilot.pause()
        assert "150 % is not a share of customers" in text_of(app, "#golive-result")
    stages = reload(file).golive.rollout
    assert [(s.name, s.share_pct, s.customers) for s in stages] == [
        ("batch EU", 30.0, ["ACME", "Globex"])
    ]
