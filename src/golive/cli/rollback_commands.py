"""`golive rollback`: plan, preview and run a rollback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from golive.cli.common import (
    _by,
    _confirm,
    _open,
    _parser,
)
from golive.session.errors import BadInputError, GoliveError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _rollback(sub)


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
