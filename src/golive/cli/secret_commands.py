"""`golive secret`: golive's own secrets in the OS keyring, and a scan for secrets in code.

Values are never command-line arguments (other users can read a process's arguments): `set`
asks without echo on a terminal, or reads one line from standard input when it is piped.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from golive.cli.common import SESSION_HELP, _open
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.session.model import Session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `golive secret ...` to `golive`."""
    secret = sub.add_parser(
        "secret",
        help="golive's own secrets (OS keyring) and a scan for secrets in code",
        description="Keep the secrets golive needs for live tests in the OS keyring (the session "
        "file holds references only), see where each lives, and scan the integration's code for "
        "credentials. GOLIVE_STAGING_CLIENT_SECRET, GOLIVE_PRODUCTION_CLIENT_SECRET and "
        "GOLIVE_SECRET_<NAME>, when set, take precedence over the keyring.",
    )
    actions = secret.add_subparsers(
        dest="secret_command", metavar="ACTION", parser_class=type(secret), required=True
    )

    set_ = actions.add_parser(
        "set",
        help="store a secret in the OS keyring (asked without echo, or read from standard input)",
        description="Store a secret in the OS keyring under this session. On a terminal golive "
        "asks for it without echo; otherwise it reads one line from standard input. The value is "
        "never a command-line argument.",
    )
    set_.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    _add_which(set_)
    set_.add_argument(
        "--description", default="", help="what the secret is for (kept in the session)"
    )
    set_.set_defaults(handler=cmd_set)

    status = actions.add_parser(
        "status", help="where each secret lives, present or missing (never its value)"
    )
    status.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=cmd_status)

    delete = actions.add_parser(
        "delete", help="delete a secret from the OS keyring and the session"
    )
    delete.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    _add_which(delete)
    delete.set_defaults(handler=cmd_delete)

    scan = actions.add_parser(
        "scan",
        help="search code and config for the session's secrets and for credentials",
        description="Search files and folders for the session's own secrets (byte for byte) and "
        "for the usual credential patterns (detect-secrets). Prints file and line, never the "
        "value. Exit 0 clean, 1 findings. The result is recorded as evidence for "
        "credentials.vault. Mark a line that is a known false positive with "
        "`pragma: allowlist secret` in a comment.",
    )
    scan.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="a repository, folder or file")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.set_defaults(handler=cmd_scan)


def _add_which(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        help="a named secret, e.g. alerting_webhook (or use --env for a client secret)",
    )
    parser.add_argument(
        "--env",
        choices=("staging", "production"),
        help="the OAuth client secret of this environment",
    )
    parser.add_argument(
        "--product",
        choices=("determination", "einvoicing"),
        default="determination",
        help="with --env: whose client secret (default determination; einvoicing only when "
        "E-Invoicing has credentials of its own)",
    )


def _secret_name(args: argparse.Namespace) -> str:
    from golive.secrets import check_name, client_secret_name

    if bool(args.env) == bool(args.name):
        raise BadInputError(
            "say which secret: either --env staging|production or a NAME, not both",
            where="golive secret",
            advice="for example `golive secret set SESSION --env staging` or "
            "`golive secret set SESSION alerting_webhook`",
        )
    if args.product != "determination" and not args.env:
        raise BadInputError(
            "--product goes with --env",
            where="--product",
            advice="for example `golive secret set SESSION --env staging --product einvoicing`",
        )
    return client_secret_name(args.env, args.product) if args.env else check_name(args.name)


def _read_value(prompt: str) -> str:
    """The secret from the terminal without echo, or one line of standard input."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def cmd_set(args: argparse.Namespace) -> int:
    import os

    from pydantic import SecretStr

    from golive.secrets import (
        describe,
        env_var_name,
        keyring_service,
        keyring_status,
        store_secret,
        ways_forward,
    )
    from golive.session.errors import GoliveError

    handle = _open(args.session)
    name = _secret_name(args)
    words = describe(handle.session, name)
    status = keyring_status()
    if not status.usable:  # say so before the user types anything
        raise GoliveError(
            f"cannot store {words}: {status.reason}",
            where="OS keyring",
            advice=ways_forward(env_var_name(name)),
        )
    value = _read_value(f"{words[0].upper()}{words[1:]} (not shown): ")
    if not value:
        raise BadInputError(
            f"no value was given for {words}",
            where="standard input",
            advice="type the secret when asked, or pipe it: "
            '`printf %s "$SECRET" | golive secret set SESSION ...`',
        )
    store_secret(handle.session, name, SecretStr(value), description=args.description)
    del value
    handle.save()
    print(
        f"stored {words} in the OS keyring (service {keyring_service(handle.session)}, "
        f"entry {name}); the session records the reference only"
    )
    variable = env_var_name(name)
    if os.environ.get(variable):
        print(f"note: {variable} is set here and takes precedence over the keyring while it is set")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from golive.secrets import delete_secret, describe

    handle = _open(args.session)
    name = _secret_name(args)
    words = describe(handle.session, name)
    had_reference = name in handle.session.credentials.secrets
    deleted = delete_secret(handle.session, name)
    handle.save()
    if deleted:
        print(
            f"deleted {words} from the OS keyring" + (" and the session" if had_reference else "")
        )
    elif had_reference:
        print(f"the OS keyring had no entry for {words}; removed the session's reference")
    else:
        print(f"nothing to delete: neither the keyring nor the session holds {words}")
    return 0


def status_document(session: Session) -> dict[str, Any]:
    """What `golive secret status --json` prints: where each secret lives; never a value."""
    import os

    from golive.secrets import (
        ENVIRONMENTS,
        describe,
        env_var_name,
        get_secret,
        keyring_service,
        keyring_status,
    )
    from golive.session.errors import GoliveError

    backend = keyring_status()
    names = [f"{env}.client_secret" for env in ENVIRONMENTS]
    names += [
        f"{env}.einvoicing.client_secret"
        for env in ENVIRONMENTS
        if not getattr(session.environments, env).einvoicing.shares_credentials
    ]
    names += sorted(n for n in session.credentials.secrets if n not in names)
    rows = []
    for name in names:
        variable = env_var_name(name)
        in_env = bool(os.environ.get(variable))
        keyring_state = "unavailable"
        if backend.usable:
            try:
                keyring_state = "present" if get_secret(session, name) is not None else "missing"
            except GoliveError:
                keyring_state = "unavailable"
        used = "environment" if in_env else "keyring" if keyring_state == "present" else None
        reference = session.credentials.secrets.get(name)
        rows.append(
            {
                "name": name,
                "what": describe(session, name),
                "description": reference.description if reference else "",
                "recorded_in_session": reference is not None,
                "env_var": variable,
                "env_var_set": in_env,
                "keyring": keyring_state,
                "present": used is not None,
                "used_from": used,
            }
        )
    return {
        "keyring": {
            "usable": backend.usable,
            "backend": backend.backend,
            "explanation": backend.explanation,
            "service": keyring_service(session),
        },
        "secrets": rows,
    }


def cmd_status(args: argparse.Namespace) -> int:
    handle = _open(args.session)
    document = status_document(handle.session)
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    backend = document["keyring"]
    state = "usable" if backend["usable"] else "NOT usable"
    print(f"OS keyring: {state} ({backend['backend']}); entries under {backend['service']}")
    if not backend["usable"]:
        print(f"  {backend['explanation']}")
    for row in document["secrets"]:
        if row["env_var_set"]:
            where = f"environment variable {row['env_var']} set (takes precedence)"
            if row["keyring"] == "present":
                where += "; also in the keyring"
        elif row["keyring"] == "present":
            where = "keyring"
        else:
            where = "no keyring entry" if row["keyring"] == "missing" else "keyring not usable"
            where = f"missing ({where}; {row['env_var']} not set)"
        mark = "present" if row["present"] else "MISSING"
        print(f"{row['name']:<28} {mark:<8} {where}")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from golive.secrets import record_access_review
    from golive.secrets.scan import record_scan, scan_session
    from golive.session.store import backup_path

    handle = _open(args.session)
    own = [handle.path, backup_path(handle.path), handle.evidence_path]
    own.append(handle.path.with_name(handle.path.name + ".lock"))
    result = scan_session(handle.session, args.paths, exclude=own)
    evidence = record_scan(handle.session, handle.evidence_path, result, args.paths)
    record_access_review(handle.session)
    handle.save()
    if args.json:
        document = {
            "clean": result.clean,
            "evidence": evidence.id,
            "figures": result.figures(),
            "findings": [f.as_dict() for f in result.findings],
            "secrets_compared": result.secrets_compared,
            "secrets_not_compared": result.secrets_not_compared,
            "files_too_large": result.files_too_large,
            "files_unreadable": result.files_unreadable,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0 if result.clean else 1
    for finding in result.findings:
        print(str(finding))
    figures = result.figures()
    print(
        f"{figures['files_scanned']} file(s) scanned; "
        f"{len(result.secrets_compared)} of the session's secrets compared byte for byte"
        + (
            f" ({', '.join(result.secrets_not_compared)}: not available without asking,"
            " not compared)"
            if result.secrets_not_compared
            else ""
        )
    )
    for label, files in (
        ("too large to scan fully", result.files_too_large),
        ("could not be read", result.files_unreadable),
    ):
        if files:
            print(f"{len(files)} file(s) {label}: {', '.join(files[:5])}")
    item = handle.session.items.get("credentials.vault")
    if result.clean:
        print(f"clean: no credentials found (evidence {evidence.id})")
    else:
        print(
            f"{len(result.findings)} finding(s) in {len(result.files_with_findings())} file(s) "
            f"(evidence {evidence.id}); credentials.vault is failed"
        )
        print(
            "  what to do: move these credentials into the vault, rotate any real one that was "
            "committed, and scan again; a known false positive can be marked "
            "`pragma: allowlist secret` on its line"
        )
    if item is not None and result.clean:
        print(f"credentials.vault: {item.status.value} ({item.note})")
    return 0 if result.clean else 1
