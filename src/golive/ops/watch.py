"""The post-deployment watch: figures computed from where the partner already has them.

Sources, never made up:

- the integration's own log: JSON lines whose field names golive recognises (ts/time/timestamp,
  level, status, duration_ms/latency_ms, country, msg/message, ...) or maps (`latency=elapsed`),
  or text lines read with a regular expression with named groups;
- a Prometheus server, through its HTTP query API, with queries the user can edit;
- the probe of the checks, as a synthetic signal.

What counts: an error is a transport failure, a 5xx or a 429 left after retries (the log holds a
call's final outcome; a line marked `final: false` is an intermediate attempt and is skipped);
other 4xx and clearance rejections are counted apart. Response time is the 95th percentile
(nearest rank) of the successful calls.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import msgspec

from golive.ops.pilot import due_checkpoint, find_checkpoint, record_checkpoint
from golive.session.checklist import default_actor
from golive.session.clock import now
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session
from golive.session.percentiles import EXACT_LIMIT, LatencySketch
from golive.session.store import evidence_path
from golive.session.targets import ERROR_RATE, RESPONSE_TIME, FigureVerdict, judge

# --- the fields of a log line -------------------------------------------------------------------

CANONICAL = (
    "time",
    "level",
    "status",
    "duration_ms",
    "duration_s",
    "country",
    "message",
    "outcome",
    "reason",
    "error",
    "final",
)
RECOGNISED: dict[str, tuple[str, ...]] = {
    "time": ("ts", "time", "timestamp", "@timestamp", "datetime", "asctime"),
    "level": ("level", "severity", "lvl", "levelname", "log.level"),
    "status": ("status", "status_code", "http_status", "statusCode", "http.status_code"),
    "duration_ms": ("duration_ms", "latency_ms", "elapsed_ms", "response_time_ms", "took_ms"),
    "duration_s": ("duration_s", "latency_s", "elapsed_s", "duration_seconds", "response_time_s"),
    "country": ("country", "country_code"),
    "message": ("msg", "message", "event"),
    "outcome": ("outcome", "clearance_status", "clearance"),
    "reason": ("reason", "rejection_reason", "error_code"),
    "error": ("error", "error_type", "exception", "exc_info"),
    "final": ("final", "last_attempt"),
}
# what the user may call our fields in --map and in pattern group names
ALIASES: dict[str, str] = {
    **{name: canonical for canonical, names in RECOGNISED.items() for name in names},
    "latency": "duration_ms",
    "duration": "duration_ms",
    "elapsed": "duration_ms",
    "seconds": "duration_s",
    "msg": "message",
    "rejection": "reason",
}
ERROR_LEVELS = frozenset(
    {"error", "err", "critical", "crit", "fatal", "alert", "emergency", "emerg"}
)
REJECTED = frozenset({"rejected", "rejection", "refused", "denied", "invalid"})
NUMBERS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b0x[0-9a-f]+\b"
    r"|\b[0-9a-f]*\d[0-9a-f]*\b",
    re.IGNORECASE,
)
MESSAGE_GROUPS_KEPT = 50
MESSAGE_GROUPS_COUNTED = 10_000  # distinct messages counted apart; the rest are counted together
OTHER_MESSAGES = "(other messages, past the 10,000 kinds counted apart)"


def canonical_field(name: str) -> str:
    """Our field for a name the user gives (`latency` -> duration_ms)."""
    key = name.strip()
    if key in CANONICAL:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise BadInputError(
        f"{name!r} is not a field golive reads from logs",
        where="--map",
        advice="use one of: time, level, status, latency (ms), duration_s, country, message, "
        "outcome, reason, error, final",
    )


def parse_field_map(pairs: Iterable[str]) -> dict[str, str]:
    """`latency=elapsed` pairs as {our field: the log's field}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise BadInputError(
                f"{pair!r} is not OURS=THEIRS",
                where="--map",
                advice="for example --map latency=elapsed --map status=http.code",
            )
        mapping[canonical_field(ours)] = theirs.strip()
    return mapping


def compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise BadInputError(
            f"the log pattern is not a regular expression: {error}",
            where="--pattern",
            advice=r"use named groups, e.g. (?P<time>\S+) (?P<level>\w+) status=(?P<status>\d+)",
        ) from None
    if not compiled.groupindex:
        raise BadInputError(
            "the log pattern has no named groups",
            where="--pattern",
            advice=r"name the parts golive should read: (?P<status>\d+), (?P<latency>\d+) ...",
        )
    return compiled


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (also with a space and a comma before the fraction) or epoch s/ms/us; naive is UTC."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        if number > 1e15:
            number /= 1e6
        elif number > 1e11:
            number /= 1e3
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    try:  # the common case: ISO 8601 as Python 3.11 reads it (Z included)
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_time(float(text))
    text = re.sub(r"(\d{2}:\d{2}:\d{2}),(\d+)", r"\1.\2", text).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_since(text: str, *, until: datetime | None = None) -> datetime:
    """`--since`: an ISO date-time, or a span back from now such as 24h, 90m, 2d."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if match:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]
        return (until or now()) - timedelta(seconds=float(match.group(1)) * unit)
    moment = parse_time(text)
    if moment is None:
        raise BadInputError(
            f"{text!r} is neither a date-time nor a span",
            where="--since",
            advice="for example --since 24h, --since 90m or --since 2026-11-02T08:00Z",
        )
    return moment


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
        where="--log",
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
SAMPLE_LINES = 200
_EMPTY_RAW = (b"null", b'""')


def _fast_decoder(
    field_map: Mapping[str, str], samples: list[dict[str, Any]]
) -> msgspec.json.Decoder[Any] | None:
    """A decoder of only the fields this log uses, under the names its first lines use.

    Every other name golive recognises is declared as "null only", so a line that uses one of
    them (or a value of another type, or a nested field) fails to decode here and is read by the
    generic reader instead: the fast reader never reads a line differently, it only gives up on
    it. None when the log's names do not allow it (a dotted name's parent is also a name)."""
    names = _names(field_map)
    every = {name for _, candidates in names for name in candidates}
    parents = {name.split(".", 1)[0] for name in every if "." in name}
    if parents & every:
        return None
    chosen: dict[str, str] = {}
    for canonical, candidates in names:
        used: Counter[str] = Counter()
        for data in samples:
            for name in candidates:
                if data.get(name) not in (None, ""):
                    used[name] += 1
                    break
        if used:
            chosen[canonical] = used.most_common(1)[0][0]
    fields: list[tuple[str, Any, Any]] = []
    rename: dict[str, str] = {}
    for canonical, (attribute, kind) in _FAST_FIELDS.items():
        fields.append((attribute, kind, None))
        rename[attribute] = chosen.get(canonical, f"~golive-unused~{canonical}")
    taken = set(chosen.values())
    for index, name in enumerate(sorted((every | parents) - taken)):
        fields.append((f"x{index}", None, None))
        rename[f"x{index}"] = name
    line = msgspec.defstruct("LogLine", fields, rename=rename, gc=False)
    return msgspec.json.Decoder(line)


def _generic_json(raw: bytes) -> dict[str, Any] | None:
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        try:
            data = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def _read_json_lines(
    handle: IO[bytes] | gzip.GzipFile,
    field_map: Mapping[str, str],
    result: LogFigures,
    tally: _Tally,
) -> None:
    """JSON lines: the first lines through the generic reader (they show which names the log
    uses), then the fast reader, which counts a line inline, as `_Tally.add` would; a line it
    cannot read goes through the generic reader."""
    pick = _json_reader(field_map)
    add = tally.add
    groups = tally.groups
    since, until, ranged = tally.since, tally.until, tally.ranged
    samples: list[dict[str, Any]] = []
    decode: Callable[[bytes], Any] | None = None
    sniffing = True
    lines = skipped = without_time = outside_range = 0
    first: datetime | None = None
    last: datetime | None = None
    for raw in handle:
        if decode is not None:
            try:
                line = decode(raw)
            except msgspec.DecodeError:
                pass
            else:
                lines += 1
                moment = line.t
                if moment is not None:
                    if type(moment) is float:
                        moment = parse_time(moment)
                    elif moment.tzinfo is None:
                        moment = moment.replace(tzinfo=UTC)
                    if ranged and (
                        (since is not None and moment < since)
                        or (until is not None and moment >= until)
                    ):
                        outside_range += 1
                        continue
                    if first is None or moment < first:
                        first = moment
                    if last is None or moment > last:
                        last = moment
                elif ranged:
                    without_time += 1
                    continue
                ms = line.dm
                duration = ms / 1000 if ms is not None else line.ds
                error = line.er
                key = (
                    line.co,
                    line.st,
                    line.lv,
                    line.oc,
                    line.fi,
                    error is not None and bytes(error) not in _EMPTY_RAW,
                    duration is not None,
                )
                group = groups.get(key)
                if group is None:
                    group = groups[key] = _Group(key)
                group.count += 1
                sketch = group.sketch
                if sketch is not None and duration is not None:
                    exact = sketch.exact
                    exact[duration] = exact.get(duration, 0) + 1
                    if len(exact) > EXACT_LIMIT:
                        sketch.fold()
                if group.detail:
                    tally.detail(group, moment, *_struct_texts(line))
                continue
        if not raw.strip():
            continue
        lines += 1
        data = _generic_json(raw)
        if data is None:
            skipped += 1
            continue
        fields = pick(data)
        moment, key, duration = _key_of(fields)
        add(moment, key, duration, fields, _field_texts)
        if sniffing:
            samples.append(data)
            if len(samples) >= SAMPLE_LINES:
                sniffing = False
                decoder = _fast_decoder(field_map, samples)
                decode = decoder.decode if decoder is not None else None
                samples = []
    result.lines += lines
    result.skipped += skipped
    tally.without_time += without_time
    tally.outside_range += outside_range
    for moment in (first, last):
        if moment is not None:
            tally.first = moment if tally.first is None else min(tally.first, moment)
            tally.last = moment if tally.last is None else max(tally.last, moment)


def _read_text_lines(
    handle: IO[str],
    compiled: re.Pattern[str],
    groups: Mapping[str, str],
    result: LogFigures,
    tally: _Tally,
) -> None:
    for raw in handle:
        line = raw.strip()
        if not line:
            continue
        result.lines += 1
        match = compiled.search(line)
        if match is None:
            result.skipped += 1
            continue
        fields = {
            groups[name]: value
            for name, value in match.groupdict().items()
            if name in groups and value not in (None, "")
        }
        moment, key, duration = _key_of(fields)
        tally.add(moment, key, duration, fields, _field_texts)


def read_log(
    location: Path,
    *,
    field_map: Mapping[str, str] | None = None,
    pattern: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> LogFigures:
    """Read a log (JSON lines, or text with `pattern`) and count what happened in [since, until).

    Streams: memory grows with the kinds of lines (countries, statuses, levels), the rejection
    reasons and the unexpected messages, never with the number of lines."""
    files = log_files(location)
    mapping = dict(field_map or {})
    compiled = compile_pattern(pattern) if pattern else None
    groups = _group_names(compiled, mapping) if compiled else {}
    result = LogFigures(files=[str(f) for f in files])
    tally = _Tally(since, until)
    for path in files:
        try:
            if compiled is not None:
                with _open_text(path) as text:
                    _read_text_lines(text, compiled, groups, result, tally)
            else:
                with _open_bytes(path) as handle:
                    _read_json_lines(handle, mapping, result, tally)
        except OSError as error:
            raise GoliveError(
                f"cannot read the log {path}: {error.strerror or error}",
                where=str(path),
                advice="check the file's permissions (and that a .gz file is whole)",
            ) from None
    tally.into(result)
    result.rejections = [
        Rejection(country, reason, count)
        for (country, reason), count in sorted(
            tally.rejections.items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]
    grouped = sorted(tally.messages.items(), key=lambda kv: (-kv[1][0], kv[0]))
    result.unexpected = [
        MessageGroup(key, count, first, last, example)
        for key, (count, first, last, example) in grouped[:MESSAGE_GROUPS_KEPT]
    ]
    return result


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


def query_prometheus(
    url: str,
    queries: Mapping[str, str],
    *,
    since: datetime,
    until: datetime,
    timeout: float = 15.0,
    by_country: bool = False,
) -> PrometheusFigures:
    """Each query evaluated at `until` over the range since..until ({window} in the query);
    with `by_country`, also COUNTRY_QUERIES (their failures are not errors: a Prometheus
    without a country label simply has no per-country figures)."""
    import httpx

    window_s = max(1, round((until - since).total_seconds()))
    result = PrometheusFigures(url, until, window_s, dict(queries))
    with httpx.Client(timeout=timeout) as client:
        for name, template in queries.items():
            promql = template.replace("{window}", f"{window_s}s")
            try:
                answer = client.get(
                    f"{url.rstrip('/')}/api/v1/query",
                    params={"query": promql, "time": f"{until.timestamp():.3f}"},
                )
                document = answer.json()
            except (httpx.HTTPError, ValueError) as error:
                result.errors[name] = f"{type(error).__name__}: {error}"
                continue
            if document.get("status") != "success":
                result.errors[name] = str(document.get("error") or f"HTTP {answer.status_code}")
                continue
            data = document.get("data", {})
            kind = data.get("resultType")
            if kind == "scalar":
                result.values[name] = _float(data["result"][1])
                continue
            if kind != "vector":
                result.errors[name] = f"the query gives a {kind}, not a number or a vector"
                continue
            samples = [
                SeriesValue(dict(s.get("metric", {})), _float(s["value"][1]))
                for s in data["result"]
            ]
            result.series[name] = samples
            values = [s.value for s in samples if s.value is not None]
            if not samples or not values:
                result.values[name] = None
            elif len(samples) == 1:
                result.values[name] = values[0]
            else:
                result.values[name] = sum(values)
        for name, template in COUNTRY_QUERIES.items() if by_country else ():
            promql = template.replace("{window}", f"{window_s}s")
            try:
                document = client.get(
                    f"{url.rstrip('/')}/api/v1/query",
                    params={"query": promql, "time": f"{until.timestamp():.3f}"},
                ).json()
            except (httpx.HTTPError, ValueError):
                continue
            data = document.get("data", {}) if document.get("status") == "success" else {}
            if data.get("resultType") == "vector":
                result.country_series[name] = [
                    SeriesValue(dict(s.get("metric", {})), _float(s["value"][1]))
                    for s in data["result"]
                ]
    return result


# --- the probe ----------------------------------------------------------------------------------


@dataclass
class ProbeFigures:
    environment: str
    host: str
    passed: bool
    rehearsal: bool
    summary: str
    figures: dict[str, float | None] = field(default_factory=dict)
    evidence_id: str = ""
    countries: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def targeted(self) -> dict[str, float | None]:
        """The probe's figures under the names the targets use."""
        return {
            ERROR_RATE: self.figures.get("probe_error_rate_pct"),
            RESPONSE_TIME: self.figures.get("probe_p95_s"),
            "calls": self.figures.get("probe_requests"),
        }


DEFAULT_PROBE_COUNT = 20


def run_probe(
    session: Session,
    environment: str = "production",
    *,
    session_path: Path | None = None,
    count: int = DEFAULT_PROBE_COUNT,
    confirm_production: bool = False,
    prompt: Callable[[str], str] | None = None,
) -> ProbeFigures:
    """The checks' probe (quotes, nothing committed) against the environment, as a synthetic
    signal; recorded as the checks record it when `session_path` is given. Runs its own event loop:
    from the wizard, call it in a worker thread."""
    import asyncio

    from golive.checks import record_suite, run_suite
    from golive.secrets import resolve_client_secret

    secret = resolve_client_secret(session, environment, prompt=prompt).value
    outcome = asyncio.run(
        run_suite(
            session,
            environment,
            "probe",
            secret=secret,
            confirm_production=confirm_production,
            probe_count=count,
        )
    )
    raw = outcome.figures
    figures: dict[str, float | None] = {
        "probe_requests": _float(raw.get("requests")),
        "probe_failures": _float(raw.get("failed")),
        "probe_error_rate_pct": _float(raw.get("error_rate_pct")),
        "probe_p50_s": _float(raw.get("response_time_p50_s")),
        "probe_p95_s": _float(raw.get("response_time_p95_s")),
        "probe_p99_s": _float(raw.get("response_time_p99_s")),
    }
    evidence_id = ""
    if session_path is not None:
        evidence_id = record_suite(session, evidence_path(session_path), outcome).evidence.id
    by_country = raw.get("by_country")
    return ProbeFigures(
        environment,
        outcome.host,
        outcome.passed,
        outcome.rehearsal and not session.meta.demo,
        outcome.summary(),
        figures,
        evidence_id,
        countries={
            str(cc): {k: _float(v) for k, v in f.items()}
            for cc, f in (by_country.items() if isinstance(by_country, dict) else ())
            if isinstance(f, dict)
        },
    )


# --- the watch ----------------------------------------------------------------------------------


@dataclass
class ItemRecorded:
    item: str
    status: ItemStatus
    note: str


@dataclass
class WatchResult:
    since: datetime | None
    until: datetime
    log: LogFigures | None
    prometheus: PrometheusFigures | None
    probe: ProbeFigures | None
    verdicts: dict[str, list[FigureVerdict]]
    items: list[ItemRecorded]
    checkpoint: str = ""
    notes: list[str] = field(default_factory=list)
    evidence_id: str = ""

    @property
    def meets_targets(self) -> bool | None:
        judged = [v for vs in self.verdicts.values() for v in vs if v.judged and not v.missing]
        if any(v.meets is False for v in judged):
            return False
        return True if judged else None

    def figures(self) -> dict[str, float | None]:
        """One flat set of figures: the log's, else Prometheus's, plus the probe's."""
        merged: dict[str, float | None] = {}
        if self.prometheus is not None:
            merged.update({k: v for k, v in self.prometheus.figures().items() if v is not None})
        if self.log is not None:
            merged.update({k: v for k, v in self.log.figures().items() if v is not None})
        if self.probe is not None:
            merged.update(self.probe.figures)
        return merged


def _coverage_note(session: Session, until: datetime) -> tuple[bool, str]:
    enabled = session.golive.pilot_enabled_at
    if enabled is None:
        return True, ""
    hours = (until - enabled).total_seconds() / 3600
    if hours >= 24:
        return True, ""
    return False, f"{max(hours, 0):.1f} h of the first 24 h"


def _watch_start(
    session: Session, since: datetime | None, end: datetime
) -> tuple[datetime | None, list[str]]:
    """Where the figures start, and the note that says why.

    Post-deployment figures count only what happened after the pilot was enabled: that is the
    default, and an earlier `--since` is moved up to it (data from before the pilot says nothing
    about the go-live)."""
    enabled = session.golive.pilot_enabled_at
    notes: list[str] = []
    start = since
    if enabled is not None and (since is None or since < enabled):
        start = enabled
        if since is None:
            notes.append(
                f"figures count only data from after the pilot was enabled "
                f"({enabled:%Y-%m-%d %H:%M} UTC)"
            )
        else:
            notes.append(
                f"--since {since:%Y-%m-%d %H:%M} UTC is before the pilot was enabled: figures "
                f"count only data from after it ({enabled:%Y-%m-%d %H:%M} UTC)"
            )
    if start is None or start < end:
        return start, notes
    if start == enabled:
        raise GoliveError(
            f"no data yet: the pilot was enabled at {enabled:%Y-%m-%d %H:%M:%S} UTC, and the "
            "post-deployment figures count only what happened after that",
            where="golive watch",
            advice="run golive watch again once the integration has made calls since the pilot "
            "started (the first checkpoint is the usual moment)",
        )
    raise BadInputError(
        "the range is empty: --since is not before the end",
        where="--since",
        advice="give an earlier --since (e.g. 24h)",
    )


def _join(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def run_watch(
    session: Session,
    session_path: Path,
    *,
    log: Path | None = None,
    field_map: Mapping[str, str] | None = None,
    pattern: str | None = None,
    prometheus: str | None = None,
    queries: Mapping[str, str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    probe: ProbeFigures | None = None,
    checkpoint: str | None = None,
    record_checkpoint_when_due: bool = True,
    use_session_sources: bool = True,
    by: str | None = None,
) -> WatchResult:
    """Compute the figures, hold them against the targets and record them: on the post.day1.*
    items, in the evidence, and on the watch checkpoint that is due (or the one named).

    Without `log` or `prometheus`, the session's recorded sources are used (unless
    `use_session_sources` is False: then only the sources given here).

    `probe` is a run of `run_probe` made just before (the caller confirms a production probe).
    A probe alone can fail a figure's item but never completes one: it is synthetic traffic."""
    from golive.ops.monitoring import prometheus_url

    source = session.post_deployment.log
    log_path = log
    prom_url = prometheus or ""
    if use_session_sources:
        log_path = log_path or (Path(source.path) if source.path else None)
        prom_url = prom_url or prometheus_url(session)
    if log_path is None and not prom_url and probe is None:
        raise BadInputError(
            "no source for the figures",
            where="golive watch",
            advice="give the integration's log (--log FILE), a Prometheus server (--prometheus URL) "
            "or --probe",
        )
    end = until or now()
    start, notes = _watch_start(session, since, end)
    actor = by or default_actor(session)
    log_figures = None
    if log_path is not None:
        mapping = field_map if field_map is not None else source.field_map
        log_figures = read_log(
            log_path,
            # a hand-edited session may say `latency = "elapsed"`: our names, however written
            field_map={canonical_field(ours): theirs for ours, theirs in mapping.items()},
            pattern=pattern if pattern is not None else source.pattern,
            since=start,
            until=until if until is not None else None,
        )
        if log_figures.skipped:
            notes.append(f"{log_figures.skipped} log line(s) could not be read and were skipped")
        if log_figures.without_time:
            notes.append(
                f"{log_figures.without_time} log line(s) without a time were left out of the range"
            )
        if not log_figures.calls:
            notes.append("the log holds no calls in the range (no status or duration found)")
    prom_figures = None
    if prom_url:
        prom_start = start or end - timedelta(hours=24)
        prom_figures = query_prometheus(
            prom_url,
            queries if queries is not None else prometheus_queries(session),
            since=prom_start,
            until=end,
            by_country=True,
        )
        notes.extend(f"Prometheus query {k}: {v}" for k, v in prom_figures.errors.items())
    probe_figures = probe
    if probe is not None and not probe.passed:
        notes.append(f"probe: {probe.summary}")
    verdicts: dict[str, list[FigureVerdict]] = {}
    if log_figures is not None:
        verdicts["log"] = judge(session, log_figures.figures())
    if prom_figures is not None:
        verdicts["prometheus"] = judge(session, prom_figures.figures())
    if probe is not None and probe.rehearsal:
        notes.append(
            f"the probe ran against {probe.host}, a rehearsal host: its figures are shown, "
            "not held against the production targets"
        )
    elif probe is not None:
        verdicts["probe"] = judge(session, probe.targeted())
    result = WatchResult(
        start, end, log_figures, prom_figures, probe_figures, verdicts, [], notes=notes
    )
    updates, item_notes = _item_updates(session, result)
    summary = _summary(result)
    evidence = EvidenceRecord(
        kind="watch",
        started=start or end,
        ended=end,
        outcome="failed"
        if result.meets_targets is False
        else "passed"
        if result.meets_targets
        else "info",
        summary=summary,
        figures=_evidence_figures(result),
        diagnosis=_diagnosis(result),
        items=sorted(updates),
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, None)
    from golive.session.checklist import set_item_status

    for item_id, status in updates.items():
        set_item_status(
            session,
            item_id,
            status,
            by=actor,
            note=item_notes[item_id],
            evidence=[evidence.id],
            at=end,
        )
        result.items.append(ItemRecorded(item_id, status, item_notes[item_id]))
    result.evidence_id = evidence.id
    target = None
    if checkpoint:
        target = find_checkpoint(session, checkpoint)
    elif record_checkpoint_when_due:
        target = due_checkpoint(session, end)
    if target is not None:
        flat = {k: v for k, v in result.figures().items() if v is not None}
        recorded = record_checkpoint(
            session,
            session_path,
            target.label,
            flat,
            note="recorded by golive watch",
            evidence_id=evidence.id,
            at=end,
            by=actor,
        )
        result.checkpoint = recorded.checkpoint.label
    return result


def _item_updates(
    session: Session, result: WatchResult
) -> tuple[dict[str, ItemStatus], dict[str, str]]:
    complete, partial = _coverage_note(session, result.until)
    updates: dict[str, ItemStatus] = {}
    notes: dict[str, str] = {}
    for item_id, name in (
        ("post.day1.error_rate", ERROR_RATE),
        ("post.day1.response_time", RESPONSE_TIME),
    ):
        found = [
            (src, v)
            for src, vs in result.verdicts.items()
            for v in vs
            if v.name == name and not v.missing
        ]
        if not found:
            continue
        real = any(src != "probe" for src, _ in found)
        text = _join([f"{src}: {v.describe()}" for src, v in found] + [partial])
        if any(v.meets is False for _, v in found):
            updates[item_id] = ItemStatus.FAILED
        elif not real:
            continue
        else:
            updates[item_id] = ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
        notes[item_id] = text
    rejections = None
    if result.log is not None:
        rejections = result.log.rejections
    elif result.prometheus is not None and "clearance_rejections" in result.prometheus.series:
        rejections = result.prometheus.rejections
    if rejections is not None:
        total = sum(r.count for r in rejections)
        if total:
            top = ", ".join(f"{r.country} {r.reason}: {r.count}" for r in rejections[:8])
            updates["post.day1.clearance_rejections"] = ItemStatus.IN_PROGRESS
            notes["post.day1.clearance_rejections"] = _join(
                [f"{total} rejection(s) to review: {top}", partial]
            )
        else:
            updates["post.day1.clearance_rejections"] = (
                ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
            )
            notes["post.day1.clearance_rejections"] = _join(["no clearance rejections", partial])
    if result.log is not None:
        groups = result.log.unexpected
        if groups:
            top = "; ".join(f"{g.count}× {g.message[:80]}" for g in groups[:5])
            updates["post.day1.logs"] = ItemStatus.IN_PROGRESS
            notes["post.day1.logs"] = _join(
                [
                    f"{result.log.unexpected_lines} unexpected error line(s) in {len(groups)} group(s) to review: {top}",
                    partial,
                ]
            )
        else:
            updates["post.day1.logs"] = ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
            notes["post.day1.logs"] = _join(
                [f"no unexpected errors in {result.log.lines} log line(s)", partial]
            )
    return updates, notes


def _summary(result: WatchResult) -> str:
    parts: list[str] = []
    for source, verdicts in result.verdicts.items():
        shown = [v.describe() for v in verdicts if v.name in (ERROR_RATE, RESPONSE_TIME, "calls")]
        parts.append(f"{source}: " + ", ".join(shown))
    if result.probe is not None:
        parts.append(f"probe: {result.probe.summary}")
    span = f"{result.since:%Y-%m-%d %H:%M} to " if result.since else "up to "
    return f"watch {span}{result.until:%Y-%m-%d %H:%M} UTC — " + "; ".join(parts)


def _evidence_figures(result: WatchResult) -> dict[str, Any]:
    figures: dict[str, Any] = dict(result.figures())
    if result.log is not None:
        figures["log"] = result.log.figures()
        # one line per country, read as written ("DE: 1,000 calls, error rate 0.90 %, ...")
        figures["by_country"] = [
            {"name": c.country, "message": ", ".join(country_parts(c.figures()))}
            for c in result.log.by_country()
        ]
    if result.prometheus is not None:
        figures["prometheus"] = result.prometheus.figures()
        if "by_country" not in figures and result.prometheus.by_country():  # the log's first
            figures["by_country"] = [
                {"name": cc, "message": ", ".join(country_parts(f))}
                for cc, f in result.prometheus.by_country().items()
            ]
    if result.probe is not None:
        figures["probe"] = result.probe.figures
        if result.probe.countries:
            figures["probe_by_country"] = [
                {"name": cc, "message": ", ".join(country_parts(f))}
                for cc, f in result.probe.countries.items()
            ]
    return figures


def sources_summary(result: WatchResult, *, limit: int | None = None) -> dict[str, Any]:
    """What the watch read from each source (for the evidence and `golive watch --json`);
    `limit` caps the groups of unexpected errors kept."""
    summary: dict[str, Any] = {}
    if result.log is not None:
        summary["log"] = {
            "files": result.log.files,
            "lines": result.log.lines,
            "skipped": result.log.skipped,
            "rejections": [r.__dict__ for r in result.log.rejections],
            "countries": [{"country": c.country, **c.figures()} for c in result.log.by_country()],
            "unexpected": [
                {"message": g.message, "count": g.count, "example": g.example}
                for g in result.log.unexpected[:limit]
            ],
        }
    if result.prometheus is not None:
        summary["prometheus"] = {
            "url": result.prometheus.url,
            "window_s": result.prometheus.window_s,
            "queries": result.prometheus.queries,
            "values": result.prometheus.values,
            "errors": result.prometheus.errors,
            "rejections": [r.__dict__ for r in result.prometheus.rejections],
            "countries": [{"country": cc, **f} for cc, f in result.prometheus.by_country().items()],
        }
    return summary


def _diagnosis(result: WatchResult) -> dict[str, Any]:
    summary = sources_summary(result, limit=20)
    for source in ("log", "prometheus"):  # in the figures already, one line each
        summary.get(source, {}).pop("countries", None)
    return {"notes": result.notes, **summary}


def remember_sources(
    session: Session,
    *,
    log: Path | None = None,
    field_map: Mapping[str, str] | None = None,
    pattern: str | None = None,
    prometheus: str | None = None,
    queries: Mapping[str, str] | None = None,
) -> None:
    """Keep the watch's sources in the session, so the next watch (and the wizard) reuse them."""
    from golive.session.model import check_url

    if log is not None:
        session.post_deployment.log.path = str(log)
    if field_map is not None:
        session.post_deployment.log.field_map = dict(field_map)
    if pattern is not None:
        if pattern:
            compile_pattern(pattern)
        session.post_deployment.log.pattern = pattern
    if prometheus is not None:
        try:
            session.post_deployment.prometheus_url = check_url(prometheus.strip())
        except ValueError as error:
            raise BadInputError(
                str(error), where="--prometheus", advice="give http://host:9090"
            ) from None
    if queries:
        unknown = [name for name in queries if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name)]
        if unknown:
            raise BadInputError(
                f"not usable figure names: {', '.join(unknown)}",
                where="--query",
                advice="name figures in lower case, e.g. error_rate_pct=PROMQL",
            )
        session.post_deployment.prometheus_queries = {
            **session.post_deployment.prometheus_queries,
            **queries,
        }
