"""The built-in sandbox: a local ONESOURCE-style API with fault injection.

Every live check can be rehearsed against it on one machine (`golive sandbox`, `golive demo`,
the tests). It shares no code with the API client: both follow the same wire contract.
"""

from __future__ import annotations

from golive.sandbox.faults import Faults, FaultTarget
from golive.sandbox.settings import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_COMPANY,
    SandboxSettings,
    TlsVariant,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_COMPANY",
    "FaultTarget",
    "Faults",
    "SandboxSettings",
    "TlsVariant",
]
