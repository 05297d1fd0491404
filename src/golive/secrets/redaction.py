"""Redaction: no secret, Authorization header or token in any log line or error text.

Every secret golive resolves is registered here; `redact` masks registered values and the usual
credential shapes (``Authorization: ...``, ``Bearer ...``, ``access_token=...``) in any text, and
`RedactingFilter` does the same to log records (message and arguments) before they are formatted.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from pydantic import SecretStr

MASK = "***"
# Values shorter than this are not registered: masking "a" in every log line helps nobody and
# would make the logs unreadable. Real client secrets are far longer.
MIN_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

_CREDENTIAL_SHAPES = [
    # Authorization: Basic abc / Authorization: Bearer abc / "authorization": "Bearer abc"
    re.compile(
        r"""(?P<keep>\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?)(?P<secret>[^\r\n"',}]+)""",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<keep>\bbearer\s+)(?P<secret>[A-Za-z0-9\-._~+/]+=*)", re.IGNORECASE),
    re.compile(r"(?P<keep>\bbasic\s+)(?P<secret>[A-Za-z0-9+/]{8,}=*)", re.IGNORECASE),
    # access_token=..., "refresh_token": "...", client_secret=..., id_token, password
    re.compile(
        r"""(?P<keep>\b(?:access_token|refresh_token|id_token|client_secret|password|passwd)"""
        r"""["']?\s*[:=]\s*["']?)(?P<secret>[^\s"'&,;}]+)""",
        re.IGNORECASE,
    ),
]


def register_secret(value: str | SecretStr) -> None:
    """Mask this value wherever it appears in logs and error texts from now on."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if len(text) < MIN_LENGTH:
        return
    global _pattern
    with _lock:
        if text in _secrets:
            return
        _secrets.add(text)
        # Longest first, so a secret containing another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def forget_secrets() -> None:
    """Drop every registered value (tests)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def redact(text: str) -> str:
    """The text with every registered secret and credential-shaped value masked."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for shape in _CREDENTIAL_SHAPES:
        text = shape.sub(lambda m: m.group("keep") + MASK, text)
    return text


def _redact_arg(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    redacted = redact(text)
    return redacted if redacted != text else value


class RedactingFilter(logging.Filter):
    """Masks secrets in a log record's message, arguments and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        elif not isinstance(record.msg, int | float | bool | type(None)):
            record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: _redact_arg(val) for key, val in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(val) for val in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, redacted, so handlers use the cached text.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Redact every log record; idempotent. Puts a RedactingFilter on the logger (default: the
    ``golive`` root) and its handlers.

    A filter on a logger only sees records logged to that very logger, not to its children
    (``golive.api``) nor to libraries (``httpx``), so the same filter is also applied by the log
    record factory: every record is redacted as it is made, whichever logger made it.
    """
    target = logger if logger is not None else logging.getLogger("golive")
    existing = next((f for f in target.filters if isinstance(f, RedactingFilter)), None)
    chosen = existing if existing is not None else RedactingFilter()
    if existing is None:
        target.addFilter(chosen)
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(chosen)
    _install_record_factory()
    return chosen


def _install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if getattr(current, "golive_redacting", False):
        return
    redacting = RedactingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        redacting.filter(record)
        return record

    factory.golive_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
