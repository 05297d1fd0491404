"""Support after go-live: the first-line model and the escalation path, levels 1 to 4.

The model's text ("Partner provides first-line support, escalates to Thomson Reuters as needed" /
"Thomson Reuters provides direct support to end customers") is `SupportSetup.first_line_text()`;
`support_view` gives every presenter the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from golive.session.sections import (
    ESCALATION_LEVELS,
    FIRST_LINE_TEXT,
    Contact,
    EscalationLevel,
    confirmation_words,
)

LEVELS = range(1, len(ESCALATION_LEVELS) + 1)


@dataclass(frozen=True)
class LevelView:
    level: int
    team: str
    name: str
    email: str
    phone: str
    confirmed: bool
    confirmed_on: date | None = None
    confirmed_by: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.name and (self.email or self.phone))

    @property
    def confirmation(self) -> str:
        """In words: "confirmed on 2026-11-02 by Ada" or "not confirmed"."""
        return confirmation_words(self.confirmed, self.confirmed_on, self.confirmed_by)


@dataclass(frozen=True)
class SupportView:
    first_line: str | None
    first_line_text: str
    levels: list[LevelView]

    @property
    def complete(self) -> bool:
        return self.first_line is not None and all(level.complete for level in self.levels)


def support_view(session: Session) -> SupportView:
    setup = session.support
    by_level = {e.level: e for e in setup.escalation}
    levels: list[LevelView] = []
    for number in LEVELS:
        entry = by_level.get(number)
        contact = entry.contact if entry else None
        levels.append(
            LevelView(
                number,
                (entry.team if entry and entry.team else ESCALATION_LEVELS[number - 1]),
                contact.name if contact else "",
                contact.email if contact else "",
                contact.phone if contact else "",
                bool(entry and entry.confirmed and entry.confirmed_on and contact),
                entry.confirmed_on if entry and contact else None,
                (entry.confirmed_by or "") if entry and contact else "",
            )
        )
    return SupportView(setup.first_line, setup.first_line_text(), levels)


def set_first_line(session: Session, model: str, *, by: str | None = None) -> SupportView:
    """Who gives end customers first-line support: partner or thomson-reuters."""
    if model not in FIRST_LINE_TEXT:
        raise BadInputError(
            f"{model!r} is not a support model",
            where="support.first_line",
            advice="use partner or thomson-reuters",
        )
    session.support.first_line = model  # type: ignore[assignment]
    set_item_status(
        session, "support.first_line", ItemStatus.DONE, by=by, note=FIRST_LINE_TEXT[model]
    )
    _update_path_item(session, by)
    return support_view(session)


def _check_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and (
        not re.fullmatch(r"\+?[0-9 ()./-]{6,30}", phone) or sum(c.isdigit() for c in phone) < 6
    ):
        raise BadInputError(
            f"{phone!r} is not a phone number",
            where="support.escalation.contact.phone",
            advice="give digits with an optional leading + and spaces, e.g. +49 89 1234 5678",
        )
    return phone


def set_escalation_level(
    session: Session,
    level: int,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    team: str | None = None,
    by: str | None = None,
) -> SupportView:
    # Long because each contact field is checked, and a changed contact loses its confirmation.
    """Set one level's team and contact (given parts replace, the others are kept).

    A contact set here is not confirmed: only `confirm_level` (with a date) says it is. A
    changed contact loses an earlier confirmation (it was of someone else's details)."""
    from golive.ops.monitoring import looks_like_email

    if level not in LEVELS:
        raise BadInputError(
            f"level {level} is not an escalation level",
            where="support.escalation.level",
            advice="use 1 to 4",
        )
    if email and not looks_like_email(email):
        raise BadInputError(
            f"{email!r} is not an e-mail address",
            where="support.escalation.contact.email",
            advice="give name@example.com",
        )
    checked_phone = _check_phone(phone) if phone is not None else None
    entries = {e.level: e for e in session.support.escalation}
    old = entries.get(level)
    contact = old.contact if old else None
    new_name = (name if name is not None else (contact.name if contact else "")).strip()
    if not new_name and (email or phone):
        raise BadInputError(
            f"level {level} needs the contact's name",
            where="support.escalation.contact.name",
            advice="give the contact's name as well",
        )
    new_contact = (
        Contact(
            name=new_name,
            email=(email if email is not None else (contact.email if contact else "")).strip(),
            phone=checked_phone
            if checked_phone is not None
            else (contact.phone if contact else ""),
            role=contact.role if contact else "",
        )
        if new_name
        else None
    )
    same = old is not None and old.contact is not None and old.contact == new_contact
    entries[level] = EscalationLevel(
        level=level,
        team=(team if team is not None else (old.team if old else ""))
        or ESCALATION_LEVELS[level - 1],
        contact=new_contact,
        confirmed=bool(same and old is not None and old.confirmed),
        confirmed_on=old.confirmed_on if same and old is not None else None,
        confirmed_by=old.confirmed_by if same and old is not None else None,
    )
    session.support.escalation = [entries[k] for k in sorted(entries)]
    _update_path_item(session, by)
    return support_view(session)


def confirm_level(
    session: Session, level: int, *, on: date | None = None, by: str | None = None
) -> SupportView:
    """Record that level `level`'s contact confirmed they are the contact, on `on` (today)."""
    if level not in LEVELS:
        raise BadInputError(
            f"level {level} is not an escalation level",
            where="support.escalation.confirmed",
            advice="use 1 to 4",
        )
    entries = {e.level: e for e in session.support.escalation}
    entry = entries.get(level)
    if entry is None or entry.contact is None:
        raise BadInputError(
            f"level {level} has no contact to confirm",
            where="support.escalation.confirmed",
            advice=f"set it first: --level {level} --name NAME --email ADDRESS",
        )
    day = on or now().date()
    if day > now().date():
        raise BadInputError(
            f"{day:%Y-%m-%d} is in the future",
            where="support.escalation.confirmed_on",
            advice="give the day they confirmed",
        )
    entries[level] = entry.model_copy(
        update={
            "confirmed": True,
            "confirmed_on": day,
            "confirmed_by": by or default_actor(session),
        }
    )
    session.support.escalation = [entries[k] for k in sorted(entries)]
    _update_path_item(session, by)
    return support_view(session)


def _update_path_item(session: Session, by: str | None) -> None:
    view = support_view(session)
    missing = [str(level.level) for level in view.levels if not level.complete]
    path = "; ".join(
        f"{level.level}. {level.team}: {level.name} {level.email} {level.phone}".strip()
        for level in view.levels
        if level.complete
    )
    if not session.support.escalation:
        return
    unconfirmed = [
        str(level.level) for level in view.levels if level.complete and not level.confirmed
    ]
    if missing:
        note = f"levels without a name and an e-mail or phone: {', '.join(missing)}"
        if path:
            note += f"; {path}"
        status = ItemStatus.IN_PROGRESS
    else:
        note = f"{view.first_line_text}. {path}"
        status = ItemStatus.DONE
    if unconfirmed:
        note += f"; not confirmed yet: level(s) {', '.join(unconfirmed)}"
    set_item_status(session, "support.escalation_path", status, by=by, note=note)
