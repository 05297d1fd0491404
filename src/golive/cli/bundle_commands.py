"""`golive support bundle SESSION -o FILE.zip` (also spelled `golive support-bundle`): what
Thomson Reuters support asks for when a call fails, in one zip, and nothing secret."""

from __future__ import annotations

import argparse

from golive.cli.common import SESSION_HELP, _open


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `golive support-bundle` (`golive support bundle` is routed to it) to `golive`."""
    bundle = sub.add_parser(
        "support-bundle",
        help="a zip for Thomson Reuters support: traces, failing runs, settings, versions",
        description="Gather what Thomson Reuters support (level 3 of the escalation path) asks "
        "for into one zip: the redacted HTTP traces beside the session (NAME.*.har), the "
        "evidence of the failing live runs with their request ids and times, the environment "
        "settings of both products, versions, the verify-config comparison, and a README.txt "
        "listing them with the address to send it to. Nothing secret goes in. Also spelled "
        "`golive support bundle`.",
    )
    bundle.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    bundle.add_argument("-o", "--output", metavar="FILE.zip", help="default: NAME.support.zip here")
    bundle.add_argument(
        "--trace",
        action="append",
        default=[],
        metavar="FILE.har",
        help="also add this trace (a HAR written by `golive check --trace` elsewhere)",
    )
    bundle.set_defaults(handler=cmd_bundle)


def cmd_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from golive.ops.bundle import build_bundle
    from golive.session.errors import BadInputError

    handle = _open(args.session, read_only=True)
    output = Path(args.output or f"{handle.path.name.removesuffix('.toml')}.support.zip")
    if output.suffix.lower() != ".zip":
        raise BadInputError(
            f"{output} is not a .zip file name", where="-o", advice="e.g. -o acme-support.zip"
        )
    extra = [Path(t).expanduser() for t in args.trace]
    for trace in extra:
        if not trace.is_file():
            raise BadInputError(
                f"the trace {trace} is not a file", where="--trace", advice="give a .har file"
            )
    bundle = build_bundle(handle.session, handle.path, output, extra_traces=extra)
    print(f"support bundle written to {bundle.path}")
    for name, what in bundle.members:
        print(f"  {name}: {what}")
    for entry in bundle.left_out:
        print(f"  left out: {entry}")
    if bundle.send_to:
        print(f"send it to {bundle.send_to} (Thomson Reuters support, level 3)")
    else:
        print(
            "no level 3 contact is recorded: add it with `golive support SESSION --level 3 "
            "--team 'Thomson Reuters support' --email ...`"
        )
    return 0
