"""`golive deploy` and `golive verify-config`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from golive.cli.common import (
    _by,
    _json_flag,
    _moment,
    _open,
    _override_flag,
    _parser,
    _print_json,
)
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _deploy(sub)
    _verify_config(sub)


# --- deploy and verify-config -------------------------------------------------------------------


def _deploy(sub: Sub) -> None:
    p = _parser(
        sub, "deploy", "record the version or commit deployed (staging.deploy, production.deploy)"
    )
    p.add_argument("--env", required=True, choices=("staging", "production"))
    p.add_argument("--version", required=True, metavar="V", help="release tag or commit")
    p.add_argument("--at", metavar="ISO", help="when it was deployed (default now)")
    _override_flag(p, "production")
    _by(p)
    p.set_defaults(handler=cmd_deploy)


def cmd_deploy(args: argparse.Namespace) -> int:
    from golive.ops.deploys import record_deploy

    handle = _open(args.session)
    at = _moment(args.at, "--at") if args.at else None
    result = record_deploy(
        handle.session,
        handle.path,
        args.env,
        args.version,
        at=at,
        by=args.by,
        override=args.override,
    )
    handle.save()
    previous = f" (was {result.previous})" if result.previous else ""
    print(f"{result.item}: done — {result.deployment.version}{previous}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0


def _verify_config(sub: Sub) -> None:
    p = _parser(
        sub,
        "verify-config",
        "compare staging and production settings side by side (staging.verify_config)",
    )
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_verify_config)


def cmd_verify_config(args: argparse.Namespace) -> int:
    from golive.ops.deploys import verify_config

    handle = _open(args.session)
    comparison = verify_config(handle.session, handle.path, by=args.by)
    handle.save()
    if args.json:
        _print_json(comparison.to_json())
        return 0 if comparison.passed else 1
    width = max((len(r.key) for r in comparison.rows), default=10)
    print(f"{'setting':<{width}}  {'staging':<40}  production")
    for row in comparison.rows:
        mark = " " if not row.differs else ("~" if row.expected_to_differ else "!")
        print(f"{row.key:<{width}}{mark} {row.staging[:40]:<40}  {row.production}")
    print("(~ differs as expected, ! differs and should not)")
    for finding in comparison.findings:
        print(f"{finding.severity}: {finding.key}: {finding.message}")
    print(f"staging.verify_config: {'done' if comparison.passed else 'failed'}")
    return 0 if comparison.passed else 1
