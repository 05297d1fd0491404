"""What can go wrong on the wire, in words a partner engineer can act on.

The client raises `ApiError`: a `GoliveError` whose message names the host or URL and whose advice
says what to do. `failure` says what kind of thing broke (name resolution, connection, TLS, an
answer that is an error, an answer that is not JSON...) and `operation` which call it was, so the
checks can name the stage without parsing text.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from golive.session.errors import GoliveError


class Operation(StrEnum):
    """The calls the client makes."""

    TOKEN = "token"  # noqa: S105  # (a call name, not a secret)  # nosec B105
    CALCULATE = "calculate"
    SUBMIT = "einvoice submission"
    STATUS = "einvoice status"
    PING = "ping"
    HEALTH = "health"


class Failure(StrEnum):
    """What kind of thing went wrong."""

    DNS = "dns"  # the host name does not resolve
    REFUSED = "refused"  # nothing listens on the port (or a firewall rejects)
    CONNECT = "connect"  # no connection for another reason (dropped, unreachable, timeout)
    TLS = "tls"  # the certificate was not accepted
    TIMEOUT = "timeout"  # connected, but no (whole) answer in time
    PROTOCOL = "protocol"  # the connection broke mid-answer
    STATUS = "status"  # an HTTP error status
    NOT_JSON = "not_json"  # the answer was not JSON
    BAD_ANSWER = "bad_answer"  # JSON, but not the expected shape
    TOO_LARGE = "too_large"  # the answer (or its decompressed body) is over golive's size limit
    REDIRECT = "redirect"  # a 3xx: named with its Location, never followed


TlsProblem = Literal["untrusted", "expired", "not_yet_valid", "hostname", "other"]

# OpenSSL X509_V_ERR_* codes (see `man 1 openssl-verify`).
_EXPIRED = {10}
_NOT_YET_VALID = {9}
_HOSTNAME = {62, 64}
_UNTRUSTED = {2, 18, 19, 20, 21, 27, 28}


@dataclass(frozen=True)
class ApiProblem:
    """One entry of an error body: {"code", "message", "path"}."""

    code: str
    message: str = ""
    path: str = ""

    def __str__(self) -> str:
        text = self.code
        if self.path:
            text = f"{text} at {self.path}"
        return f"{text}: {self.message}" if self.message else text


class ApiError(GoliveError):
    """A call that did not give a usable answer: what happened (naming the host or URL) and advice."""

    def __init__(
        self,
        message: str,
        *,
        failure: Failure,
        operation: Operation,
        url: str,
        advice: str,
        status_code: int | None = None,
        problems: tuple[ApiProblem, ...] = (),
        tls_problem: TlsProblem | None = None,
        attempts: int = 1,
        elapsed_s: float = 0.0,
        request_id: str = "",
    ) -> None:
        super().__init__(message, where=operation.value, advice=advice)
        self.request_id = request_id  # the X-API-REQUEST-ID of the request that failed
        self.company_not_found = False  # the answer's code is the session's "unknown company"
        self.failure = failure
        self.operation = operation
        self.url = url
        self.status_code = status_code
        self.problems = problems
        self.tls_problem = tls_problem
        self.attempts = attempts
        self.elapsed_s = elapsed_s

    @property
    def code(self) -> str:
        """The first error code of the body ("COMPANY_NOT_FOUND", "invalid_client"), or ""."""
        return self.problems[0].code if self.problems else ""

    def __repr__(self) -> str:
        return (
            f"ApiError(failure={self.failure.value!r}, operation={self.operation.value!r}, "
            f"url={self.url!r}, status_code={self.status_code!r}, message={self.message!r})"
        )


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, its causes and contexts, and the members of exception groups among them."""
    seen: set[int] = set()
    stack: list[BaseException] = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def tls_problem_of(error: ssl.SSLCertVerificationError) -> TlsProblem:
    code = error.verify_code
    if code in _EXPIRED:
        return "expired"
    if code in _NOT_YET_VALID:
        return "not_yet_valid"
    if code in _HOSTNAME:
        return "hostname"
    if code in _UNTRUSTED:
        return "untrusted"
    return "other"


def tls_failure_text(
    host: str, error: ssl.SSLCertVerificationError, ca_bundle: str
) -> tuple[str, str]:
    """Message and advice for a certificate golive did not accept (the client and the TLS stage)."""
    problem = tls_problem_of(error)
    detail = error.verify_message or error.reason or str(error)
    bundle = f" (the CA bundle {ca_bundle} is loaded too)" if ca_bundle else ""
    if problem == "expired":
        return (
            f"the certificate of {host} has expired ({detail})",
            f"the server's certificate must be renewed: tell the operator of {host} "
            "(Thomson Reuters support for a ONESOURCE host). golive never turns verification off",
        )
    if problem == "not_yet_valid":
        return (
            f"the certificate of {host} is not valid yet ({detail})",
            "check this machine's clock (and time zone); if the clock is right, tell the "
            f"operator of {host}",
        )
    if problem == "hostname":
        return (
            f"the certificate of {host} does not match the host name ({detail})",
            f"use the host name the certificate is issued for in the base URL (not an IP address or "
            f"an alias); if {host} is right, a proxy or the wrong server is answering",
        )
    if problem == "untrusted":
        return (
            f"the certificate of {host} is not trusted ({detail}){bundle}",
            "set a CA bundle (the environment's ca_bundle) if a proxy intercepts TLS; "
            "otherwise stop: something between you and the host is presenting its own certificate",
        )
    return (
        f"the TLS certificate of {host} was not accepted ({detail}){bundle}",
        "check the host name and the CA bundle; golive never turns verification off",
    )


def dns_failure_text(host: str, error: socket.gaierror) -> tuple[str, str]:
    reason = error.strerror or str(error)
    return (
        f"the host name {host} could not be resolved ({reason})",
        "check the host in the base URL for typos, and that this machine's DNS can resolve it "
        "(a VPN or the corporate DNS may be needed)",
    )


def refused_text(host: str, port: int) -> tuple[str, str]:
    return (
        f"{host}:{port} refused the connection (nothing listens on that port, or a firewall "
        "rejects it)",
        "check the port in the base URL and that the service is running; a firewall or "
        "security group may be rejecting the traffic",
    )


def connect_timeout_text(
    host: str, port: int, seconds: float, *, with_tls: bool = False
) -> tuple[str, str]:
    if with_tls:  # the client's connect timeout covers the TCP connection and the TLS handshake
        return (
            f"no connection to {host}:{port} within {seconds:g} s (the TCP connection or the TLS "
            "handshake did not finish)",
            "a firewall may be dropping the traffic, the port may not speak TLS, or this network "
            "needs a proxy (set HTTPS_PROXY); raise the connect timeout only if the network is "
            "known to be slow",
        )
    return (
        f"no TCP connection to {host}:{port} within {seconds:g} s",
        "a firewall may be dropping the traffic, or this network needs a proxy "
        "(set HTTPS_PROXY); raise the connect timeout only if the network is known to be slow",
    )
