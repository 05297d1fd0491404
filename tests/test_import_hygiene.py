"""Headless commands never import Textual (they must start fast and work without a terminal UI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from golive.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in ("textual", "golive.tui") if m in sys.modules)
print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["new", "hygiene", "--no-tui", "--countries", "DE"],
        ["status", "hygiene-missing"],
        ["validate", "hygiene-missing"],
        ["schema", "session"],
    ],
)
def test_headless_commands_do_not_import_textual(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    last = result.stderr.rstrip().splitlines()[-1]
    assert last == "IMPORTED:", result.stderr


def test_core_packages_never_import_textual() -> None:
    code = (
        "import sys, golive.session.store, golive.session.evidence, golive.session.checklist;"
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
