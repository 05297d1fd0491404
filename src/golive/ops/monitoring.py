"""Monitoring setup: where the logs go, how errors alert, how usage and performance are tracked,
and the checks golive can run on them (a test alert, the log location, the Prometheus endpoint).

Recording a setting leaves its item in progress until a check proves it (or, for what golive
cannot check, such as a Datadog dashboard, the record itself is the evidence and says so).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from golive.session.checklist import set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session, check_url
from golive.session.sections import PAGERDUTY_EVENTS_URL, MetricsSetup
from golive.session.store import evidence_path

Channel = Literal["slack", "teams", "pagerduty", "webhook", "email"]
MetricsArea = Literal["api_usage", "performance"]
CHANNELS: tuple[str, ...] = ("slack", "teams", "pagerduty", "webhook", "email")
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
            where="--log-format",
            advice="use json (one JSON object per line) or text",
        )
    if level is not None and level and level.lower() not in LOG_LEVELS:
        raise BadInputError(
            f"{level!r} is not a log level",
            where="--log-level",
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
        note = f"recorded {what}; check it with `golive monitoring SESSION --check-log-location`"
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
    """How errors alert someone: a webhook (its URL a keyring secret) or e-mail recipients."""
    alerting = session.monitoring.alerting
    if channel is not None:
        if channel not in ("", *CHANNELS):
            raise BadInputError(
                f"{channel!r} is not an alert channel",
                where="--alert",
                advice=f"use one of: {', '.join(CHANNELS)}",
            )
        alerting.channel = channel  # type: ignore[assignment]
    if webhook_secret is not None:
        if webhook_secret:
            from golive.secrets import check_name

            check_name(webhook_secret)
        alerting.webhook_secret = webhook_secret
    if pagerduty_url is not None:
        alerting.pagerduty_url = _url(pagerduty_url, "--pagerduty-url") if pagerduty_url else ""
    if teams_card is not None:
        if teams_card not in ("adaptive", "messagecard"):
            raise BadInputError(
                f"{teams_card!r} is not a Teams card kind",
                where="--teams-card",
                advice="use adaptive or messagecard",
            )
        alerting.teams_card = teams_card  # type: ignore[assignment]
    if email_recipients is not None:
        bad = [address for address in email_recipients if not looks_like_email(address)]
        if bad:
            raise BadInputError(
                f"not e-mail addresses: {', '.join(bad)}",
                where="--alert-email",
                advice="give name@example.com",
            )
        alerting.email_recipients = list(dict.fromkeys(email_recipients))
    if not alerting.channel:
        note = "no alert channel chosen yet"
    elif alerting.channel == "email":
        to = ", ".join(alerting.email_recipients) or "no recipients yet"
        note = (
            f"alerts by e-mail to {to}; golive cannot send e-mail: trigger a test alert from your "
            "alerting system and confirm it arrived (`--alert-received NOTE`)"
        )
    elif not alerting.webhook_secret:
        note = f"{alerting.channel} chosen; name the keyring secret holding its {_secret_words(alerting.channel)}"
    else:
        note = (
            f"{alerting.channel} webhook, {_secret_words(alerting.channel)} in the secret "
            f"{alerting.webhook_secret!r}; send a test alert (`--test-alert`)"
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
                where="--metrics",
                advice=f"use one of: {', '.join(TOOLS)}",
            )
        setup.tool = tool  # type: ignore[assignment]
    if prometheus_url is not None:
        setup.prometheus_url = _url(prometheus_url, "--prometheus-url") if prometheus_url else ""
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
            note = f"Prometheus at {setup.prometheus_url}{where}; check it (`--check-prometheus`)"
        else:
            note = f"Prometheus chosen{where}; give its URL (`--prometheus-url`)"
    elif setup.tool == "other" and not (setup.dashboard or setup.notes):
        status, note = (
            ItemStatus.IN_PROGRESS,
            "'other' chosen; say what it is (--dashboard or --metrics-notes)",
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
    session: Session, note: str, *, by: str | None = None, where: str = "--alert-received"
) -> Recorded:
    """A person's word that a test alert arrived (the way to finish e-mail alerting, which golive
    cannot send): recorded as an attestation with its reason, never as golive's own evidence."""
    if not note.strip():
        raise BadInputError(
            "say when and where the test alert arrived",
            where=where,
            advice="for example --attest 'test mail received by ops@acme.example at 10:42'",
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


# --- the test alert -----------------------------------------------------------------------------


@dataclass
class WebhookAnswer:
    status: int | None
    body: str
    elapsed_ms: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class AlertTest:
    channel: str
    host: str
    answers: list[WebhookAnswer]
    passed: bool
    summary: str
    secret_notice: str = ""
    evidence_id: str = ""


def alert_text(session: Session) -> tuple[str, str]:
    """The test alert's title and text."""
    who = session.meta.customer or session.meta.title or "this deployment"
    title = f"golive test alert: {who}"
    text = (
        f"This is a test alert sent by golive at {now():%Y-%m-%d %H:%M} UTC for the ONESOURCE "
        f"integration of {who}. No action is needed: it proves that errors reach this channel."
    )
    return title, text


def alert_payload(
    channel: str, title: str, text: str, *, teams_card: str = "adaptive"
) -> dict[str, Any]:
    """The JSON body each channel expects (PagerDuty's is built by `pagerduty_event`)."""
    if channel == "slack":
        return {"text": f"*{title}*\n{text}"}
    if channel == "teams" and teams_card == "messagecard":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "themeColor": "0076D7",
            "title": title,
            "text": text,
        }
    if channel == "teams":
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {
                                "type": "TextBlock",
                                "text": title,
                                "weight": "Bolder",
                                "size": "Medium",
                                "wrap": True,
                            },
                            {"type": "TextBlock", "text": text, "wrap": True},
                        ],
                    },
                }
            ],
        }
    return {
        "source": "golive",
        "kind": "test_alert",
        "severity": "info",
        "title": title,
        "text": text,
        "sent_at": now().isoformat(),
    }


def pagerduty_event(
    routing_key: str, action: str, dedup_key: str, title: str, text: str
) -> dict[str, Any]:
    """A PagerDuty Events API v2 event."""
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": action,
        "dedup_key": dedup_key,
    }
    if action == "trigger":
        event["payload"] = {
            "summary": title,
            "source": "golive",
            "severity": "info",
            "component": "onesource-integration",
            "custom_details": {"text": text},
        }
    return event


def _post(client: Any, url: str, payload: dict[str, Any], secret: str) -> WebhookAnswer:
    import httpx

    from golive.secrets.redaction import redact

    started = time.perf_counter()
    try:
        response = client.post(url, json=payload)
    except httpx.HTTPError as error:
        message = redact(str(error) or type(error).__name__).replace(secret, "<secret>")
        return WebhookAnswer(
            None, "", (time.perf_counter() - started) * 1000, f"{type(error).__name__}: {message}"
        )
    body = redact(response.text[:ANSWER_LIMIT]).replace(secret, "<secret>")
    return WebhookAnswer(response.status_code, body, (time.perf_counter() - started) * 1000)


def send_test_alert(
    session: Session,
    session_path: Path,
    *,
    prompt: Callable[[str], str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    by: str | None = None,
) -> AlertTest:
    """Send a test alert to the recorded webhook; record the answer as evidence.

    The webhook URL (for PagerDuty, the routing key) comes from the keyring secret named in the
    setup; it never reaches the session, the evidence or an error text. A PagerDuty test event is
    resolved right after it is triggered, so nobody stays paged.
    """
    import httpx

    from golive.secrets import resolve_secret

    alerting = session.monitoring.alerting
    if not alerting.channel:
        raise BadInputError(
            "no alert channel is recorded", where="monitoring.alerting", advice="set --alert first"
        )
    if alerting.channel == "email":
        raise BadInputError(
            "golive cannot send e-mail",
            where="monitoring.alerting",
            advice="trigger a test alert from your alerting system, then confirm it arrived with --alert-received NOTE",
        )
    if not alerting.webhook_secret:
        raise BadInputError(
            f"no keyring secret is named for the {alerting.channel} {_secret_words(alerting.channel)}",
            where="monitoring.alerting.webhook_secret",
            advice="store it with `golive secret set SESSION alerting_webhook`, then --webhook-secret alerting_webhook",
        )
    resolved = resolve_secret(session, alerting.webhook_secret, prompt=prompt)
    secret = resolved.value.get_secret_value()
    title, text = alert_text(session)
    answers: list[WebhookAnswer] = []
    started = now()
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        if alerting.channel == "pagerduty":
            url = alerting.pagerduty_url or PAGERDUTY_EVENTS_URL
            dedup = f"golive-test-{session.meta.session_id}-{int(time.time())}"
            answers.append(
                _post(client, url, pagerduty_event(secret, "trigger", dedup, title, text), secret)
            )
            if answers[0].ok:
                answers.append(
                    _post(
                        client, url, pagerduty_event(secret, "resolve", dedup, title, text), secret
                    )
                )
        else:
            url = _webhook_url(secret, alerting.webhook_secret)
            payload = alert_payload(alerting.channel, title, text, teams_card=alerting.teams_card)
            answers.append(_post(client, url, payload, secret))
    host = urlsplit(url).hostname or ""
    first = answers[0]
    refusal = _not_delivered(alerting.channel, first)
    passed = first.ok and not refusal
    if first.ok and refusal:
        summary = (
            f"test alert to {alerting.channel} ({host}) not delivered: HTTP {first.status} "
            f"but the receiver answered {refusal}"
        )
    elif passed:
        summary = f"test alert to {alerting.channel} ({host}) accepted: HTTP {first.status}"
        if len(answers) > 1:
            summary += (
                f"; resolved: HTTP {answers[1].status}"
                if answers[1].ok
                else "; resolving it failed"
            )
    elif first.status is None:
        summary = f"test alert to {alerting.channel} ({host}) not delivered: {first.error}"
    else:
        summary = f"test alert to {alerting.channel} ({host}) refused: HTTP {first.status} {first.body[:200]}"
    evidence = EvidenceRecord(
        kind="test_alert",
        host=host,
        started=started,
        outcome="passed" if passed else "failed",
        summary=summary,
        figures={
            "status": first.status,
            "elapsed_ms": round(first.elapsed_ms, 1),
            "answers": [{"status": a.status, "body": a.body, "error": a.error} for a in answers],
            "channel": alerting.channel,
        },
        items=["monitoring.alerting"],
        by=by or "",
    )
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"monitoring.alerting": ItemStatus.DONE if passed else ItemStatus.FAILED},
        by=by,
    )
    return AlertTest(alerting.channel, host, answers, passed, summary, resolved.notice, evidence.id)


def _not_delivered(channel: str, answer: WebhookAnswer) -> str:
    """What in a 2xx answer says the alert was not delivered ("" when nothing does).

    Slack answers `ok`; PagerDuty a JSON status `success`; a Teams connector may answer HTTP 200
    with "Webhook message delivery failed ..." in the body."""
    body = answer.body.strip()
    if channel == "slack" and body and body != "ok":
        return repr(body[:200])
    if channel == "pagerduty" and body:
        try:
            status = json.loads(body).get("status", "")
        except (ValueError, AttributeError):
            return f"{body[:200]!r} (not the Events API's JSON)"
        if status and status != "success":
            return repr(body[:200])
    lowered = body.lower()
    if channel == "teams" and any(word in lowered for word in ("failed", "error")):
        return repr(body[:200])
    return ""


def _webhook_url(value: str, name: str) -> str:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(
            f"the secret {name!r} does not hold an http(s) webhook URL",
            where=f"secret {name}",
            advice=f"store the webhook URL itself: `golive secret set SESSION {name}`",
        )
    return value.strip()


def _secret_words(channel: str) -> str:
    return "routing key" if channel == "pagerduty" else "webhook URL"


# --- the log location ---------------------------------------------------------------------------


@dataclass
class LocationCheck:
    location: str
    kind: Literal["file", "folder", "missing"]
    exists: bool
    writable: bool
    passed: bool
    summary: str
    json_lines: int | None = None
    lines_sampled: int = 0
    evidence_id: str = ""


def _sample_json_lines(path: Path, lines: int = 20) -> tuple[int, int]:
    """How many of the file's last lines are JSON objects (a check of --log-format json)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 64 * 1024))
        tail = handle.read().splitlines()[-lines:]
    parsed = 0
    for raw in tail:
        with contextlib.suppress(ValueError):
            parsed += isinstance(json.loads(raw), dict)
    return parsed, len(tail)


def check_log_location(
    session: Session, session_path: Path, *, by: str | None = None
) -> LocationCheck:
    """The log location exists on this machine and can be written (a folder: a file is created and
    removed in it; a file: it is opened for appending, nothing is written)."""
    location = session.monitoring.logging.location
    if not location:
        raise BadInputError(
            "no log location is recorded",
            where="monitoring.logging.location",
            advice="set --log-location first",
        )
    path = Path(location).expanduser()
    host = socket.gethostname()
    json_lines: int | None = None
    sampled = 0
    if path.is_dir():
        kind: Literal["file", "folder", "missing"] = "folder"
        writable = _folder_writable(path)
    elif path.is_file():
        kind = "file"
        try:
            with path.open("ab"):
                pass
            writable = True
        except OSError:
            writable = False
        if session.monitoring.logging.format == "json":
            with contextlib.suppress(OSError):
                json_lines, sampled = _sample_json_lines(path)
    else:
        kind = "missing"
        writable = False
    exists = kind != "missing"
    passed = exists and writable
    if kind == "missing":
        summary = f"{location} does not exist on {host}"
    elif not writable:
        summary = f"{location} ({kind}) exists on {host} but cannot be written by this user"
    else:
        summary = f"{location} ({kind}) exists on {host} and is writable"
    if json_lines is not None and sampled:
        summary += f"; {json_lines} of its last {sampled} lines are JSON objects"
    evidence = EvidenceRecord(
        kind="log_location",
        host=host,
        outcome="passed" if passed else "failed",
        summary=summary,
        figures={
            "kind": kind,
            "exists": exists,
            "writable": writable,
            "json_lines": json_lines,
            "sampled": sampled,
        },
        items=["monitoring.logging"],
        by=by or "",
    )
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"monitoring.logging": ItemStatus.DONE if passed else ItemStatus.FAILED},
        by=by,
    )
    return LocationCheck(
        location, kind, exists, writable, passed, summary, json_lines, sampled, evidence.id
    )


def _folder_writable(folder: Path) -> bool:
    probe = folder / f".golive-write-check-{os.getpid()}"
    try:
        fd = os.open(
            probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()
    return True


# --- the Prometheus endpoint --------------------------------------------------------------------


@dataclass
class PrometheusCheck:
    url: str
    reachable: bool
    version: str
    targets_up: int | None
    passed: bool
    summary: str
    items: list[str] = field(default_factory=list)
    evidence_id: str = ""


def prometheus_url(session: Session) -> str:
    """The Prometheus server of this session: the watch's, else performance's, else API usage's."""
    return (
        session.post_deployment.prometheus_url
        or session.monitoring.performance.prometheus_url
        or session.monitoring.api_usage.prometheus_url
    )


def check_prometheus(
    session: Session,
    session_path: Path,
    *,
    url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    by: str | None = None,
) -> PrometheusCheck:
    """Query the Prometheus HTTP API (build info and `up`); marks the areas using Prometheus done."""
    import httpx

    target = _url(url, "--prometheus-url") if url else prometheus_url(session)
    if not target:
        raise BadInputError(
            "no Prometheus URL is recorded",
            where="monitoring",
            advice="give --prometheus-url http://host:9090",
        )
    version, up, error = "", None, ""
    try:
        with httpx.Client(timeout=timeout) as client:
            info = client.get(f"{target}/api/v1/status/buildinfo")
            if info.status_code == 200:
                version = str(info.json().get("data", {}).get("version", ""))
            answer = client.get(f"{target}/api/v1/query", params={"query": "up"})
            answer.raise_for_status()
            document = answer.json()
            if document.get("status") != "success":
                error = (
                    f"the query API answered {document.get('status')}: {document.get('error', '')}"
                )
            else:
                up = sum(1 for sample in document["data"]["result"] if sample["value"][1] == "1")
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as problem:
        error = f"{type(problem).__name__}: {problem}"
    passed = not error
    host = urlsplit(target).hostname or ""
    if passed:
        summary = f"Prometheus {version or '(version unknown)'} at {target} answers queries; {up} target(s) up"
    else:
        summary = f"Prometheus at {target} did not answer a query: {error}"
    items = [
        f"monitoring.{area}"
        for area in ("api_usage", "performance")
        if getattr(session.monitoring, area).tool == "prometheus"
    ]
    if passed and not items:
        summary += " (no area records Prometheus as its tool, so no item changed)"
    evidence = EvidenceRecord(
        kind="prometheus_check",
        host=host,
        outcome="passed" if passed else "failed",
        summary=summary,
        figures={"version": version, "targets_up": up},
        items=items,
        by=by or "",
    )
    status = ItemStatus.DONE if passed else ItemStatus.FAILED
    record(session, evidence_path(session_path), evidence, dict.fromkeys(items, status), by=by)
    return PrometheusCheck(target, passed, version, up, passed, summary, items, evidence.id)


# --- shared bits --------------------------------------------------------------------------------


def looks_like_email(address: str) -> bool:
    name, at, domain = address.strip().rpartition("@")
    return bool(at and name and "." in domain and " " not in address.strip())


def _url(value: str, where: str) -> str:
    try:
        return check_url(value.strip())
    except ValueError as error:
        raise BadInputError(
            str(error), where=where, advice="give an http(s) URL such as http://prometheus:9090"
        ) from None
