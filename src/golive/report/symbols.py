"""The report's fixed words and symbols: item states, run outcomes, gate titles."""

from __future__ import annotations

from golive.session.model import ItemStatus

STATE_WORDS: dict[ItemStatus, str] = {
    ItemStatus.TODO: "open",
    ItemStatus.IN_PROGRESS: "in progress",
    ItemStatus.DONE: "done",
    ItemStatus.FAILED: "failed",
    ItemStatus.NOT_APPLICABLE: "not applicable",
    ItemStatus.BLOCKED: "blocked",
}
STATE_SYMBOLS: dict[ItemStatus, str] = {
    ItemStatus.TODO: "○",
    ItemStatus.IN_PROGRESS: "◐",
    ItemStatus.DONE: "✓",
    ItemStatus.FAILED: "✗",
    ItemStatus.NOT_APPLICABLE: "–",
    ItemStatus.BLOCKED: "⊘",
}
OUTCOME_SYMBOLS: dict[str, str] = {
    "passed": "✓",
    "failed": "✗",
    "error": "✗",
    "warning": "!",
    "cancelled": "–",
    "info": "ℹ",
}
GATE_TITLES = {"production": "Ready for production", "golive": "Ready for go-live"}
NOTHING = "not recorded"
