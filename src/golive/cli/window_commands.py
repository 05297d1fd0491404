"""`golive window`: choosing the production window."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _json_flag,
    _moment,
    _open,
    _parser,
    _print_json,
    _span,
)
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _window(sub)


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
        help="choose this start: YYYY-MM-DDTHH:MM in your time zone, or with Z for UTC",
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
    # Long because suggest, choose by number and choose by time share the same output.
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
    zone = suggestions.local_zone
    once = all(_is_utc(c.local_start) for c in suggestions.candidates)
    print(
        f"low-traffic windows of {args.hours:g} h over the next {args.days} days "
        f"({_zones_named(zone, once)}); best first:"
    )
    for index, c in enumerate(suggestions.candidates, start=1):
        local = "" if once else f" | {_span(c.local_start, c.local_end)}"
        print(
            f"{index:>3}. {_span(c.start, c.end)}{local} | "
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
    local = (
        ""
        if _is_utc(chosen.local_start)
        else f" ({_span(chosen.local_start, chosen.local_end)} {chosen.local_zone})"
    )
    print(f"production window: {chosen.start:%Y} {_span(chosen.start, chosen.end)} UTC{local}")
    for country in chosen.countries:
        for zone in country.zones[:3]:
            print(f"  {country.country} {zone.zone}: {zone.describe()}")
    for warning in chosen.warnings:
        print(f"warning: {warning}")
    print("production.schedule: done")


_UTC_NAMES = ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Universal", "Zulu")


def _is_utc(moment: datetime) -> bool:
    """A local time that reads the same as UTC: shown once, not twice."""
    return moment.utcoffset() == timedelta(0)


def _zones_named(zone: str, once: bool) -> str:
    """The zone(s) the times are in, named once: "times in UTC", or "UTC | Europe/Vienna"."""
    if not once:
        return f"times in UTC | {zone}"
    if zone in _UTC_NAMES:
        return "times in UTC"
    return f"times in UTC, the same as {zone} for these dates"
