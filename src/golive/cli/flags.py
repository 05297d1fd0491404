"""The command-line flag for each session field a core error names.

Core errors say where in the session a problem is (`where="rollout.share_pct"`): words that mean
the same in the wizard, the report and here. The CLI shows the flag the user typed instead.
Each area keeps its own block below (merged into FLAG_FOR_WHERE at the end).
"""

from __future__ import annotations

from golive.session.errors import GoliveError

# --- session, certificates, countries -----------------------------------------------------
SESSION_FLAGS: dict[str, str] = {
    "items.status": "--status",
    "items.attestation": "--attest",
    "gate_overrides.reason": "--override",
}


# --- ops: pilot, rollout, rollback, window, watch, monitoring, support, deploys -------------
OPS_FLAGS: dict[str, str] = {}


# --- api, checks, sandbox, secrets ----------------------------------------------------------
CHECK_FLAGS: dict[str, str] = {}


# --- report and export ----------------------------------------------------------------------
REPORT_FLAGS: dict[str, str] = {}


FLAG_FOR_WHERE: dict[str, str] = {**SESSION_FLAGS, **OPS_FLAGS, **CHECK_FLAGS, **REPORT_FLAGS}


def flag_for(where: str) -> str:
    """The flag for a session field path; anything else (a flag, a file:line) as it is."""
    return FLAG_FOR_WHERE.get(where, where)


def for_cli(error: GoliveError) -> str:
    """The error as the command line shows it: its `where` spelled as the flag."""
    return error.described(flag_for(error.where))
