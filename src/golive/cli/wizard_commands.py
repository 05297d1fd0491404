"""The commands that open the wizard: `golive` (start screen), `golive resume`, `golive demo`.

Textual is imported only inside these handlers, so headless commands never load it.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""


def open_start_screen(args: argparse.Namespace) -> int:
    """`golive` with no command: the wizard's start screen."""
    raise NotImplementedError("the wizard is being built (issue 6)")
