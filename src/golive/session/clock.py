"""The one clock golive reads. `GOLIVE_NOW` freezes it (golden files, snapshot tests, demos)."""

from __future__ import annotations

import os
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
