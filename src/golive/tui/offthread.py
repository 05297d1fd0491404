"""Core calls that run in a thread worker on a copy of the session; the UI thread then takes
what they changed into the live session (only the UI thread changes it).

Taken part by part: a value the user changed meanwhile elsewhere in the session is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from golive.session.model import Session


class SessionCopy:
    """The copy a worker changes, and the session as it was when the copy was made."""

    def __init__(self, live: Session) -> None:
        self.before = live.model_copy(deep=True)
        self.session = live.model_copy(deep=True)

    def take_into(self, live: Session) -> bool:
        """Put what the worker changed into `live` (on the UI thread). True when anything was."""
        return _take(live, self.before, self.session)


def _take(live: Any, before: Any, after: Any) -> bool:
    changed = False
    if isinstance(after, BaseModel) and isinstance(live, BaseModel):
        for name in type(after).model_fields:
            old, new = getattr(before, name, None), getattr(after, name)
            if old == new:
                continue
            current = getattr(live, name)
            if _nested(current, old, new):
                changed = _take(current, old, new) or changed
            else:
                setattr(live, name, new)
                changed = True
        return changed
    if isinstance(after, dict) and isinstance(live, dict):
        for key in set(before) - set(after):
            live.pop(key, None)
            changed = True
        for key, new in after.items():
            old = before.get(key)
            if old == new:
                continue
            current = live.get(key)
            if _nested(current, old, new):
                changed = _take(current, old, new) or changed
            else:
                live[key] = new
                changed = True
    return changed


def _nested(current: Any, old: Any, new: Any) -> bool:
    """Whether to walk into a part rather than replace it whole."""
    kinds = (BaseModel, dict)
    return isinstance(new, kinds) and type(current) is type(new) and type(old) is type(new)
