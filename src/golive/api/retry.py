"""The retry policy: which failures are retried, and how long to wait before the next attempt.

Exponential backoff with full jitter (a random wait between 0 and min(max_delay, base * 2^n)), and
the server's Retry-After honoured on 429 and 503 up to the policy's cap. Only requests that are safe
to repeat are retried (the token, a quote, a status read): never a document submission.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from golive.api.errors import Failure
from golive.session.clock import now
from golive.session.model import RetryPolicy

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
# Connection errors: the request never reached the application. Not DNS (a wrong name stays wrong),
# not TLS (a refused certificate stays refused), not timeouts after the request was sent.
RETRYABLE_FAILURES = frozenset({Failure.REFUSED, Failure.CONNECT, Failure.PROTOCOL})


def backoff_delay(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Full jitter: uniform between 0 and min(max_delay, base_delay * 2^(attempt-1))."""
    ceiling = min(policy.max_delay, policy.base_delay * (2 ** max(0, attempt - 1)))
    return rng.uniform(0.0, ceiling) if ceiling > 0 else 0.0


def parse_retry_after(value: str | None, *, at: datetime | None = None) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return None
        seconds = (moment - (at or now())).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, inf
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryDecision:
    """Whether to try again, after how long, and why (for progress messages and errors)."""

    retry: bool
    delay_s: float = 0.0
    reason: str = ""


def decide(
    policy: RetryPolicy,
    *,
    attempt: int,
    safe_to_repeat: bool,
    rng: random.Random,
    status_code: int | None = None,
    failure: Failure | None = None,
    retry_after: str | None = None,
) -> RetryDecision:
    """The decision after attempt number `attempt` (1-based) failed with a status or a failure."""
    if not policy.enabled:
        return RetryDecision(False, reason="retries are turned off in the session")
    if not safe_to_repeat:
        return RetryDecision(False, reason="not repeated: a document is never submitted twice")
    if status_code is not None:
        if status_code not in RETRYABLE_STATUSES:
            return RetryDecision(False, reason=f"HTTP {status_code} is not retried")
    elif failure is None or failure not in RETRYABLE_FAILURES:
        return RetryDecision(False, reason="this failure is not retried")
    if attempt >= policy.max_attempts:
        return RetryDecision(
            False,
            reason=f"gave up after {attempt} attempts (the policy allows {policy.max_attempts})",
        )
    if status_code in RETRY_AFTER_STATUSES:
        wait = parse_retry_after(retry_after)
        if wait is not None:
            if wait > policy.retry_after_cap:
                return RetryDecision(
                    False,
                    reason=f"the server asked to wait {wait:g} s, longer than the retry policy's "
                    f"retry_after_cap of {policy.retry_after_cap:g} s",
                )
            return RetryDecision(True, wait, f"Retry-After {wait:g} s")
    delay = backoff_delay(policy, attempt, rng)
    return RetryDecision(True, delay, f"backoff {delay:.2f} s")
