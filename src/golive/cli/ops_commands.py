"""Running the go-live headless: monitoring, window, deploy, verify-config, pilot, watch, rollout,
reviews, rollback, support and calendar. Each handler parses, calls golive.ops, prints the result.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.session.errors import BadInputError, GoliveError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.session.store import SessionFile

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

SESSION_HELP = "a session name (in golive's sessions folder) or a path to a .toml file"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    for add in (
        _monitoring,
        _window,
        _deploy,
        _verify_config,
        _pilot,
        _watch,
        _rehearse,
        _rollout,
        _reviews,
        _rollback,
        _support,
        _calendar,
    ):
        add(sub)


def _parser(sub: Sub, name: str, help_text: str, description: str = "") -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=description or help_text
    )
    parser.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    return parser


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", default=None, help="who did it (default: the session's engineer, else the OS user)"
    )


def _override_flag(parser: argparse.ArgumentParser, gate: str) -> None:
    parser.add_argument(
        "--override",
        metavar="REASON",
        default=None,
        help=f"go ahead although the {gate} gate is held: the reason is recorded with the gate "
        "and shown in the report",
    )


def _gate_first(handle: Any, gate: str) -> None:
    """Refuse a command that acts past a held gate before it changes anything at all (exit 1)."""
    from golive.ops.gates import chain_problems
    from golive.session.checklist import require_gate

    require_gate(handle.session, gate, chain_problems=chain_problems(handle.session, handle.path))


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _open(reference: str) -> SessionFile:
    from golive.session.store import SessionFile

    return SessionFile.open(reference)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(
            f"{text!r} is not a date", where=where, advice="give YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def _moment(text: str, where: str, zone: str | None = None) -> datetime:
    from golive.ops.window import parse_moment

    return parse_moment(text, zone=zone, where=where)


def _local(moment: datetime, zone: str | None) -> str:
    from golive.ops.window import local_zone

    shown = moment.astimezone(local_zone(zone))
    return f"{shown:%a %d %b %Y %H:%M} {shown.tzname() or ''}".rstrip()


def _span(start: datetime, end: datetime) -> str:
    """`Sat 28 Nov 22:00–Sun 00:00`: the end's day only when it is another day."""
    shown_end = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %H:%M}"
    return f"{start:%a %d %b %H:%M}–{shown_end}"


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [type yes] ")
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


# --- monitoring ---------------------------------------------------------------------------------


def _monitoring(sub: Sub) -> None:
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


def _secret_prompt() -> Callable[[str], str] | None:
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


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


# --- window -------------------------------------------------------------------------------------


def _window(sub: Sub) -> None:
    p = _parser(
        sub,
        "window",
        "suggest or choose the low-traffic production window (production.schedule)",
        "Suggest windows outside business hours (09:00-18:00, Mon-Fri) in every time zone of "
        "every country of the session, avoiding their public holidays; or choose one. A chosen "
        "window in business hours or on a holiday somewhere is recorded only with --reason.",
    )
    p.add_argument("--days", type=int, default=14, help="how many days ahead to look (default 14)")
    p.add_argument("--hours", type=float, default=2.0, help="the window's length (default 2)")
    pick = p.add_mutually_exclusive_group()
    pick.add_argument("--choose", type=int, metavar="N", help="choose suggestion N (1 = best)")
    pick.add_argument(
        "--start",
        metavar="ISO",
        help="choose this start, e.g. 2026-12-12T22:00 (your time zone) or 2026-12-12T21:00Z",
    )
    p.add_argument("--tz", metavar="ZONE", help="your time zone (default: this machine's)")
    p.add_argument("--note", default="", help="a note kept with the chosen window")
    p.add_argument(
        "--reason",
        default="",
        help="why a window in business hours or on a holiday is chosen (needed then; recorded)",
    )
    p.add_argument("--limit", type=int, default=10, help="how many suggestions to show")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_window)


def cmd_window(args: argparse.Namespace) -> int:
    from golive.ops import window

    handle = _open(args.session)
    session = handle.session
    if args.start:
        start = _moment(args.start, "--start", args.tz)
        chosen = window.choose_window(
            session,
            start,
            args.hours,
            note=args.note,
            zone=args.tz,
            by=args.by,
            reason=args.reason,
            session_path=handle.path,
        )
        handle.save()
        _print_chosen(chosen, args.json)
        return 0
    suggestions = window.suggest_windows(
        session,
        days=args.days,
        hours=args.hours,
        zone=args.tz,
        limit=max(args.limit, args.choose or 0),
    )
    if args.choose is not None:
        if not 1 <= args.choose <= len(suggestions.candidates):
            raise BadInputError(
                f"there is no suggestion {args.choose}",
                where="--choose",
                advice=f"choose 1 to {len(suggestions.candidates)}"
                if suggestions.candidates
                else "no window is clear: widen --days or shorten --hours, or give --start",
            )
        picked = suggestions.candidates[args.choose - 1]
        chosen = window.choose_window(
            session,
            picked.start,
            args.hours,
            note=args.note,
            zone=args.tz,
            by=args.by,
            reason=args.reason,
            session_path=handle.path,
        )
        handle.save()
        _print_chosen(chosen, args.json)
        return 0
    if args.json:
        _print_json(
            {
                "local_zone": suggestions.local_zone,
                "notes": suggestions.notes,
                "candidates": [c.to_json() for c in suggestions.candidates],
                "chosen": session.production.window.model_dump(mode="json")
                if session.production.window
                else None,
            }
        )
        return 0
    for note in suggestions.notes:
        print(f"note: {note}")
    if not suggestions.candidates:
        print(
            f"no {args.hours:g} h window in the next {args.days} days is outside business hours "
            "and holidays everywhere; try --days 28, a shorter --hours, or --start"
        )
        return 1
    print(
        f"low-traffic windows of {args.hours:g} h over the next {args.days} days "
        f"(times in UTC and {suggestions.local_zone}); best first:"
    )
    for index, c in enumerate(suggestions.candidates, start=1):
        print(
            f"{index:>3}. {_span(c.start, c.end)} UTC | "
            f"{_span(c.local_start, c.local_end)} {suggestions.local_zone} | "
            f"{c.hours_from_business:.1f} h from business hours"
        )
        for country in c.countries:
            more = f" (+{len(country.zones) - 1} more zones)" if len(country.zones) > 1 else ""
            print(f"       {country.country} {country.main.zone}: {country.main.describe()}{more}")
    print("choose one with --choose N, or give --start ISO --hours H")
    return 0


def _print_chosen(chosen: Any, as_json: bool) -> None:
    if as_json:
        _print_json(chosen.to_json())
        return
    print(
        f"production window: {chosen.start:%Y} {_span(chosen.start, chosen.end)} UTC "
        f"({_span(chosen.local_start, chosen.local_end)} {chosen.local_zone})"
    )
    for country in chosen.countries:
        for zone in country.zones[:3]:
            print(f"  {country.country} {zone.zone}: {zone.describe()}")
    for warning in chosen.warnings:
        print(f"warning: {warning}")
    print("production.schedule: done")


# --- deploy and verify-config -------------------------------------------------------------------


def _deploy(sub: Sub) -> None:
    p = _parser(
        sub, "deploy", "record the version or commit deployed (staging.deploy, production.deploy)"
    )
    p.add_argument("--env", required=True, choices=("staging", "production"))
    p.add_argument("--version", required=True, metavar="V", help="release tag or commit")
    p.add_argument("--at", metavar="ISO", help="when it was deployed (default now)")
    _override_flag(p, "production")
    _by(p)
    p.set_defaults(handler=cmd_deploy)


def cmd_deploy(args: argparse.Namespace) -> int:
    from golive.ops.deploys import record_deploy

    handle = _open(args.session)
    at = _moment(args.at, "--at") if args.at else None
    result = record_deploy(
        handle.session,
        handle.path,
        args.env,
        args.version,
        at=at,
        by=args.by,
        override=args.override,
    )
    handle.save()
    previous = f" (was {result.previous})" if result.previous else ""
    print(f"{result.item}: done — {result.deployment.version}{previous}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0


def _verify_config(sub: Sub) -> None:
    p = _parser(
        sub,
        "verify-config",
        "compare staging and production settings side by side (staging.verify_config)",
    )
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_verify_config)


def cmd_verify_config(args: argparse.Namespace) -> int:
    from golive.ops.deploys import verify_config

    handle = _open(args.session)
    comparison = verify_config(handle.session, handle.path, by=args.by)
    handle.save()
    if args.json:
        _print_json(comparison.to_json())
        return 0 if comparison.passed else 1
    width = max((len(r.key) for r in comparison.rows), default=10)
    print(f"{'setting':<{width}}  {'staging':<40}  production")
    for row in comparison.rows:
        mark = " " if not row.differs else ("~" if row.expected_to_differ else "!")
        print(f"{row.key:<{width}}{mark} {row.staging[:40]:<40}  {row.production}")
    print("(~ differs as expected, ! differs and should not)")
    for finding in comparison.findings:
        print(f"{finding.severity}: {finding.key}: {finding.message}")
    print(f"staging.verify_config: {'done' if comparison.passed else 'failed'}")
    return 0 if comparison.passed else 1


# --- pilot --------------------------------------------------------------------------------------


def _pilot(sub: Sub) -> None:
    p = _parser(
        sub,
        "pilot",
        "pilot customers, enabling the pilot, and the 48-hour watch checkpoints (golive.*)",
        "Name the pilot customers (1 to 3), enable the pilot (the watch starts then), and record "
        "a checkpoint's figures. Without options: show the pilot and the checkpoints in your time.",
    )
    p.add_argument("--add", metavar="NAME", help="name a pilot customer")
    p.add_argument("--contact", default="", help="the pilot customer's contact (with --add)")
    p.add_argument("--countries", default="", metavar="CC,CC", help="its countries (with --add)")
    p.add_argument("--remove", metavar="NAME", help="remove a pilot customer")
    p.add_argument("--enable", action="store_true", help="the pilot is on: start the watch")
    p.add_argument("--at", metavar="ISO", help="when the pilot was enabled (default now)")
    p.add_argument(
        "--checkpoints", metavar="H,H", help="checkpoint hours after enabling (default 1,4,24,48)"
    )
    p.add_argument("--restart", action="store_true", help="enable again (a new watch)")
    _override_flag(p, "go-live")
    p.add_argument("--checkpoint", metavar="LABEL", help="record this checkpoint, e.g. '+4 h'")
    p.add_argument(
        "--error-rate", type=float, metavar="PCT", help="the checkpoint's error rate, %%"
    )
    p.add_argument("--p95", type=float, metavar="S", help="the checkpoint's p95 response time, s")
    p.add_argument(
        "--figure", action="append", default=[], metavar="NAME=VALUE", help="another figure"
    )
    p.add_argument("--note", default="", help="a note kept with the checkpoint")
    p.add_argument("--tz", metavar="ZONE", help="your time zone (default: this machine's)")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_pilot)


def cmd_pilot(args: argparse.Namespace) -> int:
    from golive.ops import pilot

    handle = _open(args.session)
    session = handle.session
    status = 0
    if args.enable and args.override is None:
        _gate_first(handle, "golive")
    if args.add:
        change = pilot.add_pilot_customer(
            session,
            args.add,
            contact=args.contact,
            countries=[c for c in args.countries.split(",") if c.strip()],
            by=args.by,
        )
        print(f"golive.pilot: {change.note}")
        for warning in change.warnings:
            print(f"warning: {warning}")
    if args.remove:
        change = pilot.remove_pilot_customer(session, args.remove, by=args.by)
        print(f"golive.pilot: {change.note}")
    if args.enable:
        offsets = None
        if args.checkpoints:
            try:
                offsets = [float(h) for h in args.checkpoints.split(",") if h.strip()]
            except ValueError:
                raise BadInputError(
                    f"{args.checkpoints!r} is not a list of hours",
                    where="--checkpoints",
                    advice="for example --checkpoints 1,4,24,48",
                ) from None
        enabled = pilot.enable_pilot(
            session,
            handle.path,
            at=_moment(args.at, "--at", args.tz) if args.at else None,
            offsets=offsets,
            restart=args.restart,
            by=args.by,
            override=args.override,
        )
        print(
            f"pilot enabled at {_local(enabled.enabled_at, args.tz)}; the watch runs until "
            f"{_local(enabled.watch_ends, args.tz)}"
        )
        for warning in enabled.warnings:
            print(f"warning: {warning}")
    if args.checkpoint:
        figures: dict[str, float] = {}
        if args.error_rate is not None:
            figures["error_rate_pct"] = args.error_rate
        if args.p95 is not None:
            figures["response_time_p95_s"] = args.p95
        for pair in args.figure:
            name, sep, value = pair.partition("=")
            try:
                figures[name.strip()] = float(value)
            except ValueError:
                raise BadInputError(
                    f"{pair!r} is not NAME=NUMBER",
                    where="--figure",
                    advice="e.g. --figure calls=1200",
                ) from None
            if not sep or not name.strip():
                raise BadInputError(f"{pair!r} is not NAME=NUMBER", where="--figure")
        if not figures:
            raise BadInputError(
                "a checkpoint is recorded with its figures",
                where="--checkpoint",
                advice="give --error-rate and --p95 (or run `golive watch SESSION`, which records "
                "the checkpoint that is due)",
            )
        recorded = pilot.record_checkpoint(
            session, handle.path, args.checkpoint, figures, note=args.note, by=args.by
        )
        print(f"checkpoint {recorded.checkpoint.label} recorded:")
        for verdict in recorded.verdicts:
            if not verdict.missing:
                print(f"  {verdict.describe()}")
        for warning in recorded.warnings:
            print(f"warning: {warning}")
        print(f"golive.monitor_48h: {recorded.item_status.value}")
        if recorded.meets_targets is False:
            status = 1
    handle.save()
    views = pilot.checkpoint_schedule(session, zone=args.tz)
    if args.json:
        _print_json(
            {
                "pilot_customers": [
                    c.model_dump(mode="json") for c in session.golive.pilot_customers
                ],
                "pilot_enabled_at": session.golive.pilot_enabled_at,
                "checkpoints": [
                    {
                        "label": v.label,
                        "due": v.due.isoformat(),
                        "due_local": v.due_local.isoformat(),
                        "state": v.state,
                        "what_to_look_at": v.what_to_look_at,
                        "figures": v.checkpoint.figures,
                        "meets_targets": v.checkpoint.meets_targets,
                    }
                    for v in views
                ],
            }
        )
        return status
    if not (args.add or args.remove or args.enable or args.checkpoint):
        customers = session.golive.pilot_customers
        print(
            "pilot customers: "
            + (
                ", ".join(
                    f"{c.name}{' (' + c.contact + ')' if c.contact else ''}" for c in customers
                )
                or "none"
            )
        )
        if session.golive.pilot_enabled_at is None:
            print("the pilot is not enabled yet (--enable starts the 48-hour watch)")
    if views:
        print(f"watch checkpoints ({pilot.local_zone_name(args.tz)}):")
        for view in views:
            figures_text = ""
            if view.state == "recorded":
                meets = view.checkpoint.meets_targets
                figures_text = " — " + (
                    "meets targets"
                    if meets
                    else "misses a target"
                    if meets is False
                    else "incomplete"
                )
            print(f"  {view.label:>7}  {_local(view.due, args.tz)}  [{view.state}]{figures_text}")
            if view.state != "recorded":
                print(f"           look at: {view.what_to_look_at}")
    return status


# --- watch --------------------------------------------------------------------------------------


def _watch(sub: Sub) -> None:
    p = _parser(
        sub,
        "watch",
        "compute the post-deployment figures from logs, Prometheus or the probe (post.*)",
        "Compute error rate, response-time percentiles, clearance rejections and unexpected "
        "errors from the integration's own log (JSON lines, or text with --pattern), from a "
        "Prometheus server, or from the probe; hold them against the targets and record them on "
        "the post.day1.* items, in the evidence, and on the watch checkpoint that is due. "
        "Without a source option, the sources recorded in the session are used; the sources "
        "given are recorded for next time.",
    )
    p.add_argument("--log", type=Path, metavar="FILE", help="the integration's log file or folder")
    p.add_argument(
        "--map",
        action="append",
        default=None,
        metavar="OURS=THEIRS",
        help="a field of your log, e.g. latency=elapsed, status=http.code (repeatable)",
    )
    p.add_argument(
        "--pattern",
        metavar="REGEX",
        help=r"text logs: a regex with named groups, e.g. 'status=(?P<status>\d+) took=(?P<latency>\d+)ms'",
    )
    p.add_argument("--prometheus", metavar="URL", help="a Prometheus server, e.g. http://prom:9090")
    p.add_argument(
        "--query",
        action="append",
        default=[],
        metavar="NAME=PROMQL",
        help="replace a Prometheus query ({window} is the range); kept in the session",
    )
    p.add_argument("--show-queries", action="store_true", help="print the Prometheus queries used")
    p.add_argument(
        "--since", metavar="WHEN", help="24h, 90m, 2d or an ISO time (default: the pilot's start)"
    )
    p.add_argument("--until", metavar="WHEN", help="the end of the range (default now)")
    p.add_argument("--probe", action="store_true", help="also run the checks' probe (synthetic)")
    p.add_argument("--probe-env", choices=("production", "staging"), default="production")
    p.add_argument("--probe-count", type=int, default=20, help="probe transactions (default 20)")
    p.add_argument("--yes", action="store_true", help="run the production probe without asking")
    cp = p.add_mutually_exclusive_group()
    cp.add_argument("--checkpoint", metavar="LABEL", help="record the figures on this checkpoint")
    cp.add_argument(
        "--no-checkpoint", action="store_true", help="do not record on the checkpoint that is due"
    )
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    from golive.ops import watch

    handle = _open(args.session)
    session = handle.session
    if args.show_queries:
        for name, query in watch.prometheus_queries(session).items():
            print(f"{name} = {query}")
        return 0
    field_map = watch.parse_field_map(args.map) if args.map is not None else None
    queries: dict[str, str] = {}
    for pair in args.query:
        name, sep, promql = pair.partition("=")
        if not sep or not promql.strip():
            raise BadInputError(
                f"{pair!r} is not NAME=PROMQL",
                where="--query",
                advice="e.g. --query 'error_rate_pct=100 * sum(...)'",
            )
        queries[name.strip()] = promql.strip()
    watch.remember_sources(
        session,
        log=args.log.expanduser().absolute() if args.log else None,
        field_map=field_map,
        pattern=args.pattern,
        prometheus=args.prometheus,
        queries=queries or None,
    )
    until = watch.parse_since(args.until) if args.until else None
    since = watch.parse_since(args.since, until=until) if args.since else None
    probe = None
    if args.probe:
        question = (
            f"run {args.probe_count} probe quotes against production "
            f"({session.environments.production.host() or '?'})?"
        )
        if args.probe_env == "production" and not args.yes and not _confirm(question):
            raise BadInputError(
                "the production probe needs confirmation",
                where="--probe",
                advice="answer yes on a terminal, or pass --yes in a script",
            )
        probe = watch.run_probe(
            session,
            args.probe_env,
            session_path=handle.path,
            count=args.probe_count,
            confirm_production=True,
            prompt=_secret_prompt(),
        )
    explicit = bool(args.log or args.prometheus or args.probe)
    try:
        result = watch.run_watch(
            session,
            handle.path,
            log=args.log,
            field_map=field_map,
            pattern=args.pattern,
            prometheus=args.prometheus,
            queries=watch.prometheus_queries(session),
            since=since,
            until=until,
            probe=probe,
            checkpoint=args.checkpoint,
            record_checkpoint_when_due=not args.no_checkpoint,
            use_session_sources=not explicit,
            by=args.by,
        )
    finally:
        handle.save()
    handle.save()
    if args.json:
        _print_json(_watch_json(result))
    else:
        _print_watch(result)
    return 1 if result.meets_targets is False else 0


def _watch_json(result: Any) -> dict[str, Any]:
    from golive.ops import watch

    data: dict[str, Any] = {
        "since": result.since,
        "until": result.until,
        "meets_targets": result.meets_targets,
        "figures": result.figures(),
        "verdicts": {
            source: [
                {"name": v.name, "value": v.value, "target": v.target, "meets": v.meets}
                for v in verdicts
            ]
            for source, verdicts in result.verdicts.items()
        },
        "items": {i.item: {"status": i.status.value, "note": i.note} for i in result.items},
        "checkpoint": result.checkpoint,
        "notes": result.notes,
        "evidence": result.evidence_id,
    }
    data.update(watch.sources_summary(result))
    if result.probe is not None and result.probe.countries:
        data["probe_countries"] = [
            {"country": cc, **figures} for cc, figures in result.probe.countries.items()
        ]
    return data


def _print_watch(result: Any) -> None:
    from golive.ops import watch

    span = f"{result.since:%Y-%m-%d %H:%M}" if result.since else "the start of the log"
    print(f"watch from {span} to {result.until:%Y-%m-%d %H:%M} UTC")
    for source, verdicts in result.verdicts.items():
        print(f"{source}:")
        for verdict in verdicts:
            if not verdict.missing or verdict.judged:
                print(f"  {verdict.describe()}")
    if result.log is not None and result.log.countries:
        print("by country (from the log):")
        for country in result.log.by_country():
            print(f"  {country.describe()}")
    elif result.prometheus is not None and result.prometheus.by_country():
        print("by country (from Prometheus):")
        for code, figures in result.prometheus.by_country().items():
            print(f"  {code}: {', '.join(watch.country_parts(figures))}")
    if result.log is not None and result.log.rejections:
        print("clearance rejections (country, reason, count):")
        for r in result.log.rejections[:20]:
            print(f"  {r.country}  {r.reason}  {r.count}")
    elif result.prometheus is not None and result.prometheus.rejections:
        print("clearance rejections (country, reason, count):")
        for r in result.prometheus.rejections[:20]:
            print(f"  {r.country}  {r.reason}  {r.count}")
    if result.log is not None and result.log.unexpected:
        print("unexpected errors by message:")
        for group in result.log.unexpected[:10]:
            print(f"  {group.count:>6}× {group.message}")
    if result.probe is not None:
        print(f"probe: {result.probe.summary}")
        for code, figures in result.probe.countries.items():
            print(f"  {code}: {', '.join(watch.country_parts(figures))}")
    for note in result.notes:
        print(f"note: {note}")
    for item in result.items:
        print(f"{item.item}: {item.status.value}")
    if result.checkpoint:
        print(f"recorded on watch checkpoint {result.checkpoint}")


# --- rehearse -----------------------------------------------------------------------------------


def _rehearse(sub: Sub) -> None:
    p = _parser(
        sub,
        "rehearse",
        "an outage rehearsal through a fault-injecting proxy (environment.timeouts, .retry)",
        "Run the sandbox as a fault-injecting proxy in front of --upstream on this machine, "
        "inject a schedule of faults (one phase per N documents: 5xx, 429 with Retry-After, a "
        "hang past the read timeout, a dropped connection, an outage; or your --plan), and read the integration's log "
        "(JSON lines: the watch fields plus a document number and the tax it recorded). Point "
        "the staging integration at the printed URL. Per phase it reports whether the "
        "integration retried within its policy, gave up in time, sent no document twice and "
        "never recorded zero tax for a failed call; the result is the evidence of "
        "environment.timeouts and environment.retry. Traffic goes only to --upstream.",
    )
    p.add_argument("--upstream", required=True, metavar="URL", help="the host to rehearse against")
    p.add_argument("--log", required=True, type=Path, metavar="FILE", help="the integration's log")
    p.add_argument("--plan", type=Path, metavar="FILE", help="a TOML schedule of [[phase]] tables")
    p.add_argument("--port", type=int, default=0, help="the proxy's port (default: any free one)")
    p.add_argument("--env", choices=("staging", "production"), default="staging")
    p.add_argument(
        "--timeout", type=float, default=900.0, metavar="S", help="longest rehearsal (900 s)"
    )
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_rehearse)


def cmd_rehearse(args: argparse.Namespace) -> int:
    import time

    from golive.ops import rehearse

    handle = _open(args.session)
    handle.ensure_writable()

    def wait(proxy_url: str, plan: Any) -> None:
        needed = sum(p.documents for p in plan.phases)
        print(
            f"rehearsal proxy at {proxy_url} -> {args.upstream}: point the integration at it; "
            f"{len(plan.phases)} phase(s), {needed} document(s). Ctrl+C ends it early.",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + args.timeout
        quiet_s = 5.0
        try:
            while time.monotonic() < deadline:
                count = len(plan.requests)
                with plan.changed:
                    plan.changed.wait(quiet_s)
                if plan.finished and len(plan.requests) == count:
                    return  # every phase had its documents, and nothing came for 5 s
        except KeyboardInterrupt:
            return

    try:
        result = rehearse.run_rehearsal(
            handle.session,
            handle.path,
            upstream=args.upstream,
            log=args.log.expanduser(),
            wait=wait,
            plan=args.plan,
            environment=args.env,
            port=args.port,
            by=args.by,
        )
    finally:
        handle.save()
    if args.json:
        _print_json(
            {
                "passed": result.passed,
                "upstream": result.upstream,
                "phases": [
                    {
                        "name": p.name,
                        "documents": p.documents,
                        "most_attempts": p.most_attempts,
                        "findings": p.findings,
                        "passed": p.passed,
                    }
                    for p in result.phases
                ],
                "notes": result.notes,
                "evidence": result.evidence_id,
            }
        )
    else:
        for phase in result.phases:
            print(f"{'✓' if phase.passed else '✗'} {phase.describe()}")
        for note in result.notes:
            print(f"note: {note}")
        status = "done" if result.passed else "failed"
        print(f"environment.timeouts: {status}\nenvironment.retry: {status}")
    return 0 if result.passed else 1


# --- rollout ------------------------------------------------------------------------------------


def _rollout(sub: Sub) -> None:
    p = _parser(
        sub,
        "rollout",
        "plan and open rollout stages, each gated on the watch figures (golive.rollout)",
        "Plan stages (10%%, 25%%, 50%%, 100%% or named customer batches) and open them. A stage "
        "opens when the latest watch figures meet the targets; against a failing or missing "
        "figure only with --reason, which is recorded. Without options: show the stages.",
    )
    p.add_argument("--stage", metavar="NAME", help="the stage, e.g. 25%% or 'batch EU'")
    p.add_argument("--share", type=float, metavar="PCT", help="its share of customers")
    p.add_argument("--customers", metavar="A,B", help="its customers (a named batch)")
    p.add_argument("--planned", metavar="ISO", help="when it is planned (for the calendar)")
    p.add_argument("--default-stages", action="store_true", help="plan 10%%, 25%%, 50%%, 100%%")
    p.add_argument("--open", action="store_true", help="open --stage now")
    p.add_argument("--reason", default="", help="why it opens against a failing figure")
    _override_flag(p, "go-live")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_rollout)


def cmd_rollout(args: argparse.Namespace) -> int:
    from golive.ops import rollout

    handle = _open(args.session)
    session = handle.session
    status = 0
    if args.open and args.override is None:
        _gate_first(handle, "golive")
    if args.default_stages:
        rollout.plan_default_stages(session)
    if args.open and not args.stage:
        raise BadInputError(
            "--open needs --stage NAME", where="--open", advice="e.g. --stage 10%% --open"
        )
    if args.stage and (args.share is not None or args.customers or args.planned or not args.open):
        rollout.plan_stage(
            session,
            args.stage,
            share_pct=args.share,
            customers=[c.strip() for c in args.customers.split(",") if c.strip()]
            if args.customers
            else None,
            planned_for=_moment(args.planned, "--planned") if args.planned else None,
        )
    opened = None
    if args.open:
        opened = rollout.open_stage(
            session,
            handle.path,
            args.stage,
            reason=args.reason,
            by=args.by,
            override=args.override,
        )
    handle.save()
    gate = rollout.current_gate(session, handle.path)
    if args.json:
        _print_json(
            {
                "gate": {"passed": gate.passed, "describe": gate.describe()},
                "stages": [s.model_dump(mode="json") for s in session.golive.rollout],
                "opened": opened.opened if opened else None,
                "needs_reason": opened.needs_reason if opened else False,
            }
        )
        return 1 if opened and not opened.opened else 0
    if opened is not None:
        for warning in opened.warnings:
            print(f"warning: {warning}")
        if opened.opened:
            extra = f" against the figures ({args.reason})" if opened.stage.override_reason else ""
            print(f"stage {opened.stage.name} opened{extra}")
            print(f"golive.rollout: {opened.item_status.value if opened.item_status else ''}")
        else:
            print(f"stage {opened.stage.name} NOT opened: the figures do not meet the targets")
            print(f"  {gate.describe()}")
            print("  to open it anyway, give --reason TEXT (it is recorded)")
            status = 1
    print(f"gate: {gate.describe()}")
    for stage in session.golive.rollout:
        share = (
            f" ({stage.share_pct:g} %)" if stage.share_pct and not stage.name.endswith("%") else ""
        )
        who = f" [{', '.join(stage.customers)}]" if stage.customers else ""
        state = (
            f"opened {stage.opened_at:%Y-%m-%d %H:%M} UTC by {stage.opened_by}"
            + (f" (override: {stage.override_reason})" if stage.override_reason else "")
            if stage.opened_at
            else "planned"
            + (f" for {stage.planned_for:%Y-%m-%d %H:%M} UTC" if stage.planned_for else "")
        )
        print(f"  {stage.name}{share}{who}: {state}")
    return status


# --- reviews ------------------------------------------------------------------------------------


def _reviews(sub: Sub) -> None:
    p = _parser(
        sub,
        "reviews",
        "the post-deployment review schedule: lay it out, tick occurrences (post.week1/ongoing)",
        "Daily reviews for the first week after go-live, then weekly error trends and monthly "
        "API usage, API changes and compliance changes up to a horizon (default a year). Without "
        "options: show what is overdue, due and next.",
    )
    p.add_argument("--generate", action="store_true", help="lay out (or refresh) the schedule")
    p.add_argument("--from", dest="start", metavar="DATE", help="the go-live day to count from")
    p.add_argument("--horizon", type=int, metavar="DAYS", help="how far ahead (default 365)")
    p.add_argument("--tick", metavar="ITEM", help="tick a review, e.g. week1.error_logs")
    p.add_argument("--due", metavar="DATE", help="the occurrence to tick (default the oldest due)")
    p.add_argument("--note", default="", help="what was reviewed and found (needed to tick)")
    p.add_argument("--all", action="store_true", help="show every occurrence")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_reviews)


def cmd_reviews(args: argparse.Namespace) -> int:
    from golive.ops import reviews

    handle = _open(args.session)
    session = handle.session
    if args.generate or args.start or args.horizon:
        plan = reviews.generate_reviews(
            session,
            start=_date(args.start, "--from") if args.start else None,
            horizon_days=args.horizon,
        )
        if not args.json:
            print(
                f"{len(plan.occurrences)} reviews from {plan.start} over {plan.horizon_days} days "
                f"({plan.added} new, {plan.kept_done} ticked kept)"
            )
    if args.tick:
        ticked = reviews.tick_review(
            session,
            args.tick,
            args.note,
            due=_date(args.due, "--due") if args.due else None,
            by=args.by,
        )
        if not args.json:
            print(f"ticked {ticked.occurrence.item} due {ticked.occurrence.due}")
            print(f"{ticked.occurrence.item}: {ticked.item_status.value} — {ticked.item_note}")
    handle.save()
    views = reviews.review_schedule(session)
    if args.json:
        _print_json([{**v.occurrence.model_dump(mode="json"), "state": v.state} for v in views])
        return 0
    if not views:
        print("no review schedule yet: `golive reviews SESSION --generate`")
        return 0
    upcoming = [v for v in views if v.state == "upcoming"]
    if args.all:
        shown = views
    else:
        late: dict[str, list[Any]] = {}
        for view in views:
            if view.state == "overdue":
                late.setdefault(view.occurrence.item, []).append(view.occurrence)
        for item, occurrences in sorted(late.items(), key=lambda kv: kv[1][0].due):
            print(
                f"  {occurrences[0].due}  overdue   {item.removeprefix('post.')}"
                + (
                    f" (and {len(occurrences) - 1} more to {occurrences[-1].due})"
                    if len(occurrences) > 1
                    else ""
                )
            )
        shown = [v for v in views if v.state == "due"] + upcoming[:8]
    for view in shown:
        o = view.occurrence
        done = f" — {o.note}" if o.done_at else ""
        print(f"  {o.due}  {view.state:<8}  {o.item.removeprefix('post.')}{done}")
    overdue = sum(v.state == "overdue" for v in views)
    print(
        f"{sum(v.state == 'done' for v in views)} done, {overdue} overdue, {len(upcoming)} upcoming"
    )
    return 0


# --- rollback -----------------------------------------------------------------------------------


def _rollback(sub: Sub) -> None:
    p = _parser(
        sub,
        "rollback",
        "prepare the rollback plan, or run it: disable, notify, preserve logs (rollback.*)",
        "With plan options: prepare the plan (how to disable the integration, who to notify, "
        "where the logs are). With --step: record a step done by hand. Otherwise: run the "
        "rollback. It prints exactly what it will do and asks for confirmation (--yes for "
        "scripts, --dry-run to only print).",
    )
    g = p.add_argument_group("the plan")
    g.add_argument(
        "--command",
        dest="disable_command",
        metavar="'PROGRAM ARG ...'",
        help="disable by running this command (split like a shell would, run without a shell)",
    )
    g.add_argument("--flag-url", metavar="URL", help="disable by calling this feature-flag URL")
    g.add_argument("--flag-method", choices=("POST", "PUT", "PATCH", "DELETE"))
    g.add_argument("--flag-body", metavar="TEXT", help="the request body (JSON or text)")
    g.add_argument(
        "--flag-token-secret", metavar="NAME", help="keyring secret sent as a bearer token"
    )
    g.add_argument("--manual", metavar="STEPS", help="disable by hand: the steps")
    g.add_argument("--timeout", type=float, metavar="S", help="disable timeout (default 120 s)")
    g.add_argument(
        "--notify",
        action="append",
        metavar="CUSTOMER,CONTACT,EMAIL[,PHONE]",
        help="an affected customer to notify (repeatable)",
    )
    g.add_argument("--unnotify", action="append", metavar="CUSTOMER", help="remove a customer")
    g.add_argument(
        "--logs", action="append", metavar="PATH", help="an error-log file or folder (repeatable)"
    )
    g.add_argument("--template-file", type=Path, metavar="FILE", help="the notification template")
    g = p.add_argument_group("a step done by hand")
    g.add_argument("--step", metavar="STEP", help="e.g. root_cause, fix_staging, reenable")
    g.add_argument("--status", choices=("todo", "in_progress", "done", "failed", "blocked"))
    g.add_argument("--note", default="", help="what was done or found")
    g = p.add_argument_group("running it")
    g.add_argument("--reason", default="", help="why the integration is rolled back")
    g.add_argument("--dry-run", action="store_true", help="only print what it would do")
    g.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _by(p)
    p.set_defaults(handler=cmd_rollback)


def cmd_rollback(args: argparse.Namespace) -> int:
    import shlex

    from golive.ops import rollback

    handle = _open(args.session)
    session = handle.session
    planning = any(
        x is not None
        for x in (
            args.disable_command,
            args.flag_url,
            args.flag_method,
            args.flag_body,
            args.flag_token_secret,
            args.manual,
            args.timeout,
            args.notify,
            args.unnotify,
            args.logs,
            args.template_file,
        )
    )
    if planning:
        command = None
        if args.disable_command is not None:
            try:
                command = shlex.split(args.disable_command)
            except ValueError as error:
                raise BadInputError(
                    f"the command cannot be split: {error}", where="--command"
                ) from None
        template = None
        if args.template_file is not None:
            try:
                template = args.template_file.read_text("utf-8")
            except OSError as error:
                raise BadInputError(
                    f"cannot read {args.template_file}: {error.strerror}", where="--template-file"
                ) from None
        status = rollback.set_plan(
            session,
            command=command,
            flag_url=args.flag_url,
            flag_method=args.flag_method,
            flag_body=args.flag_body,
            flag_token_secret=args.flag_token_secret,
            manual_steps=args.manual,
            timeout_s=args.timeout,
            notify=[rollback.parse_customer(t) for t in args.notify] if args.notify else None,
            remove_notify=args.unnotify,
            log_locations=args.logs,
            template=template,
            by=args.by,
            session_path=handle.path,
        )
        handle.save()
        print(f"rollback.plan: {status.item_status.value} — {status.note}")
        return 0
    if args.step:
        if not args.status:
            raise BadInputError(
                "--step needs --status", where="--step", advice="e.g. --status done"
            )
        new = rollback.record_step(session, args.step, args.status, args.note, by=args.by)
        handle.save()
        print(f"rollback.{args.step.removeprefix('rollback.')}: {new.value}")
        return 0
    reason = args.reason
    if not reason and sys.stdin.isatty() and not args.dry_run:
        reason = input("Why is the integration rolled back? ").strip()
    from golive.session.clock import now

    at = now()
    preview = rollback.preview_rollback(session, handle.path, reason=reason, at=at)
    print("golive rollback will:")
    for number, action in enumerate(preview.actions, start=1):
        print(f"  {number}. {action}")
    if args.dry_run:
        for problem in preview.problems:
            print(f"cannot run yet: {problem}")
        if preview.can_run_fully:
            print("the rollback can run as planned (dry run: nothing was done)")
            return 0
        raise GoliveError(
            "the rollback cannot run as planned: "
            + "; ".join([*preview.problems, *preview.plan_problems]),
            where="rollback --dry-run",
            advice="fix the plan (`golive rollback SESSION --command ... --logs ... --notify ...`) "
            "and run --dry-run again; nothing was done",
        )
    if not preview.can_run:
        raise BadInputError(
            "the rollback cannot run: " + "; ".join(preview.problems),
            where="rollback",
            advice="prepare the plan (--command, --flag-url or --manual; --notify; --logs) and give --reason",
        )
    if not args.yes and not _confirm("Roll back now?"):
        print("nothing was done")
        if not sys.stdin.isatty():
            raise BadInputError(
                "the rollback needs confirmation",
                where="rollback",
                advice="run it on a terminal and type yes, or pass --yes in a script",
            )
        return 1
    try:
        result = rollback.run_rollback(
            session, handle.path, reason=reason, at=at, by=args.by, save=handle.save
        )
    finally:
        handle.save()
    print(f"disable: {result.disable.describe()}")
    if result.disable.output:
        print("  output: " + result.disable.output.strip().replace("\n", "\n          ")[:2000])
    for path in result.drafts:
        print(f"draft: {path}")
    if result.archive.path:
        print(
            f"logs: {result.archive.files} file(s) in {result.archive.path} (sha256 {result.archive.sha256})"
        )
    for warning in result.warnings:
        print(f"warning: {warning}")
    for item, state in result.items.items():
        print(f"{item}: {state.value}")
    return 0 if result.ok else 1


# --- support ------------------------------------------------------------------------------------


def _support(sub: Sub) -> None:
    p = _parser(
        sub,
        "support",
        "the first-line support model and the escalation path, levels 1 to 4 (support.*)",
    )
    p.add_argument(
        "--first-line", choices=("partner", "thomson-reuters"), help="who gives first-line support"
    )
    p.add_argument("--level", type=int, choices=(1, 2, 3, 4), help="the escalation level to set")
    p.add_argument("--team", help="the level's team (default: the usual one)")
    p.add_argument("--name", help="the contact's name")
    p.add_argument("--email", help="the contact's e-mail")
    p.add_argument("--phone", help="the contact's phone")
    p.add_argument(
        "--confirm",
        type=int,
        choices=(1, 2, 3, 4),
        metavar="LEVEL",
        help="record that this level's contact confirmed (only then is it shown as confirmed)",
    )
    p.add_argument("--on", metavar="YYYY-MM-DD", help="when they confirmed (default today)")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_support)


def cmd_support(args: argparse.Namespace) -> int:
    from golive.ops import support

    handle = _open(args.session)
    session = handle.session
    if args.first_line:
        support.set_first_line(session, args.first_line, by=args.by)
    if args.level is not None:
        support.set_escalation_level(
            session,
            args.level,
            name=args.name,
            email=args.email,
            phone=args.phone,
            team=args.team,
            by=args.by,
        )
    elif any(x is not None for x in (args.name, args.email, args.phone, args.team)):
        raise BadInputError("--name, --email, --phone and --team need --level N", where="--level")
    if args.confirm is not None:
        support.confirm_level(
            session,
            args.confirm,
            on=_date(args.on, "--on") if args.on else None,
            by=args.by,
        )
    elif args.on is not None:
        raise BadInputError("--on needs --confirm LEVEL", where="--on")
    handle.save()
    view = support.support_view(session)
    if args.json:
        _print_json(
            {
                "first_line": view.first_line,
                "first_line_text": view.first_line_text,
                "levels": [
                    {**level.__dict__, "confirmation": level.confirmation} for level in view.levels
                ],
                "complete": view.complete,
            }
        )
        return 0
    print(f"first-line support: {view.first_line_text}")
    for level in view.levels:
        contact = (
            ", ".join(x for x in (level.name, level.email, level.phone) if x) or "no contact yet"
        )
        confirmed = f" ({level.confirmation})" if level.name else ""
        print(f"  {level.level}. {level.team}: {contact}{confirmed}")
    return 0


# --- calendar -----------------------------------------------------------------------------------


def _calendar(sub: Sub) -> None:
    p = _parser(
        sub,
        "calendar",
        "export the go-live calendar (.ics) with reminders",
        "The production window, the watch checkpoints, the rollout stages, the post-deployment "
        "reviews and the expiry dates of certificates and credentials, as events with reminders. "
        "Importing a newer export updates the events (stable UIDs).",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE.ics", help="where to write it ('-': stdout)"
    )
    p.set_defaults(handler=cmd_calendar)


def cmd_calendar(args: argparse.Namespace) -> int:
    from golive.ops.calendar import export_calendar

    handle = _open(args.session)
    if args.output == "-":
        export = export_calendar(handle.session, None)
        sys.stdout.write(export.content.decode("utf-8"))
        return 0
    export = export_calendar(handle.session, Path(args.output).expanduser())
    counts = (
        ", ".join(f"{n} {kind}" for kind, n in sorted(export.counts.items())) or "no events yet"
    )
    print(f"wrote {export.path}: {len(export.events)} event(s) ({counts})")
    return 0
