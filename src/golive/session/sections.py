"""The go-live's operational sections of the session: monitoring, deploys, pilot and rollout,
post-deployment watch, rollback and support. Kept apart from the configuration models in
`model.py` because `golive.ops` grows them as it records what was done."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from golive.session.values import Email, Moment, Url
from golive.session.values import Strict as _Strict


class Contact(_Strict):
    name: str
    email: Email = ""
    phone: str = ""
    role: str = ""


# --- monitoring ---------------------------------------------------------------------------------


class LoggingSetup(_Strict):
    location: str = Field(default="", description="file or folder the integration logs to")
    format: Literal["", "json", "text"] = ""
    level: str = ""


PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"


class AlertingSetup(_Strict):
    channel: Literal["", "slack", "teams", "pagerduty", "webhook", "email"] = ""
    webhook_secret: str = Field(
        default="",
        description="name of the keyring secret holding the webhook URL (it carries a token); "
        "for PagerDuty, the integration's routing key",
    )
    pagerduty_url: Url = Field(
        default="",
        description="PagerDuty Events API v2 endpoint; empty: "
        + PAGERDUTY_EVENTS_URL
        + " (EU accounts: https://events.eu.pagerduty.com/v2/enqueue)",
    )
    teams_card: Literal["adaptive", "messagecard"] = Field(
        default="adaptive",
        description="adaptive: a Teams Workflows webhook; messagecard: a legacy Office 365 connector",
    )
    email_recipients: list[Email] = Field(default_factory=list)


class MetricsSetup(_Strict):
    tool: Literal["", "prometheus", "datadog", "cloudwatch", "other"] = ""
    prometheus_url: Url = ""
    dashboard: str = Field(default="", description="where the dashboard is (URL or name)")
    notes: str = ""


class MonitoringSetup(_Strict):
    logging: LoggingSetup = Field(default_factory=LoggingSetup)
    alerting: AlertingSetup = Field(default_factory=AlertingSetup)
    api_usage: MetricsSetup = Field(default_factory=MetricsSetup)
    performance: MetricsSetup = Field(default_factory=MetricsSetup)


# --- deploys ------------------------------------------------------------------------------------


class Deployment(_Strict):
    version: str = Field(default="", description="the deployed version or commit")
    deployed_at: Moment | None = None
    by: str = ""


class StagingRecord(_Strict):
    deploy: Deployment = Field(default_factory=Deployment)


class DeploymentWindow(_Strict):
    start: Moment
    end: Moment
    note: str = ""
    warnings: list[str] = Field(default_factory=list)
    reason: str | None = Field(
        default=None, description="why a window in business hours or on a holiday was chosen"
    )


class ProductionRecord(_Strict):
    window: DeploymentWindow | None = None
    deploy: Deployment = Field(default_factory=Deployment)


# --- pilot, watch, rollout ----------------------------------------------------------------------


class PilotCustomer(_Strict):
    name: str
    contact: str = ""
    countries: list[str] = Field(default_factory=list)


class WatchCheckpoint(_Strict):
    label: str = Field(description="e.g. +1 h")
    offset_hours: float
    recorded_at: Moment | None = None
    figures: dict[str, float] = Field(default_factory=dict)
    meets_targets: bool | None = None
    by: str = ""
    note: str = ""
    evidence: str = ""


class RolloutStage(_Strict):
    name: str = Field(description="e.g. 10% or a named customer batch")
    share_pct: float | None = Field(default=None, gt=0, le=100)
    customers: list[str] = Field(default_factory=list)
    planned_for: Moment | None = None
    opened_at: Moment | None = None
    opened_by: str = ""
    gate: str = Field(default="", description="the watch figures against the targets when opened")
    override_reason: str = Field(
        default="", description="why it was opened against a failing figure"
    )


class GoLiveRecord(_Strict):
    pilot_customers: list[PilotCustomer] = Field(default_factory=list)
    pilot_enabled_at: Moment | None = None
    checkpoints: list[WatchCheckpoint] = Field(default_factory=list)
    rollout: list[RolloutStage] = Field(default_factory=list)


# --- post-deployment ----------------------------------------------------------------------------


class LogSource(_Strict):
    path: str = ""
    field_map: dict[str, str] = Field(
        default_factory=dict, description="our name -> the log's field name"
    )
    pattern: str = Field(
        default="", description="a regular expression with named groups, for text logs"
    )


class ReviewOccurrence(_Strict):
    item: str = Field(description="the checklist item this review belongs to")
    due: date
    done_at: Moment | None = None
    by: str = ""
    note: str = ""


class PostDeploymentRecord(_Strict):
    log: LogSource = Field(default_factory=LogSource)
    prometheus_url: Url = ""
    prometheus_queries: dict[str, str] = Field(
        default_factory=dict,
        description="figure name -> PromQL; {window} stands for the watched range (e.g. 86400s); "
        "missing names use golive's defaults",
    )
    reviews_from: date | None = Field(default=None, description="first day of the review schedule")
    review_horizon_days: int = Field(default=365, ge=7, le=5 * 366)
    reviews: list[ReviewOccurrence] = Field(default_factory=list)


# --- rollback -----------------------------------------------------------------------------------


class FlagCall(_Strict):
    method: Literal["POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: Url = ""
    body: str = ""
    token_secret: str = Field(
        default="", description="name of the keyring secret sent as a bearer token"
    )


class AffectedCustomer(_Strict):
    """A customer to notify when the integration is disabled, and who to write to there."""

    customer: str
    contact: str = Field(default="", description="the person's name")
    email: Email = ""
    phone: str = ""


class RollbackPlan(_Strict):
    disable_method: Literal["", "command", "http", "manual"] = ""
    disable_command: list[str] = Field(
        default_factory=list, description="argument list, run without a shell"
    )
    disable_timeout_s: float = Field(default=120.0, gt=0, le=3600)
    disable_http: FlagCall = Field(default_factory=FlagCall)
    manual_steps: str = ""
    notify: list[AffectedCustomer] = Field(default_factory=list)
    notification_template: str = Field(
        default="",
        description="string.Template text; empty: golive's default. "
        "$customer $contact $email $started_at $reason $partner $support",
    )
    log_locations: list[str] = Field(default_factory=list)
    started_at: Moment | None = None
    reason: str = ""
    run_folder: str = Field(
        default="", description="where the last rollback wrote its drafts and archive"
    )


# --- support ------------------------------------------------------------------------------------

FIRST_LINE_TEXT = {
    "partner": "Partner provides first-line support, escalates to Thomson Reuters as needed",
    "thomson-reuters": "Thomson Reuters provides direct support to end customers",
}

ESCALATION_LEVELS = (
    "Partner support team",
    "Partner technical team",
    "Thomson Reuters support",
    "Thomson Reuters engineering",
)


class EscalationLevel(_Strict):
    level: int = Field(ge=1, le=4)
    team: str = ""
    contact: Contact | None = None
    confirmed: bool = Field(
        default=False, description="the contact was confirmed, not just suggested"
    )
    confirmed_on: date | None = Field(
        default=None, description="when the contact confirmed (`golive support --confirm N`)"
    )
    confirmed_by: str | None = Field(default=None, description="who recorded the confirmation")

    def confirmation(self) -> str:
        """In words: "confirmed on 2026-11-02 by Ada", or "not confirmed"."""
        return confirmation_words(self.confirmed, self.confirmed_on, self.confirmed_by or "")


def confirmation_words(confirmed: bool, on: date | None, by: str) -> str:
    # a contact is confirmed only by an explicit confirm with its date (issue 12): a bare
    # `confirmed = true` (what golive once set by default) is not one
    if not confirmed:
        return "not confirmed"
    if on is None:
        return "not confirmed (no confirmation date recorded)"
    return f"confirmed on {on:%Y-%m-%d}" + (f" by {by}" if by else "")


class SupportSetup(_Strict):
    first_line: Literal["partner", "thomson-reuters"] | None = None
    escalation: list[EscalationLevel] = Field(default_factory=list)

    def first_line_text(self) -> str:
        return FIRST_LINE_TEXT.get(self.first_line or "", "not chosen yet")
