"""Changing a checklist item: who a change is recorded as, when an attestation is needed, and
`set_item_status`, the one way an item's state changes (re-exported by golive.session.checklist)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from datetime import datetime

from golive.session.checklist_definition import (
    ItemDefinition,
    definition,
)
from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError
from golive.session.model import (
    NEEDS_REASON,
    HistoryEntry,
    ItemState,
    ItemStatus,
    Session,
)

PRODUCTION_FACTS = frozenset({"environment.endpoint", "environment.company_id"})


def about_production(item_id: str) -> bool:
    """Whether an item states a fact about production (so a rehearsal cannot prove it)."""
    return item_id.startswith("production.") or item_id in PRODUCTION_FACTS


def default_actor(session: Session) -> str:
    """Who a change is recorded as: the session's engineer, else the OS user."""
    if session.meta.engineer:
        return session.meta.engineer
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def item_definition(item_id: str) -> ItemDefinition | None:
    """The catalog entry of an item id (a per-country id finds its `{cc}` entry)."""
    for item_def in definition().items:
        if item_def.id == item_id:
            return item_def
        if item_def.per_country:
            head, _, tail = item_def.id.partition("{cc}")
            middle = item_id[len(head) : len(item_id) - len(tail)]
            if (
                item_id.startswith(head)
                and item_id.endswith(tail)
                and len(middle) == 2
                and middle.isupper()
            ):
                return item_def
    return None


ATTEST_ADVICE = (
    "run the check that proves it, or record it as an attestation with your reason: "
    "`golive item SESSION {item} --status {status} --attest 'how you know'` "
    "(a note is not a reason; in the wizard, say why when asked)"
)


def attestation_needed(session: Session, item_id: str, status: ItemStatus | str) -> str | None:
    """Why a person's change to this state needs an attestation (None when it does not): an
    evidence-bound item ticked done by hand, or a state that contradicts the item's newest
    evidence. The wizard asks for the reason; `set_item_status` refuses without one."""
    from golive.session.checklist import OUTCOME_WORDS, contradicts_evidence  # (imports us)

    try:
        new_status = ItemStatus(status)
    except ValueError:
        return None
    old = session.items.get(item_id) or ItemState()
    if old.evidence_status is not None and contradicts_evidence(new_status, old.evidence_status):
        return (
            f"{new_status.value.replace('_', ' ')} by hand contradicts evidence "
            f"#{old.evidence_id} ({OUTCOME_WORDS[old.evidence_status]}): it needs your reason"
        )
    item_def = item_definition(item_id)
    if (
        new_status is ItemStatus.DONE
        and item_def is not None
        and item_def.evidence_bound
        and old.evidence_status is not ItemStatus.DONE
    ):
        return (
            "golive proves this item with evidence, and none has shown it done: ticked by "
            "hand it is an attestation and needs your reason"
        )
    return None


# Long because each guard on a status change (item, reason, attestation, evidence) has its own message, then one record.
def set_item_status(
    session: Session,
    item_id: str,
    status: ItemStatus | str,
    *,
    by: str | None = None,
    note: str | None = None,
    reason: str = "",
    evidence: Iterable[str] = (),
    at: datetime | None = None,
    attestation: str = "",
) -> ItemState:
    """Change one item's state, keeping its history. The only way item states change.

    `evidence` names the records that set it (`golive.session.evidence.record` passes them);
    `attestation` is a person's reason for a state golive could otherwise prove with evidence.
    Without evidence, an evidence-bound item set done, or a state that contradicts the item's
    newest evidence, is refused (BadInputError, exit 2) unless attested."""
    from golive.session.checklist import _effective, known_item_ids  # (checklist imports this)

    if item_id not in known_item_ids(session):
        raise BadInputError(
            f"{item_id!r} is not an item of this session",
            where="item id",
            advice="`golive status SESSION` lists the ids (per-country ids need the country in the session)",
        )
    try:
        new_status = ItemStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in ItemStatus)
        raise BadInputError(
            f"{status!r} is not a status", where="items.status", advice=f"use one of: {choices}"
        ) from None
    if new_status in NEEDS_REASON and not reason.strip():
        raise BadInputError(
            f"status {new_status.value} needs a reason",
            where=item_id,
            advice="say why, for example --reason 'Germany needs no certificate for B2B invoices'",
        )
    evidence_ids = list(dict.fromkeys(evidence))
    attestation = attestation.strip()
    if not attestation.isprintable():  # it is shown on terminals and in the reports' one-liners
        raise BadInputError(
            f"{item_id}: the attestation holds a line break or a control character",
            where="items.attestation",
            advice="write the reason on one line, e.g. --attest 'ran it in Postman, ticket 42'",
        )
    if not evidence_ids and not attestation:
        why = attestation_needed(session, item_id, new_status)
        if why is not None:
            raise BadInputError(
                why,
                where=item_id,
                advice=ATTEST_ADVICE.format(item=item_id, status=new_status.value),
            )
    moment = at or clock_now()
    actor = by or default_actor(session)
    old = session.items.get(item_id) or ItemState()
    item_def = item_definition(item_id)
    previous = old.status
    if item_def is not None:  # the effective state before (a derived one included)
        country = item_id.split(".")[1] if item_def.per_country else None
        previous = _effective(session, item_def, item_id, country).status
    kept_attestation = None if evidence_ids else (attestation or None)
    history = [
        *old.history,
        HistoryEntry(
            at=moment,
            by=actor,
            from_=previous,
            to=new_status,
            reason=reason if new_status in NEEDS_REASON else "",
            note=note or "",
            attestation=kept_attestation,
            evidence=evidence_ids or None,
        ),
    ]
    merged_evidence = list(dict.fromkeys([*old.evidence, *evidence_ids]))
    state = ItemState(
        status=new_status,
        reason=reason if new_status in NEEDS_REASON else "",
        note=old.note if note is None else note,
        changed_by=actor,
        changed_at=moment,
        evidence=merged_evidence,
        attestation=kept_attestation,
        evidence_id=evidence_ids[-1] if evidence_ids else old.evidence_id,
        evidence_status=new_status if evidence_ids else old.evidence_status,
        history=history,
    )
    items = dict(session.items)
    items[item_id] = state
    session.items = items
    return state
