"""Monitoring setup: where the logs go, how errors alert, how usage and performance are tracked,
and the checks golive can run on them (a test alert, the log location, the Prometheus endpoint).

Recording a setting leaves its item in progress until a check proves it (or, for what golive
cannot check, such as a Datadog dashboard, the record itself is the evidence and says so)."""

from __future__ import annotations

from golive.ops.monitoring.alerts import (
    AlertTest,
    WebhookAnswer,
    _not_delivered,
    _post,
    _webhook_url,
    alert_payload,
    alert_text,
    pagerduty_event,
    send_test_alert,
)
from golive.ops.monitoring.location import (
    LocationCheck,
    _folder_writable,
    _sample_json_lines,
    check_log_location,
)
from golive.ops.monitoring.prometheus import PrometheusCheck, check_prometheus, prometheus_url
from golive.ops.monitoring.setup import (
    ANSWER_LIMIT,
    CHANNEL_WORDS,
    CHANNELS,
    DEFAULT_TIMEOUT,
    LOG_FORMATS,
    LOG_LEVELS,
    TOOLS,
    Channel,
    MetricsArea,
    Recorded,
    _secret_words,
    _url,
    confirm_alert_received,
    looks_like_email,
    set_alerting,
    set_logging,
    set_metrics,
)
from golive.ops.monitoring.trust import (
    PrometheusTrust,
    failure_words,
    prometheus_trust,
    trust_or_words,
)

__all__ = [
    "ANSWER_LIMIT",
    "CHANNELS",
    "CHANNEL_WORDS",
    "DEFAULT_TIMEOUT",
    "LOG_FORMATS",
    "LOG_LEVELS",
    "TOOLS",
    "AlertTest",
    "Channel",
    "LocationCheck",
    "MetricsArea",
    "PrometheusCheck",
    "PrometheusTrust",
    "Recorded",
    "WebhookAnswer",
    "_folder_writable",
    "_not_delivered",
    "_post",
    "_sample_json_lines",
    "_secret_words",
    "_url",
    "_webhook_url",
    "alert_payload",
    "alert_text",
    "check_log_location",
    "check_prometheus",
    "confirm_alert_received",
    "failure_words",
    "looks_like_email",
    "pagerduty_event",
    "prometheus_trust",
    "prometheus_url",
    "send_test_alert",
    "set_alerting",
    "set_logging",
    "set_metrics",
    "trust_or_words",
]
