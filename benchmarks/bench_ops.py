"""How long the ops computations take at realistic sizes (prints a table; exits 1 over budget).

1. `read_log` over a JSON-lines log of N calls (a busy integration's day is about a million),
   and `golive watch --log` on it beside `jq -c 'select(.status>=500)'` on the same file, in the
   same run: wall time, CPU time and peak memory of each, and the ratio (issue 17 asks for golive
   at most 1.0x jq). `--ten-million` also runs both on ten times the lines, to show that the
   watch's memory does not grow with the log.
2. `suggest_windows` for a deployment in many time zones (US, BR, MX, AU, DE, IN, JP) over 28 days.
3. `archive_logs` of a 200 MB log folder.

Run: .venv/bin/python benchmarks/bench_ops.py [--quick] [--ten-million]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from golive.ops.rollback import archive_logs
from golive.ops.watch import read_log
from golive.ops.window import suggest_windows
from golive.session.model import CountrySetup, Session
from golive.session.store import SessionFile

BUDGETS = {"log": 8.0, "window": 3.0, "archive": 6.0}  # seconds, at the full size


def write_log(path: Path, calls: int) -> None:
    rng = random.Random(7)
    start = datetime(2026, 11, 2, tzinfo=UTC)
    with path.open("w") as handle:
        for i in range(calls):
            status = rng.choices((200, 400, 429, 503), weights=(970, 20, 5, 5))[0]
            record = {
                "ts": (start + timedelta(milliseconds=86 * i)).isoformat(),
                "level": "error" if status >= 500 else "info",
                "status": status,
                "latency_ms": round(rng.lognormvariate(5.5, 0.6), 1),
                "country": rng.choice(("DE", "MX", "IT")),
                "msg": f"calculate {i}",
            }
            handle.write(json.dumps(record) + "\n")


def _high_water_mb(pid: int) -> int:
    """The process's peak resident memory (VmHWM: its own, not inherited from this process)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak memory (MB) of one child process.

    The memory is read from /proc while it runs (ru_maxrss would include this process's own
    memory, which a child inherits at fork)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    peak = 0
    while os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        peak = max(peak, _high_water_mb(child.pid))
        time.sleep(0.02)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # golive watch exits 1 when a figure misses its target
        raise SystemExit(f"{command[0]} failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, peak


def watch_beside_jq(base: Path, log: Path, lines: int) -> list[str]:
    """`golive watch --log` and jq on the same file, one after the other, in this run."""
    jq = shutil.which("jq")
    home = base / f"home-{lines}"
    home.mkdir()
    session = home / "bench.toml"
    SessionFile.create(
        session, Session(countries={cc: CountrySetup() for cc in ("DE", "IT", "MX")})
    )
    env = {**os.environ, "GOLIVE_HOME": str(home), "GOLIVE_NOW": "2026-11-04T00:00:00+00:00"}
    golive = [sys.executable, "-m", "golive", "watch", str(session), "--log", str(log)]
    g_wall, g_cpu, g_mem = run_measured([*golive, "--no-checkpoint", "--json"], env)
    rows = [f"golive watch, {lines:,} lines: {g_wall:.2f} s wall, {g_cpu:.2f} s CPU, {g_mem} MB"]
    if jq is None:
        return [*rows, "jq is not installed: no ratio"]
    j_wall, j_cpu, j_mem = run_measured([jq, "-c", "select(.status>=500)", str(log)])
    rows.append(
        f"jq select(.status>=500), same file: {j_wall:.2f} s wall, {j_cpu:.2f} s CPU, {j_mem} MB"
    )
    rows.append(f"ratio golive / jq: {g_wall / j_wall:.2f}x wall, {g_cpu / j_cpu:.2f}x CPU")
    return rows


def timed(label: str, budget: float, work: object) -> tuple[str, float, float]:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return label, time.perf_counter() - started, budget


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument(
        "--ten-million", action="store_true", help="also golive watch and jq on 10,000,000 lines"
    )
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        calls = int(1_000_000 * scale)
        log = base / "logs" / "app.log"
        log.parent.mkdir()
        write_log(log, calls)
        rows.append(
            timed(f"read_log, {calls:,} calls", BUDGETS["log"] * scale, lambda: read_log(log))
        )
        beside = watch_beside_jq(base, log, calls)
        if args.ten_million:
            big_log = base / "logs-10x" / "app.log"
            big_log.parent.mkdir()
            with big_log.open("wb") as handle:
                for _ in range(10):
                    handle.write(log.read_bytes())
            beside += watch_beside_jq(base, big_log, calls * 10)
            big_log.unlink()
        session = Session(
            countries={cc: CountrySetup() for cc in ("US", "BR", "MX", "AU", "DE", "IN", "JP")}
        )
        rows.append(
            timed(
                "suggest_windows, 7 countries, 28 days",
                BUDGETS["window"],
                lambda: suggest_windows(session, days=28, start=datetime(2026, 11, 2, tzinfo=UTC)),
            )
        )
        big = base / "logs" / "big.log"
        with big.open("wb") as handle:
            chunk = log.read_bytes()[: 1 << 20]
            for _ in range(int(200 * scale)):
                handle.write(chunk)
        out = base / "out"
        out.mkdir()
        rows.append(
            timed(
                f"archive_logs, {int(200 * scale)} MB + the log",
                BUDGETS["archive"] * scale,
                lambda: archive_logs([str(log.parent)], out, datetime(2026, 11, 3, tzinfo=UTC)),
            )
        )
    over = False
    for line in beside:
        print(line)
    print(f"{'what':<42} {'seconds':>8} {'budget':>8}")
    for label, seconds, budget in rows:
        flag = "" if seconds <= budget else "  OVER"
        over |= bool(flag)
        print(f"{label:<42} {seconds:>8.2f} {budget:>8.2f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
