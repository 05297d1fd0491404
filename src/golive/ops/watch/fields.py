"""The fields of a log line: the names golive recognises, --map, patterns and times."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from golive.session.clock import now
from golive.session.errors import BadInputError

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
        where="post_deployment.log.field_map",
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
                where="post_deployment.log.field_map",
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
            where="post_deployment.log.pattern",
            advice=r"use named groups, e.g. (?P<time>\S+) (?P<level>\w+) status=(?P<status>\d+)",
        ) from None
    if not compiled.groupindex:
        raise BadInputError(
            "the log pattern has no named groups",
            where="post_deployment.log.pattern",
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
            where="watch.since",
            advice="for example --since 24h, --since 90m or --since 2026-11-02T08:00Z",
        )
    return moment
