"""Prometheus through its HTTP query API: the queries, the answers, the figures."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from golive.api.tls import tls_context
from golive.ops.monitoring.trust import PrometheusTrust, failure_words
from golive.ops.watch.fields import REJECTED
from golive.ops.watch.figures import CLEARANCE_SUCCESS, PENDING, Rejection
from golive.session.model import Session
from golive.session.targets import ERROR_RATE, RESPONSE_TIME

# --- Prometheus ---------------------------------------------------------------------------------

DEFAULT_QUERIES: dict[str, str] = {
    "calls": "sum(increase(onesource_requests_total[{window}]))",
    "errors": 'sum(increase(onesource_requests_total{status=~"0|429|5.."}[{window}]))',
    ERROR_RATE: '100 * sum(increase(onesource_requests_total{status=~"0|429|5.."}[{window}]))'
    " / sum(increase(onesource_requests_total[{window}]))",
    RESPONSE_TIME: "histogram_quantile(0.95, sum by (le) "
    '(increase(onesource_request_duration_seconds_bucket{status=~"2..|3.."}[{window}])))',
    "client_errors": 'sum(increase(onesource_requests_total{status=~"4..",status!="429"}[{window}]))',
    "clearance_rejections": "sum by (country, reason) "
    '(increase(onesource_clearance_outcomes_total{outcome="rejected"}[{window}]))',
}


# per country, beside the totals: series by the `country` label (a series without one is left out)
COUNTRY_QUERIES: dict[str, str] = {
    "calls": "sum by (country) (increase(onesource_requests_total[{window}]))",
    "errors": "sum by (country) "
    '(increase(onesource_requests_total{status=~"0|429|5.."}[{window}]))',
    RESPONSE_TIME: "histogram_quantile(0.95, sum by (le, country) "
    '(increase(onesource_request_duration_seconds_bucket{status=~"2..|3.."}[{window}])))',
    "clearance": "sum by (country, outcome) "
    "(increase(onesource_clearance_outcomes_total[{window}]))",
}


@dataclass(frozen=True)
class SeriesValue:
    labels: dict[str, str]
    value: float | None


@dataclass
class PrometheusFigures:
    url: str
    at: datetime
    window_s: int
    queries: dict[str, str]
    values: dict[str, float | None] = field(default_factory=dict)
    series: dict[str, list[SeriesValue]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    country_series: dict[str, list[SeriesValue]] = field(default_factory=dict)

    def figures(self) -> dict[str, float | None]:
        return dict(self.values)

    def by_country(self) -> dict[str, dict[str, float | None]]:
        """Per country: calls, errors, error rate, p95 and clearance success (what is there)."""
        found: dict[str, dict[str, float | None]] = {}

        def entry(labels: dict[str, str]) -> dict[str, float | None] | None:
            country = labels.get("country", "").strip().upper()
            return found.setdefault(country, {}) if country else None

        for name in ("calls", "errors", RESPONSE_TIME):
            for sample in self.country_series.get(name, []):
                figures = entry(sample.labels)
                if figures is not None and sample.value is not None:
                    figures[name] = sample.value
        decided: dict[str, list[float]] = {}
        for sample in self.country_series.get("clearance", []):
            outcome = sample.labels.get("outcome", "").strip().lower()
            figures = entry(sample.labels)
            if figures is None or sample.value is None or not outcome or outcome in PENDING:
                continue
            counts = decided.setdefault(sample.labels["country"].strip().upper(), [0.0, 0.0])
            counts[0 if outcome in REJECTED else 1] += sample.value
        for country, figures in found.items():
            calls, errors = figures.get("calls"), figures.get("errors")
            if calls:
                figures[ERROR_RATE] = 100.0 * (errors or 0.0) / calls
            rejected, cleared = decided.get(country, [0.0, 0.0])
            if rejected + cleared:
                figures["clearance_documents"] = rejected + cleared
                figures[CLEARANCE_SUCCESS] = 100.0 * cleared / (rejected + cleared)
        return {cc: found[cc] for cc in sorted(found) if found[cc]}

    @property
    def rejections(self) -> list[Rejection]:
        found = [
            Rejection(
                s.labels.get("country", "?").upper() or "?",
                s.labels.get("reason", "") or "no reason given",
                round(s.value),
            )
            for s in self.series.get("clearance_rejections", [])
            if s.value
        ]
        return sorted(found, key=lambda r: (-r.count, r.country, r.reason))


def prometheus_queries(session: Session) -> dict[str, str]:
    """golive's default queries, with the session's edits over them."""
    return {**DEFAULT_QUERIES, **session.post_deployment.prometheus_queries}


def _float(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _ask(client: Any, url: str, promql: str, until: datetime) -> Any:
    return client.get(
        f"{url.rstrip('/')}/api/v1/query",
        params={"query": promql, "time": f"{until.timestamp():.3f}"},
    )


def _vector(data: Mapping[str, Any]) -> list[SeriesValue]:
    return [SeriesValue(dict(s.get("metric", {})), _float(s["value"][1])) for s in data["result"]]


def _take_answer(result: PrometheusFigures, name: str, answer: Any, document: Any) -> None:
    """One query's answer into the figures (a number, a vector summed) or its error."""
    if document.get("status") != "success":
        result.errors[name] = str(document.get("error") or f"HTTP {answer.status_code}")
        return
    data = document.get("data", {})
    kind = data.get("resultType")
    if kind == "scalar":
        result.values[name] = _float(data["result"][1])
        return
    if kind != "vector":
        result.errors[name] = f"the query gives a {kind}, not a number or a vector"
        return
    samples = _vector(data)
    result.series[name] = samples
    values = [s.value for s in samples if s.value is not None]
    if not samples or not values:
        result.values[name] = None
    elif len(samples) == 1:
        result.values[name] = values[0]
    else:
        result.values[name] = sum(values)


def query_prometheus(
    url: str,
    queries: Mapping[str, str],
    *,
    since: datetime,
    until: datetime,
    timeout: float = 15.0,
    by_country: bool = False,
    trust: PrometheusTrust | None = None,
) -> PrometheusFigures:
    """Each query evaluated at `until` over the range since..until ({window} in the query);
    with `by_country`, also COUNTRY_QUERIES (their failures are not errors: a Prometheus
    without a country label simply has no per-country figures). `trust`: the certificates the
    server is checked against (default: the system's trust store; verification always on)."""
    import httpx

    window_s = max(1, round((until - since).total_seconds()))
    result = PrometheusFigures(url, until, window_s, dict(queries))
    trust = trust or PrometheusTrust(tls_context())
    with httpx.Client(timeout=timeout, verify=trust.context) as client:
        for name, template in queries.items():
            promql = template.replace("{window}", f"{window_s}s")
            try:
                answer = _ask(client, url, promql, until)
                document = answer.json()
            except httpx.TransportError as error:
                result.errors[name] = failure_words(url, error, trust)
                continue
            except (httpx.HTTPError, ValueError) as error:
                result.errors[name] = f"{type(error).__name__}: {error}"
                continue
            _take_answer(result, name, answer, document)
        for name, template in COUNTRY_QUERIES.items() if by_country else ():
            promql = template.replace("{window}", f"{window_s}s")
            try:
                document = _ask(client, url, promql, until).json()
            except (httpx.HTTPError, ValueError):
                continue
            data = document.get("data", {}) if document.get("status") == "success" else {}
            if data.get("resultType") == "vector":
                result.country_series[name] = _vector(data)
    return result
