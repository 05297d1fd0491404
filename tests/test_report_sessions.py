"""Sessions for the report tests, built through the product's own API (and checks that they load).

`rich_session` holds one of everything a report shows: items in every state, evidence with
figures against targets (a rehearsal among them), certificates, tax-ID verifications, a gate
override, the window, pilot customers, rollout stages, reviews, the rollback plan and support.
Other report test modules import the builders from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from golive.countries import requirements_for
from golive.session import evidence
from golive.session.checklist import build_checklist, set_item_status
from golive.session.evidence import EvidenceRecord
from golive.session.model import (
    CertificateRecord,
    CountrySetup,
    GateOverride,
    Person,
    SecretReference,
    Session,
    TaxIdVerification,
)
from golive.session.sections import (
    AffectedCustomer,
    Contact,
    DeploymentWindow,
    EscalationLevel,
    PilotCustomer,
    ReviewOccurrence,
    RolloutStage,
    WatchCheckpoint,
)
from golive.session.store import SessionFile, evidence_path, load

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FROZEN_NOW = "2026-11-20T12:00:00+00:00"
XSS = "<script>alert(1)</script>"
FINGERPRINT = "AB:CD:" + ":".join(f"{i:02X}" for i in range(30))


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _record(
    session: Session,
    path: Path,
    kind: str,
    outcome: str,
    items: dict[str, str],
    hours: float,
    **fields: object,
) -> EvidenceRecord:
    record = EvidenceRecord(
        kind=kind,
        outcome=outcome,  # type: ignore[arg-type]
        items=list(items),
        started=at(hours),
        ended=at(hours) + timedelta(seconds=42),
        by="Ada Lovelace",
        **fields,  # type: ignore[arg-type]
    )
    from golive.session.model import ItemStatus

    evidence.record(
        session, evidence_path(path), record, {k: ItemStatus(v) for k, v in items.items()}
    )
    return record


def rich_session(folder: Path, *, name: str = "acme", text: str = "") -> Path:
    """A half-way go-live with one of everything. `text` is put into every user-entered field."""
    extra = f" {text}" if text else ""
    path = folder / f"{name}.toml"
    session = Session()
    meta = session.meta
    meta.title = f"ACME EU and LATAM{extra}"
    meta.customer = f"ACME Corp{extra}"
    meta.partner = f"Partner GmbH{extra}"
    meta.engineer = "Ada Lovelace"
    meta.session_id = "0123456789abcdef0123456789abcdef"
    meta.created = T0
    meta.updated = T0
    session.countries = {
        code: CountrySetup(requirements=requirements_for(code)) for code in ("DE", "IT", "MX")
    }
    session.countries["FR"] = CountrySetup(requirements=requirements_for("FR"), removed=True)
    de, it, mx = session.countries["DE"], session.countries["IT"], session.countries["MX"]
    de.tax_id = "DE136695976"
    de.tax_id_verification = TaxIdVerification(
        number="DE136695976",
        method="check digits and VIES",
        outcome="valid",
        message=f"VIES: valid{extra}",
        checked_at=at(1),
        vies="ACME DEUTSCHLAND GMBH",
    )
    it.tax_id = "00743110157"
    it.platform_account = f"SdI channel via intermediary{extra}"
    it.certificate = CertificateRecord(
        file="/home/ada/certs/acme-it-seal.p12",
        subject="CN=ACME Italia S.r.l.",
        issuer="CN=InfoCert Qualified CA",
        serial="1A2B3C",
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        fingerprint_sha256=FINGERPRINT,
        kind="qualified electronic seal",
        verdict="usable",
        inspected_at=at(2),
    )
    mx.tax_id = "ABC010203AB9"
    mx.tax_id_verification = TaxIdVerification(
        number="ABC010203AB9",
        method="format and check digit",
        outcome="invalid",
        message="the check digit does not match",
        checked_at=at(1),
    )
    mx.certificate = CertificateRecord(
        file="csd.cer",
        subject="CN=ACME MEXICO SA DE CV",
        issuer="CN=AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA",
        serial="30001000000500003416",
        not_before=datetime(2025, 1, 1, tzinfo=UTC),
        not_after=datetime(2026, 11, 10, tzinfo=UTC),
        fingerprint_sha256="11:22:33:44",
        kind="CSD",
        verdict="not_usable",
        messages=["expired: renew the CSD with SAT"],
        inspected_at=at(2),
    )

    creds = session.credentials
    creds.obtained_on = date(2026, 10, 30)
    creds.expires_on = date(2027, 10, 30)
    creds.vault.product = "HashiCorp Vault"
    creds.vault.path = f"secret/acme/onesource{extra}"
    creds.vault.access = ["ops-team", f"Ada Lovelace{extra}"]
    creds.authorized_people = [
        Person(name=f"Grace Hopper{extra}", role="ops lead", email="grace@example.com")
    ]
    creds.secrets = {
        "staging.client_secret": SecretReference(store="keyring", description="UAT client"),
        "production.client_secret": SecretReference(store="environment"),
    }
    session.environments.staging.base_url = "https://api-uat.onesourcetax.com"
    session.environments.staging.client_id = "acme-uat"
    session.environments.production.preset = "onesource-emea"
    session.environments.production.base_url = "https://api.onesourcetax.com"
    session.environments.production.client_id = "acme-prod"
    session.environments.production.external_company_id = f"ACME-001{extra}"
    session.environments.production.company_id = 4711

    session.monitoring.logging.location = "/var/log/acme/onesource.jsonl"
    session.monitoring.logging.format = "json"
    session.monitoring.alerting.channel = "teams"
    session.monitoring.alerting.webhook_secret = "alerting_webhook"
    session.monitoring.api_usage.tool = "prometheus"
    # (the URL field now refuses credentials in a URL: they go in the dashboard, a URL or a name)
    session.monitoring.api_usage.prometheus_url = "https://prometheus.acme.example/?token=abc"
    session.monitoring.api_usage.dashboard = (
        "https://prom:hunter2-not-shown@prometheus.acme.example/?token=abc"
    )
    session.monitoring.performance.dashboard = f"Grafana: ONESOURCE{extra}"

    session.staging.deploy.version = "v2.4.1"
    session.staging.deploy.deployed_at = at(3)
    session.staging.deploy.by = "Ada Lovelace"
    session.production.window = DeploymentWindow(
        start=datetime(2026, 11, 21, 22, 0, tzinfo=UTC),
        end=datetime(2026, 11, 22, 1, 30, tzinfo=UTC),
        note=f"Saturday night{extra}",
        warnings=["Mexico: 20 November is a public holiday nearby"],
    )
    session.golive.pilot_customers = [
        PilotCustomer(name=f"Pilot One{extra}", contact="ops@pilot-one.example", countries=["DE"]),
        PilotCustomer(name="Pilot Two", countries=["MX", "IT"]),
    ]
    session.golive.pilot_enabled_at = at(100)
    session.golive.checkpoints = [
        WatchCheckpoint(
            label="+1 h",
            offset_hours=1,
            recorded_at=at(101),
            figures={"error_rate_pct": 0.4, "response_time_p95_s": 0.8, "calls": 1200},
            meets_targets=True,
            note=f"calm{extra}",
        ),
        WatchCheckpoint(label="+4 h", offset_hours=4),
    ]
    session.golive.rollout = [
        RolloutStage(name="10%", share_pct=10, opened_at=at(150), opened_by="Ada Lovelace"),
        RolloutStage(
            name="Batch B",
            customers=["Beta Ltd", f"Gamma SA{extra}"],
            override_reason=f"CFO approval{extra}",
        ),
    ]
    session.post_deployment.reviews = [
        ReviewOccurrence(
            item="post.week1.api_usage",
            due=date(2026, 11, 10),
            done_at=at(200),
            by="Ada Lovelace",
            note=f"normal{extra}",
        ),
        ReviewOccurrence(item="post.week1.api_usage", due=date(2026, 11, 11)),
    ]
    session.rollback.disable_method = "command"
    session.rollback.disable_command = ["kubectl", "scale", "deploy/onesource", "--replicas=0"]
    session.rollback.manual_steps = f"1. Disable the flag\n2. Tell the customer{extra}"
    session.rollback.notify = [
        AffectedCustomer(customer=f"Pilot One{extra}", contact="Jo", email="jo@pilot-one.example")
    ]
    session.rollback.notification_template = (
        "Dear $contact, the integration for $customer is paused."
    )
    session.rollback.log_locations = ["/var/log/acme"]
    session.support.first_line = "partner"
    session.support.escalation = [
        EscalationLevel(
            level=1,
            contact=Contact(
                name=f"Partner Desk{extra}", email="desk@partner.example", phone="+49 30 1234"
            ),
            confirmed=True,
            confirmed_on=date(2026, 11, 1),
            confirmed_by="Ada Lovelace",
        ),
        EscalationLevel(
            level=3,
            team="Thomson Reuters support",
            contact=Contact(name="TR Support", email="support@tr.example"),
        ),
    ]
    session.gate_overrides = [
        GateOverride(
            gate="production",
            reason=f"Pilot only; MX certificate renewal under way{extra}",
            by="Grace Hopper",
            at=at(90),
        )
    ]

    handle = SessionFile.create(path, session)
    s = handle.session
    set_item_status(
        s,
        "credentials.obtained",
        "done",
        by="Ada Lovelace",
        note=f"issued by TR{extra}",
        at=at(0.5),
    )
    set_item_status(s, "credentials.vault", "done", by="Ada Lovelace", at=at(0.6))
    set_item_status(
        s,
        "credentials.access",
        "in_progress",
        by="Ada Lovelace",
        note="waiting for the access list\nfrom IT",
        at=at(0.7),
    )
    set_item_status(
        s,
        "environment.endpoint",
        "done",
        by="Ada Lovelace",
        at=at(0.8),
        attestation="the customer's network team confirmed the route",
    )
    set_item_status(s, "compliance.DE.vat_registration", "done", by="Ada Lovelace", at=at(1))
    set_item_status(
        s,
        "compliance.MX.vat_registration",
        "blocked",
        by="Ada Lovelace",
        reason=f"waiting for SAT{extra}",
        at=at(1),
    )
    set_item_status(
        s,
        "compliance.IT.certificate",
        "done",
        by="Ada Lovelace",
        at=at(2),
        attestation="the e-seal is on the customer's HSM",
    )
    set_item_status(
        s,
        "monitoring.logging",
        "not_applicable",
        by="Ada Lovelace",
        reason=f"the customer's platform logs{extra}",
        at=at(2),
    )
    _record(
        s,
        path,
        "tax_id",
        "passed",
        {"compliance.DE.tax_id": "done"},
        1,
        summary=f"DE136695976 is valid{extra}",
    )
    _record(
        s,
        path,
        "certificate",
        "failed",
        {"compliance.MX.certificate": "failed"},
        2,
        summary="the CSD expired on 2026-11-10",
        figures={"days_to_expiry": -10},
        diagnosis={
            "stage": "validity",
            "message": "not_after is in the past",
            "advice": "renew the CSD with SAT",
        },
    )
    _record(
        s,
        path,
        "smoke_test",
        "failed",
        {"staging.smoke_tests": "failed"},
        4,
        environment="staging",
        host="api-uat.onesourcetax.com",
        rehearsal=True,
        summary="3 of 4 calls answered",
        figures={"error_rate_pct": 25.0, "response_time_p95_s": 2.6, "requests": 4},
        diagnosis={"stage": "http", "message": "HTTP 503 from calculate", "advice": "retry later"},
    )
    _record(
        s,
        path,
        "connectivity",
        "passed",
        {"production.connectivity": "done"},
        5,
        environment="production",
        host="api.onesourcetax.com",
        summary="DNS, TCP, TLS, HTTP, token and company: all passed",
        figures={"error_rate_pct": 0.0, "response_time_p95_s": 0.41, "response_time_p50_s": 0.2},
        tls_version="TLSv1.3",
    )
    _record(s, path, "test_alert", "passed", {}, 6, summary=f"test alert delivered to Teams{extra}")
    s.meta.updated = at(7)
    handle.save()
    return path


ROLLBACK_ITEMS = (
    "rollback.plan", "rollback.disable_flag", "rollback.notify", "rollback.preserve_logs",
    "rollback.review_logs", "rollback.root_cause", "rollback.fix_timeline", "rollback.fix_staging",
    "rollback.verify_fix", "rollback.redeploy",
)  # fmt: skip
WATCH_ITEMS = (
    "golive.monitor_48h",
    "post.day1.error_rate",
    "post.day1.response_time",
    "post.day1.logs",
)


def shared_evidence_session(folder: Path) -> Path:
    """The rich session plus what a walked demo holds (issue 16): one rollback record that ten
    items name, one watch record that four name, with six SSL errors and the raw PromQL."""
    path = rich_session(folder)
    handle = SessionFile.open(path)
    s = handle.session
    _record(
        s,
        path,
        "rollback",
        "passed",
        dict.fromkeys(ROLLBACK_ITEMS, "done"),
        8,
        environment="production",
        summary="integration disabled, 2 customers notified, logs archived",
        steps=[
            {"id": f"step{n}", "outcome": "passed", "message": f"step {n} done"} for n in range(6)
        ],
    )
    _record(
        s,
        path,
        "watch",
        "failed",
        dict.fromkeys(WATCH_ITEMS, "failed"),
        9,
        environment="production",
        summary="6 SSL errors in the log during the watch",
        figures={"error_rate_pct": 2.5, "response_time_p95_s": 0.8, "requests": 240},
        errors=[{"message": f"SSL: CERTIFICATE_VERIFY_FAILED ({n})", "line": n} for n in range(6)],
        promql='sum(rate(http_requests_total{job="onesource",code=~"5.."}[5m]))',
    )
    s.meta.updated = at(10)
    handle.save()
    return path


def demo_session(folder: Path) -> Path:
    session = Session()
    session.meta.title = "Sandbox demo"
    session.meta.demo = True
    session.meta.session_id = "feedfacefeedface"
    session.meta.created = T0
    session.meta.updated = T0
    session.countries = {"MX": CountrySetup(requirements=requirements_for("MX"))}
    path = folder / "demo.toml"
    SessionFile.create(path, session)
    return path


def test_the_rich_session_loads_and_has_every_state(tmp_path: Path) -> None:
    path = rich_session(tmp_path)
    session = load(path)
    states = {item.status.value for item in build_checklist(session).items}
    assert states == {"todo", "in_progress", "done", "failed", "not_applicable", "blocked"}
    log = evidence.read(evidence_path(path))
    assert log.chain_ok and len(log.records) == 5
