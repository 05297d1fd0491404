"""What every command module shares: the SESSION argument, the common flags (--by, --json,
--override), opening a session, and showing times, dates and JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized
from golive.session.text import printable

if TYPE_CHECKING:
    from golive.session.store import SessionFile

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

SESSION_HELP = "a session name (in golive's sessions folder) or a path to a .toml file"


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


def _open(reference: str, *, read_only: bool = False) -> SessionFile:
    """Open a session the way every command does: what the load found worth a word (a file
    without golive's end line) is said once on stderr as `warning: …`."""
    from golive.session.store import SessionFile

    handle = SessionFile.open(reference, read_only=read_only)
    for warning in handle.warnings:
        try:  # the same file as it was: said once, though a command opens its session twice
            key = (str(handle.path), handle.path.stat().st_mtime_ns, warning)
        except OSError:
            key = (str(handle.path), 0, warning)
        if key not in _warned:
            _warned.add(key)
            sys.stderr.write(f"warning: {printable(warning)}\n")
    return handle


_warned: set[tuple[str, int, str]] = set()


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


def _secret_prompt() -> Callable[[str], str] | None:
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


def deprecated(old: str, new: str) -> None:
    """One line on stderr: an old spelling still works for this release; name the new one."""
    sys.stderr.write(f"golive: {old} is deprecated and goes in the next release; use `{new}`\n")
