"""The one clock golive reads. `GOLIVE_NOW` freezes it (golden files, snapshot tests, demos)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware UTC, to the second (sessions diff cleanly)."""
    frozen = os.environ.get("GOLIVE_NOW")
    if frozen:
        moment = datetime.fromisoformat(frozen)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)


def monotonic() -> float:
    """Seconds on a clock that only moves forward, for quiet periods and deadlines.

    Read through this module (never `time.monotonic` directly) so that tests can drive it."""
    return time.monotonic()
