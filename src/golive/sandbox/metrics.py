"""Prometheus text exposition (format 0.0.4) of what the sandbox answered, written by hand.

Enough for a dashboard or a `promtool check metrics` in a rehearsal; no client library needed.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from golive.sandbox.wire import endpoint_of
from golive.session import clock

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CLIENT_GONE = 499  # nginx's "client closed request": the client gave up before any answer
KEPT_EVENTS = 100_000  # the newest requests and outcomes kept for the Prometheus stand-in


class RequestEvent(NamedTuple):
    """One answered request, stamped with golive's clock (what /prometheus counts over a range)."""

    at: float  # seconds since the epoch
    endpoint: str
    status: int
    seconds: float


class OutcomeEvent(NamedTuple):
    at: float
    country: str
    outcome: str


class Metrics:
    """Counters and histograms, safe to read from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, int], int] = defaultdict(int)
        self._buckets: dict[str, list[int]] = {}
        self._sums: dict[str, float] = defaultdict(float)
        self._counts: dict[str, int] = defaultdict(int)
        self._submitted: dict[str, int] = defaultdict(int)
        self._clearance: dict[tuple[str, str], int] = defaultdict(int)
        self._arrived: dict[str, int] = defaultdict(int)
        self._events: deque[RequestEvent] = deque(maxlen=KEPT_EVENTS)
        self._outcomes: deque[OutcomeEvent] = deque(maxlen=KEPT_EVENTS)

    def arrived(self, endpoint: str) -> None:
        """A request reached the sandbox (counted before any fault delays its answer)."""
        with self._lock:
            self._arrived[endpoint] += 1

    def arrivals(self, endpoint: str) -> int:
        """How many requests reached `endpoint` so far, answered or not (tests wait on it)."""
        with self._lock:
            return self._arrived.get(endpoint, 0)

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        at = clock.now().timestamp()
        with self._lock:
            self._events.append(RequestEvent(at, endpoint, status, seconds))
            self._requests[(endpoint, status)] += 1
            buckets = self._buckets.setdefault(endpoint, [0] * len(BUCKETS))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            self._sums[endpoint] += seconds
            self._counts[endpoint] += 1

    def document_submitted(self, country: str) -> None:
        with self._lock:
            self._submitted[country] += 1

    def clearance_outcome(self, country: str, outcome: str) -> None:
        at = clock.now().timestamp()
        with self._lock:
            self._outcomes.append(OutcomeEvent(at, country, outcome))
            self._clearance[(country, outcome)] += 1

    def requests(self, endpoint: str, status: int) -> int:
        with self._lock:
            return self._requests.get((endpoint, status), 0)

    def request_events(self) -> list[RequestEvent]:
        """The answered requests kept, oldest first."""
        with self._lock:
            return list(self._events)

    def outcome_events(self) -> list[OutcomeEvent]:
        """The final clearance statuses kept, oldest first."""
        with self._lock:
            return list(self._outcomes)

    def exposition(self) -> str:
        lines: list[str] = []
        with self._lock:
            _family(
                lines,
                "golive_sandbox_requests_total",
                "counter",
                "Requests answered, by endpoint and HTTP status (499: the client gave up).",
            )
            for (endpoint, status), count in sorted(self._requests.items()):
                labels = _labels(endpoint=endpoint, status=str(status))
                lines.append(f"golive_sandbox_requests_total{labels} {count}")
            _family(
                lines,
                "golive_sandbox_request_duration_seconds",
                "histogram",
                "Time from request to the end of the response, injected faults included.",
            )
            name = "golive_sandbox_request_duration_seconds"
            for endpoint in sorted(self._buckets):
                for bound, count in zip(BUCKETS, self._buckets[endpoint], strict=True):
                    le = _labels(endpoint=endpoint, le=_number(bound))
                    lines.append(f"{name}_bucket{le} {count}")
                total = self._counts[endpoint]
                lines.append(f"{name}_bucket{_labels(endpoint=endpoint, le='+Inf')} {total}")
                lines.append(f"{name}_sum{_labels(endpoint=endpoint)} {self._sums[endpoint]!r}")
                lines.append(f"{name}_count{_labels(endpoint=endpoint)} {total}")
            _family(
                lines,
                "golive_sandbox_documents_submitted_total",
                "counter",
                "E-invoices submitted for clearance, by country.",
            )
            for country, count in sorted(self._submitted.items()):
                lines.append(
                    f"golive_sandbox_documents_submitted_total{_labels(country=country)} {count}"
                )
            _family(
                lines,
                "golive_sandbox_clearance_outcomes_total",
                "counter",
                "Final clearance statuses reported, by country and outcome.",
            )
            for (country, outcome), count in sorted(self._clearance.items()):
                labels = _labels(country=country, outcome=outcome)
                lines.append(f"golive_sandbox_clearance_outcomes_total{labels} {count}")
        return "\n".join(lines) + "\n"


class RequestMetrics:
    """ASGI middleware (outermost): counts every request and times it, faults included."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = endpoint_of(scope["path"])
        self.metrics.arrived(endpoint)
        started = time.perf_counter()
        status = CLIENT_GONE
        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self.metrics.observe(endpoint, status, time.perf_counter() - started)

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Counted before the last byte leaves: a client that has its answer also sees
                # it in /metrics (tests read the counters right after a call).
                record()
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            record()


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value))
