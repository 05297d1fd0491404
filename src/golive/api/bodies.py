"""Reading an answer: its size and decompression limits, JSON depth, and the server's text.

The one place these limits live (MAX_BODY_BYTES ...); the client and the diagnosis read them.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import httpx

from golive.api.errors import (
    ApiProblem,
    Failure,
)
from golive.secrets.redaction import redact
from golive.session.model import RetryPolicy, Timeouts
from golive.session.text import printable

IDT_MEDIA_TYPE = "application/vnd.tri.onesource.idt+json"
JSON_MEDIA_TYPE = "application/json"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

Sleep = Callable[[float], Awaitable[None]]

# What one answer may cost golive, the one place these limits live: the body as sent and as
# decompressed (a gzip bomb stops here), how deep its JSON may nest, and the longest token life
# golive believes.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_EXPIRES_IN_S = 366 * 24 * 3600.0
READ_CHUNK_BYTES = 64 * 1024
ACCEPTED_ENCODINGS = "gzip, deflate"  # the ones golive decompresses itself, counting the bytes
SERVER_TEXT_CHARS = 300  # the most of a server's own text (a Location, an error message) kept


def call_deadline(timeouts: Timeouts) -> float:
    """The longest one attempt of a call may take, connection to the last byte of the answer.

    The per-read timeouts alone let a server that trickles a byte at a time hold a call forever;
    this bounds the whole exchange: connect + write + read.
    """
    return timeouts.connect + timeouts.write + timeouts.read


def stage_deadline(timeouts: Timeouts, retry: RetryPolicy) -> float:
    """The longest one call may take with its retries (each attempt and the waits between)."""
    attempts = retry.max_attempts if retry.enabled else 1
    waits = (attempts - 1) * max(retry.max_delay, retry.retry_after_cap)
    # a 401 on a cached token is tried once more with a fresh token: two calls and a token call
    return 3 * attempts * call_deadline(timeouts) + 3 * waits


def server_text(value: str) -> str:
    """A server's own words as golive repeats them: escaped, redacted, cut short."""
    text = printable(redact(value))
    if len(text) > SERVER_TEXT_CHARS:
        text = text[:SERVER_TEXT_CHARS] + f"... ({len(text) - SERVER_TEXT_CHARS} more characters)"
    return text


class AnswerProblem(Exception):
    """An answer golive refuses to read further (too large, an unknown encoding, a bad JSON)."""

    def __init__(self, failure: Failure, message: str, advice: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.advice = advice


TOO_LARGE_ADVICE = (
    "the API's answers are small JSON documents: something else is answering (a proxy, a "
    "download, the wrong base URL or path); check the base URL and paths"
)


class Decoder:
    """The Content-Encoding of an answer undone chunk by chunk, never past a byte limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        name = encoding.strip().lower()
        self.limit = limit
        self.size = 0
        self._zlib: Any = None
        if name in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
        elif name not in ("", "identity"):
            raise AnswerProblem(
                Failure.PROTOCOL,
                f"the answer is encoded as {server_text(encoding)!r}, which golive does not read "
                f"(it asks for {ACCEPTED_ENCODINGS})",
                "a proxy or the wrong server is answering: check the base URL and any proxy",
            )

    def _grow(self, produced: int) -> None:
        self.size += produced
        if self.size > self.limit:
            raise AnswerProblem(
                Failure.TOO_LARGE,
                f"the answer is larger than golive reads ({self.limit // 1024} KiB "
                f"{'decompressed' if self._zlib is not None else 'in all'}); reading stopped there",
                TOO_LARGE_ADVICE,
            )

    def feed(self, chunk: bytes, out: bytearray) -> None:
        if self._zlib is None:
            self._grow(len(chunk))
            out += chunk
            return
        data = chunk
        try:
            while data:
                piece = self._zlib.decompress(data, self.limit - self.size + 1)
                self._grow(len(piece))
                out += piece
                data = self._zlib.unconsumed_tail
        except zlib.error as error:
            raise AnswerProblem(
                Failure.PROTOCOL,
                f"the compressed answer could not be decompressed ({error})",
                "the answer was cut short or mangled on the way: run again, and check any proxy",
            ) from None


async def raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The answer's bytes as they arrive, still encoded; nothing for an answer already read."""
    if response.is_stream_consumed:
        return
    async for chunk in response.aiter_raw(READ_CHUNK_BYTES):
        yield chunk


def parse_json(body: bytes) -> Any:
    """JSON as the API sends it: no NaN or Infinity, at most MAX_JSON_DEPTH deep.

    Raises ValueError (not JSON) or AnswerProblem (JSON golive will not take).
    """

    def no_constant(name: str) -> Any:
        raise AnswerProblem(
            Failure.BAD_ANSWER,
            f"the answer holds {name}, which is not a JSON number (no value golive can use)",
            "the endpoint does not answer like the ONESOURCE API: check the base URL and paths",
        )

    check_depth(body)
    return json.loads(body, parse_constant=no_constant)


def check_depth(body: bytes) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH before parsing it (no RecursionError)."""
    opens = body.count(b"[") + body.count(b"{")
    if opens <= MAX_JSON_DEPTH:
        return
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise AnswerProblem(
                    Failure.BAD_ANSWER,
                    f"the answer is JSON nested more than {MAX_JSON_DEPTH} levels deep",
                    "the API's answers are a few levels deep: something else is answering; check "
                    "the base URL and paths",
                )
        elif byte in (0x5D, 0x7D):
            depth -= 1


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers fit for a log line or an error text: credentials masked."""
    return {k: ("***" if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def problems_of(response: httpx.Response) -> tuple[ApiProblem, ...]:
    """The problems an error body names: {"errors": [...]} or OAuth's {"error", "error_description"}."""
    try:
        body = parse_json(response.content)
    except (ValueError, AnswerProblem):
        return ()
    if not isinstance(body, dict):
        return ()
    problems: list[ApiProblem] = []
    errors = body.get("errors")
    if isinstance(errors, list):
        for entry in errors[:20]:
            if isinstance(entry, dict) and entry.get("code"):
                problems.append(
                    ApiProblem(
                        code=server_text(str(entry.get("code", ""))),
                        message=server_text(str(entry.get("message", ""))),
                        path=server_text(str(entry.get("path", "") or "")),
                    )
                )
    elif isinstance(body.get("error"), str):
        problems.append(
            ApiProblem(
                code=server_text(body["error"]),
                message=server_text(str(body.get("error_description", "") or "")),
            )
        )
    return tuple(problems)
