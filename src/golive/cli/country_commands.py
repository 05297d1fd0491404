"""Country commands: `golive country list|show`, `golive taxid`, `golive cert inspect`.

Exit codes: 0 fine (a valid tax ID, a usable certificate), 1 a verdict against (an invalid or
unverifiable tax ID, a certificate not usable), 2 bad input. Attached to a session (--session),
the verdict is recorded on the session's country, as evidence, and on its checklist item.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.cli.country_recording import _open_session, _record_tax_id
from golive.cli.taxid_output import (
    _OUTCOME_WORDS as _OUTCOME_WORDS,
)
from golive.cli.taxid_output import (
    _ROW_WORDS as _ROW_WORDS,
)
from golive.cli.taxid_output import (
    _outcome_words_of,
    _print_rows,
    _print_rows_csv,
    _print_rows_json,
)
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.countries.catalog import CountryFacts
    from golive.session.model import Obligation, TaxIdVerification
    from golive.session.store import SessionFile

SESSION_HELP = "record the verdict in this session (a name or a path to a .toml file)"
VIES_URL_ENV = "GOLIVE_VIES_URL"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Long because one add_argument per flag, each with its help text.
    """Add `country`, `taxid` and `cert` to `golive`."""
    country = sub.add_parser(
        "country",
        help="the country catalog: e-invoicing route and proof, dated obligations, tax ID",
        description="What golive knows about each country's e-invoicing, with the source and "
        "review date of every row. A country outside the catalog is allowed: the checklist asks "
        "you instead.",
    )
    country_sub = country.add_subparsers(dest="country_command", metavar="COMMAND", required=True)
    listing = country_sub.add_parser("list", help="every country in the catalog")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=cmd_country_list)
    show = country_sub.add_parser(
        "show", help="one country's row: the obligations in force on a date and the upcoming ones"
    )
    show.add_argument("code", metavar="CC", help="an ISO 3166-1 alpha-2 code, e.g. MX")
    show.add_argument(
        "--on",
        default=None,
        metavar="DATE",
        help="the date to read the obligations on, YYYY-MM-DD (default: today)",
    )
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=cmd_country_show)

    taxid = sub.add_parser(
        "taxid",
        help="verify a tax ID (format and check digits; EU VIES on request)",
        description="Check a tax ID with python-stdnum and say exactly what was checked; "
        "or, with --file, every row of a CSV of country,number[,label] (a deployment's legal "
        "entities), one verdict per row. Exit 0: valid (or format right where nothing more can "
        "be checked); 1: invalid (any row), or nothing could be checked; 2: bad input (a file "
        "that cannot be read).",
    )
    taxid.add_argument("code", metavar="CC", nargs="?", help="the country, e.g. MX")
    taxid.add_argument(
        "number", metavar="NUMBER", nargs="?", help="the tax ID (spaces and separators allowed)"
    )
    taxid.add_argument(
        "--file",
        default=None,
        metavar="FILE",
        help="a CSV of country,number[,label], one legal entity per line (instead of CC NUMBER)",
    )
    taxid.add_argument(
        "--csv",
        action="store_true",
        help="with --file: the verdicts as CSV (cells a spreadsheet would run are quoted with ')",
    )
    taxid.add_argument(
        "--vies",
        action="store_true",
        help="also ask the EU VIES service whether the VAT number is registered (off by default)",
    )
    taxid.add_argument(
        "--vies-url",
        default=None,
        metavar="URL",
        help=f"the VIES REST endpoint (default: ${VIES_URL_ENV}, else the European Commission's)",
    )
    taxid.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="VIES timeout in seconds (default 10)",
    )
    taxid.add_argument("--session", default=None, metavar="SESSION", help=SESSION_HELP)
    taxid.add_argument("--json", action="store_true", help="machine-readable output")
    taxid.set_defaults(handler=cmd_taxid)

    from golive.cli import cert_commands

    cert_commands.register(sub)


# --- country list / show ----------------------------------------------------------------------


def _facts_json(facts: CountryFacts) -> dict[str, Any]:
    from golive.countries import time_zones

    document: dict[str, Any] = facts.model_dump(mode="json", by_alias=True)
    document["obligations"] = document.pop("obligation")
    document["time_zones"] = time_zones(facts.code)
    return document


def _route(facts: CountryFacts) -> str:
    test = {"yes": "has a test mode", "no": "no test mode", "unknown": "test mode unknown"}
    return f"{facts.route}; {test[facts.test_environment]}"


def cmd_country_list(args: argparse.Namespace) -> int:
    from golive.countries import catalog

    rows = catalog()
    if args.json:
        print(json.dumps([_facts_json(f) for f in rows.values()], indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"golive's country catalog ({len(rows)} countries)", title_justify="left")
    for column in ("CC", "Country", "Route", "Proof", "Cur", "Dated rules", "Tax ID", "Source"):
        table.add_column(column)
    for facts in rows.values():
        dated = sum(1 for o in facts.obligations if o.from_ or o.until)
        table.add_row(
            facts.code,
            facts.name,
            _route(facts),
            facts.proof_id or "-",
            facts.currency,
            f"{len(facts.obligations)} ({dated} dated)",
            facts.tax_id_name,
            f"reviewed {facts.reviewed}" if facts.verified else "unverified",
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    print("`golive country show CC [--on DATE]` shows a row in full: its obligations, sources.")
    return 0


def cmd_country_show(args: argparse.Namespace) -> int:
    # Long because it prints every fact of the country, one short block each.
    from golive.countries import country, country_name, normalise_code, time_zones
    from golive.countries.dated import UPCOMING_DAYS, in_force, parse_day, upcoming
    from golive.session.clock import now
    from golive.session.obligations import describe

    code = normalise_code(args.code)
    on = parse_day(args.on, "--on") if args.on else now().date()
    facts = country(code)
    zones = time_zones(code)
    if facts is None:
        name = country_name(code)
        if args.json:
            document = {"code": code, "name": name, "in_catalog": False, "time_zones": zones}
            print(json.dumps(document, indent=2, ensure_ascii=False))
            return 0
        print(f"{code}  {name}: not in golive's country catalog")
        print("  the checklist asks whether it needs a certificate and a platform registration;")
        print("  `golive taxid` checks tax IDs with python-stdnum where it has a module")
        print(f"  time zones: {', '.join(zones) or 'none in the tz database'}")
        return 0
    current, soon = in_force(facts, on), upcoming(facts, on)
    if args.json:
        document = {
            **_facts_json(facts),
            "in_catalog": True,
            "on": on.isoformat(),
            "in_force": [o.id for o in current],
            "upcoming": [o.id for o in soon],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    validation = {
        "check_digits": f"python-stdnum {facts.stdnum_module} (format and check digits)",
        "format_only": f"python-stdnum {facts.stdnum_module} (format only: no check digits)",
        "none": f"no validator: regular expression {facts.tax_id_pattern}",
    }[facts.validation]
    lines = [
        ("route", _route(facts)),
        ("platform", facts.platform),
        ("format", facts.document_format),
        ("proof", facts.proof_id),
        ("currency", facts.currency),
        ("tax ID", f"{facts.tax_id_name}: {facts.tax_id_format}"),
        ("checked with", validation),
    ]
    if facts.other_ids:
        lines.append(("not to confuse", ", ".join(o.name for o in facts.other_ids)))
    lines += [
        ("time zones", ", ".join(zones)),
        ("source", facts.source),
        ("reviewed", str(facts.reviewed)),
        ("not confirmed", facts.note),
    ]
    print(f"{facts.code}  {facts.name}")
    for label, value in lines:
        if value:
            print(f"  {label:<15} {value}")

    def obligation_line(obligation: Obligation) -> str:
        verdict = "required" if obligation.required else "not required"
        return f"    {obligation.kind:<12} {verdict}: {describe(obligation, facts.source)}"

    print(f"  in force on {on.isoformat()}:")
    for obligation in current:
        print(obligation_line(obligation))
    if not current:
        print("    nothing the catalog states")
    print(f"  upcoming within {UPCOMING_DAYS} days:")
    for obligation in soon:
        print(obligation_line(obligation))
    if not soon:
        print("    nothing")
    return 0


# --- taxid ------------------------------------------------------------------------------------


def cmd_taxid(args: argparse.Namespace) -> int:
    from golive.countries import normalise_code
    from golive.countries.taxid import DEFAULT_TIMEOUT, DEFAULT_VIES_URL, verify_tax_id

    if args.file is not None and (args.code is not None or args.session):
        raise BadInputError(
            "--file checks the numbers of a file: give no CC NUMBER and no --session with it",
            where="--file",
            advice="`golive taxid --file FILE`, or `golive taxid CC NUMBER [--session S]`",
        )
    if args.file is None and (args.code is None or args.number is None):
        missing = "CC, NUMBER" if args.code is None else "NUMBER"
        raise BadInputError(
            f"the following arguments are required: {missing}",
            where=missing,
            advice="`golive taxid CC NUMBER`, e.g. `golive taxid MX MAB9307148T4`, "
            "or `golive taxid --file FILE`",
        )
    code = normalise_code(args.code) if args.code is not None else ""
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    if not 0 < timeout <= 300:
        raise BadInputError(
            f"--timeout {args.timeout:g} is out of range",
            where="--timeout",
            advice="give seconds between 0 and 300, for example --timeout 10",
        )
    vies_url = args.vies_url or os.environ.get(VIES_URL_ENV) or DEFAULT_VIES_URL
    if args.file is not None:
        return _taxid_file(args, vies_url=vies_url, timeout=timeout)
    if args.csv:
        raise BadInputError(
            "--csv goes with --file",
            where="--csv",
            advice="check a file of legal entities with `golive taxid --file FILE --csv`",
        )
    handle = _open_session(args.session, code) if args.session else None
    result = verify_tax_id(code, args.number, vies=args.vies, vies_url=vies_url, timeout=timeout)
    evidence_id = _record_tax_id(handle, code, result) if handle else ""
    if args.json:
        document = {"country": code, **result.model_dump(mode="json")}
        if handle:
            document["session"] = str(handle.path)
            document["evidence"] = evidence_id
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_tax_id(code, result, handle, evidence_id)
    return 0 if result.outcome in ("valid", "format_only") else 1


def _taxid_file(args: argparse.Namespace, *, vies_url: str, timeout: float) -> int:
    from golive.countries.taxid import verify_tax_id_file

    verdicts = verify_tax_id_file(
        Path(args.file), vies=args.vies, vies_url=vies_url, timeout=timeout
    )
    if args.json:
        _print_rows_json(args.file, verdicts)
    elif args.csv:
        _print_rows_csv(verdicts)
    else:
        _print_rows(verdicts)
    return 0 if all(v.accepted for v in verdicts) else 1


def _outcome_words(result: TaxIdVerification) -> str:
    return _outcome_words_of(result.outcome, result.message)


def _print_tax_id(
    code: str, result: TaxIdVerification, handle: SessionFile | None, evidence_id: str
) -> None:
    from golive.countries import country, country_name

    facts = country(code)
    label = f"{facts.name}, {facts.tax_id_name}" if facts else country_name(code)
    print(f"{result.number}: {_outcome_words(result)} ({label})")
    print(f"  checked with  {result.method}")
    print(f"  {result.message}")
    if result.vies:
        print(f"  VIES          {result.vies}")
    if handle:
        print(
            f"  recorded in {handle.path.name} (evidence {evidence_id}): {_item_line(code, result)}"
        )


def _item_line(code: str, result: TaxIdVerification) -> str:
    from golive.countries.taxid import authority_lookup

    item = f"compliance.{code}.tax_id"
    if result.outcome == "unverifiable":
        return f"{item} left as it was: verify the number yourself, then set the item"
    if result.outcome == "format_only":
        return (
            f"{item} stays in progress: confirm the number with {authority_lookup(code)}, "
            "then attest the item (`golive item SESSION "
            f"{item} --status done --attest REASON`)"
        )
    return f"{item} is {'done' if result.outcome == 'valid' else 'failed'}"
