"""`golive support` and `golive calendar`: the support handover and the calendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from golive.cli.common import (
    _by,
    _date,
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
    _support(sub)
    _calendar(sub)


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
