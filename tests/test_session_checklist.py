"""The checklist: every id of the contract, derived states, history, readiness."""

from __future__ import annotations

import pytest

from golive.session.checklist import build_checklist, definition, set_item_status
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from session_factory import make_session

CONTRACT_IDS = [
    "credentials.obtained",
    "credentials.vault",
    "credentials.access",
    "environment.endpoint",
    "environment.company_id",
    "environment.timeouts",
    "environment.retry",
    "monitoring.logging",
    "monitoring.alerting",
    "monitoring.api_usage",
    "monitoring.performance",
    "staging.deploy",
    "staging.smoke_tests",
    "staging.verify_config",
    "production.schedule",
    "production.deploy",
    "production.connectivity",
    "production.single_transaction",
    "golive.pilot",
    "golive.monitor_48h",
    "golive.rollout",
    "post.day1.error_rate",
    "post.day1.response_time",
    "post.day1.clearance_rejections",
    "post.day1.logs",
    "post.week1.api_usage",
    "post.week1.error_logs",
    "post.week1.clearance_rate",
    "post.week1.feedback",
    "post.ongoing.error_trends",
    "post.ongoing.api_usage",
    "post.ongoing.api_changes",
    "post.ongoing.compliance_changes",
    "rollback.plan",
    "rollback.disable_flag",
    "rollback.notify",
    "rollback.preserve_logs",
    "rollback.review_logs",
    "rollback.root_cause",
    "rollback.fix_timeline",
    "rollback.fix_staging",
    "rollback.verify_fix",
    "rollback.redeploy",
    "rollback.reenable",
    "support.first_line",
    "support.escalation_path",
]


def test_every_public_id_is_in_the_checklist_with_its_countries() -> None:
    checklist = build_checklist(make_session(("IT", "MX")))
    ids = [item.id for item in checklist.items]
    for item_id in CONTRACT_IDS:
        assert item_id in ids
    for code in ("IT", "MX"):
        for kind in ("vat_registration", "tax_id", "certificate", "platform"):
            assert f"compliance.{code}.{kind}" in ids
    assert len(ids) == len(set(ids)) == len(CONTRACT_IDS) + 8


def test_item_texts_come_from_the_data_file() -> None:
    texts = {d.id: d.text for d in definition().items}
    assert (
        texts["credentials.obtained"] == "Production API credentials obtained from Thomson Reuters"
    )
    assert texts["compliance.{cc}.certificate"] == "Digital certificate installed (if required)"


def test_country_without_certificate_is_derived_not_applicable_with_the_reason() -> None:
    checklist = build_checklist(make_session(("DE", "MX")))
    de_cert = checklist["compliance.DE.certificate"]
    assert de_cert.status is ItemStatus.NOT_APPLICABLE and de_cert.derived
    assert de_cert.reason == "no certificate needed"
    mx_cert = checklist["compliance.MX.certificate"]
    assert mx_cert.status is ItemStatus.TODO
    assert "CSD from SAT" in mx_cert.detail


def test_user_can_override_a_derived_state_with_a_reason() -> None:
    session = make_session(("DE",))
    set_item_status(
        session, "compliance.DE.certificate", "todo", by="Ada", note="customer wants an e-seal"
    )
    item = build_checklist(session)["compliance.DE.certificate"]
    assert item.status is ItemStatus.TODO and not item.derived
    assert item.state.history[-1].from_ is ItemStatus.NOT_APPLICABLE


def test_unknown_country_items_ask_the_question() -> None:
    session = make_session(("DE",))
    session.countries["DE"].requirements.certificate_required = None
    item = build_checklist(session)["compliance.DE.certificate"]
    assert item.status is ItemStatus.TODO
    assert "not in golive's country catalog" in item.detail


def test_rollback_execution_items_apply_only_once_started() -> None:
    session = make_session()
    assert build_checklist(session)["rollback.notify"].status is ItemStatus.NOT_APPLICABLE
    session.rollback.started_at = session.meta.created
    assert build_checklist(session)["rollback.notify"].status is ItemStatus.TODO


def test_history_records_who_when_from_to() -> None:
    session = make_session()
    set_item_status(session, "credentials.vault", "in_progress", by="Bo")
    set_item_status(
        session, "credentials.vault", "blocked", by="Cy", reason="vault not provisioned"
    )
    state = session.items["credentials.vault"]
    assert [(h.by, h.from_, h.to) for h in state.history] == [
        ("Bo", ItemStatus.TODO, ItemStatus.IN_PROGRESS),
        ("Cy", ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED),
    ]
    assert state.reason == "vault not provisioned" and state.changed_by == "Cy"


@pytest.mark.parametrize("status", ["not_applicable", "blocked"])
def test_reason_is_required(status: str) -> None:
    with pytest.raises(BadInputError, match="needs a reason"):
        set_item_status(make_session(), "credentials.vault", status)


def test_unknown_item_and_status_are_refused() -> None:
    with pytest.raises(BadInputError, match="not an item"):
        set_item_status(make_session(), "compliance.FR.tax_id", "done")
    with pytest.raises(BadInputError, match="not a status"):
        set_item_status(make_session(), "credentials.vault", "finished")


def test_readiness_is_derived() -> None:
    session = Session()
    checklist = build_checklist(session)
    assert not checklist.ready_for_production and not checklist.ready_for_golive
    # issue 12: an evidence-bound item is done on evidence (a run's record id), not by hand
    for item in checklist.blocking("production"):
        proof = [f"run-{item.id}"] if item.evidence_bound else []
        set_item_status(session, item.id, "done", by="t", evidence=proof)
    checklist = build_checklist(session)
    assert checklist.ready_for_production and not checklist.ready_for_golive
    assert {i.id for i in checklist.blocking("golive")} == {
        "production.schedule",
        "production.deploy",
        "production.connectivity",
        "production.single_transaction",
        "rollback.plan",
        "support.first_line",
        "support.escalation_path",
    }
    for item in checklist.blocking("golive"):
        set_item_status(session, item.id, "not_applicable", by="t", reason="test")
    # a person's "not applicable" on an item golive can test counts only as an override
    checklist = build_checklist(session)
    gate = checklist.gate("golive")
    assert not checklist.ready_for_golive and gate.passable and not gate.open
    assert set(gate.attested_ids) == {
        "production.schedule",
        "production.deploy",
        "production.connectivity",
        "production.single_transaction",
        "rollback.plan",
    }
    for item_id in gate.attested_ids:
        set_item_status(session, item_id, "done", by="t", evidence=[f"run-{item_id}"])
    assert build_checklist(session).ready_for_golive


def test_removed_country_leaves_the_checklist_but_keeps_history() -> None:
    session = make_session(("DE", "MX"))
    set_item_status(session, "compliance.MX.tax_id", "done", by="t", attestation="SAT letter")
    session.countries["MX"].removed = True
    assert "compliance.MX.tax_id" not in build_checklist(session).by_id
    assert session.items["compliance.MX.tax_id"].status is ItemStatus.DONE
    session.countries["MX"].removed = False
    assert build_checklist(session)["compliance.MX.tax_id"].status is ItemStatus.DONE
