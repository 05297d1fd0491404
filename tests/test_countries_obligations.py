"""Dated obligations: a country is judged by the rules in force on the session's go-live date
and through the watch after it, an inference never closes an item, and a condition golive
cannot decide is asked (issue 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from golive.countries import requirements_for
from golive.session.checklist import build_checklist
from golive.session.model import CountrySetup, ItemStatus, RuleAnswer, Session
from golive.session.obligations import go_live_date, mandatory_documents
from golive.session.sections import DeploymentWindow

DAY = timedelta(days=1)


def session_on(go_live: date | None, *codes: str) -> Session:
    session = Session()
    session.meta.go_live = go_live
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in codes}
    return session


def item(session: Session, item_id: str) -> tuple[ItemStatus, str]:
    found = build_checklist(session)[item_id]
    return found.status, found.detail


def documents(session: Session, cc: str) -> list[str]:
    return [o.id for o in mandatory_documents(session.countries[cc], go_live_date(session))]


def answer(session: Session, cc: str, rule: str, applies: bool) -> None:
    setup = session.countries[cc]
    setup.answers = {
        **setup.answers,
        rule: RuleAnswer(applies=applies, by="Ada", at=datetime(2026, 12, 1, tzinfo=UTC)),
    }


def test_portugal_needs_a_qualified_signature_from_2027() -> None:
    # the watch (48 h) after 2026-12-29 ends 2026-12-31: still the 2026 rule, from a source
    status, detail = item(session_on(date(2026, 12, 29), "PT"), "compliance.PT.certificate")
    assert status is ItemStatus.NOT_APPLICABLE
    assert "No signature on PDF invoices" in detail and "secondary source" in detail
    assert "Upcoming within 90 days: Qualified electronic signature" in detail
    # a go-live on 2026-12-30 has its watch run into 2027: the signature is required
    status, detail = item(session_on(date(2026, 12, 30), "PT"), "compliance.PT.certificate")
    assert status is ItemStatus.TODO and "Qualified electronic signature" in detail
    status, detail = item(session_on(date(2027, 1, 1), "PT"), "compliance.PT.certificate")
    assert status is ItemStatus.TODO and "from 2027-01-01" in detail


def test_poland_token_until_2026_then_only_the_ksef_certificate() -> None:
    _, before = item(session_on(date(2026, 12, 20), "PL"), "compliance.PL.certificate")
    assert "KSeF token" in before and "until 2026-12-31" in before
    assert "Upcoming within 90 days: A KSeF certificate" in before
    _, after = item(session_on(date(2027, 1, 1), "PL"), "compliance.PL.certificate")
    assert "tokens no longer work" in after and "tokens work until" not in after
    assert documents(session_on(date(2026, 12, 20), "PL"), "PL") == [
        "einvoicing-large",
        "einvoicing-2026",
    ]
    assert "einvoicing" in documents(session_on(date(2027, 1, 1), "PL"), "PL")


@pytest.mark.parametrize(
    ("rule", "starts"),
    [
        ("einvoicing-large", date(2027, 1, 1)),
        ("einvoicing-other", date(2027, 7, 1)),
        ("einvoicing-government", date(2027, 10, 1)),
    ],
)
def test_uae_phases_start_on_their_dates_not_with_the_july_2026_pilot(
    rule: str, starts: date
) -> None:
    assert rule not in documents(session_on(starts - 3 * DAY, "AE"), "AE")
    assert rule in documents(session_on(starts, "AE"), "AE")
    assert documents(session_on(date(2026, 7, 1), "AE"), "AE") == []  # a pilot, not a mandate


def test_a_revenue_threshold_is_asked_and_the_answer_decides() -> None:
    session = session_on(date(2026, 9, 1), "AE")
    status, detail = item(session, "compliance.AE.platform")
    assert status is ItemStatus.TODO
    assert "golive cannot decide this" in detail and "AED 50 m or more" in detail
    assert "answer id platform-large" in detail and "golive countries SESSION answer AE" in detail
    # one answer to the revenue band covers every rule with the same band
    answer(session, "AE", "einvoicing-large", True)
    status, detail = item(session, "compliance.AE.platform")
    assert status is ItemStatus.TODO and "answered by Ada on 2026-12-01" in detail
    answer(session, "AE", "einvoicing-large", False)
    status, detail = item(session, "compliance.AE.platform")
    assert status is ItemStatus.NOT_APPLICABLE and "by the recorded answer" in detail
    later = session_on(date(2027, 1, 1), "AE")
    answer(later, "AE", "einvoicing-large", False)
    assert "einvoicing-large" not in documents(later, "AE")


def test_brazil_cbs_from_2027_and_nfse_since_2026() -> None:
    assert "einvoicing-cbs" not in documents(session_on(date(2026, 12, 1), "BR"), "BR")
    assert "einvoicing-nfse" in documents(session_on(date(2026, 12, 1), "BR"), "BR")
    assert "einvoicing-nfse" not in documents(session_on(date(2025, 12, 1), "BR"), "BR")
    assert "einvoicing-cbs" in documents(session_on(date(2027, 1, 1), "BR"), "BR")


def test_france_issues_through_an_approved_platform_by_company_size() -> None:
    assert documents(session_on(date(2026, 8, 1), "FR"), "FR") == []
    large = documents(session_on(date(2026, 9, 1), "FR"), "FR")
    assert large == ["einvoicing-large", "reporting-large"]
    everyone = documents(session_on(date(2027, 9, 1), "FR"), "FR")
    assert "einvoicing-sme" in everyone and "reporting-sme" in everyone
    assert requirements_for("FR").route == "approved platform"


def test_slovakia_inferred_no_certificate_never_gives_not_applicable() -> None:
    for day in (date(2026, 6, 1), date(2027, 1, 1), date(2027, 6, 1)):
        status, detail = item(session_on(day, "SK"), "compliance.SK.certificate")
        assert status is ItemStatus.TODO, day
        assert "golive's inference" in detail and "Record the answer" in detail
    assert documents(session_on(date(2026, 12, 1), "SK"), "SK") == []
    assert documents(session_on(date(2027, 1, 1), "SK"), "SK") == ["einvoicing"]


def test_croatia_taiwan_korea_hungary_spain_greece_have_a_document_to_test() -> None:
    on = date(2026, 12, 1)
    assert "einvoicing" in documents(session_on(on, "HR"), "HR")
    assert documents(session_on(date(2025, 12, 1), "HR"), "HR") == []
    assert documents(session_on(on, "TW"), "TW") == ["reporting-b2c", "reporting-b2b"]
    assert documents(session_on(on, "KR"), "KR") == ["reporting"]
    assert documents(session_on(on, "HU"), "HU") == ["reporting"]
    assert documents(session_on(on, "ES"), "ES") == ["reporting-sii"]
    assert "reporting-verifactu-cit" in documents(session_on(date(2027, 1, 1), "ES"), "ES")
    assert documents(session_on(on, "GR"), "GR") == ["reporting", "einvoicing-large", "einvoicing"]
    assert documents(session_on(on, "BE"), "BE") == ["einvoicing"]
    assert documents(session_on(date(2025, 12, 1), "BE"), "BE") == []


def test_malaysia_phases_by_turnover() -> None:
    early = documents(session_on(date(2025, 6, 1), "MY"), "MY")
    assert early == ["einvoicing-phase1", "einvoicing-phase2"]
    late = documents(session_on(date(2026, 7, 1), "MY"), "MY")
    assert "einvoicing-phase5" in late and "einvoicing-consolidation" in late


def test_the_production_window_wins_over_the_planned_date() -> None:
    session = session_on(date(2026, 12, 1), "PT")
    assert go_live_date(session).source == "the planned go-live date"
    session.production.window = DeploymentWindow(
        start=datetime(2027, 1, 5, 22, tzinfo=UTC), end=datetime(2027, 1, 6, 2, tzinfo=UTC)
    )
    when = go_live_date(session)
    assert when.source == "the production window" and when.start == date(2027, 1, 5)
    assert when.end == date(2027, 1, 8)  # window end + 48 h
    status, detail = item(session, "compliance.PT.certificate")
    assert status is ItemStatus.TODO and "the production window" in detail


def test_no_date_set_judges_on_today_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", "2026-12-02T09:00:00Z")
    session = session_on(None, "PT")
    _, detail = item(session, "compliance.PT.certificate")
    assert "on 2026-12-02 (today (no go-live date is set))" in detail
    assert go_live_date(session).start == date(2026, 12, 2)
    assert not go_live_date(session).planned


def test_an_answer_is_recorded_once_for_its_condition_and_refused_for_a_rule_without_one() -> None:
    """The one place both the CLI and the wizard record an answer through."""
    from golive.session.errors import BadInputError
    from golive.session.rule_answers import answer_rule, rule_questions

    session = Session()
    session.meta.engineer = "Ada Lovelace"
    session.countries["IT"] = CountrySetup(requirements=requirements_for("IT"))
    (question,) = rule_questions(session, "IT")
    assert question.rule_id == "certificate-b2g" and question.answer is None
    answer = answer_rule(session, "IT", question.rule_id, False)
    assert answer.by == "Ada Lovelace" and not answer.applies
    assert rule_questions(session, "IT")[0].answer == answer
    with pytest.raises(BadInputError, match="is not a rule of IT that needs an answer"):
        answer_rule(session, "IT", "einvoicing", True)  # a rule with no condition
    with pytest.raises(BadInputError, match="DE is not a country of this session"):
        answer_rule(session, "DE", "certificate-b2g", True)
