"""A step's first visit right after the wizard opened: the user presses ctrl+n as soon as the
first step is shown. Timed from the key until the next step is on the screen (its frame).

Budget: 0.25 s (median of the runs). Headless wizard, a new session, each run in a new process
(a first visit happens in a fresh `golive resume`: nothing imported, built or styled before).

    .venv/bin/python benchmarks/bench_first_visit.py [--runs 7] [--wait 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 0.25


async def first_visit(path: Path, wait: float) -> float:
    from golive.tui.app import WizardApp
    from golive.tui.launch import source_for_path

    app = WizardApp(source_for_path(path))
    async with app.run_test(size=(100, 40)) as pilot:
        while not (getattr(app.screen, "IS_STEP", False) and app.screen.is_mounted):
            await pilot.pause(0)
        first = app.screen
        await pilot.pause(wait)  # the user reads the step for a moment (0: not at all)
        begun = time.perf_counter()
        app.screen.action_next()  # type: ignore[attr-defined]  (what ctrl+n does)
        while app.screen is first or not app.screen.is_mounted:
            await pilot.pause(0)
        await pilot.pause(0)  # and the frame that shows it
        taken = time.perf_counter() - begun
        await app.workers.wait_for_complete()
    return taken


def one_visit(wait: float) -> float:
    """One visit in this process, as `golive resume` opens a session: a new session, a fresh
    interpreter (no screen, module or style built before)."""
    from golive.session.model import Session
    from golive.session.store import SessionFile, resolve

    session = Session()
    session.meta.title = "bench"
    path = SessionFile.create(resolve("bench"), session).path
    return asyncio.run(first_visit(path, wait))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--wait", type=float, default=0.3, help="seconds before ctrl+n")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="golive-bench-visit-"))
    os.environ["GOLIVE_HOME"] = str(work / "home")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    try:
        if args.one:
            print(f"{one_visit(args.wait):.6f}")
            return 0
        times = []
        for _run in range(args.runs):
            # each run in a new process: a user's first visit is in a fresh `golive resume`
            child = subprocess.run(
                [sys.executable, __file__, "--one", "--wait", str(args.wait)],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            times.append(float(child.stdout.split()[-1]))
        median = statistics.median(times)
        shown = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(f"first visit after opening: median {median * 1000:.0f} ms ({shown} ms)")
        return 0 if median <= BUDGET else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
