"""`golive cert inspect`: is this certificate usable for e-invoicing (and, with --session,
recorded on the session's country)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.certs import CertificateInspection
    from golive.session.store import SessionFile

from golive.cli.country_commands import SESSION_HELP
from golive.cli.country_recording import _open_session, _record_certificate, _session_tax_id


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `cert inspect` to `golive`."""
    cert = sub.add_parser("cert", help="inspect certificates")
    cert_sub = cert.add_subparsers(dest="cert_command", metavar="COMMAND", required=True)
    inspect = cert_sub.add_parser(
        "inspect",
        help="is this certificate usable for e-invoicing?",
        description="Read a PEM, DER or PKCS#12 certificate: subject, issuer, validity, key "
        "usage, whether a private key matches, and the country's rules where golive knows them "
        "(MX: CSD vs e.firma and the RFC; BR: the e-CNPJ; EC: key usage). A PKCS#12 password is "
        "asked for without echo, or read from standard input with --password-stdin; it is never "
        "stored. Exit 0: usable; 1: not usable; 2: bad input.",
    )
    inspect.add_argument("file", metavar="FILE", help=".cer, .pem, .crt, .der, .p12 or .pfx")
    inspect.add_argument("--country", default=None, metavar="CC", help="apply this country's rules")
    inspect.add_argument(
        "--tax-id",
        default=None,
        metavar="ID",
        help="the tax ID the certificate must belong to (default with --session: the session's)",
    )
    inspect.add_argument(
        "--key", default=None, metavar="KEYFILE", help="check this private key matches"
    )
    inspect.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the PKCS#12 (or key) password from the first line of standard input",
    )
    inspect.add_argument(
        "--password-secret",
        default=None,
        metavar="NAME",
        help="with --session: take the password from the session's secret NAME (OS keyring, or "
        "GOLIVE_SECRET_NAME for this run), kept there with `golive secret set SESSION NAME`",
    )
    inspect.add_argument("--session", default=None, metavar="SESSION", help=SESSION_HELP)
    inspect.add_argument("--json", action="store_true", help="machine-readable output")
    inspect.set_defaults(handler=cmd_cert_inspect)


# --- cert inspect -----------------------------------------------------------------------------


def cmd_cert_inspect(args: argparse.Namespace) -> int:
    # Long because it reads the certificate three ways (file, key, PKCS#12 password) before one verdict.
    from golive.certs import PasswordRequiredError, inspect_certificate
    from golive.countries import normalise_code

    if args.session and not args.country:
        raise BadInputError(
            "--session needs --country: the certificate is recorded on one country",
            where="--country",
            advice="add --country CC, for example --country MX",
        )
    code = normalise_code(args.country) if args.country else None
    handle = _open_session(args.session, code) if args.session and code else None
    tax_id = args.tax_id
    if tax_id is None and handle is not None and code is not None:
        tax_id = _session_tax_id(handle, code) or None

    if args.password_secret and handle is None:
        raise BadInputError(
            "--password-secret needs --session and --country: secrets belong to a session",
            where="--password-secret",
            advice="add --session SESSION --country CC, or use --password-stdin",
        )
    if args.password_secret and args.password_stdin:
        raise BadInputError(
            "give the password one way: --password-stdin or --password-secret",
            where="--password-secret",
            advice="drop one of the two options",
        )
    # a demo session accepts golive's demo CA in the authority's place, with a warning
    demo = handle is not None and handle.session.meta.demo
    password = _password_from_stdin() if args.password_stdin else None
    if args.password_secret and handle is not None:
        password = _password_from_secret(handle, args.password_secret)
    try:
        result = inspect_certificate(
            args.file,
            password=password,
            key_path=args.key,
            country=code,
            tax_id=tax_id,
            demo=demo,
        )
    except PasswordRequiredError:
        if args.password_stdin or args.password_secret or not sys.stdin.isatty():
            raise
        password = getpass.getpass(f"password for {Path(args.file).name}: ").encode()
        result = inspect_certificate(
            args.file,
            password=password,
            key_path=args.key,
            country=code,
            tax_id=tax_id,
            demo=demo,
        )
    finally:
        password = None  # used and forgotten

    evidence_id = _record_certificate(handle, code, result) if handle and code else ""
    if args.json:
        document = result.to_json()
        if handle:
            document["session"] = str(handle.path)
            document["evidence"] = evidence_id
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_certificate(result, tax_id)
        if handle and code:
            status = "failed" if result.verdict == "not_usable" else "done"
            print(
                f"recorded in {handle.path.name} (evidence {evidence_id}): "
                f"compliance.{code}.certificate is {status}"
            )
    return 1 if result.verdict == "not_usable" else 0


def _password_from_stdin() -> bytes:
    line = sys.stdin.readline()
    if not line:
        raise BadInputError(
            "--password-stdin was given but standard input is empty",
            where="standard input",
            advice="pipe the password in, for example from your password manager's CLI",
        )
    return line.rstrip("\r\n").encode()


def _password_from_secret(handle: SessionFile, name: str) -> bytes:
    from golive.secrets import check_name, resolve_secret

    resolved = resolve_secret(handle.session, check_name(name))
    print(resolved.notice, file=sys.stderr)
    return resolved.value.get_secret_value().encode()


_VERDICT_WORDS = {
    "usable": "USABLE",
    "warning": "USABLE, WITH A WARNING",
    "not_usable": "NOT USABLE",
}
_MARKS = {"fail": "✗", "warn": "!", "info": "·"}


def _print_certificate(result: CertificateInspection, tax_id: str | None) -> None:
    when = "%Y-%m-%d %H:%M UTC"
    if result.days_to_expiry >= 0:
        left = f"{result.days_to_expiry} day(s) left"
    else:
        left = f"expired {-result.days_to_expiry} day(s) ago"
    key = {None: "not given", True: "matches", False: "DOES NOT MATCH"}[result.key_match]
    if result.key_source:
        key = f"{key} ({result.key_source})"
    rows = [
        ("kind", result.kind),
        ("subject", result.subject),
        ("issuer", result.issuer),
        ("serial", result.serial),
        (
            "valid",
            f"{result.not_before.strftime(when)} to {result.not_after.strftime(when)} ({left})",
        ),
        ("key usage", ", ".join(result.key_usage) or "(no extension)"),
        ("ext. key usage", ", ".join(result.extended_key_usage) or "(none)"),
        ("private key", key),
        ("SHA-256", result.fingerprint_sha256),
        *result.details,
    ]
    if tax_id:
        rows.append(("tax ID given", tax_id))
    print(f"{result.file} ({result.container}): {_VERDICT_WORDS[result.verdict]}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        if value:
            print(f"  {label:<{width}}  {value}")
    for severity, message in zip(result.severities, result.messages, strict=True):
        print(f"  {_MARKS[severity]} {message}")
