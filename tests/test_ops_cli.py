"""The ops commands as a user meets them: every one has clear help, and none imports Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from golive.session.store import SessionFile
from session_factory import make_session

COMMANDS = (
    "monitoring",
    "window",
    "deploy",
    "verify-config",
    "pilot",
    "watch",
    "rollout",
    "reviews",
    "rollback",
    "support",
    "calendar",
)
PROBE = """
import sys
from golive.cli import main
code = 0
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("textual", "golive.tui") if m in sys.modules)
print(f"EXIT:{code} IMPORTED:" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run_golive, command: str) -> None:  # type: ignore[no-untyped-def]
    result = run_golive(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "SESSION" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["monitoring"],
        ["window", "--days", "2", "--tz", "UTC"],
        ["deploy", "--env", "staging", "--version", "v1"],
        ["verify-config"],
        ["pilot"],
        ["rollout"],
        ["reviews"],
        ["rollback", "--dry-run"],
        ["support"],
        ["calendar", "-o", "-"],
        ["watch", "--show-queries"],
    ],
)
def test_ops_commands_do_not_import_textual(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "hygiene.toml"
    SessionFile.create(path, make_session(("DE",)))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, args[0], str(path), *args[1:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.endswith(" IMPORTED:"), result.stderr
    assert last.startswith(("EXIT:0", "EXIT:1")), result.stderr


def test_a_missing_session_is_bad_input(run_golive) -> None:  # type: ignore[no-untyped-def]
    for command in ("pilot", "watch", "rollback", "calendar"):
        extra = ["-o", "x.ics"] if command == "calendar" else []
        result = run_golive(command, "no-such-session", *extra)
        assert result.returncode == 2, (command, result.stderr)
        assert "no session file" in result.stderr
