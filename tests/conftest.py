"""Shared test set-up: every test gets its own golive data folder, and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_configs"


# What cannot share the machine with itself when the suite runs in parallel (pytest-xdist with
# `--dist loadgroup`, see tests/run-tests.sh): these tests all go to one worker, one at a time.
# - the real Secret Service: one D-Bus session for every worker, and tests reuse session names
#   (so the same keyring entries);
# - the snapshot tests: one fixed data folder (/tmp/golive-snapshot-home, so the path on screen
#   is the same on every machine).
SERIAL_FIXTURES = frozenset({"real_keyring", "snap_compare"})
SERIAL_MARKS = frozenset({"serial", "keyring"})


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        if marks & SERIAL_MARKS or fixtures & SERIAL_FIXTURES:
            item.add_marker(pytest.mark.xdist_group("serial"))


@pytest.fixture(autouse=True)
def golive_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """golive's data folder for this test only (sessions never touch the user's real ones)."""
    home = tmp_path_factory.mktemp("golive-home")
    monkeypatch.setenv("GOLIVE_HOME", str(home))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("GOLIVE_STAGING_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("GOLIVE_PRODUCTION_CLIENT_SECRET", raising=False)
    return home


@pytest.fixture(autouse=True)
def keyring_backend_restored() -> Iterator[None]:
    """Put back keyring's chosen backend after each test.

    keyring picks its backend once per process, on first use, reading PYTHON_KEYRING_BACKEND:
    a test that sets that variable to the fail backend (to run the wizard with no keyring) and is
    the first to touch keyring would leave every later test in the run without the real Secret
    Service. Resetting the choice (to "not chosen yet" when nothing had chosen) lets the next test
    choose afresh from its own environment.
    """
    import keyring.core

    before = keyring.core._keyring_backend
    yield
    keyring.core._keyring_backend = before


RunGolive = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_golive(golive_home: Path) -> RunGolive:
    """Run the real `golive` command as a user would, in a subprocess."""

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "GOLIVE_HOME": str(golive_home), "COLUMNS": "200"}
        full_env.pop("GOLIVE_DEBUG", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "golive", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env=full_env,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )

    return run
