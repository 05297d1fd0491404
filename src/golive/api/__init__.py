"""The wire: the ONESOURCE API client, its retry policy, endpoints and errors.

Never imports the sandbox (nor the sandbox this package). The names below are imported when first
used: a screen that needs only the presets does not load the HTTP client (httpx: ~0.1 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from golive.api.client import (
        AccessToken,
        ApiAnswer,
        OnesourceClient,
        RetryNotice,
        redact_headers,
    )
    from golive.api.endpoints import PRESETS, Endpoints, Preset, apply_preset, is_rehearsal
    from golive.api.errors import ApiError, ApiProblem, Failure, Operation

_HOMES = {
    "golive.api.client": ("AccessToken", "ApiAnswer", "OnesourceClient", "RetryNotice"),
    "golive.api.endpoints": ("PRESETS", "Endpoints", "Preset", "apply_preset", "is_rehearsal"),
    "golive.api.errors": ("ApiError", "ApiProblem", "Failure", "Operation"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
_HOME_OF["redact_headers"] = "golive.api.client"

__all__ = [
    "PRESETS",
    "AccessToken",
    "ApiAnswer",
    "ApiError",
    "ApiProblem",
    "Endpoints",
    "Failure",
    "OnesourceClient",
    "Operation",
    "Preset",
    "RetryNotice",
    "apply_preset",
    "is_rehearsal",
    "redact_headers",
]


def __getattr__(name: str) -> Any:
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module 'golive.api' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
