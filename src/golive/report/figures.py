"""Figures of a live run in words, each against its target where the session has one."""

from __future__ import annotations

from typing import Any

from golive.report.types import (
    Measurement,
)
from golive.report.words import (
    entries_text,
    number_text,
    value_text,
)
from golive.session.model import (
    Session,
)
from golive.session.targets import FigureVerdict, target_of

_FIGURES: dict[str, tuple[str, str]] = {
    "error_rate_pct": ("Error rate", "%"),
    "response_time_p95_s": ("Response time, 95th percentile", " s"),
    "response_time_p50_s": ("Response time, median", " s"),
    "response_time_p99_s": ("Response time, 99th percentile", " s"),
    "requests": ("Requests", ""),
    "days_to_expiry": ("Days to expiry", " days"),
}


def _figure_label(name: str) -> tuple[str, str]:
    if name in _FIGURES:
        return _FIGURES[name]
    for suffix, unit in (("_pct", "%"), ("_ms", " ms"), ("_s", " s")):
        if name.endswith(suffix):
            words = name.removesuffix(suffix).replace("_", " ")
            return words[:1].upper() + words[1:], unit
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:], ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def measurement(session: Session, name: str, value: Any) -> Measurement:
    label, unit = _figure_label(name)
    scalar: int | float | str | bool | None
    if value is None or isinstance(value, bool | int | float | str):
        scalar = value
    elif isinstance(value, list) and any(isinstance(e, dict) for e in value):
        scalar = "; ".join(entries_text(value))
    elif unit and isinstance(value, dict) and all(_is_number(v) for v in value.values()):
        # a figure per part, each in the figure's unit: "auth 2.4 ms; dns 0.5 ms"
        scalar = "; ".join(
            f"{k.replace('_', ' ')} {number_text(v)}{unit}" for k, v in value.items()
        )
    else:
        scalar = value_text(value)
    numeric = _is_number(scalar)
    text = f"{number_text(scalar)}{unit}" if numeric else value_text(scalar)
    big = isinstance(scalar, int | float) and numeric and abs(scalar) >= 10_000
    if big and isinstance(scalar, int | float) and float(scalar).is_integer():
        text = f"{int(scalar):,}{unit}"  # 1,000,000 calls, not 1000000
    target = target_of(session, name)
    if target is None or not isinstance(scalar, int | float) or isinstance(scalar, bool):
        return Measurement(name=name, label=label, value=scalar, text=text)
    meets = FigureVerdict(name, float(scalar), target).meets
    return Measurement(
        name=name,
        label=label,
        value=scalar,
        text=text,
        target=target,
        target_text=f"< {number_text(target)}{unit}",
        meets_target=meets,
    )


def measurements(session: Session, figures: dict[str, Any]) -> list[Measurement]:
    """The figures of a run (empty ones left out), each against its target where there is one."""
    return [
        measurement(session, name, value)
        for name, value in figures.items()
        if value is not None and value != "" and value != [] and value != {}
    ]
