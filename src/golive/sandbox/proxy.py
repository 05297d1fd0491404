"""The sandbox as a fault-injecting proxy in front of a real host (`golive sandbox --upstream URL`).

Every request is passed to the upstream as it came (method, path, query, headers, body) and its
answer passed back, through the same fault machinery as the sandbox (`FaultInjector`): latency,
5xx, 429 with Retry-After, hangs longer than the client's timeout, malformed or slow bodies. Traffic
goes only to the upstream the user names.

A `PhasePlan` (the outage rehearsal, `golive.ops.rehearse`) switches the faults by document: each
phase covers the next N documents the integration sends (by `documentNumber`), and every request
is recorded with its phase, document, endpoint, moment and answer, so the rehearsal can tell how
the integration retried.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Message, Receive, Scope, Send

from golive.sandbox.faults import FaultBoard, FaultInjector, _read_body, _replaying
from golive.sandbox.wire import endpoint_of

_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"host", b"content-length"}
)


@dataclass(frozen=True)
class Phase:
    """Faults for the next `documents` documents (changes over the faults the run started with)."""

    name: str
    faults: dict[str, Any]
    documents: int = 1


@dataclass
class ProxiedRequest:
    phase: str
    document: str
    endpoint: str
    started: float  # time.monotonic()
    status: int = 0  # 0: no answer (the client gave up, or the connection dropped)
    ended: float = 0.0


@dataclass
class PhasePlan:
    """The rehearsal's schedule and what it saw. Shared by the proxy thread and the rehearsal."""

    phases: list[Phase]
    requests: list[ProxiedRequest] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # document -> phase
    # why the upstream gave no answer (a refused connection, a certificate not trusted): the
    # rehearsal says it in words, since every phase fails the same way then
    upstream_errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)
    _index: int = -1
    _in_phase: int = 0

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    @property
    def finished(self) -> bool:
        """Every phase has had all its documents."""
        with self.lock:
            return (
                self._index == len(self.phases) - 1 and self._in_phase >= self.phases[-1].documents
            )

    def phase_of(self, document: str, board: FaultBoard) -> str:
        """The phase of a document; a new one may open the next phase (and set its faults)."""
        with self.lock:
            if document in self.documents:
                return self.documents[document]
            if self._index < 0 or (
                self._in_phase >= self.phases[self._index].documents
                and self._index < len(self.phases) - 1
            ):
                self._index += 1
                self._in_phase = 0
                board.reset()
                board.update(dict(self.phases[self._index].faults))
            self._in_phase += 1
            name = self.phases[self._index].name
            self.documents[document] = name
            return name

    def record(self, request: ProxiedRequest) -> None:
        with self.changed:
            self.requests.append(request)
            self.changed.notify_all()

    def answered(self, request: ProxiedRequest, status: int) -> None:
        with self.changed:
            request.status = status
            request.ended = time.monotonic()
            self.changed.notify_all()


class UpstreamProxy:
    """ASGI app: the request to the upstream, its answer back."""

    def __init__(
        self,
        upstream: str,
        *,
        verify: bool | ssl.SSLContext = True,
        timeout: float = 300.0,
        errors: list[BaseException] | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.client = httpx.AsyncClient(verify=verify, timeout=timeout)
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/health":
            await _send(send, 200, b'{"status":"ok","proxy":true}')
            return
        if endpoint_of(scope["path"]) == "admin":  # golive's own admin API never goes upstream
            await _send(
                send,
                404,
                b'{"errors":[{"code":"NOT_FOUND","message":"no admin API in proxy mode"}]}',
            )
            return
        body = await _read_body(receive)
        if body is None:
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in _HOP_BY_HOP]
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.upstream + scope["path"] + (f"?{query}" if query else "")
        try:
            answer = await self.client.request(scope["method"], url, headers=headers, content=body)
        except httpx.HTTPError as error:
            if self.errors is not None and len(self.errors) < 20:
                self.errors.append(error)
            await _send(
                send,
                502,
                json.dumps(
                    {
                        "errors": [
                            {"code": "BAD_GATEWAY", "message": f"upstream: {type(error).__name__}"}
                        ]
                    }
                ).encode(),
            )
            return
        out = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in answer.headers.items()
            if k.lower().encode("latin-1") not in _HOP_BY_HOP and k.lower() != "content-encoding"
        ]
        content = answer.content
        out.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": answer.status_code, "headers": out})
        await send({"type": "http.response.body", "body": content, "more_body": False})


async def _send(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _document_of(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    number = data.get("documentNumber") if isinstance(data, dict) else None
    return str(number) if number else ""


class PhaseTracker:
    """ASGI middleware before the faults: the phase of each request's document, and its answer."""

    def __init__(self, app: Any, board: FaultBoard, plan: PhasePlan) -> None:
        self.app = app
        self.board = board
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/health":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return
        document = _document_of(body)
        phase = self.plan.phase_of(document, self.board) if document else ""
        request = ProxiedRequest(phase, document, endpoint_of(scope["path"]), time.monotonic())
        self.plan.record(request)

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.plan.answered(request, int(message["status"]))
            await send(message)

        await self.app(scope, _replaying(body, receive), watching)


def create_proxy_app(
    upstream: str,
    board: FaultBoard,
    plan: PhasePlan | None = None,
    *,
    verify: bool | ssl.SSLContext = True,
) -> Any:
    """The proxy with the faults (and the rehearsal's phases when `plan` is given)."""
    errors = plan.upstream_errors if plan is not None else None
    app: Any = FaultInjector(UpstreamProxy(upstream, verify=verify, errors=errors), board)
    if plan is not None:
        app = PhaseTracker(app, board, plan)
    return app
