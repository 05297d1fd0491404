"""`golive monitoring`: the alert channels, the log location and Prometheus."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _json_flag,
    _open,
    _parser,
    _print_json,
    _secret_prompt,
)
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _monitoring(sub)


# --- monitoring ---------------------------------------------------------------------------------


def _monitoring(sub: Sub) -> None:
    # Long because one add_argument per flag, each with its help text.
    p = _parser(
        sub,
        "monitoring",
        "record and check logging, alerting and metrics (monitoring.*)",
        "Record where the integration logs go, how errors alert and how usage and performance "
        "are tracked; then check what can be checked. Without options: show the setup.",
    )
    g = p.add_argument_group("logging")
    g.add_argument("--log-location", metavar="PATH", help="file or folder the integration logs to")
    g.add_argument(
        "--log-format", choices=("json", "text"), help="json (one object per line) or text"
    )
    g.add_argument("--log-level", metavar="LEVEL", help="debug, info, warning, error or critical")
    g = p.add_argument_group("alerting")
    g.add_argument(
        "--alert", choices=("slack", "teams", "pagerduty", "webhook", "email"), help="the channel"
    )
    g.add_argument(
        "--webhook-secret",
        metavar="NAME",
        help="keyring secret holding the webhook URL (PagerDuty: the routing key); "
        "store it with `golive secret set SESSION NAME`",
    )
    g.add_argument("--pagerduty-url", metavar="URL", help="Events API v2 endpoint (EU accounts)")
    g.add_argument("--teams-card", choices=("adaptive", "messagecard"), help="Teams message shape")
    g.add_argument(
        "--alert-email", action="append", metavar="ADDRESS", help="alert recipient (repeatable)"
    )
    g = p.add_argument_group("metrics")
    g.add_argument("--metrics", choices=("prometheus", "datadog", "cloudwatch", "other"))
    g.add_argument(
        "--metrics-for",
        choices=("both", "api_usage", "performance"),
        default="both",
        help="which area --metrics, --prometheus-url, --dashboard describe (default both)",
    )
    g.add_argument(
        "--prometheus-url", metavar="URL", help="the Prometheus server, e.g. http://prom:9090"
    )
    g.add_argument("--dashboard", metavar="URL_OR_NAME", help="where the dashboard is")
    g.add_argument("--metrics-notes", metavar="TEXT", help="anything else about the tracking")
    g = p.add_argument_group("checks")
    g.add_argument("--test-alert", action="store_true", help="send a test alert to the webhook")
    g.add_argument(
        "--alert-received",
        metavar="NOTE",
        help="attest that a test alert arrived (e-mail alerting); the same as --attest",
    )
    g.add_argument(
        "--attest",
        metavar="REASON",
        help="mark monitoring.alerting done on your word: when and where a test alert arrived "
        "(recorded as an attestation, not as evidence)",
    )
    g.add_argument(
        "--check-log-location",
        action="store_true",
        help="check the log location exists and is writable",
    )
    g.add_argument("--check-prometheus", action="store_true", help="query the Prometheus server")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_monitoring)


def cmd_monitoring(args: argparse.Namespace) -> int:
    # Long because each flag is one small action on the same session, saved once.
    from golive.ops import monitoring
    from golive.ops.monitoring import MetricsArea

    handle = _open(args.session)
    session = handle.session
    lines: list[str] = []
    failed = False
    if any(x is not None for x in (args.log_location, args.log_format, args.log_level)):
        r = monitoring.set_logging(
            session,
            location=args.log_location,
            format=args.log_format,
            level=args.log_level,
            by=args.by,
        )
        lines.append(f"{r.item}: {r.status.value} ({r.note})")
    if any(
        x is not None
        for x in (
            args.alert,
            args.webhook_secret,
            args.pagerduty_url,
            args.teams_card,
            args.alert_email,
        )
    ):
        r = monitoring.set_alerting(
            session,
            channel=args.alert,
            webhook_secret=args.webhook_secret,
            pagerduty_url=args.pagerduty_url,
            teams_card=args.teams_card,
            email_recipients=args.alert_email,
            by=args.by,
        )
        lines.append(f"{r.item}: {r.status.value} ({r.note})")
    if any(
        x is not None
        for x in (args.metrics, args.prometheus_url, args.dashboard, args.metrics_notes)
    ):
        areas: list[MetricsArea] = (
            ["api_usage", "performance"] if args.metrics_for == "both" else [args.metrics_for]
        )
        for area in areas:
            r = monitoring.set_metrics(
                session,
                area,
                tool=args.metrics,
                prometheus_url=args.prometheus_url,
                dashboard=args.dashboard,
                notes=args.metrics_notes,
                by=args.by,
            )
            lines.append(f"{r.item}: {r.status.value} ({r.note})")
    for flag, attested in (("--alert-received", args.alert_received), ("--attest", args.attest)):
        if attested is not None:
            r = monitoring.confirm_alert_received(session, attested, by=args.by, where=flag)
            lines.append(f"{r.item}: {r.status.value} (attested: {attested.strip()})")
    handle.save()
    results: dict[str, Any] = {}
    try:
        if args.check_log_location:
            check = monitoring.check_log_location(session, handle.path, by=args.by)
            failed |= not check.passed
            lines.append(f"log location: {'passed' if check.passed else 'FAILED'}: {check.summary}")
            results["log_location"] = check.__dict__
        if args.test_alert:
            prompt = _secret_prompt()
            alert = monitoring.send_test_alert(session, handle.path, prompt=prompt, by=args.by)
            failed |= not alert.passed
            if alert.secret_notice:
                lines.append(alert.secret_notice)
            lines.append(f"test alert: {'passed' if alert.passed else 'FAILED'}: {alert.summary}")
            results["test_alert"] = {"passed": alert.passed, "summary": alert.summary}
        if args.check_prometheus:
            prom = monitoring.check_prometheus(
                session, handle.path, url=args.prometheus_url, by=args.by
            )
            failed |= not prom.passed
            lines.append(f"prometheus: {'passed' if prom.passed else 'FAILED'}: {prom.summary}")
            results["prometheus"] = {"passed": prom.passed, "summary": prom.summary}
    finally:
        handle.save()
    if args.json:
        _print_json({"monitoring": session.monitoring.model_dump(mode="json"), "checks": results})
    else:
        for line in lines:
            print(line)
        _show_monitoring(session)
    return 1 if failed else 0


def _show_monitoring(session: Any) -> None:
    from golive.session.checklist import build_checklist

    checklist = build_checklist(session)
    m = session.monitoring
    log = m.logging
    print(f"logging:     {log.location or '-'} ({log.format or '?'}, level {log.level or '?'})")
    a = m.alerting
    if a.channel == "email":
        target = ", ".join(a.email_recipients) or "no recipients"
    else:
        target = f"secret {a.webhook_secret!r}" if a.webhook_secret else "no secret named"
    print(f"alerting:    {a.channel or '-'} ({target})")
    for area, label in (("api_usage", "API usage:  "), ("performance", "performance:")):
        setup = getattr(m, area)
        extra = setup.prometheus_url or setup.dashboard
        print(f"{label} {setup.tool or '-'}" + (f" ({extra})" if extra else ""))
    for item in checklist.in_section("monitoring"):
        print(f"  {item.id}: {item.status.value}" + (f" — {item.note}" if item.note else ""))
