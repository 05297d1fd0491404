"""The recorded details of the setup sections: credentials, environments, monitoring."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from golive.report.facts import (
    days_until,
    fact_list,
    leftover_facts,
)
from golive.report.masking import (
    safe_url,
)
from golive.report.symbols import (
    NOTHING,
)
from golive.report.types import (
    Fact,
    Table,
)
from golive.report.words import (
    date_text,
    number_text,
)
from golive.secrets import env_var_name
from golive.session.model import (
    EnvironmentSettings,
    Session,
)
from golive.session.sections import MetricsSetup


def credentials_details(session: Session, today: date) -> tuple[list[Fact], list[Table]]:
    creds = session.credentials
    vault = creds.vault
    facts = fact_list(
        ("Obtained on", date_text(creds.obtained_on) if creds.obtained_on else ""),
        ("Expire on", days_until(creds.expires_on, today) if creds.expires_on else ""),
        ("Vault (used by the integration)", vault.product),
        ("Vault path", vault.path),
        ("Who can read the vault entry", ", ".join(vault.access)),
        ("Rotation due", date_text(vault.rotation_due) if vault.rotation_due else ""),
    )
    facts += leftover_facts(
        creds, {"obtained_on", "expires_on", "vault", "authorized_people", "secrets"}
    )
    facts += leftover_facts(vault, {"product", "path", "access", "rotation_due"}, prefix="vault ")
    people = Table(
        title="Authorized personnel",
        columns=["Name", "Role", "E-mail", "Phone"],
        rows=[[p.name, p.role, p.email, p.phone] for p in creds.authorized_people],
        empty="No authorized people recorded.",
    )
    stores = {
        "keyring": "OS keyring",
        "environment": "environment variable",
        "prompt": "typed at each run",
    }
    secrets = Table(
        title="golive's own secrets (references only, never values)",
        columns=["Name", "Kept in", "Environment variable", "Description"],
        rows=[
            [name, stores.get(ref.store, ref.store), env_var_name(name), ref.description]
            for name, ref in sorted(creds.secrets.items())
        ],
        empty="No secret references recorded.",
    )
    return facts, [people, secrets]


SAME_AS_STAGING = "same as staging"


def environment_table(session: Session) -> Table:
    # Long because it is one table: every row's label and how to read it from either environment.
    staging, production = session.environments.staging, session.environments.production

    def both(getter: Any) -> tuple[str, str]:
        return str(getter(staging)), str(getter(production))

    def timeouts(env: EnvironmentSettings) -> str:
        t = env.timeouts
        return (
            f"connect {number_text(t.connect)} s, read {number_text(t.read)} s, "
            f"write {number_text(t.write)} s, pool {number_text(t.pool)} s"
        )

    def retry(env: EnvironmentSettings) -> str:
        r = env.retry
        if not r.enabled:
            return "off"
        return (
            f"{r.max_attempts} attempts, backoff {number_text(r.base_delay)} s to "
            f"{number_text(r.max_delay)} s with jitter, Retry-After up to {number_text(r.retry_after_cap)} s"
        )

    rows_def: list[tuple[str, Any]] = [
        ("Preset", lambda e: e.preset),
        ("Base URL", lambda e: safe_url(e.base_url)),
        ("Host", lambda e: e.host()),
        ("Token URL", lambda e: safe_url(e.resolved_token_url())),
        ("Client id", lambda e: e.client_id),
        ("externalCompanyId", lambda e: e.external_company_id),
        ("Company id (internal)", lambda e: "" if e.company_id is None else str(e.company_id)),
        (
            "Company role",
            lambda e: {"S": "seller (S)", "B": "buyer (B)", "M": "middleman (M)"}[e.company_role],
        ),
        ("Scope", lambda e: e.scope),
        ("Calculate path", lambda e: e.calculate_path),
        ("E-invoice submit path", lambda e: e.einvoice_submit_path),
        (
            "E-invoice status path",
            lambda e: e.einvoice_status_path.replace("{document_id}", "DOCUMENT-ID"),
        ),
        ("CA bundle", lambda e: Path(e.ca_bundle).name if e.ca_bundle else ""),
        ("Timeouts", timeouts),
        ("Retry", retry),
    ]
    rows = []
    for label, getter in rows_def:
        left, right = both(getter)
        if left and right == left:
            rows.append([label, left, SAME_AS_STAGING])  # what differs stands out
        elif left or right:
            rows.append([label, left or NOTHING, right or NOTHING])
    handled = {
        "preset", "base_url", "token_url", "client_id", "external_company_id", "company_id",
        "company_role", "scope", "calculate_path", "einvoice_submit_path", "einvoice_status_path",
        "ca_bundle", "timeouts", "retry",
    }  # fmt: skip
    for env_name, env in (("staging", staging), ("production", production)):
        for fact in leftover_facts(env, handled):
            rows.append(
                [
                    fact.label,
                    fact.value if env_name == "staging" else "",
                    fact.value if env_name == "production" else "",
                ]
            )
    return Table(
        title="Staging and production settings",
        columns=["Setting", "Staging", "Production"],
        rows=rows,
    )


_TOOLS = {"prometheus": "Prometheus", "datadog": "Datadog", "cloudwatch": "Amazon CloudWatch"}


def _metrics_facts(title: str, metrics: MetricsSetup) -> list[Fact]:
    facts = fact_list(
        (f"{title}: tool", _TOOLS.get(metrics.tool, metrics.tool)),
        (f"{title}: Prometheus URL", safe_url(metrics.prometheus_url)),
        (
            f"{title}: dashboard",
            safe_url(metrics.dashboard) if "://" in metrics.dashboard else metrics.dashboard,
        ),
        (f"{title}: notes", metrics.notes),
    )
    return facts + leftover_facts(
        metrics, {"tool", "prometheus_url", "dashboard", "notes"}, prefix=f"{title}: "
    )


def monitoring_details(session: Session) -> tuple[list[Fact], list[Table]]:
    mon = session.monitoring
    channel_words = {
        "slack": "Slack", "teams": "Microsoft Teams", "pagerduty": "PagerDuty",
        "webhook": "a webhook", "email": "e-mail",
    }  # fmt: skip
    facts = fact_list(
        ("Logging: location", mon.logging.location),
        ("Logging: format", mon.logging.format),
        ("Logging: level", mon.logging.level),
        ("Alerting: channel", channel_words.get(mon.alerting.channel, mon.alerting.channel)),
        (
            "Alerting: webhook URL or routing key",
            f"kept in golive's secret {mon.alerting.webhook_secret!r} (not shown)"
            if mon.alerting.webhook_secret
            else "",
        ),
        (
            "Alerting: PagerDuty endpoint",
            safe_url(mon.alerting.pagerduty_url) if mon.alerting.channel == "pagerduty" else "",
        ),
        (
            "Alerting: Teams card",
            {
                "adaptive": "Adaptive Card (Teams Workflows webhook)",
                "messagecard": "MessageCard (Office 365 connector)",
            }[mon.alerting.teams_card]
            if mon.alerting.channel == "teams"
            else "",
        ),
        ("Alerting: e-mail recipients", ", ".join(mon.alerting.email_recipients)),
    )
    facts += leftover_facts(mon.logging, {"location", "format", "level"}, prefix="Logging: ")
    facts += leftover_facts(
        mon.alerting,
        {"channel", "webhook_secret", "pagerduty_url", "teams_card", "email_recipients"},
        prefix="Alerting: ",
    )
    facts += _metrics_facts("API usage", mon.api_usage)
    facts += _metrics_facts("Performance", mon.performance)
    facts += leftover_facts(mon, {"logging", "alerting", "api_usage", "performance"})
    return facts, []
