"""The go-live calendar (.ics): the production window, the watch checkpoints, the rollout stages,
the post-deployment reviews and the expiry dates of certificates and credentials, as events with
reminders, importable into any calendar.

Each event's UID is derived from the session id and what the event is, so importing a newer
export updates the events instead of duplicating them (SEQUENCE and LAST-MODIFIED grow with each
export). Times are UTC; reviews and expiry dates are all-day events.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from golive.ops.pilot import checkpoint_schedule
from golive.session.checklist import definition
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import Session, iso_countries
from golive.session.store import write_atomically

PRODID = "-//golive//ONESOURCE go-live//EN"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
EXPIRY_REMINDERS = (timedelta(days=-30), timedelta(days=-7))
REVIEW_REMINDER = timedelta(hours=9)  # 09:00 on the day (all-day events start at local midnight)


@dataclass(frozen=True)
class CalendarEvent:
    key: str
    kind: str
    summary: str
    start: datetime | date
    end: datetime | date
    description: str = ""
    reminders: tuple[timedelta, ...] = ()


@dataclass
class CalendarExport:
    path: Path | None
    events: list[CalendarEvent]
    counts: dict[str, int] = field(default_factory=dict)
    content: bytes = b""


def _uid(session: Session, key: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-").lower()
    return f"{slug}.{session.meta.session_id}@golive"


def _who(session: Session) -> str:
    return session.meta.customer or session.meta.title or "go-live"


def calendar_events(session: Session) -> list[CalendarEvent]:
    # Long because one block per kind of event (window, checkpoints, stages, reviews).
    """Every dated thing of the session, as events."""
    who = _who(session)
    events: list[CalendarEvent] = []
    window = session.production.window
    if window is not None:
        text = "Deploy to production in the low-traffic window."
        if window.warnings:
            text += " Warnings: " + "; ".join(window.warnings)
        if window.note:
            text += f" Note: {window.note}"
        events.append(
            CalendarEvent(
                "window",
                "window",
                f"{who}: production deployment window",
                window.start,
                window.end,
                text,
                (timedelta(days=-1), timedelta(hours=-1)),
            )
        )
    for view in checkpoint_schedule(session, zone="UTC"):
        state = " (recorded)" if view.state == "recorded" else ""
        events.append(
            CalendarEvent(
                f"checkpoint-{view.checkpoint.offset_hours:g}h",
                "checkpoint",
                f"{who}: watch checkpoint {view.label}{state}",
                view.due,
                view.due + timedelta(minutes=30),
                f"Look at: {view.what_to_look_at}. Record it: golive watch SESSION (or golive pilot "
                f"SESSION --checkpoint '{view.label}' ...).",
                (timedelta(minutes=-15),),
            )
        )
    for stage in session.golive.rollout:
        moment = stage.opened_at or stage.planned_for
        if moment is None:
            continue
        share = f" ({stage.share_pct:g} %)" if stage.share_pct else ""
        text = (
            f"Opened {stage.opened_at:%Y-%m-%d %H:%M} UTC. {stage.gate}"
            if stage.opened_at
            else "Open it when the watch figures meet the targets: golive rollout SESSION "
            f"--stage '{stage.name}' --open"
        )
        events.append(
            CalendarEvent(
                f"rollout-{stage.name}",
                "rollout",
                f"{who}: rollout stage {stage.name}{share}",
                moment,
                moment + timedelta(hours=1),
                text,
                (timedelta(hours=-1),),
            )
        )
    texts = {d.id: d.text for d in definition().items}
    for occurrence in session.post_deployment.reviews:
        done = (
            f" Done {occurrence.done_at:%Y-%m-%d}: {occurrence.note}" if occurrence.done_at else ""
        )
        events.append(
            CalendarEvent(
                f"review-{occurrence.item}-{occurrence.due.isoformat()}",
                "review",
                f"{who}: {texts.get(occurrence.item, occurrence.item)}",
                occurrence.due,
                occurrence.due + timedelta(days=1),
                f"Tick it: golive reviews SESSION --tick {occurrence.item.removeprefix('post.')} "
                f"--due {occurrence.due} --note '...'.{done}",
                () if occurrence.done_at else (REVIEW_REMINDER,),
            )
        )
    credentials = session.credentials
    expiries: list[tuple[str, str, date, str]] = []
    if credentials.expires_on:
        expiries.append(
            ("expiry-credentials", "production API credentials expire", credentials.expires_on, "")
        )
    if credentials.vault.rotation_due:
        expiries.append(
            (
                "expiry-vault-rotation",
                "credentials rotation due",
                credentials.vault.rotation_due,
                credentials.vault.product,
            )
        )
    names = iso_countries()
    for code in session.active_countries():
        certificate = session.countries[code].certificate
        if certificate is not None:
            country = session.countries[code].requirements.name or names.get(code, code)
            expiries.append(
                (
                    f"expiry-certificate-{code}",
                    f"{country} certificate expires ({certificate.kind or 'certificate'})",
                    certificate.not_after.astimezone(UTC).date(),
                    f"{certificate.subject}, serial {certificate.serial}, "
                    f"not after {certificate.not_after:%Y-%m-%d %H:%M} UTC",
                )
            )
    for key, what, day, detail in expiries:
        events.append(
            CalendarEvent(
                key,
                "expiry",
                f"{who}: {what}",
                day,
                day + timedelta(days=1),
                (detail + ". " if detail else "") + "Renew it before this date.",
                EXPIRY_REMINDERS,
            )
        )
    return events


def build_calendar(session: Session) -> tuple[bytes, list[CalendarEvent]]:
    from icalendar import Alarm, Calendar, Event

    stamp = now()
    sequence = max(0, int((stamp - EPOCH).total_seconds() // 60))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"go-live: {_who(session)}")
    events = calendar_events(session)
    for item in events:
        event: Any = Event()
        event.add("uid", _uid(session, item.key))
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", sequence)
        event.add("summary", item.summary)
        event.add("dtstart", _utc(item.start))
        event.add("dtend", _utc(item.end))
        event.add("categories", ["golive", item.kind])
        if item.description:
            event.add("description", item.description)
        event.add("transp", "OPAQUE" if item.kind in ("window", "checkpoint") else "TRANSPARENT")
        for trigger in item.reminders:
            alarm: Any = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical(), events


def _utc(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def export_calendar(session: Session, path: Path | None) -> CalendarExport:
    """The calendar as bytes, written to `path` (atomically) when one is given."""
    content, events = build_calendar(session)
    if path is not None:
        if path.suffix.lower() != ".ics":
            raise BadInputError(
                f"{path.name} does not end in .ics",
                where="calendar.output",
                advice="name the file FILE.ics so calendars recognise it",
            )
        if not path.parent.is_dir():
            raise BadInputError(
                f"the folder {path.parent} does not exist",
                where="calendar.output",
                advice="create it first",
            )
        write_atomically(path, content, mode=0o644)
    counts = dict(Counter(e.kind for e in events))
    return CalendarExport(path, events, counts, content)
