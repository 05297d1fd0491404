"""How long `golive export` takes for a large session: 40 countries, 2,000 evidence records.

Run: .venv/bin/python benchmarks/bench_report.py   (exits 1 when a format takes over its budget)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from golive.countries import catalog, requirements_for
from golive.report import build_report, render
from golive.session.checklist import build_checklist, set_item_status
from golive.session.evidence import EvidenceRecord, append
from golive.session.model import CountrySetup, Session
from golive.session.store import SessionFile, evidence_path

BUDGET_S = {"build": 2.0, "md": 1.0, "html": 2.0, "json": 1.0}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def large_session(folder: Path) -> Path:
    session = Session()
    session.meta.title = "Benchmark"
    codes = list(catalog())[:40]
    session.countries = {code: CountrySetup(requirements=requirements_for(code)) for code in codes}
    path = folder / "bench.toml"
    log = evidence_path(path)
    items = [item.id for item in build_checklist(session).items]
    for number in range(2000):
        item_id = items[number % len(items)]
        record = EvidenceRecord(
            kind="connectivity",
            outcome="passed" if number % 7 else "failed",
            environment="production",
            host="api.onesourcetax.com",
            started=T0 + timedelta(minutes=number),
            ended=T0 + timedelta(minutes=number, seconds=30),
            summary=f"run {number}",
            figures={
                "error_rate_pct": (number % 20) / 10,
                "response_time_p95_s": 0.5 + (number % 5) / 2,
            },
            items=[item_id],
        )
        append(log, record)
        if number < len(items):
            set_item_status(session, item_id, "done", by="bench", evidence=[record.id], at=T0)
    SessionFile.create(path, session)
    return path


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = large_session(Path(folder))
        session = SessionFile.open(path).session
        timings: dict[str, float] = {}
        start = time.perf_counter()
        report = build_report(session, path)
        timings["build"] = time.perf_counter() - start
        sizes = {}
        for fmt in ("md", "html", "json"):
            start = time.perf_counter()
            sizes[fmt] = len(render(report, fmt).encode("utf-8"))
            timings[fmt] = time.perf_counter() - start
    failed = False
    for step, seconds in timings.items():
        over = seconds > BUDGET_S[step]
        failed |= over
        size = f", {sizes[step] / 1e6:.1f} MB" if step in sizes else ""
        print(
            f"{step:5} {seconds:6.3f} s (budget {BUDGET_S[step]} s{size}){'  OVER' if over else ''}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
