"""The three-way merge of two saves of one session (this run's and another golive's)."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def _changed_keys(before: Any, after: Any, path: tuple[str, ...]) -> list[str]:
    """The leaf keys that differ (for saying what a merge took from the other side)."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = dict.fromkeys([*before, *after])
        return [
            changed
            for key in keys
            for changed in _changed_keys(
                before.get(key, _MISSING), after.get(key, _MISSING), (*path, str(key))
            )
        ]
    return [".".join(path)] if path else []


def _three_way(
    base: Any, mine: Any, theirs: Any, path: tuple[str, ...]
) -> tuple[Any, list[str], list[str]]:
    """Merge two changes of `base`: (merged, keys changed differently on both sides, keys
    taken from theirs)."""
    if mine == theirs:
        return mine, [], []
    if mine == base:
        return theirs, [], _changed_keys(base, theirs, path)
    if theirs == base:
        return mine, [], []
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        merged: dict[str, Any] = {}
        conflicts: list[str] = []
        taken: list[str] = []
        for key in dict.fromkeys([*mine, *theirs, *base]):
            value, c, t = _three_way(
                base.get(key, _MISSING),
                mine.get(key, _MISSING),
                theirs.get(key, _MISSING),
                (*path, str(key)),
            )
            conflicts += c
            taken += t
            if value is not _MISSING:
                merged[key] = value
        return merged, conflicts, taken
    return mine, [".".join(path)], []
