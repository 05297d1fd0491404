"""Headless commands never import Textual (they must start fast and work without a terminal UI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_the_layers_of_contributing_hold() -> None:
    """`make lint`'s import contracts ([tool.importlinter] in pyproject.toml) are kept."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.argv = ['lint-imports', '--no-cache']; lint_imports_command()",
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers: presenters above the core" in result.stdout  # the contract was checked
