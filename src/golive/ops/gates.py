"""What an action past a gate keeps of the gate: the evidence of an action taken while the gate
was held names the override that let it go ahead (the check itself is
`golive.session.checklist.require_gate`, the one check every such action makes)."""

from __future__ import annotations

from typing import Any

from golive.session.checklist import GateStatus


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
