"""What an action past a gate keeps of the gate: the evidence of an action taken while the gate
was held names the override that let it go ahead (the check itself is
`golive.session.checklist.require_gate`, the one check every such action makes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from golive.session.checklist import GateStatus, gate_status, require_gate
from golive.session.evidence import verify
from golive.session.model import Session
from golive.session.store import evidence_path


def chain_problems(session: Session, session_path: Path | None) -> tuple[str, ...]:
    """What is wrong with the session's evidence log (nothing when it verifies): a log that does
    not verify holds both gates, so every action past a gate asks first."""
    if session_path is None:
        return ()
    return tuple(verify(session, evidence_path(session_path)).problems)


def pass_gate(
    session: Session,
    gate: str,
    *,
    override: str | None = None,
    by: str | None = None,
    session_path: Path | None = None,
) -> GateStatus:
    """`require_gate`, the one check, with the override recorded only when the gate is held
    (an open gate needs none, and the report never shows one that was not needed)."""
    problems = chain_problems(session, session_path)
    needed = override is not None and not gate_status(session, gate, chain_problems=problems).open
    return require_gate(
        session, gate, override=override if needed else None, by=by, chain_problems=problems
    )


def gate_passed_by(gate: GateStatus) -> dict[str, Any]:
    """The diagnosis of an action's evidence: empty when the gate was open, else the override."""
    if gate.open or gate.override is None:
        return {}
    override = gate.override
    return {
        "gate": gate.gate,
        "gate_waited_for": list(gate.missing),
        "gate_override": {
            "reason": override.reason,
            "by": override.by,
            "at": override.at.isoformat(),
        },
    }


def override_words(gate: GateStatus) -> str:
    """One line saying the action went past a held gate, and on whose word ("" when open)."""
    if gate.open or gate.override is None:
        return ""
    override = gate.override
    return (
        f"the {gate.gate} gate is held ({'; '.join(gate.missing)}); went ahead on the override "
        f"by {override.by} at {override.at:%Y-%m-%d %H:%M} UTC: {override.reason}"
    )
