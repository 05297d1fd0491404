"""The command-line flag for each session field a core error names.

Core errors say where in the session a problem is (`where="rollout.share_pct"`): words that mean
the same in the wizard, the report and here. The CLI shows the flag the user typed instead.
Each area keeps its own block below (merged into FLAG_FOR_WHERE at the end).
"""

from __future__ import annotations

from golive.session.errors import GoliveError

# --- session, certificates, countries -----------------------------------------------------
SESSION_FLAGS: dict[str, str] = {
    "items.status": "--status",
    "items.attestation": "--attest",
    "gate_overrides.reason": "--override",
}


# --- ops: pilot, rollout, rollback, window, watch, monitoring, support, deploys -------------
OPS_FLAGS: dict[str, str] = {
    "bundle.output": "-o",
    "calendar.output": "-o",
    "deploys.environment": "--env",
    "deploys.version": "--version",
    "golive.checkpoint": "--checkpoint",
    "golive.checkpoints": "--checkpoints",
    "golive.pilot_customers": "--add",
    "golive.pilot_customers.countries": "--countries",
    "golive.pilot_customers.remove": "--remove",
    "golive.pilot_enabled_at": "golive watch",
    "golive.rollout": "--stage",
    "golive.rollout.opened_at": "--open",
    "golive.rollout.share_pct": "--share",
    "monitoring.alerting.channel": "--alert",
    "monitoring.alerting.email_recipients": "--alert-email",
    "monitoring.alerting.pagerduty_url": "--pagerduty-url",
    "monitoring.alerting.received": "--alert-received",
    "monitoring.alerting.teams_card": "--teams-card",
    "monitoring.logging.format": "--log-format",
    "monitoring.logging.location": "--log-location",
    "monitoring.logging.level": "--log-level",
    "monitoring.metrics.prometheus_url": "--prometheus-url",
    "monitoring.metrics.tool": "--metrics",
    "post_deployment.log.field_map": "--map",
    "post_deployment.log.path": "--log",
    "post_deployment.log.pattern": "--pattern",
    "post_deployment.prometheus_queries": "--query",
    "post_deployment.prometheus_url": "--prometheus",
    "post_deployment.review_horizon_days": "--horizon",
    "post_deployment.reviews.due": "--due",
    "post_deployment.reviews.item": "--tick",
    "post_deployment.reviews.note": "--note",
    "production.window.hours": "--hours",
    "production.window.reason": "--reason",
    "production.window.start": "--start",
    "rehearsal.integration": "--demo-integration",
    "rehearsal.log": "--log",
    "rehearsal.plan": "--plan",
    "rehearsal.upstream": "--upstream",
    "rollback.disable_command": "--command",
    "rollback.disable_http.method": "--flag-method",
    "rollback.disable_http.url": "--flag-url",
    "rollback.notification_template": "--template-file",
    "rollback.notify": "--notify",
    "rollback.step": "--step",
    "rollback.step_note": "--note",
    "support.escalation.confirmed": "--confirm",
    "support.escalation.confirmed_on": "--on",
    "support.escalation.contact.email": "--email",
    "support.escalation.contact.name": "--name",
    "support.escalation.contact.phone": "--phone",
    "support.escalation.level": "--level",
    "support.first_line": "--first-line",
    "time_zone": "--tz",
    "watch.since": "--since",
    "window.search_days": "--days",
}


# --- api, checks, sandbox, secrets ----------------------------------------------------------
CHECK_FLAGS: dict[str, str] = {
    "check.environment": "--env",
    "check.suite": "--suite",
    "check.countries": "--country",
    "check.concurrency": "--concurrency",
    "check.probe_count": "--count",
    "check.scenarios_file": "--scenarios",
    "secret.product": "--product",
    "check.production_confirmation": "--env production",
    "check.parity_staging": "--env production",
}


# --- report and export ----------------------------------------------------------------------
REPORT_FLAGS: dict[str, str] = {"report.format": "--format"}


FLAG_FOR_WHERE: dict[str, str] = {**SESSION_FLAGS, **OPS_FLAGS, **CHECK_FLAGS, **REPORT_FLAGS}


def flag_for(where: str) -> str:
    """The flag for a session field path; anything else (a flag, a file:line) as it is."""
    return FLAG_FOR_WHERE.get(where, where)


def for_cli(error: GoliveError) -> str:
    """The error as the command line shows it: its `where` spelled as the flag."""
    return error.described(flag_for(error.where))
