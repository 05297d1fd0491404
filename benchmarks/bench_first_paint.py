"""Time to first paint of `golive resume SESSION`, beside a Textual hello-world app in the same
run, and the median step-switch time.

First paint is measured the way ../shared/research/stack-facts.md describes: each command is
started in a detached tmux session (100x40) on a private tmux server, and the pane is captured
in a loop until the marker text appears. Runs alternate between the two apps so both see the
same machine load.

    python benchmarks/bench_first_paint.py [--runs 15]

Prints the medians in milliseconds and the ratio golive / hello world (the target is <= 1.3).
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

TMUX = ["tmux", "-L", "golive-bench"]
HELLO = """
from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("HELLO-MARKER")


if __name__ == "__main__":
    Hello().run()
"""


def capture() -> str:
    return subprocess.run(
        [*TMUX, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True, check=False
    ).stdout


def time_to_marker(command: str, marker: str, env: dict[str, str], limit: float = 15.0) -> float:
    """Seconds from starting `command` until `marker` is on the screen."""
    subprocess.run([*TMUX, "kill-session", "-t", "bench"], capture_output=True, check=False)
    started = time.perf_counter()
    subprocess.run(
        [*TMUX, "new-session", "-d", "-s", "bench", "-x", "100", "-y", "40", command],
        env=env,
        check=True,
    )
    try:
        while time.perf_counter() - started < limit:
            if marker in capture():
                return time.perf_counter() - started
            time.sleep(0.002)
        raise RuntimeError(f"{marker!r} did not appear within {limit} s:\n{capture()}")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", "bench"], capture_output=True, check=False)


def make_session(home: Path) -> None:
    env = {**os.environ, "GOLIVE_HOME": str(home)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "golive",
            "new",
            "bench",
            "--title",
            "Bench go-live",
            "--customer",
            "Bench Co",
            "--countries",
            "DE,IT,MX,FR,ES",
            "--no-tui",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    # leave it on a step further in, as a resumed session would be
    path = home / "sessions" / "bench.toml"
    path.write_text(
        path.read_text().replace('current_step = "credentials"', 'current_step = "production"')
    )


async def step_switches(home: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per step switch: the first visit of each step (it is built), and later visits."""
    os.environ["GOLIVE_HOME"] = str(home)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from golive.tui.app import WizardApp
    from golive.tui.launch import source_for_path
    from golive.tui.widgets.sidebar import STEP_IDS

    app = WizardApp(source_for_path(home / "sessions" / "bench.toml"))
    first: list[float] = []
    again: list[float] = []
    async with app.run_test(size=(100, 40)) as pilot:
        while not getattr(app.screen, "IS_STEP", False):
            await pilot.pause(0.05)
        await pilot.pause(1.0)  # as a user reads the first step, the others are imported
        await app.workers.wait_for_complete()
        for round_ in range(rounds):
            for step in STEP_IDS:
                started = time.perf_counter()
                app.go_to_step(step)
                while not (app.screen.is_mounted and getattr(app.screen, "STEP", "") == step):
                    await pilot.pause(0)
                await pilot.pause(0)  # the frame after the switch
                (first if round_ == 0 else again).append(time.perf_counter() - started)
        await app.workers.wait_for_complete()
    return first, again


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        print("tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="golive-bench-"))
    home = work / "home"
    make_session(home)
    hello = work / "hello.py"
    hello.write_text(HELLO)
    env = {**os.environ, "GOLIVE_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    python = sys.executable
    golive = f"{python} -m golive resume bench"
    # the same handler without building the whole command line (every sub-command's parser):
    # shows what `golive.cli` costs before the first frame
    direct = (
        f'{python} -c "import argparse, sys; from golive.cli.wizard_commands import cmd_resume; '
        f"sys.exit(cmd_resume(argparse.Namespace(session='bench', read_only=False)))\""
    )
    subprocess.run([*TMUX, "new-session", "-d", "-s", "keep", "sleep 3600"], env=env, check=True)
    hello_times: list[float] = []
    sidebar_times: list[float] = []
    loaded_times: list[float] = []
    direct_times: list[float] = []
    try:
        for _ in range(2):  # warm the file cache and the bytecode
            time_to_marker(f"{python} {hello}", "HELLO-MARKER", env)
            time_to_marker(golive, "Review & export", env)
        for _ in range(args.runs):
            hello_times.append(time_to_marker(f"{python} {hello}", "HELLO-MARKER", env))
            sidebar_times.append(time_to_marker(golive, "Review & export", env))
            loaded_times.append(time_to_marker(golive, "Step 6 of 11", env))
            direct_times.append(time_to_marker(direct, "Review & export", env))
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True, check=False)
    first, again = asyncio.run(step_switches(home, rounds=3))
    shutil.rmtree(work, ignore_errors=True)

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:6.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"

    hello_median = statistics.median(hello_times)
    print(f"runs: {args.runs} of each, alternating, tmux 100x40, python {sys.version.split()[0]}")
    print(f"Textual hello world, first paint        {ms(hello_times)}")
    print(
        f"golive resume, sidebar painted          {ms(sidebar_times)}"
        f"  ratio {statistics.median(sidebar_times) / hello_median:.2f}"
    )
    print(
        f"  handler alone, without golive.cli      {ms(direct_times)}"
        f"  ratio {statistics.median(direct_times) / hello_median:.2f}"
    )
    print(
        f"golive resume, step with session shown  {ms(loaded_times)}"
        f"  ratio {statistics.median(loaded_times) / hello_median:.2f}"
    )
    print(f"step switch, first visit (built)        {ms(first)}")
    print(f"step switch, later visits               {ms(again)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
