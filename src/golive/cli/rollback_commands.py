"""`golive rollback`: plan, preview and run a rollback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _confirm,
    _open,
    _parser,
    deprecated,
)
from golive.cli.types import duration
from golive.session.errors import BadInputError, GoliveError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _rollback(sub)


# --- rollback -----------------------------------------------------------------------------------


ACTIONS = ("plan", "preview", "run", "step")


def _rollback(sub: Sub) -> None:
    p = _parser(
        sub,
        "rollback",
        "prepare the rollback plan, preview it, or run it: disable, notify, preserve logs "
        "(rollback.*)",
        "plan [plan options]: prepare the plan (how to disable the integration, who to notify, "
        "where the logs are), or show it; preview: print exactly what a run would do, do nothing; "
        "run: roll back (asks for confirmation; --yes for scripts); step STEP --status S: record "
        "a step done by hand. Without an action: show the plan (a rollback always needs `run`).",
    )
    p.add_argument("action", nargs="?", choices=ACTIONS, help="what to do (default: show the plan)")
    p.add_argument("step_name", nargs="?", metavar="STEP", help="with step: e.g. root_cause")
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
    g.add_argument(
        "--timeout", type=duration, metavar="S", help="disable timeout (default 120 s; or 2m)"
    )
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
    g.add_argument("--step", metavar="STEP", help="old spelling of `step STEP`")
    g.add_argument("--status", choices=("todo", "in_progress", "done", "failed", "blocked"))
    g.add_argument("--note", default="", help="what was done or found")
    g = p.add_argument_group("running it")
    g.add_argument("--reason", default="", help="why the integration is rolled back")
    g.add_argument("--dry-run", action="store_true", help="old spelling of `preview`")
    g.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _by(p)
    p.set_defaults(handler=cmd_rollback)


_PLAN_FLAGS = (
    "disable_command",
    "flag_url",
    "flag_method",
    "flag_body",
    "flag_token_secret",
    "manual",
    "timeout",
    "notify",
    "unnotify",
    "logs",
    "template_file",
)


def _action(args: argparse.Namespace) -> str:
    """The action; an old spelling (plan flags, --step, --dry-run) still works with a
    deprecation line. Bare `rollback SESSION` no longer runs: it shows the plan."""
    if args.step is not None:
        deprecated("--step STEP", "golive rollback SESSION step STEP --status ...")
        args.step_name = args.step
        if args.action is None:
            args.action = "step"
    if args.dry_run:
        deprecated("--dry-run", "golive rollback SESSION preview")
        if args.action is None:
            args.action = "preview"
    if args.action is None:
        if any(getattr(args, name) is not None for name in _PLAN_FLAGS):
            deprecated(
                "rollback SESSION --PLAN-OPTION", "golive rollback SESSION plan --PLAN-OPTION"
            )
        elif args.reason or args.yes:
            args.meant_to_run = True
        args.action = "plan"
    if args.action == "step" and not args.step_name:
        raise BadInputError(
            "rollback step needs the step",
            where="rollback step",
            advice="e.g. `golive rollback SESSION step root_cause --status done`",
        )
    if args.step_name is not None and args.action != "step":
        raise BadInputError(
            f"{args.step_name!r} given after {args.action}", where=f"rollback {args.action}"
        )
    args.step = args.step_name
    return str(args.action)


def _show_plan(session: Any, path: Any) -> int:
    """`rollback SESSION [plan]` with no plan option: what a run would do, and how to run it."""
    from golive.ops import rollback

    preview = rollback.preview_rollback(session, path, reason="the reason given with --reason")
    print("the rollback plan — `golive rollback SESSION run` would:")
    for number, line in enumerate(preview.actions, start=1):
        print(f"  {number}. {line}")
    for problem in [*preview.problems, *preview.plan_problems]:
        print(f"not ready yet: {problem}")
    print(
        "nothing was done; to roll back run `golive rollback SESSION run --reason ...` "
        "(`preview` checks it first)"
    )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    handle = _open(args.session)  # a bad session name is said first
    action = _action(args)
    if action == "plan":
        if any(getattr(args, name) is not None for name in _PLAN_FLAGS):
            return _set_plan(args, handle)
        shown = _show_plan(handle.session, handle.path)
        if getattr(args, "meant_to_run", False):  # a script that ran it this way must notice
            raise BadInputError(
                "`golive rollback SESSION` no longer runs the rollback: nothing was done",
                where="rollback",
                advice="run `golive rollback SESSION run --reason ... --yes` (the plan is above)",
            )
        return shown
    if action == "step":
        return _record_step(args, handle)
    return _preview_or_run(args, handle, action)


def _set_plan(args: argparse.Namespace, handle: Any) -> int:
    """`rollback SESSION plan --command ... --notify ... --logs ...`: set the plan."""
    import shlex

    from golive.ops import rollback

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
        handle.session,
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


def _record_step(args: argparse.Namespace, handle: Any) -> int:
    """`rollback SESSION step STEP --status S`: a step done by hand."""
    from golive.ops import rollback

    if not args.status:
        raise BadInputError(
            "a step is recorded with its --status", where="--status", advice="e.g. --status done"
        )
    new = rollback.record_step(handle.session, args.step, args.status, args.note, by=args.by)
    handle.save()
    print(f"rollback.{args.step.removeprefix('rollback.')}: {new.value}")
    return 0


def _preview_or_run(args: argparse.Namespace, handle: Any, action: str) -> int:
    # Long because preview and run share what they print, then run asks and shows each step.
    """`rollback SESSION preview|run`: say exactly what it does; `run` then does it."""
    from golive.ops import rollback

    session = handle.session
    reason = args.reason
    if not reason and sys.stdin.isatty() and action == "run":
        reason = input("Why is the integration rolled back? ").strip()
    from golive.session.clock import now

    at = now()
    preview = rollback.preview_rollback(session, handle.path, reason=reason, at=at)
    print("golive rollback will:")
    for number, step in enumerate(preview.actions, start=1):
        print(f"  {number}. {step}")
    if action == "preview":
        for problem in preview.problems:
            print(f"cannot run yet: {problem}")
        if preview.can_run_fully:
            print("the rollback can run as planned (dry run: nothing was done)")
            return 0
        raise GoliveError(
            "the rollback cannot run as planned: "
            + "; ".join([*preview.problems, *preview.plan_problems]),
            where="rollback preview",
            advice="fix the plan (`golive rollback SESSION plan --command ... --logs ... "
            "--notify ...`) and run preview again; nothing was done",
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
