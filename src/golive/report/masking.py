"""Credential masking for report texts: URLs lose their credentials, quoted requests and commands
lose credential-shaped values. Nothing secret is ever put in the report.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from golive.secrets.redaction import MASK

_SECRET_SHAPES = (
    # client_secret=..., "password": "...", access_token=..., api_key: ...
    re.compile(
        r"""(?i)(\b(?:access_token|refresh_token|id_token|client_secret|api_key|apikey|password"""
        r"""|passwd|secret)\b["']?\s*[:=]\s*["']?)([^\s"'&,;}]{4,})"""
    ),
    # Authorization: Bearer eyJ..., Basic dXNlcjpwYXNz...: a token, not the word after it
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*)"),
    # a command's flag: --token=..., --api-key ..., -password ...
    re.compile(
        r"(?i)((?<!\S)--?[a-z-]*(?:token|password|passwd|secret|api-?key)(?:=|\s+))([^\s-]\S*)"
    ),
    # credentials inside a URL: https://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)([^/\s@]+)(?=@)"),
)


def scrub(text: str) -> str:
    """Mask credential-shaped values in a text that may quote a request or a command.

    Narrower than the log redaction on purpose: "Basic connectivity" or "Bearer token accepted"
    stay as written, a report is read by customers.
    """
    for shape in _SECRET_SHAPES:
        text = shape.sub(lambda m: m.group(1) + MASK, text)
    return text


def safe_url(url: str) -> str:
    """A URL without credentials: user info and secret-looking query values are masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        secretish = (
            "token",
            "key",
            "secret",
            "password",
            "passwd",
            "sig",
            "signature",
            "auth",
            "code",
        )
        masked = [(k, MASK if any(s in k.lower() for s in secretish) else v) for k, v in pairs]
        query = urlencode(masked, safe="*/:")
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))
