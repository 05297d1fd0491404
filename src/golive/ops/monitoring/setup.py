"""Recording the monitoring setup: logging, alerting, metrics; the alert received by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from golive.session.checklist import set_item_status
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session, check_url
from golive.session.sections import AlertingSetup, MetricsSetup
from golive.session.values import check_email

MetricsArea = Literal["api_usage", "performance"]
# the alert channels: the session model's list (AlertingSetup.channel) is the one list
CHANNELS: tuple[str, ...] = tuple(
    c for c in get_args(AlertingSetup.model_fields["channel"].annotation) if c
)
Channel = str  # one of CHANNELS
# how the report and the wizard name each channel
CHANNEL_WORDS: dict[str, str] = {
    "slack": "Slack",
    "teams": "Microsoft Teams",
    "pagerduty": "PagerDuty",
    "webhook": "a webhook",
    "email": "e-mail",
}
TOOLS: tuple[str, ...] = ("prometheus", "datadog", "cloudwatch", "other")
LOG_FORMATS: tuple[str, ...] = ("json", "text")
LOG_LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error", "critical")
DEFAULT_TIMEOUT = 10.0
ANSWER_LIMIT = 500


@dataclass(frozen=True)
class Recorded:
    """A setting kept in the session and what it did to its checklist item."""

    item: str
    status: ItemStatus
    note: str


# --- recording the setup ------------------------------------------------------------------------


def set_logging(
    session: Session,
    *,
    location: str | None = None,
    format: str | None = None,
    level: str | None = None,
    by: str | None = None,
) -> Recorded:
    """Where the integration logs go, their format and level."""
    logging = session.monitoring.logging
    if format is not None and format not in ("", *LOG_FORMATS):
        raise BadInputError(
            f"{format!r} is not a log format golive knows",
            where="monitoring.logging.format",
            advice="use json (one JSON object per line) or text",
        )
    if level is not None and level and level.lower() not in LOG_LEVELS:
        raise BadInputError(
            f"{level!r} is not a log level",
            where="monitoring.logging.level",
            advice=f"use one of: {', '.join(LOG_LEVELS)}",
        )
    if location is not None:
        logging.location = str(Path(location).expanduser()) if location else ""
    if format is not None:
        logging.format = format  # type: ignore[assignment]
    if level is not None:
        logging.level = level.lower()
    missing = [name for name in ("location", "format", "level") if not getattr(logging, name)]
    what = f"{logging.location or '?'} ({logging.format or '?'}, level {logging.level or '?'})"
    if missing:
        note = f"recorded {what}; still to give: {', '.join(missing)}"
    else:
        note = f"recorded {what}; check the log location"
    set_item_status(session, "monitoring.logging", ItemStatus.IN_PROGRESS, by=by, note=note)
    return Recorded("monitoring.logging", ItemStatus.IN_PROGRESS, note)


def set_alerting(
    session: Session,
    *,
    channel: str | None = None,
    webhook_secret: str | None = None,
    pagerduty_url: str | None = None,
    teams_card: str | None = None,
    email_recipients: list[str] | None = None,
    by: str | None = None,
) -> Recorded:
    # Long because each alerting field is checked and recorded with the note it gives.
    """How errors alert someone: a webhook (its URL a keyring secret) or e-mail recipients."""
    alerting = session.monitoring.alerting
    if channel is not None:
        if channel not in ("", *CHANNELS):
            raise BadInputError(
                f"{channel!r} is not an alert channel",
                where="monitoring.alerting.channel",
                advice=f"use one of: {', '.join(CHANNELS)}",
            )
        alerting.channel = channel  # type: ignore[assignment]
    if webhook_secret is not None:
        if webhook_secret:
            from golive.secrets import check_name

            check_name(webhook_secret)
        alerting.webhook_secret = webhook_secret
    if pagerduty_url is not None:
        alerting.pagerduty_url = (
            _url(pagerduty_url, "monitoring.alerting.pagerduty_url") if pagerduty_url else ""
        )
    if teams_card is not None:
        if teams_card not in ("adaptive", "messagecard"):
            raise BadInputError(
                f"{teams_card!r} is not a Teams card kind",
                where="monitoring.alerting.teams_card",
                advice="use adaptive or messagecard",
            )
        alerting.teams_card = teams_card  # type: ignore[assignment]
    if email_recipients is not None:
        bad = [address for address in email_recipients if not looks_like_email(address)]
        if bad:
            raise BadInputError(
                f"not e-mail addresses: {', '.join(bad)}",
                where="monitoring.alerting.email_recipients",
                advice="give name@example.com",
            )
        alerting.email_recipients = list(dict.fromkeys(email_recipients))
    if not alerting.channel:
        note = "no alert channel chosen yet"
    elif alerting.channel == "email":
        to = ", ".join(alerting.email_recipients) or "no recipients yet"
        note = (
            f"alerts by e-mail to {to}; golive cannot send e-mail: trigger a test alert from your "
            "alerting system and confirm it arrived (who saw it, and when)"
        )
    elif not alerting.webhook_secret:
        note = f"{alerting.channel} chosen; name the keyring secret holding its {_secret_words(alerting.channel)}"
    else:
        note = (
            f"{alerting.channel} webhook, {_secret_words(alerting.channel)} in the secret "
            f"{alerting.webhook_secret!r}; send a test alert"
        )
    set_item_status(session, "monitoring.alerting", ItemStatus.IN_PROGRESS, by=by, note=note)
    return Recorded("monitoring.alerting", ItemStatus.IN_PROGRESS, note)


def set_metrics(
    session: Session,
    area: MetricsArea,
    *,
    tool: str | None = None,
    prometheus_url: str | None = None,
    dashboard: str | None = None,
    notes: str | None = None,
    by: str | None = None,
) -> Recorded:
    """How API usage (or performance) is tracked. Prometheus waits for `check_prometheus`."""
    setup: MetricsSetup = getattr(session.monitoring, area)
    if tool is not None:
        if tool not in ("", *TOOLS):
            raise BadInputError(
                f"{tool!r} is not a metrics tool golive knows",
                where="monitoring.metrics.tool",
                advice=f"use one of: {', '.join(TOOLS)}",
            )
        setup.tool = tool  # type: ignore[assignment]
    if prometheus_url is not None:
        setup.prometheus_url = (
            _url(prometheus_url, "monitoring.metrics.prometheus_url") if prometheus_url else ""
        )
    if dashboard is not None:
        setup.dashboard = dashboard
    if notes is not None:
        setup.notes = notes
    item = f"monitoring.{area}"
    words = "API usage" if area == "api_usage" else "performance"
    where = f"; dashboard: {setup.dashboard}" if setup.dashboard else ""
    if not setup.tool:
        status, note = ItemStatus.IN_PROGRESS, f"no tool chosen for {words} yet"
    elif setup.tool == "prometheus":
        status = ItemStatus.IN_PROGRESS
        if setup.prometheus_url:
            note = f"Prometheus at {setup.prometheus_url}{where}; check the Prometheus endpoint"
        else:
            note = f"Prometheus chosen{where}; give its URL"
    elif setup.tool == "other" and not (setup.dashboard or setup.notes):
        status, note = (
            ItemStatus.IN_PROGRESS,
            "'other' chosen; say what it is (its dashboard or a note)",
        )
    else:
        status = ItemStatus.DONE
        note = (
            f"{words} tracked in {setup.tool}{where} (recorded; golive cannot query {setup.tool})"
        )
        if setup.notes:
            note += f"; {setup.notes}"
    set_item_status(session, item, status, by=by, note=note)
    return Recorded(item, status, note)


def confirm_alert_received(
    session: Session,
    note: str,
    *,
    by: str | None = None,
    where: str = "monitoring.alerting.received",
) -> Recorded:
    """A person's word that a test alert arrived (the way to finish e-mail alerting, which golive
    cannot send): recorded as an attestation with its reason, never as golive's own evidence."""
    if not note.strip():
        raise BadInputError(
            "say when and where the test alert arrived",
            where=where,
            advice="say who saw it and when, e.g. 'test mail received by ops@acme.example at 10:42'",
        )
    if not session.monitoring.alerting.channel:
        raise BadInputError("no alert channel is recorded", where=where, advice="set --alert first")
    set_item_status(
        session,
        "monitoring.alerting",
        ItemStatus.DONE,
        by=by,
        note=f"attested: test alert received: {note.strip()}",
        attestation=note.strip(),
    )
    return Recorded("monitoring.alerting", ItemStatus.DONE, note)


def _secret_words(channel: str) -> str:
    return "routing key" if channel == "pagerduty" else "webhook URL"


# --- shared bits --------------------------------------------------------------------------------


def looks_like_email(address: str) -> bool:
    """True when golive.session.values.check_email accepts the address (the one e-mail rule)."""
    if not address.strip():
        return False
    try:
        check_email(address)
    except ValueError:
        return False
    return True


def _url(value: str, where: str) -> str:
    try:
        return check_url(value.strip())
    except ValueError as error:
        raise BadInputError(
            str(error), where=where, advice="give an http(s) URL such as http://prometheus:9090"
        ) from None
