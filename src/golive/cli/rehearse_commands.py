"""`golive rehearse`: the rollback rehearsal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _json_flag,
    _open,
    _parser,
    _print_json,
)
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _rehearse(sub)


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
        "environment.timeouts and environment.retry. Traffic goes only to --upstream. The "
        "proxy checks the upstream's certificate against the system's trust store, or an "
        "environment's CA bundle when --upstream is at that environment's API host and port. "
        "In a demo session, --demo-integration rehearses golive's demo stand-in integration "
        "instead (it applies the environment's timeouts and retry policy; the evidence says so).",
    )
    p.add_argument(
        "--upstream",
        metavar="URL",
        help="the host to rehearse against (needed unless --demo-integration, where it is the "
        "environment's base URL)",
    )
    p.add_argument(
        "--log",
        type=Path,
        metavar="FILE",
        help="the integration's log (needed unless --demo-integration, which logs beside the "
        "session)",
    )
    p.add_argument(
        "--demo-integration",
        action="store_true",
        help="a demo session only: golive's stand-in integration sends the documents",
    )
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
    # Long because the rehearsal waits on its proxy in a nested callback that shares its state.
    import time

    from golive.ops import rehearse

    handle = _open(args.session)  # a bad session name is said first
    if not args.demo_integration:
        missing = [flag for flag in ("upstream", "log") if getattr(args, flag) is None]
        if missing:
            raise BadInputError(
                "golive rehearse needs " + " and ".join(f"--{flag}" for flag in missing),
                where="rehearse",
                advice="give the host to rehearse against (--upstream URL) and the log your "
                "integration writes (--log FILE); a demo session can use --demo-integration",
            )
    handle.ensure_writable()
    if args.demo_integration:
        return _demo_rehearsal(args, handle)

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
    return _report(args, result)


def _demo_rehearsal(args: argparse.Namespace, handle: Any) -> int:
    """The rehearsal of golive's demo stand-in integration, its progress on stderr."""
    from golive.ops import demo_integration

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        result = demo_integration.run_demo_rehearsal(
            handle.session,
            handle.path,
            plan=args.plan,
            log=args.log.expanduser() if args.log else None,
            upstream=args.upstream or "",
            environment=args.env,
            progress=progress,
            by=args.by,
        )
    finally:
        handle.save()
    if not args.json:
        print(f"rehearsed golive's demo stand-in integration (not yours) against {result.upstream}")
    return _report(args, result)


def _report(args: argparse.Namespace, result: Any) -> int:
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
