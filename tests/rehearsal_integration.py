"""A small scripted integration for the outage rehearsal tests: it calculates the tax of N
documents through a URL (the rehearsal's proxy) and logs every attempt as a JSON line, in a
`golive watch` format (ts, status, latency_ms, final) plus the document number and the tax it
recorded.

    python tests/rehearsal_integration.py URL LOG --mode good|forever|zero-tax --documents N

good:      retries 5xx, 429 (after Retry-After) and timeouts up to --max-attempts, then gives up
           and records no tax;
forever:   retries whatever happens (capped at --cap attempts so a test ends);
zero-tax:  like good, but records tax 0.0 for a document whose calls all failed.

The client secret comes from REHEARSAL_SECRET (never on the command line).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import httpx


def log_line(handle: Any, **fields: Any) -> None:
    fields = {"ts": datetime.now(UTC).isoformat(), **fields}
    handle.write(json.dumps(fields) + "\n")
    handle.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("log")
    parser.add_argument("--mode", choices=("good", "forever", "zero-tax"), default="good")
    parser.add_argument("--documents", type=int, default=5)
    parser.add_argument("--max-attempts", type=int, default=3)
    parser.add_argument("--cap", type=int, default=6)
    parser.add_argument("--read-timeout", type=float, default=1.0)
    parser.add_argument("--client-id", default="golive-demo")
    parser.add_argument("--company", default="DEMO-001")
    args = parser.parse_args()
    secret = os.environ["REHEARSAL_SECRET"]
    timeout = httpx.Timeout(connect=1.0, read=args.read_timeout, write=1.0, pool=1.0)
    attempts_allowed = args.cap if args.mode == "forever" else args.max_attempts
    with httpx.Client(base_url=args.url, timeout=timeout) as client, open(args.log, "a") as log:
        token = client.post(
            "/oauth2/v1/token",
            data={
                "grant_type": "client_credentials",
                "client_id": args.client_id,
                "client_secret": secret,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for index in range(1, args.documents + 1):
            document = f"REH-{index:03d}"
            body = {
                "externalCompanyId": args.company,
                "companyRole": "S",
                "documentNumber": document,
                "documentDate": "2026-11-02",
                "currencyCode": "EUR",
                "isAudited": False,
                "lines": [{"lineNumber": 1, "amount": 100.0, "shipTo": {"country": "DE"}}],
            }
            done = False
            for attempt in range(1, attempts_allowed + 1):
                started = time.perf_counter()
                wait = 0.05 * attempt
                try:
                    answer = client.post(
                        "/indirect-tax-determination/taxes/v1/calculate", json=body, headers=headers
                    )
                    status = answer.status_code
                except httpx.TransportError:  # a timeout, a dropped connection
                    status = 0
                elapsed = round((time.perf_counter() - started) * 1000, 1)
                last = attempt == attempts_allowed
                if 200 <= status < 300:
                    tax = answer.json()["totalTaxAmount"]
                    log_line(
                        log,
                        document=document,
                        attempt=attempt,
                        status=status,
                        latency_ms=elapsed,
                        total_tax=tax,
                        final=True,
                    )
                    done = True
                    break
                if status == 429:
                    wait = float(answer.headers.get("retry-after", "1"))
                log_line(
                    log,
                    document=document,
                    attempt=attempt,
                    status=status,
                    latency_ms=elapsed,
                    final=last,
                    level="warning",
                )
                if not last:
                    time.sleep(wait)
            if not done:
                failure: dict[str, Any] = {
                    "document": document,
                    "level": "error",
                    "error": "gave up",
                    "status": 0,
                    "final": True,
                }
                if args.mode == "zero-tax":
                    failure["total_tax"] = 0.0  # the bug: a failed call booked as zero tax
                log_line(log, **failure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
