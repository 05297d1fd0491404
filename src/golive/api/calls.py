"""What a call is and what it gives: the token, the answer, a retry notice, and one call's request."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from golive.api.errors import (
    Operation,
)
from golive.session.errors import BadInputError


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it stops being used (shortly before it expires)."""

    value: SecretStr
    token_type: str
    scope: str
    expires_in: float
    obtained_at: float  # time.monotonic()
    request_id: str = ""  # the X-API-REQUEST-ID of the token request

    @property
    def refresh_at(self) -> float:
        margin = min(60.0, self.expires_in * 0.1)
        return self.obtained_at + self.expires_in - margin

    def fresh(self, at: float | None = None) -> bool:
        return (time.monotonic() if at is None else at) < self.refresh_at


@dataclass(frozen=True)
class ApiAnswer:
    """One call's answer: status, JSON body, the time it took (retries included) and its ids."""

    operation: Operation
    url: str
    status_code: int
    body: dict[str, Any]
    elapsed_s: float
    attempts: int
    correlation_id: str = ""
    request_id: str = ""  # the X-API-REQUEST-ID of the last attempt


@dataclass(frozen=True)
class RetryNotice:
    """Said before a retry: which call, the attempt that failed, how long golive waits, and why."""

    operation: Operation
    url: str
    attempt: int
    delay_s: float
    cause: str
    reason: str


@dataclass(frozen=True)
class Sent:
    response: httpx.Response
    attempts: int
    elapsed_s: float
    gave_up: str = ""  # why the last error status was not retried
    request_id: str = ""  # the X-API-REQUEST-ID of the last attempt


@dataclass
class Call:
    operation: Operation
    method: str
    url: str
    safe_to_repeat: bool
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    form: dict[str, str] | None = None
    subject: str = ""  # e.g. the company, for messages
    product: str = "determination"  # or "einvoicing": which credentials a token call used


@dataclass(frozen=True)
class Auth:
    """How one product gets its token: endpoint, client, scope, request shape, secret."""

    product: str
    token_url: str
    client_id: str
    scope: str
    shape: str  # the token request: form, json or json-assertion
    secret: SecretStr = field(compare=False)
    secret_name: str = field(default="", compare=False)

    def key(self) -> tuple[str, str, str, str, str]:
        """Two products with the same key share one token."""
        return (
            self.token_url,
            self.client_id,
            self.scope,
            self.shape,
            self.secret.get_secret_value(),
        )


def einvoicing_secret_missing(environment: str) -> BadInputError:
    """The error of an e-invoice call when E-Invoicing has its own credentials but no secret."""
    variable = f"GOLIVE_{environment.upper()}_EINVOICING_CLIENT_SECRET"
    return BadInputError(
        f"the {environment} E-Invoicing client secret is empty",
        where=f"{environment}.einvoicing.client_secret",
        advice=f"set {variable} or store it with `golive secret set SESSION --env "
        f"{environment} --product einvoicing`",
    )


def with_correlation(answer: ApiAnswer, correlation: str) -> ApiAnswer:
    echoed = answer.body.get("correlationId")
    value = echoed if isinstance(echoed, str) and echoed else correlation
    return ApiAnswer(
        answer.operation,
        answer.url,
        answer.status_code,
        answer.body,
        answer.elapsed_s,
        answer.attempts,
        value,
        answer.request_id,
    )
