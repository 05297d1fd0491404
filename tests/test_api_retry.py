"""The retry policy's arithmetic: full jitter, caps, Retry-After, what is and is not retried."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from golive.api.errors import Failure
from golive.api.retry import backoff_delay, decide, parse_retry_after
from golive.session.model import RetryPolicy

POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0, retry_after_cap=30.0)


def test_full_jitter_stays_between_zero_and_the_exponential_ceiling() -> None:
    rng = random.Random(1)
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)):
        delays = [backoff_delay(POLICY, attempt, rng) for _ in range(2000)]
        assert min(delays) >= 0.0
        assert max(delays) <= ceiling
        # full jitter: spread over the whole range, not bunched at the ceiling
        assert min(delays) < ceiling * 0.05
        assert max(delays) > ceiling * 0.95
        assert abs(sum(delays) / len(delays) - ceiling / 2) < ceiling * 0.05


def test_zero_base_delay_means_no_wait() -> None:
    policy = RetryPolicy(base_delay=0.0)
    assert backoff_delay(policy, 3, random.Random(0)) == 0.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        (" 2.5 ", 2.5),
        ("-4", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
    ],
)
def test_retry_after_in_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_as_an_http_date() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    header = format_datetime(at + timedelta(seconds=12), usegmt=True)
    assert parse_retry_after(header, at=at) == 12.0
    past = format_datetime(at - timedelta(seconds=12), usegmt=True)
    assert parse_retry_after(past, at=at) == 0.0


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_statuses_are_retried(status: int) -> None:
    decision = decide(
        POLICY, attempt=1, safe_to_repeat=True, rng=random.Random(0), status_code=status
    )
    assert decision.retry
    assert 0.0 <= decision.delay_s <= 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 500, 501])
def test_other_statuses_are_not(status: int) -> None:
    decision = decide(
        POLICY, attempt=1, safe_to_repeat=True, rng=random.Random(0), status_code=status
    )
    assert not decision.retry


@pytest.mark.parametrize(
    ("failure", "retried"),
    [
        (Failure.REFUSED, True),
        (Failure.CONNECT, True),
        (Failure.PROTOCOL, True),
        (Failure.DNS, False),
        (Failure.TLS, False),
        (Failure.TIMEOUT, False),
        (Failure.NOT_JSON, False),
    ],
)
def test_only_connection_errors_are_retried(failure: Failure, retried: bool) -> None:
    decision = decide(POLICY, attempt=1, safe_to_repeat=True, rng=random.Random(0), failure=failure)
    assert decision.retry is retried


def test_a_document_submission_is_never_repeated() -> None:
    for status in (429, 503):
        decision = decide(
            POLICY,
            attempt=1,
            safe_to_repeat=False,
            rng=random.Random(0),
            status_code=status,
            retry_after="1",
        )
        assert not decision.retry
        assert "never submitted twice" in decision.reason
    decision = decide(
        POLICY, attempt=1, safe_to_repeat=False, rng=random.Random(0), failure=Failure.REFUSED
    )
    assert not decision.retry


def test_retry_after_is_honoured_exactly_on_429_and_503() -> None:
    for status in (429, 503):
        decision = decide(
            POLICY,
            attempt=1,
            safe_to_repeat=True,
            rng=random.Random(0),
            status_code=status,
            retry_after="7",
        )
        assert decision.retry and decision.delay_s == 7.0
    # on a 502 the header is not a promise: backoff applies
    decision = decide(
        POLICY,
        attempt=1,
        safe_to_repeat=True,
        rng=random.Random(0),
        status_code=502,
        retry_after="7",
    )
    assert decision.delay_s <= 0.5


def test_retry_after_above_the_cap_gives_up_and_says_why() -> None:
    decision = decide(
        POLICY,
        attempt=1,
        safe_to_repeat=True,
        rng=random.Random(0),
        status_code=429,
        retry_after="120",
    )
    assert not decision.retry
    assert "120 s" in decision.reason and "retry_after_cap of 30 s" in decision.reason


def test_gives_up_at_max_attempts() -> None:
    rng = random.Random(0)
    assert decide(POLICY, attempt=3, safe_to_repeat=True, rng=rng, status_code=503).retry
    last = decide(POLICY, attempt=4, safe_to_repeat=True, rng=rng, status_code=503)
    assert not last.retry
    assert "gave up after 4 attempts" in last.reason


def test_disabled_policy_never_retries() -> None:
    policy = RetryPolicy(enabled=False)
    decision = decide(policy, attempt=1, safe_to_repeat=True, rng=random.Random(0), status_code=503)
    assert not decision.retry
    assert "turned off" in decision.reason
