"""Every `golive` command line the README shows is one the command line accepts."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT
from golive.cli import build_parser


def _documented_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for raw in block.splitlines():
            line = raw.split("  #", 1)[0].strip()
            for part in line.split(";"):
                part = part.strip()
                if not part.startswith("golive "):
                    continue
                part = re.sub(r"\[[^\]]*\]", "", part)  # optional parts: the shortest form
                part = re.sub(r"(\S+?)\|\S+", r"\1", part)  # a|b: the first choice
                part = part.replace("...", "")
                commands.append(" ".join(part.split()))
    return commands


COMMANDS = _documented_commands()


def test_the_readme_documents_the_commands() -> None:
    assert len(COMMANDS) > 30
    documented = {shlex.split(c)[1] for c in COMMANDS if len(shlex.split(c)) > 1}
    for name in ("new", "resume", "status", "check", "export", "secret", "rollback", "window"):
        assert name in documented


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_is_accepted(command: str) -> None:
    args = shlex.split(command)[1:]
    try:
        build_parser().parse_args(args)
    except SystemExit as exit_:  # argparse refused it (exit 2) or printed help (exit 0)
        assert exit_.code == 0, f"the README shows a command golive refuses: {command}"
