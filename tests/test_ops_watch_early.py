"""Issue 16: `golive watch` right after `golive pilot enable`, with no --since given, says there is
no data since the pilot started, when that was, and when to come back (the first checkpoint);
it exits 1 and names no flag the user did not type."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from golive.ops.pilot import add_pilot_customer, enable_pilot
from golive.ops.watch import run_watch
from golive.session.errors import GoliveError
from golive.session.store import SessionFile
from session_factory import make_session

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW.isoformat())


@pytest.fixture
def enabled(tmp_path: Path) -> SessionFile:
    handle = SessionFile.create(tmp_path / "acme.toml", make_session(("DE",)))
    add_pilot_customer(handle.session, "Pilot")
    enable_pilot(handle.session, handle.path, at=NOW, override="the watch's figures only")
    handle.save()
    return handle


def log_file(tmp_path: Path) -> Path:
    line = {"ts": "2026-11-03T11:00:00Z", "status": 200, "duration_ms": 80, "country": "DE"}
    path = tmp_path / "app.log"
    path.write_text(json.dumps(line) + "\n")
    return path


def test_the_core_says_when_the_pilot_started_and_when_to_come_back(
    tmp_path: Path, enabled: SessionFile
) -> None:
    with pytest.raises(GoliveError) as early:
        run_watch(enabled.session, enabled.path, log=log_file(tmp_path))
    error = early.value
    assert "the pilot was enabled at 2026-11-03 12:00:00 UTC" in error.message
    assert error.where == "golive.pilot_enabled_at"
    assert "first checkpoint (+1 h) is due at 2026-11-03 13:00 UTC" in error.advice
    assert "--" not in error.message + error.advice


def test_the_cli_exits_1_without_a_flag_the_user_did_not_type(
    run_golive,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    enabled: SessionFile,
) -> None:
    out = run_golive(
        "watch",
        str(enabled.path),
        "--log",
        str(log_file(tmp_path)),
        env={"GOLIVE_NOW": NOW.isoformat()},
    )
    text = out.stderr + out.stdout
    assert out.returncode == 1, text
    assert "no data yet" in text and "13:00 UTC" in text
    assert "--since" not in text and "Traceback" not in text
