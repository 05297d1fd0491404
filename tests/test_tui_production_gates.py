"""Issue 12 in the wizard's Production step: a window in business hours (or on a holiday) of a
session country is chosen only with a reason, which is recorded; a production deploy record
obeys the production gate, through the same core check as `golive deploy`."""

from __future__ import annotations

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    make_session,
    text_of,
    type_into,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Button, Input

from golive.session.checklist import override_gate
from golive.session.evidence import read

NOW = "2026-12-14T00:00:00+00:00"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")


async def test_a_window_in_business_hours_asks_for_the_reason() -> None:
    file = make_session(step="production", countries={"DE": "DE136695976"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ProductionScreen")
        start = app.screen.query_one("#window-start", Input)
        await type_into(pilot, start, "2026-12-15T11:00Z")
        app.screen.query_one("#window-choose", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        assert "in business hours in Germany" in text_of(app, ".dialog-text")
        app.screen.query_one("#cancel", Button).press()
        await wait_for_screen(pilot, "ProductionScreen")
        assert app.session.production.window is None, "without a reason nothing is recorded"
        assert app.checklist()["production.schedule"].status.value == "todo"
        app.screen.query_one("#window-choose", Button).press()
        await wait_for_screen(pilot, "ReasonScreen")
        await type_into(pilot, app.screen.query_one("#reason", Input), "the customer's slot")
        app.screen.query_one("#confirm", Button).press()
        await wait_for_screen(pilot, "ProductionScreen")
        await wait_for(pilot, lambda: app.session.production.window is not None, 10, "the choice")
        window = app.session.production.window
        assert window is not None and window.reason == "the customer's slot"
        assert "chosen anyway because: the customer's slot" in text_of(app, "#window-state")
        item = app.checklist()["production.schedule"]
        assert item.status.value == "done"
        [evidence] = read(file.evidence_path).records
        assert evidence.kind == "window_choice" and item.state.evidence == [evidence.id]


async def test_a_production_deploy_record_obeys_the_held_gate() -> None:
    file = make_session(step="production", countries={"DE": "DE136695976"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ProductionScreen")
        version = app.screen.query_one("#deploy-production #deploy-version", Input)
        await type_into(pilot, version, "v2.4.1")
        app.screen.query_one("#deploy-production #record-deploy", Button).press()
        await wait_for(
            pilot,
            lambda: "gate is held" in text_of(app, "#deploy-production #deploy-state"),
            10,
            "the refusal",
        )
        assert app.session.production.deploy.version == ""
        assert not file.evidence_path.exists()
        override_gate(app.session, "production", "smoke tests ran in the customer's staging")
        app.screen.query_one("#deploy-production #record-deploy", Button).press()
        await wait_for(
            pilot, lambda: app.session.production.deploy.version == "v2.4.1", 10, "the record"
        )
        [evidence] = read(file.evidence_path).records
        assert "went ahead on the override" in evidence.summary
