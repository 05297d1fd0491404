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
a demo session only (`run_demo_rehearsal` below). It retries what golive's own API client retries, by the same rule
(`golive.api.retry.decide`): a 429, 502, 503 or 504, and a connection that failed or broke; not
a read timeout (the request may have been processed), which it gives up at once.
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

from golive.api.errors import Failure
from golive.api.retry import decide
from golive.ops.rehearse import RehearsalResult, run_rehearsal
from golive.session.environments import DEFAULT_TOKEN_PATH, EnvironmentSettings
from golive.session.errors import BadInputError
from golive.session.model import Session

DEMO_INTEGRATION = "golive's demo stand-in integration"


class DemoIntegrationError(Exception):
    """The stand-in could not start: no token (the words say why)."""


def failure_of(error: httpx.TransportError) -> Failure:
    """The kind of transport failure, as golive's own client names it (for the retry rule)."""
    if isinstance(error, httpx.ConnectTimeout | httpx.ConnectError):
        return Failure.CONNECT
    if isinstance(error, httpx.TimeoutException):
        return Failure.TIMEOUT
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure.PROTOCOL
    return Failure.CONNECT


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
                _one_document(client, settings, headers, document, out, say, stopped)
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
    out: _Log,
    say: Callable[[str], None],
    stopped: threading.Event,
) -> None:
    # Long because one document's attempts, their log lines and the waits between them.
    body = _body(settings, document)
    rng = random.Random()  # noqa: S311  # (retry jitter, not cryptography)  # nosec B311
    attempt = 0
    while True:
        attempt += 1
        started = time.perf_counter()
        answer: httpx.Response | None = None
        failure: Failure | None = None
        try:
            answer = client.post(settings.calculate_path, json=body, headers=headers)
            status = answer.status_code
        except httpx.TransportError as error:
            status, failure = 0, failure_of(error)
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
        out.line(
            document=document,
            attempt=attempt,
            status=status,
            latency_ms=latency,
            final=False,  # the "gave up" line below is the document's last
            level="warning",
        )
        said = f"answered {status}" if status else f"no answer ({failure})"
        say(f"{document}: attempt {attempt} {said}")
        decision = decide(
            settings.retry,
            attempt=attempt,
            safe_to_repeat=True,  # a quote (isAudited false): nothing is booked twice
            rng=rng,
            status_code=status or None,
            failure=failure,
            retry_after=answer.headers.get("retry-after") if answer is not None else None,
        )
        if not decision.retry:
            break
        if stopped.wait(decision.delay_s):
            decision = type(decision)(False, reason="the rehearsal was cancelled")
            break
    out.line(document=document, level="error", error="gave up", status=0, final=True)
    say(f"{document}: no tax recorded ({decision.reason})")


# --- the demo's rehearsal -----------------------------------------------------------------------


def demo_rehearsal_log(session_path: Path) -> Path:
    """Where the demo's stand-in integration logs: beside the session."""
    return session_path.with_name(session_path.stem + ".rehearsal-log.jsonl")


# Long because the checks of a demo session, the secret and the stand-in driven in the proxy.
def run_demo_rehearsal(
    session: Session,
    session_path: Path,
    *,
    plan: Path | None = None,
    log: Path | None = None,
    upstream: str = "",
    environment: str = "staging",
    progress: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    by: str | None = None,
) -> RehearsalResult:
    """The outage rehearsal of golive's demo stand-in integration (golive.sandbox.demo_integration),
    in a demo session only: the proxy in front of the environment's API (the demo's sandbox),
    the stand-in sending as many documents as the plan needs, then judged and recorded as any
    rehearsal, its evidence naming the stand-in."""
    from golive.secrets import resolve_client_secret

    if not session.meta.demo:
        raise BadInputError(
            "golive's demo stand-in integration rehearses demo sessions only",
            where="rehearsal.integration",
            advice="point your own integration at the rehearsal's proxy: golive rehearse SESSION "
            "--upstream URL --log FILE",
        )
    settings = getattr(session.environments, environment)
    if not settings.base_url:
        raise BadInputError(
            f"the {environment} environment has no base URL",
            where=f"{environment}.base_url",
            advice="set it (the demo's is its sandbox's URL), or give --upstream",
        )
    secret = resolve_client_secret(session, environment).value
    log_path = log or demo_rehearsal_log(session_path)
    say = progress or (lambda _text: None)
    failures: list[str] = []

    def drive(proxy_url: str, schedule: Any) -> None:
        needed = sum(p.documents for p in schedule.phases)
        say(f"{DEMO_INTEGRATION} sends {needed} document(s) through {proxy_url}")
        try:
            run_demo_integration(
                proxy_url, settings, secret, log_path, needed, progress=say, cancel=cancel
            )
        except DemoIntegrationError as error:
            failures.append(str(error))
        except OSError as error:  # its log cannot be written
            failures.append(f"the stand-in integration cannot write its log {log_path}: {error}")

    result = run_rehearsal(
        session,
        session_path,
        upstream=upstream or settings.base_url,
        log=log_path,
        wait=drive,
        plan=plan,
        environment=environment,
        by=by,
        integration=DEMO_INTEGRATION,
        notes=failures,
        cancelled=cancel,
    )
    return result
