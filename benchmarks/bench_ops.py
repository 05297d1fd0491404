"""How long the ops computations take at realistic sizes (prints a table; exits 1 over budget).

1. `read_log` over a JSON-lines log of N calls (a busy integration's day is about a million).
2. `suggest_windows` for a deployment in many time zones (US, BR, MX, AU, DE, IN, JP) over 28 days.
3. `archive_logs` of a 200 MB log folder.

Run: .venv/bin/python benchmarks/bench_ops.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from golive.ops.rollback import archive_logs
from golive.ops.watch import read_log
from golive.ops.window import suggest_windows
from golive.session.model import CountrySetup, Session

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


def timed(label: str, budget: float, work: object) -> tuple[str, float, float]:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return label, time.perf_counter() - started, budget


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
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
    print(f"{'what':<42} {'seconds':>8} {'budget':>8}")
    for label, seconds, budget in rows:
        flag = "" if seconds <= budget else "  OVER"
        over |= bool(flag)
        print(f"{label:<42} {seconds:>8.2f} {budget:>8.2f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
