"""The `golive` command line: parse, call the core, present the result.

Every command module registers its sub-commands here. Nothing in this package imports Textual
at module level: headless commands must start fast and work where no terminal UI can run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from golive import __version__
from golive.session.errors import BadInputError, GoliveError, SessionLoadError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors say what to do and exit 2 (bad input) like the rest of golive."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n  what to do: see `{self.prog} --help`\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    from golive.cli import (
        check_commands,
        country_commands,
        export_commands,
        ops_commands,
        sandbox_commands,
        secret_commands,
        session_commands,
        wizard_commands,
    )

    parser = _Parser(
        prog="golive",
        description="Walk a ONESOURCE integration through its production go-live. "
        "Run without a command to open the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"golive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (
        wizard_commands,
        session_commands,
        country_commands,
        check_commands,
        secret_commands,
        export_commands,
        ops_commands,
        sandbox_commands,
    ):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from golive.cli.wizard_commands import open_start_screen

        handler = open_start_screen
    try:
        return int(handler(args))
    except SessionLoadError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_BAD_INPUT
    except BadInputError as error:
        sys.stderr.write(f"golive: {error}\n")
        return EXIT_BAD_INPUT
    except GoliveError as error:
        sys.stderr.write(f"golive: {error}\n")
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
