"""golive's demo stand-in integration: what the outage rehearsal drives in a demo session.

A demo has no customer integration to point at the rehearsal's proxy, so golive brings a small
one that behaves as the environment's settings say an integration should: each call within the
environment's timeouts (connect, read, write, pool); a 5xx, a 429 or no answer retried up to the
retry policy's `max_attempts` (the first included), waiting a full-jitter exponential backoff
(`base_delay` doubling, at most `max_delay`) or the server's Retry-After (at most
`retry_after_cap`) in between; and a document that never got an answer given up with no tax
recorded. It logs every attempt as a JSON line in the format the rehearsal reads (`document`,
`attempt`, `status`, `latency_ms`, `final`, and `total_tax` when the tax was calculated).

What a passing rehearsal of it proves is the environment's settings, as this stand-in applies
them: the evidence record says so ("golive's demo stand-in integration"), and golive runs it in
a demo session only (`golive.ops.rehearse.run_demo_rehearsal`).
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from golive.session.environments import DEFAULT_TOKEN_PATH, EnvironmentSettings

DEMO_INTEGRATION = "golive's demo stand-in integration"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class DemoIntegrationError(Exception):
    """The stand-in could not start: no token (the words say why)."""


def backoff_s(settings: EnvironmentSettings, attempt: int, retry_after: float | None) -> float:
    """The wait before the next attempt: the server's Retry-After (capped), else full jitter."""
    policy = settings.retry
    if retry_after is not None:
        return min(max(retry_after, 0.0), policy.retry_after_cap)
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return random.uniform(0, ceiling)  # noqa: S311 (jitter, not a secret)


def _retry_after(answer: httpx.Response | None) -> float | None:
    if answer is None or answer.status_code != 429:
        return None
    try:
        return float(answer.headers.get("retry-after", ""))
    except ValueError:
        return None


def _token_path(settings: EnvironmentSettings) -> str:
    token_url = settings.resolved_token_url()
    return urlsplit(token_url).path or DEFAULT_TOKEN_PATH


def _body(settings: EnvironmentSettings, document: str) -> dict[str, Any]:
    return {
        "externalCompanyId": settings.external_company_id,
        "companyRole": settings.company_role,
        "documentNumber": document,
        "documentDate": datetime.now(UTC).date().isoformat(),
        "currencyCode": "EUR",
        "isAudited": False,
        "lines": [{"lineNumber": 1, "amount": 100.0, "shipTo": {"country": "DE"}}],
    }


class _Log:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("a", encoding="utf-8")

    def line(self, **fields: Any) -> None:
        self.handle.write(json.dumps({"ts": datetime.now(UTC).isoformat(), **fields}) + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def run_demo_integration(
    url: str,
    settings: EnvironmentSettings,
    secret: SecretStr,
    log: Path,
    documents: int,
    *,
    progress: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Send `documents` calculations through `url` (the rehearsal's proxy) as the settings say,
    logging each attempt to `log` (appended to). Returns the documents sent."""
    say = progress or (lambda _text: None)
    stopped = cancel or threading.Event()
    policy = settings.retry
    allowed = policy.max_attempts if policy.enabled else 1
    limits = settings.timeouts
    timeout = httpx.Timeout(
        connect=limits.connect, read=limits.read, write=limits.write, pool=limits.pool
    )
    run = secrets.token_hex(3)  # document numbers of this run only: the log is appended to
    out = _Log(log)
    try:
        with httpx.Client(base_url=url, timeout=timeout) as client:
            headers = {"Authorization": f"Bearer {_token(client, settings, secret)}"}
            sent = 0
            for index in range(1, documents + 1):
                if stopped.is_set():
                    break
                document = f"DEMO-REH-{run}-{index:03d}"
                _one_document(client, settings, headers, document, allowed, out, say, stopped)
                sent += 1
            return sent
    finally:
        out.close()


def _token(client: httpx.Client, settings: EnvironmentSettings, secret: SecretStr) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": settings.client_id,
        "client_secret": secret.get_secret_value(),
        "scope": settings.scope,
    }
    try:
        answer = client.post(_token_path(settings), data=form)
    except httpx.HTTPError as error:
        raise DemoIntegrationError(
            f"the stand-in integration got no token through the proxy ({type(error).__name__})"
        ) from None
    if answer.status_code != 200:
        raise DemoIntegrationError(
            f"the stand-in integration's token request was answered {answer.status_code}"
        )
    return str(answer.json().get("access_token", ""))


def _one_document(
    client: httpx.Client,
    settings: EnvironmentSettings,
    headers: dict[str, str],
    document: str,
    allowed: int,
    out: _Log,
    say: Callable[[str], None],
    stopped: threading.Event,
) -> None:
    # Long because one document's attempts, their log lines and the waits between them.
    body = _body(settings, document)
    for attempt in range(1, allowed + 1):
        started = time.perf_counter()
        answer: httpx.Response | None = None
        try:
            answer = client.post(settings.calculate_path, json=body, headers=headers)
            status = answer.status_code
        except httpx.TransportError:  # a timeout, a dropped connection
            status = 0
        latency = round((time.perf_counter() - started) * 1000, 1)
        if 200 <= status < 300 and answer is not None:
            tax = answer.json().get("totalTaxAmount")
            out.line(
                document=document,
                attempt=attempt,
                status=status,
                latency_ms=latency,
                total_tax=tax,
                final=True,
            )
            say(f"{document}: attempt {attempt} answered {status}")
            return
        retried = status == 0 or status in RETRIED_STATUSES
        last = attempt == allowed or not retried
        out.line(
            document=document,
            attempt=attempt,
            status=status,
            latency_ms=latency,
            final=False,  # the "gave up" line below is the document's last
            level="warning",
        )
        said = f"answered {status}" if status else "no answer"
        say(f"{document}: attempt {attempt} {said}")
        if last:
            break
        if stopped.wait(backoff_s(settings, attempt, _retry_after(answer))):
            break
    out.line(document=document, level="error", error="gave up", status=0, final=True)
    say(f"{document}: gave up after {attempt} attempt(s), no tax recorded")
