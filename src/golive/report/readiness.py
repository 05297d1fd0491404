"""The two gates' readiness, as the one gate engine (`golive.session.checklist`) decides it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from golive.report.symbols import (
    GATE_TITLES,
    STATE_SYMBOLS,
    STATE_WORDS,
)
from golive.report.types import (
    BlockingItem,
    GateOverrideEntry,
    Readiness,
)
from golive.session.checklist import Checklist
from golive.session.model import (
    Session,
)


def override_entries(session: Session) -> list[GateOverrideEntry]:
    return [
        GateOverrideEntry(gate=o.gate, reason=o.reason, by=o.by, at=o.at)
        for o in session.gate_overrides
    ]


def gate_readiness(
    session: Session,
    checklist: Checklist,
    gate: Literal["production", "golive"],
    chain_problems: Sequence[str] = (),
) -> Readiness:
    """A gate's readiness as the one gate engine decides it."""
    status = checklist.gate(gate, chain_problems)
    blocking = checklist.blocking(gate)
    attested = set(status.attested_ids)
    overrides = [o for o in override_entries(session) if o.gate == gate]
    ready = status.open
    verdict = "yes" if ready else f"no: {status.sentence}"
    return Readiness(
        gate=gate,
        title=GATE_TITLES[gate],
        ready=ready,
        passable=status.passable,
        verdict=verdict,
        sentence=status.sentence,
        blocking=[
            BlockingItem(
                id=i.id,
                text=i.text,
                country=i.country,
                state=STATE_WORDS[i.status],
                symbol=STATE_SYMBOLS[i.status],
                reason=i.reason,
                attested=i.id in attested,
                basis_text=i.basis.text,
            )
            for i in blocking
        ],
        holds=list(status.holds),
        attested=list(status.attested),
        overrides=overrides,
    )
