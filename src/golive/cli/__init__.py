"""The `golive` command line: parse, call the core, present the result.

Every command module registers its sub-commands here. Nothing in this package imports Textual
at module level: headless commands must start fast and work where no terminal UI can run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from golive import __version__
from golive.cli.flags import flag_for, for_cli
from golive.session.errors import (
    BadInputError,
    GoliveError,
    SaveError,
    SessionConflictError,
    SessionLoadError,
)
from golive.session.text import printable

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors say what to do and exit 2 (bad input) like the rest of golive."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n  what to do: see `{self.prog} --help`\n")
        raise SystemExit(EXIT_BAD_INPUT)


WIZARD_COMMANDS = ("resume", "demo")


def build_parser(*, wizard_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `wizard_only` builds just the commands that open the wizard
    (`golive resume` paints sooner without building every other command's parser)."""
    from golive.cli import wizard_commands

    parser = _Parser(
        prog="golive",
        description="Walk a ONESOURCE integration through its production go-live. "
        "Run without a command to open the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"golive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: tuple[ModuleType, ...] = (wizard_commands,)
    if not wizard_only:
        from golive.cli import (
            bundle_commands,
            check_commands,
            country_commands,
            env_commands,
            export_commands,
            ops_commands,
            sandbox_commands,
            secret_commands,
            session_commands,
        )

        modules += (
            session_commands,
            country_commands,
            check_commands,
            secret_commands,
            export_commands,
            ops_commands,
            sandbox_commands,
            env_commands,
            bundle_commands,
        )
    for module in modules:
        module.register(sub)
    return parser


def unsaved(error: SaveError) -> str:
    """A failed save as the command line says it: a command's changes end with the command, so
    (unlike the wizard) nothing is "still in memory" — nothing was saved; say how to redo it."""
    if isinstance(error, SessionConflictError):
        advice = (
            "run the command again: it starts from the file as it is now, with the other "
            "changes in it (`golive status SESSION` shows them)"
        )
    else:
        advice = "close the other golive (or fix what is named above), then run the command again"
    where = flag_for(error.where)
    head = f"{where}: {error.message}" if where else error.message
    return (
        f"{head}\n  nothing was saved: this command's changes were not kept\n  what to do: {advice}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:2] == ["support", "bundle"]:  # `golive support bundle` is `golive support-bundle`
        arguments = ["support-bundle", *arguments[2:]]
    wizard_only = bool(arguments) and arguments[0] in WIZARD_COMMANDS
    parser = build_parser(wizard_only=wizard_only and not {"-h", "--help"} & set(arguments))
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        from golive.cli.wizard_commands import open_start_screen

        handler = open_start_screen
    try:
        return int(handler(args))
    except SessionLoadError as error:
        sys.stderr.write(printable(f"{error}\n", multiline=True))
        return EXIT_BAD_INPUT
    except BadInputError as error:
        sys.stderr.write(printable(f"golive: {for_cli(error)}\n", multiline=True))
        return EXIT_BAD_INPUT
    except SaveError as error:
        sys.stderr.write(printable(f"golive: {unsaved(error)}\n", multiline=True))
        return EXIT_FAILED
    except GoliveError as error:
        sys.stderr.write(printable(f"golive: {for_cli(error)}\n", multiline=True))
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("golive: interrupted; nothing was lost (every save is atomic)\n")
        return 130
    except Exception as error:  # a bug: say so plainly, never a traceback
        if os.environ.get("GOLIVE_DEBUG"):
            raise
        sys.stderr.write(
            f"golive: internal error ({type(error).__name__}); nothing was saved by this command.\n"
            "  what to do: run again with GOLIVE_DEBUG=1 to see the details, and report it\n"
        )
        return EXIT_FAILED
