"""`golive watch`: the pilot watch (logs, Prometheus, probe) against the targets."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _confirm,
    _json_flag,
    _open,
    _parser,
    _print_json,
    _secret_prompt,
)
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _watch(sub)


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
    # Long because it gathers three sources (log, Prometheus, probe) before one judgement.
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
