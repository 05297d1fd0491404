"""Pydantic's validation errors in plain words, naming the field: no validator jargon reaches a user.

`plain_problems(error)` turns a ValidationError into (field path, words) pairs;
`plain_message(detail)` turns one error dict (an item of `error.errors()`) into words.
The session-file loader and the wizard's fields both use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

# error type -> words (a "{expected}" is filled from the error's context when it has one)
_WORDS: dict[str, str] = {
    "missing": "missing",
    "extra_forbidden": "unknown key (a typo? `golive schema session` lists the keys)",
    "date_type": "not a date: write it as YYYY-MM-DD (for example 2026-03-01)",
    "date_parsing": "not a date: write it as YYYY-MM-DD (for example 2026-03-01)",
    "date_from_datetime_parsing": "not a date: write it as YYYY-MM-DD (for example 2026-03-01)",
    "date_from_datetime_inexact": "a date without a time of day: write it as YYYY-MM-DD",
    "date_future": "a date that is not in the future",
    "date_past": "a date that is not in the past",
    "datetime_type": "not a date and time: write it as 2026-03-01T09:30:00+00:00",
    "datetime_parsing": "not a date and time: write it as 2026-03-01T09:30:00+00:00",
    "datetime_from_date_parsing": "not a date and time: write it as 2026-03-01T09:30:00+00:00",
    "timezone_aware": "a time without its time zone: add one, for example +00:00",
    "int_type": "not a whole number",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number (no decimals)",
    "float_type": "not a valid number",
    "float_parsing": "not a valid number",
    "bool_type": "not true or false",
    "bool_parsing": "not true or false",
    "string_type": "not text: put it in quotes",
    "list_type": "not a list: write it as [ ... ]",
    "dict_type": "not a table of keys and values",
    "model_type": "not a table of keys and values",
    "model_attributes_type": "not a table of keys and values",
    "literal_error": "not one of the allowed values: {expected}",
    "enum": "not one of the allowed values: {expected}",
    "greater_than": "too small: it must be greater than {gt}",
    "greater_than_equal": "too small: it must be greater than or equal to {ge}",
    "less_than": "too large: it must be less than {lt}",
    "less_than_equal": "too large: it must be less than or equal to {le}",
    "string_too_short": "too short: at least {min_length} character(s)",
    "string_too_long": "too long: at most {max_length} character(s)",
    "too_short": "too few entries: at least {min_length}",
    "too_long": "too many entries: at most {max_length}",
    "string_pattern_mismatch": "not in the expected form",
    "url_parsing": "not a URL golive can read (for example https://api.onesourcetax.com)",
    "url_scheme": "not an http(s) URL",
    "recursion_loop": "values nested too deeply",
}


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """A dotted field path from an error's location (`countries.DE.company_id`, `items[2]`)."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def plain_message(detail: Mapping[str, Any]) -> str:
    """The words for one pydantic error dict, without the field name and without raw jargon."""
    kind = str(detail.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        # golive's own validators raise ValueError with plain words already
        message = str(detail.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message or "not a value golive can use here"
    template = _WORDS.get(kind)
    if template is None:
        return "not a value golive can use here"
    context = {key: _shown(value) for key, value in (detail.get("ctx") or {}).items()}
    try:
        words = template.format(**context)
    except (KeyError, IndexError):
        return template.split(":")[0]
    reason = context.get("error", "")
    if kind in _PARSING and "outside expected range" in reason:  # say which part: the month, …
        head, _, rest = words.partition(": ")
        words = f"{head} ({reason.replace(' value is', ' is')}): {rest}"
    return words


# date and time parse errors whose context says which part is wrong ("month value is outside …")
_PARSING = {
    "date_parsing",
    "date_from_datetime_parsing",
    "datetime_parsing",
    "datetime_from_date_parsing",
}


def _shown(value: Any) -> str:
    """A context value as a user reads it: a bound of 0.0 is 0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plain_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, plain words) for every problem in a ValidationError, in its order."""
    return [(field_path(tuple(detail["loc"])), plain_message(detail)) for detail in error.errors()]


def plain_text(error: ValidationError) -> str:
    """One line per problem, `field: words` (the field left out when the whole value is wrong)."""
    return "; ".join(f"{path}: {words}" if path else words for path, words in plain_problems(error))
