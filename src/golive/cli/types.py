"""argparse `type=` parsers: a figure (NAME=NUMBER), a country list, hours, a duration.

Each raises argparse.ArgumentTypeError, so the error names the flag the user typed
("argument --figure: 'calls' is not NAME=NUMBER") and exits 2 like any other bad input.
"""

from __future__ import annotations

import argparse
import math
import re

from golive.session.errors import BadInputError


def _refused(error: BadInputError) -> argparse.ArgumentTypeError:
    text = error.message + (f" ({error.advice})" if error.advice else "")
    return argparse.ArgumentTypeError(text)


def figure(text: str) -> tuple[str, float]:
    """`--figure calls=1200`: one checkpoint figure (the core's rule, golive.session.figures)."""
    from golive.session.figures import parse_figure

    try:
        return parse_figure(text)
    except BadInputError as error:
        raise _refused(error) from None


def country_list(text: str) -> list[str]:
    """`--countries IT,MX`: ISO codes (EL means GR), empty parts skipped."""
    from golive.countries.editing import country_codes

    try:
        return country_codes([text])
    except BadInputError as error:
        raise _refused(error) from None


def hours_list(text: str) -> list[float]:
    """`--checkpoints 1,4,24,48`: hours after the pilot was enabled, each above zero."""
    hours: list[float] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} is not a number of hours above 0 (e.g. 1,4,24,48)"
            )
        hours.append(value)
    if not hours:
        raise argparse.ArgumentTypeError("no hours given (e.g. 1,4,24,48)")
    return hours


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*", re.IGNORECASE)
_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def duration(text: str) -> float:
    """`--timeout 120`, `90s`, `15m`, `2h`, `1d`: seconds (a bare number is seconds), above 0."""
    match = _DURATION.fullmatch(text)
    seconds = (
        float(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()] if match else math.nan
    )
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration (seconds, or e.g. 90s, 15m, 2h)"
        )
    return seconds
