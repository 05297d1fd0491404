"""The wire: the ONESOURCE API client, its retry policy, endpoints and errors.

Never imports the sandbox (nor the sandbox this package).
"""

from __future__ import annotations

from golive.api.client import AccessToken, ApiAnswer, OnesourceClient, RetryNotice, redact_headers
from golive.api.endpoints import PRESETS, Endpoints, Preset, apply_preset, is_rehearsal
from golive.api.errors import ApiError, ApiProblem, Failure, Operation

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
