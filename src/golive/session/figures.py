"""NAME=NUMBER figures (a checkpoint's error rate, p95, call count): one rule for every presenter.

The CLI's `--figure calls=1200` and the Go-live screen's "error_rate_pct=0.4, calls=1200" both
come through here, so both accept and refuse the same text.
"""

from __future__ import annotations

import math

from golive.session.errors import BadInputError

WHERE = "golive.checkpoints.figures"
EXAMPLE = "error_rate_pct=0.4, response_time_p95_s=1.2"


def parse_figure(pair: str) -> tuple[str, float]:
    """One `NAME=NUMBER`; the number is finite (no nan, no inf); the name is not empty."""
    name, sep, value = pair.partition("=")
    name = name.strip()
    if not sep or not name:
        raise BadInputError(
            f"{pair.strip()!r} is not NAME=NUMBER", where=WHERE, advice=f"e.g. {EXAMPLE}"
        )
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise BadInputError(
            f"{pair.strip()!r}: {value.strip()!r} is not a number",
            where=WHERE,
            advice=f"e.g. {EXAMPLE}",
        )
    return name, number


def parse_figures(text: str) -> dict[str, float]:
    """Comma-separated `NAME=NUMBER` pairs (empty parts are skipped; a name given twice is refused)."""
    figures: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, number = parse_figure(part)
        if name in figures:
            raise BadInputError(
                f"{name!r} is given twice", where=WHERE, advice="give each figure once"
            )
        figures[name] = number
    return figures
