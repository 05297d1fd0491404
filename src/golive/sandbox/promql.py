"""The PromQL golive sends, evaluated over the sandbox's own request metrics.

Not a Prometheus: it understands the shapes golive's watch and monitoring checks send (`up`;
`sum [by (...)] (increase(METRIC{matchers}[RANGE]))`; `N * SUM / SUM`;
`histogram_quantile(Q, sum by (le, ...) (increase(METRIC_bucket{...}[RANGE])))`) over the names
golive asks for (`onesource_requests_total`, `onesource_request_duration_seconds_bucket`,
`onesource_clearance_outcomes_total`), answered from `Metrics`' stamped events. Anything else is
refused as Prometheus refuses a bad query (`bad_data`), so a typo in a user's query shows.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from golive.sandbox.metrics import BUCKETS, Metrics

# the API calls golive's client makes: what a real deployment's Prometheus would count
API_ENDPOINTS = frozenset({"token", "calculate", "einvoice_submit", "einvoice_status"})
REQUESTS = "onesource_requests_total"
DURATION_BUCKETS = "onesource_request_duration_seconds_bucket"
OUTCOMES = "onesource_clearance_outcomes_total"

Labels = tuple[tuple[str, str], ...]  # sorted label pairs: one series
Vector = dict[Labels, float]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INCREASE = (
    r"increase\(\s*(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(?P<matchers>[^}]*)\})?\s*"
    r"\[(?P<range>\d+)(?P<unit>[smhd])\]\s*\)"
)
_SUM = re.compile(r"sum\s*(?:by\s*\((?P<by>[^)]*)\)\s*)?\(\s*" + _INCREASE + r"\s*\)", re.DOTALL)
_QUANTILE = re.compile(
    r"histogram_quantile\(\s*(?P<q>[0-9.]+)\s*,\s*(?P<sum>sum\s*by\s*\([^)]*\)\s*\(.*\))\s*\)",
    re.DOTALL,
)
_RATIO = re.compile(r"(?P<factor>[0-9.]+)\s*\*\s*(?P<top>sum.*?\)\s*\))\s*/\s*(?P<bottom>sum.*)")
_MATCHER = re.compile(r'\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


class QueryError(ValueError):
    """A query this stand-in does not understand (Prometheus's `bad_data`)."""


@dataclass(frozen=True)
class Sample:
    labels: dict[str, str]
    value: float


def evaluate(query: str, at: float, metrics: Metrics, instance: str) -> list[Sample]:
    """The instant vector `query` gives at `at` (seconds since the epoch)."""
    text = query.strip()
    if text == "up":
        return [Sample({"__name__": "up", "job": "golive-sandbox", "instance": instance}, 1.0)]
    vector = _expression(text, at, metrics)
    return [Sample(dict(labels), value) for labels, value in sorted(vector.items())]


def _expression(text: str, at: float, metrics: Metrics) -> Vector:
    ratio = _RATIO.fullmatch(text)
    if ratio:
        top = _expression(ratio["top"].strip(), at, metrics)
        bottom = _expression(ratio["bottom"].strip(), at, metrics)
        factor = float(ratio["factor"])
        return {
            labels: factor * value / bottom[labels] if bottom[labels] else math.nan
            for labels, value in top.items()
            if labels in bottom
        }
    quantile = _QUANTILE.fullmatch(text)
    if quantile:
        return _histogram_quantile(float(quantile["q"]), _expression(quantile["sum"], at, metrics))
    total = _SUM.fullmatch(text)
    if total:
        by = [label.strip() for label in (total["by"] or "").split(",") if label.strip()]
        window = int(total["range"]) * _UNITS[total["unit"]]
        series = _increase(total["name"], _matchers(total["matchers"] or ""), at, window, metrics)
        return _sum_by(series, by)
    raise QueryError(f"the sandbox's Prometheus stand-in does not understand {text[:200]!r}")


def _matchers(text: str) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    position = 0
    while position < len(text.strip()):
        match = _MATCHER.match(text, position)
        if not match:
            raise QueryError(f"cannot read the label matchers {text[:200]!r}")
        found.append((match[1], match[2], match[3]))
        position = match.end()
    return found


def _matches(labels: dict[str, str], matchers: Iterable[tuple[str, str, str]]) -> bool:
    for name, operator, wanted in matchers:
        value = labels.get(name, "")
        if operator == "=" and value != wanted:
            return False
        if operator == "!=" and value == wanted:
            return False
        if operator in ("=~", "!~"):
            try:
                hit = re.fullmatch(wanted, value) is not None
            except re.error as error:
                raise QueryError(f"the regular expression {wanted!r}: {error}") from error
            if hit != (operator == "=~"):
                return False
    return True


def _increase(
    name: str, matchers: list[tuple[str, str, str]], at: float, window: int, metrics: Metrics
) -> Vector:
    """Each series of `name` that matches, with how much it grew in (at - window, at].

    A series exists from its first event on (then its increase may be 0), as in Prometheus."""
    grown: Vector = {}

    def count(labels: dict[str, str], stamp: float, by: float = 1.0) -> None:
        if not _matches(labels, matchers):
            return
        key = tuple(sorted(labels.items()))
        inside = at - window < stamp <= at
        grown[key] = grown.get(key, 0.0) + (by if inside else 0.0)

    if name == REQUESTS:
        for event in metrics.request_events():
            if event.endpoint in API_ENDPOINTS:
                labels = {"endpoint": event.endpoint, "status": str(event.status)}
                count(labels, event.at)
    elif name == DURATION_BUCKETS:
        for event in metrics.request_events():
            if event.endpoint not in API_ENDPOINTS:
                continue
            for bound in (*BUCKETS, math.inf):
                labels = {
                    "endpoint": event.endpoint,
                    "status": str(event.status),
                    "le": "+Inf" if bound == math.inf else repr(float(bound)),
                }
                count(labels, event.at, 1.0 if event.seconds <= bound else 0.0)
    elif name == OUTCOMES:
        for outcome in metrics.outcome_events():
            count({"country": outcome.country, "outcome": outcome.outcome}, outcome.at)
    else:
        raise QueryError(f"the sandbox has no metric {name!r} (it has {REQUESTS}, ...)")
    return grown


def _sum_by(series: Vector, by: list[str]) -> Vector:
    summed: Vector = defaultdict(float)
    for labels, value in series.items():
        named = dict(labels)
        key = tuple(sorted((label, named[label]) for label in by if named.get(label)))
        summed[key] += value
    return dict(summed)


def _histogram_quantile(q: float, buckets: Vector) -> Vector:
    """Prometheus's histogram_quantile: linear within the bucket the rank falls in."""
    groups: dict[Labels, list[tuple[float, float]]] = defaultdict(list)
    for labels, value in buckets.items():
        named = dict(labels)
        le = named.pop("le", None)
        if le is None:
            continue
        groups[tuple(sorted(named.items()))].append((float(le), value))
    result: Vector = {}
    for labels, pairs in groups.items():
        pairs.sort()
        total = pairs[-1][1] if pairs and pairs[-1][0] == math.inf else 0.0
        if total <= 0:
            result[labels] = math.nan
            continue
        rank = q * total
        lower_bound, lower_count = 0.0, 0.0
        for bound, cumulative in pairs:
            if cumulative >= rank:
                if bound == math.inf:
                    result[labels] = lower_bound
                else:
                    share = (rank - lower_count) / ((cumulative - lower_count) or 1.0)
                    result[labels] = lower_bound + (bound - lower_bound) * share
                break
            lower_bound, lower_count = bound, cumulative
    return result


def number(value: float) -> str:
    """A sample value as Prometheus writes it in JSON."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if value != int(value) else str(int(value))
