"""Benchmark of the live checks against the sandbox (prints a table; not a test).

1. Smoke tests for 1, 10 and 30 countries at 300 ms sandbox latency: the transactions run
   concurrently, so 30 countries should take at most 1.5x the time of one.
2. The probe's time for N quotes at concurrency C against a bare httpx loop doing the same quotes on
   the same sandbox: the probe should take at most 1.3x the bare loop's time.

The sandbox runs in a child process, so the client's own work is what is measured.
Run: .venv/bin/python benchmarks/bench_checks.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

import httpx
from pydantic import SecretStr

from golive.checks import run_suite
from golive.countries import requirements_for
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts

SECRET = SecretStr("golive-demo-secret")
# Catalog order: Italy (clearance) first, so the one-country run takes the slowest path too.
COUNTRIES = [
    *("IT", "MX", "BR", "IN", "SA", "PL", "HU", "ES", "TR", "CL"),
    *("CO", "PE", "EC", "AR", "EG", "MY", "FR", "BE", "DE", "GR"),
    *("PT", "RO", "RS", "IL", "KE", "VN", "ID", "PH", "KR", "TW"),
]
PROBE_COUNTRIES = ("DE", "FR")  # no clearance: the probe sends only quotes, like the bare loop


def _serve(conn: Connection, latency_ms: int, tls: bool) -> None:
    from golive.sandbox.faults import Faults
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings

    settings = SandboxSettings(tls="valid" if tls else None, faults=Faults(latency_ms=latency_ms))
    with SandboxServer(settings) as server:
        conn.send((server.url, str(server.ca_bundle or "")))
        conn.recv()  # wait until told to stop


class Sandbox:
    """A sandbox in a child process."""

    def __init__(self, latency_ms: int, tls: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, latency_ms, tls), daemon=True)

    def __enter__(self) -> tuple[str, str]:
        self._process.start()
        url, ca_bundle = self._conn.recv()
        return url, ca_bundle

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


def session_for(url: str, ca_bundle: str, countries: tuple[str, ...] | list[str]) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in countries}
    env = session.environments.staging
    env.base_url = url
    env.client_id = "golive-demo"
    env.external_company_id = "DEMO-001"
    env.ca_bundle = ca_bundle
    env.timeouts = Timeouts(connect=5, read=10, write=10, pool=10)
    env.retry = RetryPolicy(max_attempts=2)
    return session


async def smoke_seconds(session: Session) -> tuple[float, bool]:
    started = time.perf_counter()
    result = await run_suite(session, "staging", "smoke", secret=SECRET)
    return time.perf_counter() - started, result.passed


async def probe_seconds(session: Session, count: int, concurrency: int) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = await run_suite(
        session, "staging", "probe", secret=SECRET, probe_count=count, concurrency=concurrency
    )
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    if result.figures.get("failed"):
        print(f"  (probe had {result.figures['failed']} failures)", file=sys.stderr)
    return elapsed, used


async def bare_seconds(
    url: str, ca_bundle: str, count: int, concurrency: int
) -> tuple[float, float]:
    """The least a client can do: one token, then `count` quotes with `concurrency` workers."""
    import ssl

    context = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True
    started, cpu = time.perf_counter(), time.process_time()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(verify=context, limits=limits, timeout=10) as client:
        token = (
            await client.post(
                f"{url}/oauth2/v1/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "golive-demo",
                    "client_secret": SECRET.get_secret_value(),
                },
            )
        ).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/vnd.tri.onesource.idt+json",
        }
        remaining = count

        async def worker(index: int) -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                country = PROBE_COUNTRIES[remaining % len(PROBE_COUNTRIES)]
                body = {
                    "externalCompanyId": "DEMO-001",
                    "companyRole": "S",
                    "documentNumber": f"BARE-{index}-{remaining}",
                    "documentDate": "2026-01-02",
                    "currencyCode": "EUR",
                    "isAudited": False,
                    "lines": [
                        {
                            "lineNumber": 1,
                            "amount": 100.0,
                            "shipFrom": {"country": country},
                            "shipTo": {"country": country},
                        }
                    ],
                }
                response = await client.post(
                    f"{url}/indirect-tax-determination/taxes/v1/calculate",
                    json=body,
                    headers={**headers, "Correlation-Id": f"{index}-{remaining}"},
                )
                response.json()

        async with asyncio.TaskGroup() as group:
            for index in range(concurrency):
                group.create_task(worker(index))
    return time.perf_counter() - started, time.process_time() - cpu


def table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and requests")
    parser.add_argument("--count", type=int, default=1000, help="probe transactions")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    count = 200 if args.quick else args.count
    ok = True

    # 1. Smoke tests at 300 ms latency
    with Sandbox(latency_ms=300) as (url, ca_bundle):
        rows = []
        times: dict[int, float] = {}
        for n in (1, 10, 30):
            session = session_for(url, ca_bundle, COUNTRIES[:n])
            runs = [asyncio.run(smoke_seconds(session)) for _ in range(repeats)]
            times[n] = statistics.median(t for t, _ in runs)
            clearance = sum(
                session.countries[c].requirements.model == "clearance" for c in session.countries
            )
            rows.append(
                (
                    n,
                    clearance,
                    f"{times[n]:.2f} s",
                    f"{times[n] / times[1]:.2f}x",
                    "yes" if all(p for _, p in runs) else "NO",
                )
            )
        table(
            f"Smoke tests at 300 ms sandbox latency (median of {repeats}; concurrency 32)",
            ("countries", "clearance", "time", "vs 1 country", "passed"),
            rows,
        )
        ratio = times[30] / times[1]
        verdict = "ok" if ratio <= 1.5 else "TOO SLOW"
        ok &= ratio <= 1.5
        print(f"30 countries / 1 country = {ratio:.2f}x (target <= 1.5x): {verdict}")

    # 2. Probe vs a bare httpx loop
    rows = []
    for latency in (0, 20):
        with Sandbox(latency_ms=latency) as (url, ca_bundle):
            session = session_for(url, ca_bundle, PROBE_COUNTRIES)
            asyncio.run(bare_seconds(url, ca_bundle, 50, args.concurrency))  # warm up
            asyncio.run(probe_seconds(session, 50, args.concurrency))
            bare, probe = [], []
            for _ in range(repeats):
                bare.append(asyncio.run(bare_seconds(url, ca_bundle, count, args.concurrency)))
                probe.append(asyncio.run(probe_seconds(session, count, args.concurrency)))
            b = statistics.median(t for t, _ in bare)
            p = statistics.median(t for t, _ in probe)
            b_cpu = statistics.median(c for _, c in bare) / count * 1000
            p_cpu = statistics.median(c for _, c in probe) / count * 1000
            ok &= p / b <= 1.3
            rows.append(
                (
                    f"{latency} ms",
                    count,
                    args.concurrency,
                    f"{b:.2f} s ({count / b:.0f}/s)",
                    f"{p:.2f} s ({count / p:.0f}/s)",
                    f"{p / b:.2f}x",
                    "ok" if p / b <= 1.3 else "TOO SLOW",
                    f"{b_cpu:.2f} / {p_cpu:.2f} ms",
                )
            )
    table(
        f"Probe vs a bare httpx loop, same sandbox, TLS (median of {repeats})",
        (
            "latency",
            "quotes",
            "concurrency",
            "bare httpx",
            "probe",
            "ratio",
            "target <= 1.3x",
            "client CPU/quote bare / probe",
        ),
        rows,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
