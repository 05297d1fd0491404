"""The suite can run on every core (`make test JOBS=auto`): what cannot share the machine stays in
one worker (tests/conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RunGolive

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]


def test_keyring_tests_share_one_worker_when_the_suite_runs_in_parallel() -> None:
    result = subprocess.run(
        [*PYTEST, "-v", "-n", "2", "--dist", "loadgroup", "tests/test_secrets_keyring.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ran = re.findall(r"^\[(gw\d+)\] .*::(\S+)", result.stdout, re.MULTILINE)
    assert len(ran) >= 2, result.stdout
    assert {worker for worker, _ in ran} == {ran[0][0]}  # one worker
    assert all(test.endswith("@serial") for _, test in ran), result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["no-such-command"],
        ["status", "nobody"],
        ["new", "acme", "--no-tui", "--countries", "DE"],
        ["schema", "session"],
    ],
)
def test_the_in_process_runner_answers_as_the_command_does(
    run_golive: RunGolive, golive_in_process: RunGolive, args: list[str]
) -> None:
    real = run_golive(*args)
    for path in Path(os.environ["GOLIVE_HOME"]).rglob("*"):  # the same start for both
        if path.is_file():
            path.unlink()
    in_process = golive_in_process(*args)
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
