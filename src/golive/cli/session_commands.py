"""Session commands: new, countries, validate, status, item, schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from golive.cli.common import SESSION_HELP, _open
from golive.cli.status_commands import cmd_gate, cmd_item, cmd_status, status_document
from golive.session.errors import BadInputError, SessionLoadError
from golive.session.text import echo as print  # every line shown is sanitized

__all__ = [
    "cmd_gate",
    "cmd_item",
    "cmd_status",
    "register",
    "status_document",
]


def __getattr__(name: str) -> Any:
    """The old names (`add_countries`, `_country_codes`) now live in golive.countries.editing."""
    if name in ("add_countries", "_country_codes"):
        from golive.countries import editing

        return editing.add_countries if name == "add_countries" else editing.country_codes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Long because one add_argument per flag, each with its help text.
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
    new.add_argument(
        "--go-live",
        default=None,
        metavar="YYYY-MM-DD",
        help="the planned go-live date: countries are judged by the rules in force then "
        "(the production window's start takes over once one is chosen)",
    )
    new.add_argument("--no-tui", action="store_true", help="only create the file")
    new.set_defaults(handler=cmd_new)

    countries = sub.add_parser(
        "countries",
        help="add or remove countries, set the go-live date, answer or refresh their rules",
        description="add CC...: add countries; remove CC...: remove them (history kept); "
        "date YYYY-MM-DD: the planned go-live date the countries are judged on; "
        "answer CC ID yes|no: whether a rule golive cannot decide (a revenue band, a kind of "
        "taxpayer) applies to this deployment; refresh [CC...]: take the installed catalog's "
        "rules (the replaced snapshot is kept).",
    )
    countries.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    countries.add_argument("action", choices=("add", "remove", "date", "answer", "refresh"))
    countries.add_argument(
        "codes", nargs="*", metavar="ARG", help="ISO 3166-1 alpha-2 codes (or see the actions)"
    )
    countries.set_defaults(handler=cmd_countries)

    validate = sub.add_parser(
        "validate",
        help="check session files and their evidence logs; exit 2 when a file is invalid, "
        "1 when an evidence log does not verify",
    )
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
    item.add_argument(
        "--attest",
        default="",
        metavar="REASON",
        help="tick by hand an item golive can prove with evidence: your reason is recorded as an "
        "attestation (who, when, why) and shown as such; a gate counts it only as an override",
    )
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
    schema.add_argument("which", choices=("session", "report", "scenarios"))
    schema.set_defaults(handler=cmd_schema)


def cmd_new(args: argparse.Namespace) -> int:
    from golive.countries.editing import add_countries, country_codes
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
    if args.go_live:
        from golive.countries.dated import parse_day

        session.meta.go_live = parse_day(args.go_live, "--go-live")
    add_countries(session, country_codes([args.countries]))
    handle = SessionFile.create(path, session)
    print(f"created {handle.path}")
    if args.no_tui or not sys.stdout.isatty():
        return 0
    from golive.cli.wizard_commands import open_wizard

    return open_wizard(handle.path)


def cmd_countries(args: argparse.Namespace) -> int:
    from golive.countries.editing import add_countries, country_codes

    handle = _open(args.session)
    if args.action in ("date", "answer", "refresh"):
        return _countries_rules(handle, args.action, args.codes)
    if not args.codes:
        raise BadInputError(
            f"countries {args.action} needs at least one country code",
            where=f"countries {args.action}",
            advice=f"for example `golive countries SESSION {args.action} MX`",
        )
    codes = country_codes(args.codes)
    if not codes:  # only blanks, e.g. `countries S add ''`
        raise BadInputError(
            f"countries {args.action} got no country code ({' '.join(map(repr, args.codes))})",
            where=f"countries {args.action}",
            advice=f"for example `golive countries SESSION {args.action} MX`",
        )
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


def _countries_rules(handle: Any, action: str, words: list[str]) -> int:
    # Long because date, answer and refresh are three short branches sharing the session.
    """`countries SESSION date|answer|refresh ...`: the go-live date and the dated rules."""
    from golive.countries.changes import country_changes, refresh
    from golive.countries.dated import parse_day
    from golive.countries.editing import country_codes
    from golive.session.obligations import go_live_date

    session = handle.session
    if action == "date":
        if len(words) != 1:
            raise BadInputError(
                "countries date takes one date",
                where="countries date",
                advice="for example `golive countries SESSION date 2027-01-15`",
            )
        session.meta.go_live = parse_day(words[0], "countries date")
        when = go_live_date(session)
        handle.save()
        print(f"planned go-live date: {session.meta.go_live.isoformat()}")
        if when.source != "the planned go-live date":
            print(f"  (countries are judged on {when.start.isoformat()}: {when.source} wins)")
    elif action == "answer":
        if len(words) != 3 or words[2].lower() not in ("yes", "no"):
            raise BadInputError(
                "countries answer takes a country, a rule id and yes or no",
                where="countries answer",
                advice="for example `golive countries SESSION answer AE einvoicing-large yes` "
                "(`golive status SESSION` and the item's text name the rule ids)",
            )
        from golive.session.rule_answers import answer_rule

        code = country_codes([words[0]])[0]
        answer = answer_rule(session, code, words[1], words[2].lower() == "yes")
        handle.save()
        verb = "applies" if answer.applies else "does not apply"
        print(f"{code} {words[1]}: {verb} to this deployment (your answer, by {answer.by})")
    else:
        codes = country_codes(words) if words else None
        before = {c.country: c for c in country_changes(session)}
        done = refresh(session, codes)
        handle.save()
        for code in done:
            print(f"{code}: refreshed from the installed catalog (the earlier snapshot is kept)")
            for line in before[code].lines if code in before else []:
                print(f"  {line}")
        if not done:
            print("nothing to refresh: the session's rules match the installed catalog")
    if action != "answer":
        for change in country_changes(session):
            print(f"{change.country}: " + "; ".join(change.lines))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 2 when a session file is malformed (input), 1 when a valid session's evidence log
    does not verify (a finding: the located first bad line is printed), 0 otherwise."""
    from golive.session.evidence import verify

    failed = False
    unverified = False
    for reference in args.sessions:
        try:
            handle = _open(reference)
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
        verdict = verify(handle.session, handle.evidence_path)
        if verdict.ok:
            print(f"{handle.path}: valid")
            continue
        unverified = True
        print(f"{handle.path}: valid, but its evidence log does not verify")
        for located in verdict.problems:  # "FILE:LINE: what", FILE beside the session
            print(f"{handle.evidence_path.parent}{os.sep}{located}")
    return 2 if failed else 1 if unverified else 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.which == "session":
        from golive.session.model import Session

        schema = Session.model_json_schema(by_alias=True)
    elif args.which == "report":
        from golive.report import report_json_schema

        schema = report_json_schema()
    else:  # scenarios: the parity suite's scenario file (golive.checks.parity)
        from golive.checks.parity import scenarios_schema

        schema = scenarios_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
