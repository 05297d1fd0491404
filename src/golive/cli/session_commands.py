"""Session commands: new, countries, validate, status, item, schema."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from golive.session.errors import BadInputError, SessionLoadError
from golive.session.text import echo as print  # every line shown is sanitized

SESSION_HELP = "a session name (in golive's sessions folder) or a path to a .toml file"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = sub.add_parser("new", help="create a session (and open the wizard on it)")
    new.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    new.add_argument("--title", default="", help="what the deployment is called")
    new.add_argument("--customer", default="", help="the customer going live")
    new.add_argument("--partner", default="", help="the partner running the go-live")
    new.add_argument("--engineer", default="", help="who is doing it (recorded on every change)")
    new.add_argument(
        "--countries", default="", metavar="CC,CC", help="ISO country codes, e.g. IT,MX"
    )
    new.add_argument(
        "--first-line-support",
        choices=("partner", "thomson-reuters"),
        help="who gives first-line support to end customers",
    )
    new.add_argument("--no-tui", action="store_true", help="only create the file")
    new.set_defaults(handler=cmd_new)

    countries = sub.add_parser("countries", help="add or remove countries of a session")
    countries.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    countries.add_argument("action", choices=("add", "remove"))
    countries.add_argument("codes", nargs="+", metavar="CC", help="ISO 3166-1 alpha-2 codes")
    countries.set_defaults(handler=cmd_countries)

    validate = sub.add_parser("validate", help="check session files; exit 2 when any is invalid")
    validate.add_argument("sessions", nargs="+", metavar="SESSION", help=SESSION_HELP)
    validate.set_defaults(handler=cmd_validate)

    status = sub.add_parser("status", help="progress, readiness and open items of a session")
    status.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument(
        "--require",
        choices=("production", "golive"),
        help="exit 1 unless the session is ready for this (a CI gate)",
    )
    status.set_defaults(handler=cmd_status)

    item = sub.add_parser("item", help="set a checklist item's status (history is kept)")
    item.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    item.add_argument("item_id", metavar="ID", help="a checklist id, e.g. credentials.vault")
    item.add_argument(
        "--status", required=True, help="todo, in_progress, done, failed, not_applicable, blocked"
    )
    item.add_argument("--note", default=None, help="a note kept with the item")
    item.add_argument("--reason", default="", help="why (needed for not_applicable and blocked)")
    item.add_argument(
        "--by", default=None, help="who made the change (default: the session's engineer)"
    )
    item.set_defaults(handler=cmd_item)

    gate = sub.add_parser(
        "gate",
        help="the production and go-live gates: what they wait for; override one with a reason",
    )
    gate.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    gate.add_argument(
        "gate", nargs="?", choices=("production", "golive"), help="one gate (default: both)"
    )
    gate.add_argument(
        "--override",
        metavar="REASON",
        help="pass the gate anyway; the reason, who and when are recorded and shown in the report",
    )
    gate.add_argument("--by", default=None, help="who overrides (default: the session's engineer)")
    gate.set_defaults(handler=cmd_gate)

    schema = sub.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("which", choices=("session", "report"))
    schema.set_defaults(handler=cmd_schema)


def _country_codes(raw: list[str]) -> list[str]:
    from golive.session.model import _country_code

    codes: list[str] = []
    for chunk in raw:
        for code in chunk.split(","):
            if not code.strip():
                continue
            try:
                codes.append(_country_code(code))
            except ValueError as error:
                raise BadInputError(
                    str(error),
                    where="countries",
                    advice="use ISO 3166-1 alpha-2 codes such as DE, FR, MX",
                ) from None
    return list(dict.fromkeys(codes))


def add_countries(session: Any, codes: list[str]) -> list[str]:
    """Add countries (or bring removed ones back), with their catalog requirements."""
    from golive.countries import requirements_for
    from golive.session.model import CountrySetup

    added = []
    countries = dict(session.countries)
    for code in codes:
        existing = countries.get(code)
        if existing is not None and not existing.removed:
            continue
        if existing is not None:
            existing.removed = False
            existing.requirements = requirements_for(code)
        else:
            countries[code] = CountrySetup(requirements=requirements_for(code))
        added.append(code)
    session.countries = countries
    return added


def cmd_new(args: argparse.Namespace) -> int:
    from golive.session.model import Session
    from golive.session.store import SessionFile, resolve

    path = resolve(args.session)
    session = Session()
    session.meta.title = args.title or path.stem
    session.meta.customer = args.customer
    session.meta.partner = args.partner
    session.meta.engineer = args.engineer
    if args.first_line_support:
        session.support.first_line = args.first_line_support
    add_countries(session, _country_codes([args.countries]))
    handle = SessionFile.create(path, session)
    print(f"created {handle.path}")
    if args.no_tui or not sys.stdout.isatty():
        return 0
    from golive.cli.wizard_commands import open_wizard

    return open_wizard(handle.path)


def cmd_countries(args: argparse.Namespace) -> int:
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    codes = _country_codes(args.codes)
    if args.action == "add":
        changed = add_countries(handle.session, codes)
        verb = "added"
    else:
        missing = [c for c in codes if c not in handle.session.active_countries()]
        if missing:
            raise BadInputError(
                f"not countries of this session: {', '.join(missing)}",
                where="countries remove",
                advice=f"the session has: {', '.join(handle.session.active_countries()) or 'none'}",
            )
        for code in codes:
            handle.session.countries[code].removed = True
        changed = codes
        verb = "removed (their history is kept; add them again to bring it back)"
    handle.save()
    print(f"{verb}: {', '.join(changed) or 'nothing to change'}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from golive.session.store import SessionFile

    failed = False
    for reference in args.sessions:
        try:
            handle = SessionFile.open(reference)
        except SessionLoadError as error:
            failed = True
            for problem in error.problems:
                print(str(problem))
            continue
        except BadInputError as error:
            failed = True
            # repr: a name with control characters must not reach the terminal as they are
            print(
                f"{reference!r}: {error.message}"
                if not reference.isprintable()
                else f"{reference}: {error.message}"
            )
            continue
        print(f"{handle.path}: valid")
    return 2 if failed else 0


def status_document(session: Any) -> dict[str, Any]:
    """What `golive status --json` prints: the public shape of a session's progress."""
    from golive.session.checklist import build_checklist, definition

    checklist = build_checklist(session)
    sections = {}
    for section in definition().sections:
        progress = checklist.progress(checklist.in_section(section.id))
        sections[section.id] = {
            "title": section.title,
            "ready": progress.ready,
            "total": progress.total,
            "failed": progress.failed,
        }
    countries = {
        code: {"ready": p.ready, "total": p.total, "failed": p.failed}
        for code, p in checklist.country_progress().items()
    }
    return {
        "session": session.meta.title,
        "customer": session.meta.customer,
        "demo": session.meta.demo,
        "ready_for_production": checklist.ready_for_production,
        "ready_for_golive": checklist.ready_for_golive,
        "blocking_production": [i.id for i in checklist.blocking("production")],
        "blocking_golive": [i.id for i in checklist.blocking("golive")],
        "sections": sections,
        "countries": countries,
        "items": [
            {
                "id": i.id,
                "status": i.status.value,
                "reason": i.reason,
                "derived": i.derived,
                "changed_by": i.state.changed_by,
                "changed_at": i.state.changed_at.isoformat() if i.state.changed_at else None,
            }
            for i in checklist.items
        ],
    }


def cmd_status(args: argparse.Namespace) -> int:
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    document = status_document(handle.session)
    ready = {
        "production": document["ready_for_production"],
        "golive": document["ready_for_golive"],
    }
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_status(document, handle.path.name)
    if args.require and not ready[args.require]:
        if not args.json:
            print(
                f"\nnot ready for {args.require}: {len(document['blocking_' + args.require])} open item(s)"
            )
        return 1
    return 0


def _print_status(document: dict[str, Any], name: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from golive.session.text import printable

    console = Console(highlight=False)
    title = document["session"] or name
    if document["demo"]:
        title = f"DEMO SESSION: {title}"
    customer = f" for {document['customer']}" if document["customer"] else ""
    console.print(f"[bold]{escape(printable(title))}[/bold]{escape(printable(customer))}")
    table = Table("section", "progress", "failed", box=None, pad_edge=False)
    for section in document["sections"].values():
        table.add_row(
            escape(section["title"]),
            f"{section['ready']}/{section['total']}",
            str(section["failed"] or ""),
        )
    console.print(table)
    if document["countries"]:
        ctable = Table("country", "progress", "failed", box=None, pad_edge=False)
        for code, progress in document["countries"].items():
            ctable.add_row(
                code, f"{progress['ready']}/{progress['total']}", str(progress["failed"] or "")
            )
        console.print(ctable)
    for key, label in (("production", "production"), ("golive", "go-live")):
        ready = document[f"ready_for_{key}"]
        console.print(f"ready for {label}: {'yes' if ready else 'no'}")
        if not ready:
            console.print("  open: " + ", ".join(document[f"blocking_{key}"]), soft_wrap=True)


def cmd_item(args: argparse.Namespace) -> int:
    from golive.session.checklist import build_checklist, set_item_status
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    set_item_status(
        handle.session, args.item_id, args.status, by=args.by, note=args.note, reason=args.reason
    )
    handle.save()
    item = build_checklist(handle.session).by_id.get(args.item_id)
    shown = item.status.value if item else args.status
    print(f"{args.item_id}: {shown}")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    """Exit 0 when the gate(s) may be passed (open, or overridden), 1 when one is held."""
    from golive.session.checklist import GATE_WORDS, gate_status, override_gate
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    if args.override is not None:
        if not args.gate:
            raise BadInputError(
                "--override needs the gate it overrides",
                where="gate",
                advice="e.g. `golive gate SESSION golive --override 'reason'`",
            )
        override_gate(handle.session, args.gate, args.override, by=args.by)
        handle.save()
    held = False
    for name in [args.gate] if args.gate else ["production", "golive"]:
        status = gate_status(handle.session, name)
        if status.open:
            print(f"{name}: open")
            continue
        print(f"{name}: {GATE_WORDS[name]}")
        for missing in status.missing:
            print(f"  still open: {missing}")
        if status.override is not None:
            o = status.override
            print(f"  overridden by {o.by} on {o.at:%Y-%m-%d %H:%M} UTC: {o.reason}")
        else:
            held = True
    return 1 if held else 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.which == "session":
        from golive.session.model import Session

        schema = Session.model_json_schema(by_alias=True)
    else:
        from golive.report import report_json_schema

        schema = report_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
