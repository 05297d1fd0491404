"""Reading one log line: field lookup, JSON readers, the tally of calls and outcomes."""

from __future__ import annotations

import contextlib
import gzip
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import msgspec

from golive.ops.watch.fields import (
    CANONICAL,
    ERROR_LEVELS,
    MESSAGE_GROUPS_COUNTED,
    NUMBERS,
    OTHER_MESSAGES,
    RECOGNISED,
    REJECTED,
    canonical_field,
    parse_time,
)
from golive.ops.watch.figures import PENDING, CountryFigures, LogFigures
from golive.session.errors import BadInputError
from golive.session.percentiles import LatencySketch


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    if path in data:
        return data[path]
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


JsonReader = Callable[[dict[str, Any]], dict[str, Any]]


def _names(field_map: Mapping[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    """For each of our fields, the log's names for it, in the order they are tried."""
    return [
        (canonical, (field_map[canonical],) if canonical in field_map else RECOGNISED[canonical])
        for canonical in CANONICAL
    ]


def _json_reader(field_map: Mapping[str, str]) -> JsonReader:
    """A function picking our fields out of one JSON object, its lookups worked out once."""
    plan: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for canonical, names in _names(field_map):
        flat = tuple(n for n in names if "." not in n)
        dotted = tuple(n for n in names if "." in n)
        plan.append((canonical, flat, dotted))

    def pick(data: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        get = data.get
        for canonical, flat, dotted in plan:
            value = None
            for name in flat:
                value = get(name)
                if value is not None:
                    break
            else:
                for name in dotted:
                    value = _lookup(data, name)
                    if value is not None:
                        break
            if value is not None and value != "":
                found[canonical] = value
        return found

    return pick


def _group_names(pattern: re.Pattern[str], field_map: Mapping[str, str]) -> dict[str, str]:
    """Pattern group -> our field: the map first, then group names that are ours or aliases."""
    names: dict[str, str] = {}
    for canonical, group in field_map.items():
        if group in pattern.groupindex:
            names[group] = canonical
    for group in pattern.groupindex:
        if group not in names:
            with contextlib.suppress(BadInputError):
                names[group] = canonical_field(group)
    return names


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:
        number = float(str(value).strip().removesuffix("ms").removesuffix("s"))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _normalise_message(message: str) -> str:
    return NUMBERS.sub("<n>", " ".join(message.split()))[:200]


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def _open_bytes(path: Path) -> IO[bytes] | gzip.GzipFile:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb", buffering=1 << 20)


def log_files(location: Path) -> list[Path]:
    """The file, or the regular files of a folder (not its sub-folders, no symlinks), by name."""
    if location.is_file():
        return [location]
    if location.is_dir():
        return sorted(
            p
            for p in location.iterdir()
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
        )
    raise BadInputError(
        f"no log at {location}",
        where="post_deployment.log.path",
        advice="give the integration's log file (or its folder) as it is on this machine",
    )


# What a line comes down to for counting: (country, status, level, outcome, final, has an error,
# has a duration) as the log wrote them. Lines with the same key are counted alike, so each key is
# worked out once (`_classify`) and a line only adds one to its key's count, and its response time
# to its key's sketch when it is a successful call.
_Key = tuple[str | None, int | None, str | None, str | None, object, bool, bool]
# texts of a line that only some lines need: (message, reason, error)
_Texts = Callable[[Any], tuple[Any, Any, Any]]

_INTERMEDIATE, _NOT_A_CALL, _CALL, _SUCCESS, _CLIENT = "intermediate", "none", "call", "ok", "4xx"
_TRANSPORT, _THROTTLED, _SERVER = "transport", "throttled", "5xx"
_FAILED = (_TRANSPORT, _THROTTLED, _SERVER)


class _Group:
    """The lines of one key: how many, what they are, their response times."""

    __slots__ = ("clearance", "count", "country", "detail", "kind", "sketch", "status")

    def __init__(self, key: _Key) -> None:
        country, status, level_raw, outcome_raw, final, has_error, has_duration = key
        self.count = 0
        self.country = (country or "").strip().upper()
        self.status = status
        level = (level_raw or "").strip().lower()
        outcome = (outcome_raw or "").strip().lower()
        rejected = outcome in REJECTED
        self.clearance = (
            "rejected" if rejected else "" if not outcome or outcome in PENDING else "ok"
        )
        self.sketch: LatencySketch | None = None
        self.detail = 0  # 1: a clearance rejection, 2: an unexpected error
        if final is False or (final is not None and str(final).lower() in ("false", "0", "no")):
            self.kind = _INTERMEDIATE
            self.clearance = ""
            return
        self.kind = _NOT_A_CALL
        if status is not None or has_duration:
            if status == 0 or (status is None and has_error):
                self.kind = _TRANSPORT
            elif status == 429:
                self.kind = _THROTTLED
            elif status is not None and status >= 500:
                self.kind = _SERVER
            elif status is not None and status >= 400 and not rejected:
                self.kind = _CLIENT
            elif status is None or status < 400:
                self.kind = _SUCCESS
                if has_duration:
                    self.sketch = LatencySketch()
            else:
                self.kind = _CALL
        if rejected:
            self.detail = 1
        elif level in ERROR_LEVELS or (not level and self.kind in _FAILED):
            self.detail = 2


class _Tally:
    """Counts lines into groups; keeps the rejections and the unexpected errors by message."""

    def __init__(self, since: datetime | None, until: datetime | None) -> None:
        self.since = since
        self.until = until
        self.ranged = since is not None or until is not None
        self.groups: dict[_Key, _Group] = {}
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.without_time = 0
        self.outside_range = 0
        self.unexpected_lines = 0
        self.rejections: Counter[tuple[str, str]] = Counter()
        self.messages: dict[str, list[Any]] = {}

    def add(
        self,
        moment: datetime | None,
        key: _Key,
        duration: float | None,
        record: Any,
        texts: _Texts,
    ) -> None:
        if moment is None:
            if self.ranged:
                self.without_time += 1
                return
        else:
            if self.ranged and (
                (self.since is not None and moment < self.since)
                or (self.until is not None and moment >= self.until)
            ):
                self.outside_range += 1
                return
            if self.first is None or moment < self.first:
                self.first = moment
            if self.last is None or moment > self.last:
                self.last = moment
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(key)
        group.count += 1
        if group.sketch is not None and duration is not None:
            group.sketch.add(duration)
        if group.detail:
            self.detail(group, moment, *texts(record))

    def detail(
        self, group: _Group, moment: datetime | None, message: Any, reason: Any, error: Any
    ) -> None:
        if group.detail == 1:
            country = group.country or "?"
            text = str(reason or message or "no reason given")
            self.rejections[(country, text[:200])] += 1
            return
        self.unexpected_lines += 1
        text = str(message or error or f"HTTP {group.status}")
        key = _normalise_message(text)
        if key not in self.messages and len(self.messages) >= MESSAGE_GROUPS_COUNTED:
            key = OTHER_MESSAGES  # memory stays bounded however varied the messages are
        entry = self.messages.get(key)
        if entry is None:
            self.messages[key] = [1, moment, moment, text[:500]]
        else:
            entry[0] += 1
            if moment is not None:
                entry[1] = moment if entry[1] is None else min(entry[1], moment)
                entry[2] = moment if entry[2] is None else max(entry[2], moment)

    def into(self, result: LogFigures) -> None:
        result.without_time += self.without_time
        result.outside_range += self.outside_range
        result.unexpected_lines += self.unexpected_lines
        for moment in (self.first, self.last):
            if moment is not None:
                moment = moment.astimezone(UTC)
                result.first_time = min(result.first_time or moment, moment)
                result.last_time = max(result.last_time or moment, moment)
        for group in self.groups.values():
            count, kind = group.count, group.kind
            if kind == _INTERMEDIATE:
                result.intermediate_attempts += count
                continue
            country = None
            if group.country:
                country = result.countries.get(group.country)
                if country is None:
                    country = result.countries[group.country] = CountryFigures(group.country)
            if group.clearance == "ok":
                result.cleared += count
            elif group.clearance == "rejected":
                result.rejected += count
            if country is not None:
                country.cleared += count if group.clearance == "ok" else 0
                country.rejected += count if group.clearance == "rejected" else 0
            if kind == _NOT_A_CALL:
                continue
            result.calls += count
            failed = kind in _FAILED
            if kind == _TRANSPORT:
                result.transport_failures += count
            elif kind == _THROTTLED:
                result.throttled += count
            elif kind == _SERVER:
                result.server_errors += count
            elif kind == _CLIENT:
                result.client_errors += count
            elif kind == _SUCCESS:
                result.successes += count
            if failed:
                result.errors += count
            if group.sketch is not None:
                result.latency.merge(group.sketch)
            if country is not None:
                country.calls += count
                country.errors += count if failed else 0
                country.client_errors += count if kind == _CLIENT else 0
                country.successes += count if kind == _SUCCESS else 0
                if group.sketch is not None:
                    country.latency.merge(group.sketch)
        self.groups.clear()


def _key_of(fields: Mapping[str, Any]) -> tuple[datetime | None, _Key, float | None]:
    """Time, key and response time of a line read by the generic reader (or a pattern)."""
    moment = parse_time(fields["time"]) if "time" in fields else None
    status_number = _number(fields["status"]) if "status" in fields else None
    duration: float | None = None
    if "duration_ms" in fields:
        ms = _number(fields["duration_ms"])
        duration = ms / 1000 if ms is not None else None
    elif "duration_s" in fields:
        duration = _number(fields["duration_s"])
    final = fields.get("final")

    def text(name: str) -> str | None:
        value = fields.get(name)
        return None if value is None else str(value)

    key: _Key = (
        text("country"),
        int(status_number) if status_number is not None else None,
        text("level"),
        text("outcome"),
        final if final is None or isinstance(final, bool) else str(final),
        "error" in fields,
        duration is not None,
    )
    return moment, key, duration


def _field_texts(fields: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return fields.get("message"), fields.get("reason"), fields.get("error")


def _raw_value(raw: msgspec.Raw | None) -> Any:
    return None if raw is None else msgspec.json.decode(raw)


def _struct_texts(line: Any) -> tuple[Any, Any, Any]:
    return _raw_value(line.ms), _raw_value(line.rs), _raw_value(line.er)


# our field -> (attribute of the fast reader's Struct, the type it reads)
_FAST_FIELDS: dict[str, tuple[str, Any]] = {
    "time": ("t", datetime | float),
    "status": ("st", int),
    "duration_ms": ("dm", float),
    "duration_s": ("ds", float),
    "level": ("lv", str),
    "country": ("co", str),
    "outcome": ("oc", str),
    "final": ("fi", bool),
    "message": ("ms", msgspec.Raw),
    "reason": ("rs", msgspec.Raw),
    "error": ("er", msgspec.Raw),
}
