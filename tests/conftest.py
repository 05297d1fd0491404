"""Shared test set-up: every test gets its own golive data folder, and a way to run the CLI."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_configs"


# A shell that starts the suite in the background (`make test &` in a script) hands it SIGINT
# ignored, and every golive the tests start would inherit that and ignore the tests' Ctrl+C.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# What cannot share the machine with itself when the suite runs in parallel (pytest-xdist with
# `--dist loadgroup`, see tests/run-tests.sh): these tests all go to one worker, one at a time.
# - the real Secret Service: one D-Bus session for every worker, and tests reuse session names
#   (so the same keyring entries): the keyring-marked tests, and every module of keyring tests;
# - the snapshot tests: one fixed data folder (/tmp/golive-snapshot-home, so the path on screen
#   is the same on every machine).
SERIAL_FIXTURES = frozenset({"real_keyring", "snap_compare"})
SERIAL_MARKS = frozenset({"serial", "keyring"})


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        module = getattr(item, "module", None)
        keyring_module = "keyring_fixtures" in getattr(module, "pytest_plugins", ())
        if marks & SERIAL_MARKS or fixtures & SERIAL_FIXTURES or keyring_module:
            item.add_marker(pytest.mark.xdist_group("serial"))


@pytest.fixture(autouse=True)
def golive_environment_restored() -> Iterator[None]:
    """The demo puts its secrets in this process's environment (GOLIVE_*): a test that runs it
    in process must not leave them for the next test, nor for the golive processes it starts."""
    before = {key: value for key, value in os.environ.items() if key.startswith("GOLIVE_")}
    yield
    for key in [key for key in os.environ if key.startswith("GOLIVE_") and key not in before]:
        del os.environ[key]
    os.environ.update(before)


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


@pytest.fixture
def golive_in_process(golive_home: Path) -> RunGolive:
    """`run_golive` without a new process: `golive.cli.main(argv)` in this one (~0.4 s less a call).

    The same answer as the subprocess for a command that only needs its arguments, environment,
    stdin text and working folder: the exit code, and stdout/stderr decoded the way
    `subprocess.run(text=True)` decodes them. Not for what needs a real process (signals, a
    terminal, the wizard, a server left running): those keep `run_golive`. A module whose calls
    all qualify opts in by overriding its `run_golive` fixture (see tests/test_session_cli.py).
    """

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        import keyring.core

        from golive.cli import main

        full_env = {**os.environ, "GOLIVE_HOME": str(golive_home), "COLUMNS": "200"}
        full_env.pop("GOLIVE_DEBUG", None)
        full_env.update(env or {})
        saved_env, saved_cwd = dict(os.environ), Path.cwd()
        saved_backend = keyring.core._keyring_backend
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
        stdin = io.StringIO(input if input is not None else "")
        os.environ.clear()
        os.environ.update(full_env)
        keyring.core._keyring_backend = None  # chosen afresh from this call's environment
        saved_stdin, sys.stdin = sys.stdin, stdin
        try:
            if cwd is not None:
                os.chdir(cwd)
            with (
                contextlib.redirect_stdout(stdout),
                contextlib.redirect_stderr(stderr),
                warnings.catch_warnings(),
            ):
                warnings.filters[:] = FRESH_INTERPRETER_WARNINGS  # printed on stderr, as there
                try:
                    code = main(list(args))
                except SystemExit as exit_:  # argparse, as `raise SystemExit(main())` would
                    if exit_.code is None or isinstance(exit_.code, int):
                        code = exit_.code or 0
                    else:
                        print(exit_.code, file=sys.stderr)
                        code = 1
                except Exception:  # what the interpreter does with an uncaught exception
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            keyring.core._keyring_backend = saved_backend
        return subprocess.CompletedProcess(
            [sys.executable, "-m", "golive", *args], code, _decoded(out), _decoded(err)
        )

    return run


# The warning filters of a fresh `python -m golive` (no -W, no PYTHONWARNINGS): pytest's own would
# record warnings instead of printing them.
FRESH_INTERPRETER_WARNINGS: list[Any] = [
    ("default", None, DeprecationWarning, "__main__", 0),
    ("ignore", None, DeprecationWarning, None, 0),
    ("ignore", None, PendingDeprecationWarning, None, 0),
    ("ignore", None, ImportWarning, None, 0),
    ("ignore", None, ResourceWarning, None, 0),
]


def _decoded(raw: io.BytesIO) -> str:
    """Bytes to text as `subprocess.run(text=True)` gives them (universal newlines)."""
    text = raw.getvalue().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")
