"""Recorded details as label-value facts, including fields nobody taught the report about yet."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from golive.report.masking import (
    scrub,
)
from golive.report.types import (
    Fact,
)
from golive.report.words import (
    date_text,
    moment_text,
    number_text,
    plural,
)


def fact_list(*pairs: tuple[str, str]) -> list[Fact]:
    return [Fact(label=label, value=value) for label, value in pairs if value]


def leftover_facts(model: BaseModel, handled: set[str], prefix: str = "") -> list[Fact]:
    """Fields of a section nobody taught the report about yet: shown as label - value."""
    facts: list[Fact] = []
    for name, field in type(model).model_fields.items():
        if name in handled:
            continue
        value = getattr(model, name)
        if value == field.get_default(call_default_factory=True):
            continue  # a setting nobody chose says nothing
        label = f"{prefix}{name.replace('_', ' ')}"
        facts.extend(_generic_facts(label, value))
    return facts


def _generic_facts(label: str, value: Any) -> list[Fact]:
    if value is None or value == "" or value == [] or value == {}:
        return []
    if isinstance(value, BaseModel):
        return leftover_facts(value, set(), prefix=f"{label}: ")
    if isinstance(value, datetime):
        return [Fact(label=label, value=moment_text(value))]
    if isinstance(value, date):
        return [Fact(label=label, value=date_text(value))]
    if isinstance(value, Enum):
        return [Fact(label=label, value=str(value.value))]
    if isinstance(value, list):
        parts = []
        for element in value:
            if isinstance(element, BaseModel):
                inner = leftover_facts(element, set())
                parts.append(", ".join(f"{f.label}: {f.value}" for f in inner))
            else:
                parts.append(number_text(element))
        joiner = "; " if any(isinstance(e, BaseModel) for e in value) else ", "
        return [Fact(label=label, value=scrub(joiner.join(p for p in parts if p)))]
    if isinstance(value, dict):
        text = "; ".join(f"{k}: {number_text(v)}" for k, v in sorted(value.items()))
        return [Fact(label=label, value=scrub(text))]
    if isinstance(value, bool) and value is False:
        return []
    return [Fact(label=label, value=scrub(number_text(value)))]


def days_until(day: date, today: date) -> str:
    """A date against the report's own day (a report is read long after it is made: never "in
    5 days" or "today")."""
    days = (day - today).days
    if days > 0:
        return f"{day.isoformat()} ({plural(days, 'day')} after this report)"
    if days == 0:
        return f"{day.isoformat()} (the day of this report)"
    return f"{day.isoformat()} (EXPIRED {plural(-days, 'day')} before this report)"
