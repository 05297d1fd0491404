"""`golive pilot add|remove|enable|checkpoint`, `golive rollback plan|preview|run|step`, the
argparse types that name their flag, and the old spellings with their one deprecation line
(issue 14); the window's times shown once and the README's support lines (issue 16)."""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import ROOT
from golive.checks.events import CheckEvent
from golive.cli import main
from golive.cli.check_output import ProgressView
from golive.session.store import SessionFile
from session_factory import make_session

NOW = "2026-12-02T09:00:00+00:00"


@pytest.fixture
def session(golive_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOLIVE_NOW", NOW)
    return SessionFile.create("acme", make_session(("DE",))).path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_pilot_actions_are_subcommands_and_old_flags_still_work_once_warned(
    session: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "pilot", "acme", "add", "Kunde A", "--contact", "it@a.example")
    assert code == 0, err
    assert "Kunde A" in out and "deprecated" not in err
    code, out, err = run(capsys, "pilot", "acme", "--add", "Kunde B")
    assert code == 0, err
    assert err.count("deprecated") == 1 and "golive pilot SESSION add NAME" in err
    code, out, err = run(capsys, "pilot", "acme", "remove", "Kunde B")
    assert code == 0, err
    names = [c.name for c in SessionFile.open(session).session.golive.pilot_customers]
    assert names == ["Kunde A"]
    code, out, err = run(capsys, "pilot", "acme", "checkpoint")
    assert code == 2 and "pilot checkpoint needs a label" in err


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["checkpoint", "+1 h", "--figure", "calls"], "--figure"),
        (["checkpoint", "+1 h", "--figure", "calls=many"], "--figure"),
        (["enable", "--checkpoints", "1,0"], "--checkpoints"),
        (["add", "X", "--countries", "XX"], "--countries"),
    ],
)
def test_argument_types_name_the_flag(
    session: Path, capsys: pytest.CaptureFixture[str], args: list[str], flag: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["pilot", "acme", *args])
    assert exit_.value.code == 2
    assert f"argument {flag}:" in capsys.readouterr().err


def test_rollback_durations_are_parsed_and_named() -> None:
    from golive.cli.types import duration

    assert duration("90") == 90 and duration("2m") == 120 and duration("1h") == 3600
    with pytest.raises(Exception, match="not a duration"):
        duration("soon")


WRITE_FLAG = "import sys; open(sys.argv[1], 'w').write('off')"


def test_a_rollback_runs_only_with_run(
    session: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag = tmp_path / "flag"
    command = shlex.join([sys.executable, "-c", WRITE_FLAG, str(flag)])
    code, out, err = run(capsys, "rollback", "acme", "plan", "--command", command)
    assert code == 0, err
    assert "rollback.plan:" in out and "deprecated" not in err
    code, out, err = run(capsys, "rollback", "acme")  # shows the plan
    assert code == 0, err
    assert "golive rollback SESSION run" in out and "nothing was done" in out
    code, out, err = run(capsys, "rollback", "acme", "--reason", "errors", "--yes")
    assert code == 2, err  # a script that meant to roll back this way must notice
    assert "no longer runs the rollback" in err and "golive rollback SESSION run" in err
    assert "golive rollback SESSION run" in out  # with the plan shown
    assert not flag.exists()
    assert SessionFile.open(session).session.rollback.started_at is None
    code, out, err = run(capsys, "rollback", "acme", "--dry-run", "--reason", "errors")
    assert "golive rollback SESSION preview" in err and "golive rollback will:" in out
    assert not flag.exists()
    code, out, err = run(capsys, "rollback", "acme", "run", "--reason", "errors", "--yes")
    assert code in (0, 1), err
    assert flag.read_text() == "off"
    code, out, err = run(
        capsys, "rollback", "acme", "step", "fix_staging", "--status", "done", "--note", "v2"
    )
    assert code == 0, err
    assert "rollback.fix_staging: done" in out


def test_the_old_plan_flags_still_set_the_plan_with_one_deprecation_line(
    session: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "rollback", "acme", "--manual", "switch it off in the portal")
    assert code == 0, err
    assert "rollback.plan:" in out
    assert err.count("\n") == 1 and "golive rollback SESSION plan" in err


def test_the_window_shows_each_time_once_in_the_zone_named_once(
    session: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "window", "acme", "--days", "7", "--tz", "UTC", "--limit", "3")
    assert code == 0, err
    assert "UTC and UTC" not in out
    assert "(times in UTC)" in out
    first = next(line for line in out.splitlines() if line.strip().startswith("1."))
    assert len(re.findall(r"\d\d:\d\d–", first)) == 1, first
    code, out, err = run(capsys, "window", "acme", "--days", "7", "--tz", "Asia/Tokyo")
    assert "(times in UTC | Asia/Tokyo)" in out


def test_the_readme_support_lines_run(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    lines = [
        line.split("  #", 1)[0].strip()
        for line in text.splitlines()
        if line.startswith("golive support acme ")
    ]
    assert lines
    for line in lines:
        code, _out, err = run(capsys, *shlex.split(line)[1:])
        assert code == 0, f"{line}: {err}"


class Tick:
    def __init__(self) -> None:
        self.at = 100.0

    def __call__(self) -> float:
        return self.at


def _view(tick: Tick) -> tuple[ProgressView, Any, io.StringIO]:
    from rich.console import Console

    plan: Any = SimpleNamespace(
        suite="probe", environment="staging", endpoints=SimpleNamespace(host="h")
    )
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    return ProgressView(plan, live=False, tick=tick), console, buffer


def test_without_a_terminal_a_long_run_says_it_is_alive_every_few_seconds() -> None:
    tick = Tick()
    view, console, buffer = _view(tick)
    view.update(CheckEvent("progress", "probe", done=3, total=20), console)
    tick.at += 4.9
    assert not view.heartbeat(console) and buffer.getvalue() == ""
    tick.at += 0.2
    assert view.heartbeat(console)
    assert "still running: probe against staging, 5 s, 3 of 20 done" in buffer.getvalue()
    assert not view.heartbeat(console)  # the next one waits another 5 s
    tick.at += 5
    view.update(CheckEvent("progress", "probe", done=9, total=20), console)
    assert "9 of 20 done" in buffer.getvalue()


def test_a_cancelled_run_keeps_what_it_had() -> None:
    from golive.checks.results import CheckStage

    tick = Tick()
    view, console, _ = _view(tick)
    stage = next(iter(CheckStage))
    view.update(CheckEvent("stage_started", "probe", stage=stage, message="sending"), console)
    view.update(CheckEvent("progress", "probe", done=7, total=20), console)
    [(check, text)] = view.unfinished()
    assert check == "probe" and "7 of 20 done" in text and "sending" in text
