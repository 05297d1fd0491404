"""A trace of every HTTP exchange of a run as an HTTP Archive (HAR 1.2), with secrets redacted.

`HarTrace` collects exchanges as the client sends them (`OnesourceClient(trace=...)`) and writes
one HAR document that a browser's devtools or any HAR viewer opens. Nothing secret is written:
Authorization and cookie headers are masked, and every header value, URL, form field and body
goes through golive.secrets.redaction (registered secrets, client_secret=..., "access_token": ...).
"""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from golive import __version__
from golive.secrets.redaction import MASK, redact
from golive.session.clock import now

HAR_VERSION = "1.2"
# Header names whose value is a credential, whatever it looks like.
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-admin-token"}
)
# Form and JSON fields whose value is a credential.
_SECRET_FIELDS = frozenset(
    {"client_secret", "access_token", "refresh_token", "id_token", "password", "assertion"}
)
# Bodies kept in a trace are cut here (a trace is for reading, not for replaying a bulk run).
MAX_TEXT = 256 * 1024


def _headers(headers: httpx.Headers) -> list[dict[str, str]]:
    return [
        {"name": name, "value": MASK if name.lower() in _SECRET_HEADERS else redact(value)}
        for name, value in headers.multi_items()
    ]


def _mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (MASK if str(k).lower() in _SECRET_FIELDS else _mask_json(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    return value


def redact_body(content: bytes, media_type: str) -> str:
    """A body as text with every credential masked (JSON and form fields by name, then redact)."""
    text = content[:MAX_TEXT].decode("utf-8", "replace")
    if "json" in media_type:
        # not JSON after all: redact() below still masks what it recognises
        with contextlib.suppress(ValueError):
            text = json.dumps(_mask_json(json.loads(text)), ensure_ascii=False)
    return redact(text)


def _form_params(content: bytes) -> list[dict[str, str]]:
    pairs = parse_qsl(content.decode("utf-8", "replace"), keep_blank_values=True)
    return [
        {"name": k, "value": MASK if k.lower() in _SECRET_FIELDS else redact(v)} for k, v in pairs
    ]


def _media(headers: httpx.Headers) -> str:
    return str(headers.get("content-type", "")).split(";", 1)[0].strip().lower()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class HarTrace:
    """The exchanges of one run, in the order they were sent."""

    def __init__(self, comment: str = "") -> None:
        self.comment = comment
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def started(self) -> datetime:
        """When a request is about to go (golive's clock)."""
        return now()

    def record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        *,
        started: datetime,
        elapsed_s: float,
        error: str = "",
        request_id: str = "",
    ) -> None:
        """One exchange; `response` None when no answer came (then `error` says why)."""
        entry = {
            "startedDateTime": _iso(started),
            "time": round(elapsed_s * 1000, 3),
            "request": self._request(request),
            "response": self._response(response, error),
            "cache": {},
            "timings": {"send": 0, "wait": round(elapsed_s * 1000, 3), "receive": 0},
        }
        if request_id:
            entry["comment"] = f"X-API-REQUEST-ID {request_id}"
        with self._lock:
            self._entries.append(entry)

    def _request(self, request: httpx.Request) -> dict[str, Any]:
        url = request.url
        content = request.content if hasattr(request, "_content") else b""
        media = _media(request.headers)
        data: dict[str, Any] = {
            "method": request.method,
            "url": redact(str(url)),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(request.headers),
            "queryString": [{"name": k, "value": redact(v)} for k, v in url.params.multi_items()],
            "headersSize": -1,
            "bodySize": len(content),
        }
        if content:
            post: dict[str, Any] = {"mimeType": media or "application/octet-stream"}
            if media == "application/x-www-form-urlencoded":
                post["params"] = _form_params(content)
                post["text"] = "&".join(f"{p['name']}={p['value']}" for p in post["params"])
            else:
                post["text"] = redact_body(content, media)
            data["postData"] = post
        return data

    def _response(self, response: httpx.Response | None, error: str) -> dict[str, Any]:
        if response is None:
            return {
                "status": 0,
                "statusText": "",
                "httpVersion": "",
                "cookies": [],
                "headers": [],
                "content": {"size": 0, "mimeType": "x-unknown", "text": ""},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_error": redact(error),
            }
        try:
            content = response.content
        except httpx.ResponseNotRead:
            content = b""
        media = _media(response.headers)
        return {
            "status": response.status_code,
            "statusText": response.reason_phrase,
            "httpVersion": response.http_version,
            "cookies": [],
            "headers": _headers(response.headers),
            "content": {
                "size": len(content),
                "mimeType": media or "x-unknown",
                "text": redact_body(content, media),
            },
            "redirectURL": redact(response.headers.get("location", "")),
            "headersSize": -1,
            "bodySize": len(content),
        }

    def document(self) -> dict[str, Any]:
        """The HAR document."""
        with self._lock:
            entries = list(self._entries)
        log: dict[str, Any] = {
            "version": HAR_VERSION,
            "creator": {"name": "golive", "version": __version__},
            "pages": [],
            "entries": entries,
        }
        if self.comment:
            log["comment"] = redact(self.comment)
        return {"log": log}

    def write(self, path: Path) -> None:
        """Write the HAR file atomically (mode 0600: it names hosts and companies)."""
        from golive.session.store import write_atomically

        text = json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n"
        write_atomically(path, text.encode("utf-8"), mode=0o600)
