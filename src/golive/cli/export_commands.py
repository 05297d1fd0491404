"""`golive export`: the completed checklist report as Markdown, HTML or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golive.cli.common import SESSION_HELP, _open


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    export = sub.add_parser(
        "export",
        help="the completed checklist report (Markdown, HTML or JSON)",
        description="Export the session's completed checklist report: summary, readiness, every "
        "item with its state and evidence. The evidence log is verified while exporting (its hash "
        "chain, and the head the session keeps); a log that does not verify is stated in the "
        "report, its bad records are not shown as evidence, and the first bad line is warned "
        "about here.",
    )
    export.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    export.add_argument(
        "--format",
        dest="fmt",
        choices=("md", "html", "json"),
        default="md",
        help="md (default) and json print to stdout; html writes NAME.report.html next to the session",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=None,
        help="the file to write (a folder: NAME.report.EXT inside it; '-': stdout)",
    )
    export.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default="a4",
        help="the page size the HTML prints on (default a4)",
    )
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from golive.report import build_report, default_output, render, write_report

    handle = _open(args.session)
    report = build_report(handle.session, handle.path)
    text = render(report, args.fmt, paper=args.paper)
    chain = report.evidence_chain
    if not chain.ok:
        where = f" (first bad line {chain.broken_at})" if chain.broken_at else ""
        sys.stderr.write(
            f"golive: warning: the evidence log {chain.log_file} does not verify{where}; "
            "the report says so and shows no record from that line on as evidence:\n"
            + "".join(f"  {problem}\n" for problem in chain.problems)
        )
    elif chain.missing:
        sys.stderr.write(
            f"golive: warning: {len(chain.missing)} evidence record(s) named by checklist items "
            "are not in the evidence log; the report says so.\n"
        )
    output: str | None = args.output
    if output == "-" or (output is None and args.fmt != "html"):
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return 0
    if output is None:
        target = default_output(handle.path, args.fmt)
    else:
        target = Path(output).expanduser()
        if target.is_dir():
            target = target / default_output(handle.path, args.fmt).name
    written = write_report(text, target, handle.path)
    print(f"Report written to {written}")
    return 0
