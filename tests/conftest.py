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
