"""The test alert: the payload per channel, the webhook or PagerDuty call, what it answered."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from golive.ops.monitoring.setup import ANSWER_LIMIT, DEFAULT_TIMEOUT, _secret_words
from golive.ops.monitoring.trust import prometheus_trust
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.item_changes import default_actor
from golive.session.model import ItemStatus, Session
from golive.session.sections import PAGERDUTY_EVENTS_URL
from golive.session.store import evidence_path

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
    # Long because one channel's round trip: payload, secret, the call, its answer, the record.
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
            advice="trigger a test alert from your alerting system, then confirm it arrived (who saw it, and when)",
        )
    if not alerting.webhook_secret:
        raise BadInputError(
            f"no keyring secret is named for the {alerting.channel} {_secret_words(alerting.channel)}",
            where="monitoring.alerting.webhook_secret",
            advice="store the webhook URL as a secret (e.g. alerting_webhook) and name that secret as the alerting's webhook secret",
        )
    resolved = resolve_secret(session, alerting.webhook_secret, prompt=prompt)
    secret = resolved.value.get_secret_value()
    title, text = alert_text(session)
    answers: list[WebhookAnswer] = []
    started = now()
    if alerting.channel == "pagerduty":
        url = alerting.pagerduty_url or PAGERDUTY_EVENTS_URL
    else:
        url = _webhook_url(secret, alerting.webhook_secret)
    # a webhook at an environment's API host:port (the demo's sandbox) is checked against that
    # environment's CA bundle, as Prometheus is; any other against httpx's default trust
    trust = prometheus_trust(session, url)
    verify: ssl.SSLContext | bool = trust.context if trust.environment else True
    with httpx.Client(timeout=timeout, follow_redirects=False, verify=verify) as client:
        if alerting.channel == "pagerduty":
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
        by=by or default_actor(session),  # who ran it: the record stands alone
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
