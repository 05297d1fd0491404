"""Session commands: new, countries, validate, status, item, schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from golive.cli.common import SESSION_HELP
from golive.session.errors import BadInputError, SessionLoadError
from golive.session.text import echo as print  # every line shown is sanitized


def __getattr__(name: str) -> Any:
    """The old names (`add_countries`, `_country_codes`) now live in golive.countries.editing."""
    if name in ("add_countries", "_country_codes"):
        from golive.countries import editing

        return editing.add_countries if name == "add_countries" else editing.country_codes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
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
        code = country_codes([words[0]])[0]
        setup = session.countries.get(code)
        if setup is None or setup.removed:
            raise BadInputError(
                f"{code} is not a country of this session",
                where="countries answer",
                advice=f"the session has: {', '.join(session.active_countries()) or 'none'}",
            )
        ids = [o.id for o in setup.requirements.obligations if o.condition]
        if words[1] not in ids:
            raise BadInputError(
                f"{words[1]!r} is not a rule of {code} that needs an answer",
                where="countries answer",
                advice=f"{code}'s rules with a condition: {', '.join(ids) or 'none'}",
            )
        from golive.session.checklist import default_actor
        from golive.session.clock import now
        from golive.session.model import RuleAnswer

        answer = RuleAnswer(applies=words[2].lower() == "yes", by=default_actor(session), at=now())
        setup.answers = {**setup.answers, words[1]: answer}
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
    from golive.session.store import SessionFile

    failed = False
    unverified = False
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
        verdict = verify(handle.session, handle.evidence_path)
        if verdict.ok:
            print(f"{handle.path}: valid")
            continue
        unverified = True
        print(f"{handle.path}: valid, but its evidence log does not verify")
        for located in verdict.problems:  # "FILE:LINE: what", FILE beside the session
            print(f"{handle.evidence_path.parent}{os.sep}{located}")
    return 2 if failed else 1 if unverified else 0


def _gate_document(status: Any) -> dict[str, Any]:
    override = status.override
    return {
        "open": status.open,
        "passable": status.passable,
        "text": status.sentence,
        "missing": list(status.missing_ids),
        "holds": list(status.holds),
        "attested": list(status.attested_ids),
        "override": (
            {"by": override.by, "at": override.at.isoformat(), "reason": override.reason}
            if override is not None
            else None
        ),
    }


def status_document(session: Any, chain_problems: Sequence[str] = ()) -> dict[str, Any]:
    """What `golive status --json` prints: the public shape of a session's progress. Readiness
    is the gate engine's (`golive.session.checklist.gate_status`): ready means the gate is open."""
    from golive.countries.changes import country_changes
    from golive.session.checklist import build_checklist, definition

    checklist = build_checklist(session)
    gates = {name: checklist.gate(name, chain_problems) for name in ("production", "golive")}
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
    blocking = {
        name: [i.id for i in checklist.items if i.id in {*g.missing_ids, *g.attested_ids}]
        for name, g in gates.items()
    }
    return {
        "session": session.meta.title,
        "customer": session.meta.customer,
        "demo": session.meta.demo,
        "ready_for_production": gates["production"].open,
        "ready_for_golive": gates["golive"].open,
        "blocking_production": blocking["production"],
        "blocking_golive": blocking["golive"],
        "gates": {name: _gate_document(g) for name, g in gates.items()},
        "sections": sections,
        "countries": countries,
        "country_changes": [c.as_json() for c in country_changes(session)],
        "items": [
            {
                "id": i.id,
                "status": i.status.value,
                "reason": i.reason,
                "derived": i.derived,
                "evidence_bound": i.evidence_bound,
                "basis": i.basis.as_dict(),
                "changed_by": i.state.changed_by,
                "changed_at": i.state.changed_at.isoformat() if i.state.changed_at else None,
            }
            for i in checklist.items
        ],
    }


def cmd_status(args: argparse.Namespace) -> int:
    from golive.session.evidence import verify
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    verdict = verify(handle.session, handle.evidence_path)
    # an evidence log that does not verify holds both gates (the gate engine lists why)
    document = status_document(handle.session, verdict.problems)
    document["evidence_chain"] = verdict.as_json()
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
            print(f"\nnot ready for {args.require}: {document['gates'][args.require]['text']}")
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
    for change in document.get("country_changes", []):
        console.print(
            f"{change['country']} rules changed: "
            + "; ".join(change["changes"])
            + " (`golive countries SESSION refresh` takes them)",
            soft_wrap=True,
        )
    chain = document.get("evidence_chain")
    if chain is not None and (chain["present"] or not chain["ok"]):
        from rich.text import Text

        console.print(Text(chain["statement"], style="" if chain["ok"] else "bold"), soft_wrap=True)
        for problem in chain["problems"]:
            console.print(f"  {problem}", soft_wrap=True, markup=False)
    for key, label in (("production", "production"), ("golive", "go-live")):
        ready = document[f"ready_for_{key}"]
        gate = document["gates"][key]
        console.print(f"ready for {label}: {'yes' if ready else 'no'}")
        if not ready:
            console.print("  open: " + ", ".join(document[f"blocking_{key}"]), soft_wrap=True)
            for hold in gate["holds"]:
                console.print(f"  held: {hold}", soft_wrap=True, markup=False)
    shown = [i for i in document["items"] if _not_proven(i)]
    if shown:
        console.print("not proven by evidence (a person's word, or passed by override):")
        for i in shown:
            console.print(
                f"  {i['id']} {i['status']}: {i['basis']['text']}", soft_wrap=True, markup=False
            )


def _not_proven(item: dict[str, Any]) -> bool:
    """An item whose state a person vouches for where golive could prove it, or passed by a
    gate override: `golive status` names each with its basis."""
    basis = item["basis"]
    if basis["kind"] == "overridden" or basis["contradicts_evidence"]:
        return True
    return bool(item["evidence_bound"]) and basis["kind"] in ("attested", "not_applicable_reason")


def cmd_item(args: argparse.Namespace) -> int:
    from golive.session.checklist import build_checklist, set_item_status
    from golive.session.store import SessionFile

    handle = SessionFile.open(args.session)
    set_item_status(
        handle.session,
        args.item_id,
        args.status,
        by=args.by,
        note=args.note,
        reason=args.reason,
        attestation=args.attest,
    )
    handle.save()
    item = build_checklist(handle.session).by_id.get(args.item_id)
    shown = f"{item.status.value} ({item.basis.text})" if item else args.status
    print(f"{args.item_id}: {shown}")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    """Exit 0 when the gate(s) may be passed (open, or overridden), 1 when one is held."""
    from golive.session.checklist import gate_status, override_gate
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
    from golive.session.evidence import verify

    problems = verify(handle.session, handle.evidence_path).problems
    held = False
    for name in [args.gate] if args.gate else ["production", "golive"]:
        status = gate_status(handle.session, name, chain_problems=problems)
        state = "open" if status.open else "passable by override" if status.passable else "held"
        print(f"{name}: {state}")
        print(f"  {status.sentence}")
        for missing in status.missing:
            print(f"  still open: {missing}")
        for hold in status.holds:
            print(f"  held: {hold}")
        for passed in status.overrides:
            print(f"  override: {passed}")
        held = held or not status.passable
    return 1 if held else 0


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
