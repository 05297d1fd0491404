"""The wizard's Compliance step: the planned go-live date decides which rules a country is
judged by, and a change of the catalog's rules is shown and taken with r (issue 13)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    field_input,
    make_session,
    reload,
    text_of,
    type_into,
    wait_for,
    wait_for_screen,
)
from textual.widgets import DataTable

from golive.session.model import CountryRequirements, ItemStatus
from golive.session.store import SessionFile


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", "2026-12-02T09:00:00Z")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def certificate_cell(app: object) -> str:
    table = app.screen.query_one("#countries", DataTable)  # type: ignore[attr-defined]
    return str(table.get_row_at(0)[3])


async def test_typing_the_go_live_date_judges_portugal_by_the_2027_rules() -> None:
    file = make_session(step="compliance", countries={"PT": ""}, go_live=date(2026, 12, 10))
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        assert "Judged on 2026-12-10 (the planned go-live date)" in text_of(app, "#judged-on")
        assert certificate_cell(app) == "not required"
        assert app.checklist()["compliance.PT.certificate"].status is ItemStatus.NOT_APPLICABLE
        await type_into(pilot, field_input(app, "meta.go_live"), "2027-01-05")
        await wait_for(pilot, lambda: app.session.meta.go_live == date(2027, 1, 5), what="date")
        await wait_for(pilot, lambda: certificate_cell(app) == "required, none yet", what="cell")
        assert app.checklist()["compliance.PT.certificate"].status is ItemStatus.TODO
        changes = text_of(app, "#country-changes")
        assert "to 2027-01-05 across certificate-2026 ends 2026-12-31" in changes
        await app.workers.wait_for_complete()
        app.save_now()
    assert reload(file).meta.go_live == date(2027, 1, 5)


async def test_an_old_catalog_snapshot_is_shown_and_r_takes_the_new_rules() -> None:
    file = make_session(step="compliance", countries={"SK": ""})
    old = CountryRequirements(
        name="Slovakia",
        model="peppol",
        certificate_required=False,
        certificate_reason="no certificate in the sources",
        platform_required=True,
        platform_registration="an accredited provider",
        source="pwc.com [S]",
    )
    file.session.countries["SK"].requirements = old
    file.save()
    app = app_for(SessionFile.open(file.path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        assert "SK: the session keeps Slovakia's row from before dated obligations" in text_of(
            app, "#country-changes"
        )
        assert certificate_cell(app) == "not required"
        app.screen.query_one("#countries", DataTable).focus()
        await pilot.press("r")
        await wait_for(pilot, lambda: text_of(app, "#country-changes") == "", what="refresh")
        assert certificate_cell(app) == "unknown: ask"  # an inference never says "not required"
        await app.workers.wait_for_complete()
        app.save_now()
    kept = reload(file).countries["SK"]
    assert kept.earlier_requirements[0].model == "peppol" and kept.requirements.obligations


async def test_a_rule_golive_cannot_decide_is_answered_on_the_countrys_page() -> None:
    """Italy's qualified signature applies only to invoices to public bodies: golive asks. The
    wizard asks it on Italy's page and records the answer through the core, with who and when;
    the certificate item follows the answer (issue 16: every step has a green path)."""
    from golive.session.checklist import default_actor

    file = make_session(step="compliance", countries={"IT": "IT00743110157"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        app.screen.query_one("#countries", DataTable).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, "CountryScreen")
        assert "Does 'invoicing Italian public bodies (FPA12)' apply" in text_of(
            app, ".question-text"
        )
        assert "Not answered" in text_of(app, ".question-answer")
        assert app.checklist()["compliance.IT.certificate"].status is ItemStatus.TODO
        await pilot.click(".answer-no")
        await wait_for(pilot, lambda: "certificate-b2g" in app.session.countries["IT"].answers)
        answer = app.session.countries["IT"].answers["certificate-b2g"]
        assert answer.applies is False and answer.by == default_actor(app.session)
        await wait_for(
            pilot, lambda: "Answered: does not apply" in text_of(app, ".question-answer")
        )
        # FPR12 invoices need no signature (a sourced rule): not applicable, derived
        item = app.checklist()["compliance.IT.certificate"]
        assert item.status is ItemStatus.NOT_APPLICABLE and item.derived
        await pilot.click(".answer-yes")
        await wait_for(
            pilot, lambda: app.session.countries["IT"].answers["certificate-b2g"].applies
        )
        assert app.checklist()["compliance.IT.certificate"].status is ItemStatus.TODO
        await app.workers.wait_for_complete()
        app.save_now()
    assert reload(file).countries["IT"].answers["certificate-b2g"].applies is True


async def test_an_answer_in_a_read_only_session_is_kept_in_memory_and_never_written() -> None:
    file = make_session(step="compliance", countries={"IT": "IT00743110157"})
    before = file.path.read_bytes()
    app = app_for(file, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        app.screen.query_one("#countries", DataTable).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, "CountryScreen")
        await pilot.click(".answer-no")
        await wait_for(
            pilot, lambda: "Answered: does not apply" in text_of(app, ".question-answer")
        )
        assert "read-only" in str(app.save_state).lower()
    assert file.path.read_bytes() == before


async def test_a_question_the_go_live_date_brings_into_force_appears_on_the_open_page() -> None:
    """Germany's large-company e-invoicing rule starts on 2027-01-01 and depends on turnover:
    moving the go-live date past it asks the question on the page already open."""
    file = make_session(step="compliance", countries={"DE": "DE136695976"})
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        app.screen.query_one("#countries", DataTable).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, "CountryScreen")
        assert not app.screen.query(".question-text")
        app.session.meta.go_live = date(2027, 1, 5)  # as typed on the Compliance step
        app.session_changed()
        await wait_for(pilot, lambda: bool(app.screen.query(".question-text")), what="question")
        assert "prior-year turnover over EUR 800 k" in text_of(app, ".question-text")
