"""The commands that open the wizard: `golive` (start screen), `golive resume`, `golive demo`.

Textual is imported only inside these handlers, so headless commands never load it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golive.session.errors import BadInputError

SESSION_HELP = "a session name (in golive's sessions folder) or a path to a .toml file"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    resume = sub.add_parser(
        "resume", help="open the wizard on a session, at the step where it was left"
    )
    resume.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    resume.add_argument(
        "--read-only", action="store_true", help="look without changing anything (no lock taken)"
    )
    resume.set_defaults(handler=cmd_resume)

    demo = sub.add_parser(
        "demo",
        help="start the built-in sandbox and walk a demo go-live against it (start here)",
    )
    demo.add_argument(
        "--reset", action="store_true", help="start the demo session afresh (drop its progress)"
    )
    demo.set_defaults(handler=cmd_demo)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _need_terminal() -> None:
    if not _interactive():
        raise BadInputError(
            "the wizard needs an interactive terminal",
            where="terminal",
            advice="run it in a terminal (over SSH: ssh -t); the headless commands "
            "(`golive status`, `golive check`, `golive export`) work without one",
        )


def open_start_screen(args: argparse.Namespace) -> int:
    """`golive` with no command: the wizard's start screen."""
    _need_terminal()
    from golive.tui.app import SessionSource
    from golive.tui.launch import run_wizard

    return run_wizard(SessionSource(kind="start"))


def open_wizard(path: Path, *, read_only: bool = False) -> int:
    """Open the wizard on an existing session file (what `golive new` calls after creating it)."""
    _need_terminal()
    from golive.tui.launch import run_wizard, source_for_path

    return run_wizard(source_for_path(path, read_only=read_only))


def cmd_resume(args: argparse.Namespace) -> int:
    """`golive resume SESSION`. In a terminal the session is found and loaded after the first
    frame is drawn (importing the session store costs about 100 ms), so the sidebar shows at
    once; a wrong SESSION is then said in the wizard, and quitting exits 2. Without a terminal
    there is no frame to hurry: SESSION is checked first, then the terminal."""
    reference = str(args.session)
    if not _interactive():
        from golive.session.store import resolve

        _must_exist(resolve(reference))
        _need_terminal()
    if reference.endswith(".toml"):
        _must_exist(Path(reference).expanduser())
    from golive.tui.launch import run_wizard, source_for_reference

    return run_wizard(source_for_reference(reference, read_only=args.read_only))


def _must_exist(path: Path) -> None:
    try:
        found = path.is_file()
    except OSError:  # a name too long for the file system, for one
        found = False
    if not found:
        raise BadInputError(
            f"no session file at {str(path)[:200]}",
            where="SESSION",
            advice="`golive` lists the recent sessions; `golive new SESSION` creates one",
        )


def cmd_demo(args: argparse.Namespace) -> int:
    _need_terminal()
    from golive.tui.app import SessionSource
    from golive.tui.launch import run_wizard

    source = SessionSource(kind="demo", first_title="Demo go-live", demo_reset=args.reset)
    return run_wizard(source)
