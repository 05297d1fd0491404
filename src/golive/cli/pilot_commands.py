"""`golive pilot`: pilot customers, enabling the pilot, the watch checkpoints."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _gate_first,
    _json_flag,
    _local,
    _moment,
    _open,
    _override_flag,
    _parser,
    _print_json,
    deprecated,
)
from golive.cli.types import country_list, figure, hours_list
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _pilot(sub)


# --- pilot --------------------------------------------------------------------------------------


ACTIONS = ("add", "remove", "enable", "checkpoint")


def _pilot(sub: Sub) -> None:
    p = _parser(
        sub,
        "pilot",
        "pilot customers, enabling the pilot, and the 48-hour watch checkpoints (golive.*)",
        "add NAME: name a pilot customer (1 to 3); remove NAME; enable: the pilot is on (the "
        "watch starts then); checkpoint LABEL: record a checkpoint's figures. Without an action: "
        "show the pilot and the checkpoints in your time.",
    )
    p.add_argument("action", nargs="?", choices=ACTIONS, help="what to do (default: show)")
    p.add_argument("target", nargs="?", metavar="NAME|LABEL", help="the customer or checkpoint")
    p.add_argument("--contact", default="", help="the pilot customer's contact (with add)")
    p.add_argument(
        "--countries", type=country_list, default=[], metavar="CC,CC", help="its countries (add)"
    )
    p.add_argument("--at", metavar="ISO", help="when the pilot was enabled (default now)")
    p.add_argument(
        "--checkpoints",
        type=hours_list,
        metavar="H,H",
        help="checkpoint hours after enabling (default 1,4,24,48)",
    )
    p.add_argument("--restart", action="store_true", help="enable again (a new watch)")
    _override_flag(p, "go-live")
    p.add_argument(
        "--error-rate", type=float, metavar="PCT", help="the checkpoint's error rate, %%"
    )
    p.add_argument("--p95", type=float, metavar="S", help="the checkpoint's p95 response time, s")
    p.add_argument(
        "--figure",
        action="append",
        type=figure,
        default=[],
        metavar="NAME=NUMBER",
        help="another figure",
    )
    p.add_argument("--note", default="", help="a note kept with the checkpoint")
    p.add_argument("--tz", metavar="ZONE", help="your time zone (default: this machine's)")
    old = p.add_argument_group("old spellings (for one release; each says its new one)")
    old.add_argument("--add", metavar="NAME", help="now `pilot SESSION add NAME`")
    old.add_argument("--remove", metavar="NAME", help="now `pilot SESSION remove NAME`")
    old.add_argument("--enable", action="store_true", help="now `pilot SESSION enable`")
    old.add_argument("--checkpoint", metavar="LABEL", help="now `pilot SESSION checkpoint LABEL`")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_pilot)


def _actions(args: argparse.Namespace) -> None:
    """Fold the action (or an old flag, with its deprecation line) into args.add/remove/..."""
    for flag in ("add", "remove", "checkpoint"):
        if getattr(args, flag) is not None:
            what = "LABEL" if flag == "checkpoint" else "NAME"
            deprecated(f"--{flag} {what}", f"golive pilot SESSION {flag} {what}")
    if args.enable:
        deprecated("--enable", "golive pilot SESSION enable")
    if args.action is None:
        if args.target is not None:
            raise BadInputError(
                f"{args.target!r} given without an action",
                where="pilot",
                advice="e.g. `golive pilot SESSION add NAME` or `... checkpoint '+4 h'`",
            )
        return
    if args.action == "enable":
        if args.target is not None:
            raise BadInputError(f"enable takes no name (got {args.target!r})", where="pilot enable")
        args.enable = True
        return
    if not args.target:
        what = "LABEL" if args.action == "checkpoint" else "NAME"
        raise BadInputError(
            f"pilot {args.action} needs a {what.lower()}",
            where=f"pilot {args.action}",
            advice=f"e.g. `golive pilot SESSION {args.action} {what}`",
        )
    setattr(args, args.action, args.target)


def cmd_pilot(args: argparse.Namespace) -> int:
    from golive.ops import pilot

    handle = _open(args.session)  # a bad session name is said first
    _actions(args)
    session = handle.session
    status = 0
    if args.enable and args.override is None:
        _gate_first(handle, "golive")
    if args.add:
        change = pilot.add_pilot_customer(
            session, args.add, contact=args.contact, countries=args.countries, by=args.by
        )
        print(f"golive.pilot: {change.note}")
        for warning in change.warnings:
            print(f"warning: {warning}")
    if args.remove:
        change = pilot.remove_pilot_customer(session, args.remove, by=args.by)
        print(f"golive.pilot: {change.note}")
    if args.enable:
        enabled = pilot.enable_pilot(
            session,
            handle.path,
            at=_moment(args.at, "--at", args.tz) if args.at else None,
            offsets=args.checkpoints,
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
        status = _record_checkpoint(args, session, handle.path)
    handle.save()
    _show(args, session)
    return status


def _record_checkpoint(args: argparse.Namespace, session: Any, path: Any) -> int:
    from golive.ops import pilot

    figures: dict[str, float] = {}
    if args.error_rate is not None:
        figures["error_rate_pct"] = args.error_rate
    if args.p95 is not None:
        figures["response_time_p95_s"] = args.p95
    figures.update(dict(args.figure))
    if not figures:
        raise BadInputError(
            "a checkpoint is recorded with its figures",
            where="--checkpoint",
            advice="give --error-rate and --p95 (or run `golive watch SESSION`, which records "
            "the checkpoint that is due)",
        )
    recorded = pilot.record_checkpoint(
        session, path, args.checkpoint, figures, note=args.note, by=args.by
    )
    print(f"checkpoint {recorded.checkpoint.label} recorded:")
    for verdict in recorded.verdicts:
        if not verdict.missing:
            print(f"  {verdict.describe()}")
    for warning in recorded.warnings:
        print(f"warning: {warning}")
    print(f"golive.monitor_48h: {recorded.item_status.value}")
    return 1 if recorded.meets_targets is False else 0


def _show(args: argparse.Namespace, session: Any) -> None:
    from golive.ops import pilot

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
        return
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
            print(
                "the pilot is not enabled yet (`golive pilot SESSION enable` starts the 48-hour watch)"
            )
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
