"""What the watch computes from a log: figures overall and per country, rejections, messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from golive.session.percentiles import LatencySketch
from golive.session.targets import ERROR_RATE, RESPONSE_TIME

# --- reading a log ------------------------------------------------------------------------------

PENDING = frozenset({"pending", "submitted", "processing", "queued", "in_progress", "sent"})


@dataclass(frozen=True)
class Rejection:
    country: str
    reason: str
    count: int


@dataclass(frozen=True)
class MessageGroup:
    message: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    example: str


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass
class CountryFigures:
    """One country's calls in the range, by the log's `country` field (lines without one are
    counted in the totals only). Clearance success is the documents accepted out of those with a
    final clearance outcome in the log (accepted or rejected; pending ones are left out)."""

    country: str
    calls: int = 0
    errors: int = 0
    successes: int = 0
    client_errors: int = 0
    cleared: int = 0
    rejected: int = 0
    latency: LatencySketch = field(default_factory=LatencySketch, repr=False, compare=False)

    @property
    def error_rate_pct(self) -> float | None:
        return _pct(self.errors, self.calls)

    @property
    def clearance_documents(self) -> int:
        return self.cleared + self.rejected

    @property
    def clearance_success_pct(self) -> float | None:
        return _pct(self.cleared, self.clearance_documents)

    def percentile(self, q: float) -> float | None:
        return self.latency.percentile(q)

    def figures(self) -> dict[str, float | None]:
        return {
            "calls": float(self.calls),
            "errors": float(self.errors),
            ERROR_RATE: self.error_rate_pct,
            RESPONSE_TIME: self.percentile(95),
            "clearance_documents": float(self.clearance_documents),
            CLEARANCE_SUCCESS: self.clearance_success_pct,
        }

    def describe(self) -> str:
        """One line, numbers as people write them: "DE: 1,000 calls, error rate 0.90 %, ..."."""
        return f"{self.country}: " + ", ".join(country_parts(self.figures()))


CLEARANCE_SUCCESS = "clearance_success_pct"


def count_text(value: float, noun: str) -> str:
    """1000000 calls -> "1,000,000 calls"; 1 -> "1 call"."""
    number = round(value)
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def country_parts(figures: Mapping[str, float | None]) -> list[str]:
    """A country's figures in words (the same for a log, Prometheus and the probe)."""
    parts: list[str] = []
    calls = figures.get("calls")
    if calls is not None:
        parts.append(count_text(calls, "call"))
    rate = figures.get(ERROR_RATE)
    if rate is not None:
        errors = figures.get("errors")
        shown = f" ({count_text(errors, 'error')})" if errors is not None else ""
        parts.append(f"error rate {rate:.2f} %{shown}")
    p95 = figures.get(RESPONSE_TIME)
    if p95 is not None:
        parts.append(f"p95 {p95:.3f} s")
    success = figures.get(CLEARANCE_SUCCESS)
    documents = figures.get("clearance_documents")
    if success is not None:
        of = f" of {count_text(documents, 'document')}" if documents is not None else ""
        parts.append(f"clearance success {success:.2f} %{of}")
    return parts


@dataclass
class LogFigures:
    """What one log says about the calls in the range."""

    files: list[str]
    lines: int = 0
    skipped: int = 0
    without_time: int = 0
    outside_range: int = 0
    intermediate_attempts: int = 0
    calls: int = 0
    errors: int = 0
    transport_failures: int = 0
    server_errors: int = 0
    throttled: int = 0
    client_errors: int = 0
    successes: int = 0
    latency: LatencySketch = field(default_factory=LatencySketch, repr=False, compare=False)
    rejections: list[Rejection] = field(default_factory=list)
    unexpected: list[MessageGroup] = field(default_factory=list)
    unexpected_lines: int = 0
    first_time: datetime | None = None
    last_time: datetime | None = None
    countries: dict[str, CountryFigures] = field(default_factory=dict)
    cleared: int = 0
    rejected: int = 0

    @property
    def error_rate_pct(self) -> float | None:
        return _pct(self.errors, self.calls)

    @property
    def clearance_success_pct(self) -> float | None:
        return _pct(self.cleared, self.cleared + self.rejected)

    def percentile(self, q: float) -> float | None:
        """Nearest-rank percentile of the successful calls' response times, in seconds."""
        return self.latency.percentile(q)

    def figures(self) -> dict[str, float | None]:
        return {
            "calls": float(self.calls),
            "errors": float(self.errors),
            ERROR_RATE: self.error_rate_pct,
            "response_time_p50_s": self.percentile(50),
            RESPONSE_TIME: self.percentile(95),
            "response_time_p99_s": self.percentile(99),
            "client_errors": float(self.client_errors),
            "clearance_rejections": float(sum(r.count for r in self.rejections)),
            CLEARANCE_SUCCESS: self.clearance_success_pct,
            "unexpected_errors": float(self.unexpected_lines),
        }

    def by_country(self) -> list[CountryFigures]:
        return [self.countries[cc] for cc in sorted(self.countries)]
