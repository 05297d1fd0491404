"""The pilot customers: adding and removing them, and the rollout note they give."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from golive.session.checklist import set_item_status
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from golive.session.sections import PilotCustomer

DEFAULT_OFFSETS = (1.0, 4.0, 24.0)  # and the end of the monitoring window (targets: 48 h)


def what_to_look_at(offset_hours: float, window_hours: float) -> str:
    """What a checkpoint is for, by how far into the watch it is."""
    if offset_hours >= window_hours:
        return (
            "the whole watch: error rate and p95 response time against the targets, rejections by "
            "country and reason, unexpected errors; customer feedback; decide on the first rollout stage"
        )
    if offset_hours <= 1:
        return (
            "the first calls: any error at all (5xx, 429, timeouts), token refreshes, the pilot's "
            "first documents cleared in each country"
        )
    if offset_hours <= 6:
        return (
            "error rate and p95 response time against the targets; clearance rejections by country "
            "and reason; retries and 429s"
        )
    return (
        "a full business day: the figures against the targets, rejections by reason, unexpected "
        "errors in the logs, the pilot customers' feedback"
    )


def checkpoint_label(offset_hours: float) -> str:
    return f"+{offset_hours:g} h"


def _label_key(label: str) -> str:
    return re.sub(r"[\s+]", "", label.lower()).removesuffix("h").removesuffix("hours")


# --- pilot customers ----------------------------------------------------------------------------


@dataclass
class PilotChange:
    customers: list[PilotCustomer]
    warnings: list[str] = field(default_factory=list)
    note: str = ""


def _pilot_note(session: Session) -> tuple[str, list[str]]:
    customers = session.golive.pilot_customers
    names = ", ".join(c.name for c in customers) or "none"
    warnings: list[str] = []
    if len(customers) > session.targets.pilot_max:
        warnings.append(
            f"{len(customers)} pilot customers: a pilot of more than {session.targets.pilot_max} "
            "makes a problem harder to contain and to trace"
        )
    note = f"pilot customers: {names}"
    if session.golive.pilot_enabled_at:
        note += f"; enabled at {session.golive.pilot_enabled_at:%Y-%m-%d %H:%M} UTC"
    else:
        note += "; enable the pilot to start the watch"
    if warnings:
        note += "; warning: " + "; ".join(warnings)
    return note, warnings


def add_pilot_customer(
    session: Session,
    name: str,
    *,
    contact: str = "",
    countries: list[str] | None = None,
    by: str | None = None,
) -> PilotChange:
    """Name a pilot customer (or update its contact and countries)."""
    name = name.strip()
    if not name:
        raise BadInputError(
            "the pilot customer's name is empty",
            where="golive.pilot_customers",
            advice="give a name",
        )
    codes = [c.strip().upper() for c in countries or [] if c.strip()]
    unknown = [c for c in codes if c not in session.active_countries()]
    if unknown:
        raise BadInputError(
            f"not countries of this session: {', '.join(unknown)}",
            where="golive.pilot_customers.countries",
            advice=f"the session has: {', '.join(session.active_countries()) or 'none'}",
        )
    customers = list(session.golive.pilot_customers)
    existing = next((c for c in customers if c.name.casefold() == name.casefold()), None)
    if existing is not None:
        customers[customers.index(existing)] = PilotCustomer(
            name=existing.name,
            contact=contact or existing.contact,
            countries=codes or existing.countries,
        )
    else:
        customers.append(PilotCustomer(name=name, contact=contact, countries=codes))
    session.golive.pilot_customers = customers
    note, warnings = _pilot_note(session)
    if session.golive.pilot_enabled_at is None:
        set_item_status(session, "golive.pilot", ItemStatus.IN_PROGRESS, by=by, note=note)
    else:
        set_item_status(session, "golive.pilot", ItemStatus.DONE, by=by, note=note)
    return PilotChange(customers, warnings, note)


def remove_pilot_customer(session: Session, name: str, *, by: str | None = None) -> PilotChange:
    customers = [
        c for c in session.golive.pilot_customers if c.name.casefold() != name.strip().casefold()
    ]
    if len(customers) == len(session.golive.pilot_customers):
        raise BadInputError(
            f"{name!r} is not a pilot customer",
            where="golive.pilot_customers.remove",
            advice="the pilot customers are: "
            + (", ".join(c.name for c in session.golive.pilot_customers) or "none"),
        )
    session.golive.pilot_customers = customers
    note, warnings = _pilot_note(session)
    status = ItemStatus.IN_PROGRESS if customers else ItemStatus.TODO
    set_item_status(session, "golive.pilot", status, by=by, note=note)
    return PilotChange(customers, warnings, note)
