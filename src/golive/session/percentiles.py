"""Response-time percentiles in bounded memory, one definition for the probe and the watch.

A percentile is the nearest rank of the observed values. `LatencySketch` keeps each distinct value
with its count while there are few of them (the answer is then exact), and folds them into
logarithmic buckets 0.1 % wide once there are many: memory stays bounded by the range of the
values, never by how many there were. A folded answer is the largest value seen in its bucket, so
it is never below the true figure and at most 0.1 % above it.

It lives beside `golive.session.targets` (the figures and their targets) so that the checks' probe
and the ops' watch share it without importing each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

EXACT_LIMIT = 8192  # distinct values kept as they are before folding into buckets
_SCALE = 1 / math.log1p(0.001)  # buckets 0.1 % wide
_ZERO = -(1 << 30)  # the bucket of zero and negative values


def _bucket(value: float) -> int:
    return math.floor(math.log(value) * _SCALE) if value > 0 else _ZERO


class LatencySketch:
    """Observed values (seconds), their count, sum and maximum, for nearest-rank percentiles."""

    __slots__ = ("_ranked_cache", "buckets", "exact")

    def __init__(self) -> None:
        # A writer that changes `exact` directly (the watch's inner loop does, for speed, on
        # sketches nobody asks a percentile of until it is done) calls `fold` past EXACT_LIMIT.
        self.exact: dict[float, int] = {}
        self.buckets: dict[int, list[float]] = {}  # bucket -> [count, largest value]
        self._ranked_cache: list[tuple[float, float]] | None = None

    @classmethod
    def of(cls, values: Iterable[float]) -> LatencySketch:
        sketch = cls()
        for value in values:
            sketch.add(value)
        return sketch

    def add(self, value: float, count: int = 1) -> None:
        self._ranked_cache = None
        exact = self.exact
        exact[value] = exact.get(value, 0) + count
        if len(exact) > EXACT_LIMIT:
            self.fold()

    def fold(self) -> None:
        """Move the exact values into the buckets (called when there are too many of them)."""
        self._ranked_cache = None
        buckets = self.buckets
        for value, count in self.exact.items():
            key = _bucket(value)
            entry = buckets.get(key)
            if entry is None:
                buckets[key] = [float(count), value]
            else:
                entry[0] += count
                if value > entry[1]:
                    entry[1] = value
        self.exact = {}

    def merge(self, other: LatencySketch) -> None:
        self._ranked_cache = None
        for key, (count, largest) in other.buckets.items():
            entry = self.buckets.get(key)
            if entry is None:
                self.buckets[key] = [count, largest]
            else:
                entry[0] += count
                entry[1] = max(entry[1], largest)
        exact = self.exact
        for value, count in other.exact.items():
            exact[value] = exact.get(value, 0) + count
        if len(exact) > EXACT_LIMIT:
            self.fold()

    @property
    def count(self) -> int:
        return sum(self.exact.values()) + int(sum(e[0] for e in self.buckets.values()))

    @property
    def exact_answers(self) -> bool:
        return not self.buckets

    def _ranked(self) -> list[tuple[float, float]]:
        """(value, count) in ascending order: exact values, or the buckets' largest values."""
        if self._ranked_cache is not None:
            return self._ranked_cache
        ranked: list[tuple[float, float]]
        if not self.buckets:
            ranked = [(value, float(count)) for value, count in sorted(self.exact.items())]
        else:
            folded = LatencySketch()
            folded.merge(self)
            folded.fold()
            ranked = sorted((largest, count) for count, largest in folded.buckets.values())
        self._ranked_cache = ranked
        return ranked

    def percentile(self, pct: float) -> float | None:
        """Nearest-rank percentile (None without values)."""
        ranked = self._ranked()
        total = sum(count for _, count in ranked)
        if not total:
            return None
        rank = min(total, max(1, math.ceil(pct / 100 * total)))
        seen = 0.0
        for value, count in ranked:
            seen += count
            if seen >= rank:
                return value
        return ranked[-1][0]

    def maximum(self) -> float | None:
        ranked = self._ranked()
        return ranked[-1][0] if ranked else None


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile of some values (0.0 for none)."""
    found = LatencySketch.of(values).percentile(pct)
    return 0.0 if found is None else found
