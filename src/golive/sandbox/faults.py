"""Faults the sandbox can inject, so every failure the client must survive can be rehearsed.

`Faults` is the setting (given at start, changed at run time through /admin/faults or
`SandboxServer.set_faults`); `FaultBoard` holds the current one with its counters and seeded RNG;
`FaultInjector` is the ASGI middleware that applies the transport faults to API requests.

Transport faults (latency, jitter, hang, error_rate, transient_503, rate_limit, malformed,
slow_body) apply only to the API endpoints named in `endpoints`. The others act where they mean
something: fail_auth on the token endpoint, unknown_companies on calculate and e-invoicing,
reject/warn countries on clearance (reject wins when a country is in both), zero_tax (an
unconfigured jurisdiction: no tax at all) and rate_drift (one company's rate differs, as a
production company set up differently from staging) on calculate.
/health, /metrics, /openapi.json and /admin never get faults, so a run can always be observed and
repaired.
"""

from __future__ import annotations

import asyncio
import random
import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from golive.sandbox.rates import Rate
from golive.sandbox.wire import CountryCode, Endpoint, endpoint_of, error_bytes

FaultTarget = Literal["token", "calculate", "einvoice", "ping", "all"]

_TARGET_OF: dict[Endpoint, FaultTarget] = {
    "token": "token",
    "calculate": "calculate",
    "einvoice_submit": "einvoice",
    "einvoice_status": "einvoice",
    "ping": "ping",
}

_SLOW_BODY_PIECES = 5


class Faults(BaseModel):
    """The fault settings; every field off by default. Updates are validated as a whole."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=600_000, description="added to every response")
    jitter_ms: int = Field(default=0, ge=0, le=600_000, description="plus 0..jitter_ms at random")
    error_rate: float = Field(default=0.0, ge=0, le=1, description="share of requests given a 503")
    transient_503: int = Field(default=0, ge=0, description="the next N requests get a 503")
    rate_limit: int = Field(default=0, ge=0, description="the next N requests get a 429")
    retry_after_s: int = Field(default=1, ge=0, le=3600, description="Retry-After of the 429")
    fail_auth: bool = Field(default=False, description="the token endpoint refuses everyone")
    prometheus_down: bool = Field(
        default=False, description="the Prometheus stand-in (/prometheus) answers 503"
    )
    unknown_companies: tuple[str, ...] = Field(default=(), description="answered 403 as unknown")
    reject_countries: tuple[CountryCode, ...] = ()
    warn_countries: tuple[CountryCode, ...] = ()
    malformed: bool = Field(default=False, description="response bodies are cut: not valid JSON")
    slow_body_ms: int = Field(default=0, ge=0, le=600_000, description="time to stream a body")
    hang_s: float = Field(default=0.0, ge=0, le=3600, description="wait before answering at all")
    drop_connections: int = Field(
        default=0, ge=0, description="the next N requests: the connection drops mid-answer"
    )
    endpoints: tuple[FaultTarget, ...] = Field(default=("all",), min_length=1)
    seed: int | None = Field(default=None, description="seeds error_rate and jitter")
    zero_tax: tuple[CountryCode, ...] = Field(
        default=(), description="calculate answers no tax for these ship-to countries"
    )
    rate_drift: dict[CountryCode, float] = Field(
        default_factory=dict,
        description="percentage points added to a country's rate for the drift companies",
    )
    drift_companies: tuple[str, ...] = Field(
        default=(), description="the companies rate_drift applies to"
    )

    @field_validator("reject_countries", "warn_countries", "zero_tax", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            return tuple(v.strip().upper() if isinstance(v, str) else v for v in value)
        return value

    def applies_to(self, target: FaultTarget) -> bool:
        return "all" in self.endpoints or target in self.endpoints


def drifted(rate: Rate, country: str, company: str, faults: Faults) -> Rate:
    """The rate after the rate_drift fault: points added for the drift companies' country."""
    points = faults.rate_drift.get(country)
    if not points or company not in faults.drift_companies or not rate.rate:
        return rate
    return Rate(rate.authority, rate.rate + Decimal(str(points)) / 100)


@dataclass(frozen=True)
class Refusal:
    """An answer given instead of the real one."""

    status: int
    code: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()


class FaultBoard:
    """The current faults, shared by the server thread and whoever changes them."""

    def __init__(self, start: Faults) -> None:
        self._start = start
        self._current = start
        self._lock = threading.Lock()
        self._rng = random.Random(start.seed)  # noqa: S311  (reproducible fault dice, not crypto)  # nosec B311

    @property
    def current(self) -> Faults:
        return self._current

    def update(self, changes: dict[str, Any]) -> Faults:
        """Apply a partial update; if invalid, raise pydantic.ValidationError, change nothing."""
        with self._lock:
            merged = Faults.model_validate({**self._current.model_dump(), **changes})
            self._current = merged
            if "seed" in changes:
                self._rng.seed(merged.seed)
            return merged

    def reset(self) -> Faults:
        """Back to the faults the run started with (counters included)."""
        with self._lock:
            self._current = self._start
            self._rng.seed(self._start.seed)
            return self._start

    def pause_s(self, faults: Faults) -> float:
        with self._lock:
            jitter = self._rng.uniform(0, faults.jitter_ms) if faults.jitter_ms else 0.0
        return faults.hang_s + (faults.latency_ms + jitter) / 1000

    def draw_drop(self, target: FaultTarget) -> bool:
        """Whether this request's connection is dropped (counting down drop_connections)."""
        with self._lock:
            faults = self._current
            if not faults.applies_to(target) or faults.drop_connections <= 0:
                return False
            self._current = faults.model_copy(
                update={"drop_connections": faults.drop_connections - 1}
            )
            return True

    def draw(self, target: FaultTarget) -> Refusal | None:
        """Whether this request is refused, counting down the one-shot faults."""
        with self._lock:
            faults = self._current
            if not faults.applies_to(target):
                return None
            if faults.rate_limit > 0:
                self._current = faults.model_copy(update={"rate_limit": faults.rate_limit - 1})
                return Refusal(
                    429,
                    "TOO_MANY_REQUESTS",
                    "sandbox fault rate_limit: too many requests, retry later",
                    (("retry-after", str(faults.retry_after_s)),),
                )
            if faults.transient_503 > 0:
                self._current = faults.model_copy(
                    update={"transient_503": faults.transient_503 - 1}
                )
                return Refusal(503, "SERVICE_UNAVAILABLE", "sandbox fault transient_503")
            if faults.error_rate > 0 and self._rng.random() < faults.error_rate:
                return Refusal(503, "SERVICE_UNAVAILABLE", "sandbox fault error_rate")
            return None


class FaultInjector:
    """ASGI middleware: correlation ids on API responses, then the transport faults."""

    def __init__(self, app: ASGIApp, board: FaultBoard) -> None:
        self.app = app
        self.board = board

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = _TARGET_OF.get(endpoint_of(scope["path"])) if scope["type"] == "http" else None
        if target is None:
            await self.app(scope, receive, send)
            return
        correlation_id = _header(scope, b"correlation-id") or str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        send = _adding_header(send, b"correlation-id", correlation_id.encode())
        request_id = _header(scope, b"x-api-request-id")
        if request_id:  # echoed, so a trace shows which answer belongs to which request
            send = _adding_header(send, b"x-api-request-id", request_id.encode()[:100])

        faults = self.board.current
        if not faults.applies_to(target):
            await self.app(scope, receive, send)
            return
        # Read the body first, so that while we wait we can notice the client hanging up.
        body = await _read_body(receive)
        if body is None:
            return
        pause = self.board.pause_s(faults)
        if pause > 0 and not await _wait_unless_gone(pause, receive):
            return
        if self.board.draw_drop(target):
            await _drop(send)
        refusal = self.board.draw(target)
        if refusal is not None:
            await _send_refusal(send, refusal)
            return
        if faults.malformed or faults.slow_body_ms:
            send = _reshaping(send, malformed=faults.malformed, slow_s=faults.slow_body_ms / 1000)
        await self.app(scope, _replaying(body, receive), send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            text: str = value.decode("latin-1").strip()
            return text or None
    return None


def _adding_header(send: Send, name: bytes, value: bytes) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if all(key.lower() != name for key, _ in headers):
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client went away."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _wait_unless_gone(seconds: float, receive: Receive) -> bool:
    """Sleep, but stop early (False) when the client disconnects: its timeout fired."""
    listener = asyncio.ensure_future(receive())
    try:
        done, _ = await asyncio.wait({listener}, timeout=seconds)
    finally:
        if not listener.done():
            listener.cancel()
    return not (done and listener.result()["type"] == "http.disconnect")


class DroppedConnection(Exception):
    """Raised after a partial answer: the server closes the connection (the drop fault)."""


async def _drop(send: Send) -> None:
    """Start an answer, send part of it, and let the server close the connection."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
    raise DroppedConnection("sandbox fault drop_connections")


async def _send_refusal(send: Send, refusal: Refusal) -> None:
    body = error_bytes(refusal.code, refusal.message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in refusal.headers),
    ]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _reshaping(send: Send, *, malformed: bool, slow_s: float) -> Send:
    """Collect the response, then cut it (malformed) and/or trickle it out (slow body)."""
    start: Message = {}
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        if malformed:
            # Any proper prefix of a JSON object is invalid JSON; an empty body gets HTML.
            body = body[: len(body) // 2] if len(body) > 1 else b"<html>"
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        if slow_s <= 0:
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        pieces = max(1, min(_SLOW_BODY_PIECES, len(body)))
        size = -(-len(body) // pieces)
        for index in range(pieces):
            await asyncio.sleep(slow_s / pieces)
            piece = body[index * size : (index + 1) * size]
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return wrapped
