"""What a sandbox run remembers (tokens, faults, metrics, clearance) and who may ask it.

`SandboxState` is shared by the app and the runner thread; the dependencies below give the
routes the state, a valid bearer token, or the admin token; `ApiError` and `OAuthError` are the
two error shapes the routes raise.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, Request

from golive.sandbox.clearance import ClearanceDesk
from golive.sandbox.faults import FaultBoard
from golive.sandbox.metrics import Metrics
from golive.sandbox.settings import SandboxSettings
from golive.sandbox.wire import (
    TOKEN_PATH,
    error_body,
)

_REALM = 'Bearer realm="golive-sandbox"'
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


class ApiError(Exception):
    """An API error answered as {"errors": [...]}."""

    def __init__(
        self, status: int, errors: list[dict[str, str]], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors
        self.headers = headers or {}

    @classmethod
    def one(
        cls, status: int, code: str, message: str, path: str | None = None, **headers: str
    ) -> ApiError:
        return cls(status, error_body(code, message, path)["errors"], headers)


class OAuthError(Exception):
    """A token-endpoint error answered as RFC 6749 says: {"error", "error_description"}."""

    def __init__(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, error, description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}


class TokenStore:
    """Issued access tokens and when they expire (monotonic clock: immune to clock changes)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}

    def issue(self, ttl_s: float) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._expiry = {t: e for t, e in self._expiry.items() if e > now}
            self._expiry[token] = now + ttl_s
        return token

    def check(self, token: str) -> Literal["valid", "unknown", "expired"]:
        with self._lock:
            expiry = self._expiry.get(token)
        if expiry is None:
            return "unknown"
        return "valid" if self._clock() < expiry else "expired"

    def revoke_all(self) -> int:
        with self._lock:
            count = len(self._expiry)
            self._expiry.clear()
        return count


KEPT_ALERTS = 100  # the alert inbox keeps the newest this many


class AlertInbox:
    """What the webhook received, newest last (thread-safe: the runner serves from its own thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Any] = []

    def keep(self, payload: Any) -> None:
        with self._lock:
            self._received = [*self._received, payload][-KEPT_ALERTS:]

    def received(self) -> list[Any]:
        with self._lock:
            return list(self._received)


class SandboxState:
    """What one sandbox run remembers. Shared with the runner thread (faults, tokens, metrics)."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        given = settings.admin_token.get_secret_value() if settings.admin_token else ""
        self.admin_token = given or secrets.token_urlsafe(24)
        self.faults = FaultBoard(settings.faults)
        self.tokens = TokenStore()
        self.alerts = AlertInbox()
        self.metrics = Metrics()
        self.clearance = ClearanceDesk(settings.clearance_step_s, self.metrics)

    def company_known(self, company_id: str) -> bool:
        return (
            company_id in self.settings.companies
            and company_id not in self.faults.current.unknown_companies
        )


async def _sandbox_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


StateDep = Annotated[SandboxState, Depends(_sandbox_state)]


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def _require_bearer(request: Request, state: StateDep) -> str:
    token = _bearer_token(request)
    if token is None:
        raise ApiError.one(
            401,
            "UNAUTHORIZED",
            f"no bearer token: get one from {TOKEN_PATH} and send 'Authorization: Bearer <token>'",
            **{"www-authenticate": _REALM},
        )
    verdict = state.tokens.check(token)
    if verdict != "valid":
        reason = "the access token has expired" if verdict == "expired" else "unknown access token"
        raise ApiError.one(
            401,
            "UNAUTHORIZED",
            f"{reason}; get a new one from {TOKEN_PATH}",
            **{"www-authenticate": f'{_REALM}, error="invalid_token"'},
        )
    return token


TokenDep = Annotated[str, Depends(_require_bearer)]


async def _require_admin(request: Request, state: StateDep) -> None:
    given = request.headers.get("x-admin-token", "")
    if not given:
        raise ApiError.one(401, "ADMIN_TOKEN_MISSING", "send the admin token in X-Admin-Token")
    if not hmac.compare_digest(given.encode(), state.admin_token.encode()):
        raise ApiError.one(403, "ADMIN_TOKEN_WRONG", "wrong admin token")


AdminDep = Depends(_require_admin)
