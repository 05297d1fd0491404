"""The window actions: suggest the best windows, assess one, choose one; typed moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from golive.ops.window.assessment import (
    WindowAssessment,
    WindowSuggestions,
    _Deployment,
    with_legal_warnings,
)
from golive.ops.window.zones import DEFAULT_DAYS, DEFAULT_HOURS, local_zone, zone_name
from golive.session.checklist import set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from golive.session.sections import DeploymentWindow

# --- the actions --------------------------------------------------------------------------------


def _check_length(hours: float) -> timedelta:
    if not 0.25 <= hours <= 24:
        raise BadInputError(
            f"a window of {hours:g} hours is not usable",
            where="production.window.hours",
            advice="give a length between 0.25 and 24 hours (for example 2)",
        )
    return timedelta(hours=hours)


def suggest_windows(
    session: Session,
    *,
    days: int = DEFAULT_DAYS,
    hours: float = DEFAULT_HOURS,
    start: datetime | None = None,
    limit: int = 10,
    zone: str | None = None,
) -> WindowSuggestions:
    """Low-traffic windows over the next `days` days, best first, at most one per local day.

    Windows that touch business hours anywhere or a public holiday of any country are left out;
    the others are ranked by their distance to business hours in the nearest time zone.
    """
    if not 1 <= days <= 90:
        raise BadInputError(
            f"{days} days is not a usable search range",
            where="window.search_days",
            advice="give 1 to 90 days",
        )
    length = _check_length(hours)
    user_zone = local_zone(zone)
    begin = (start or now()).astimezone(UTC)
    if start is None or begin.minute or begin.second or begin.microsecond:
        begin = begin.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    last = begin + timedelta(days=days)
    deployment = _Deployment(session, begin, last)
    best_per_day: dict[date, WindowAssessment] = {}
    moment = begin
    while moment + length <= last:
        assessment = deployment.assess(moment, moment + length, user_zone)
        if assessment.clear and deployment.zones:
            day = assessment.local_start.date()
            current = best_per_day.get(day)
            if current is None or assessment.hours_from_business > current.hours_from_business:
                best_per_day[day] = assessment
        moment += timedelta(hours=1)
    ranked = sorted(
        best_per_day.values(), key=lambda a: (-round(a.hours_from_business, 6), a.start)
    )
    return WindowSuggestions(
        candidates=ranked[: max(limit, 0)],
        local_zone=zone_name(user_zone),
        days=days,
        hours=hours,
        searched_from=begin,
        notes=deployment.notes,
    )


def assess_window(
    session: Session, start: datetime, hours: float, *, zone: str | None = None
) -> WindowAssessment:
    """A window the user gives: where it falls in business hours or on a holiday (warnings)."""
    length = _check_length(hours)
    begin = (start if start.tzinfo else start.replace(tzinfo=local_zone(zone))).astimezone(UTC)
    deployment = _Deployment(session, begin, begin + length)
    return with_legal_warnings(session, deployment.assess(begin, begin + length, local_zone(zone)))


def choose_window(
    session: Session,
    start: datetime,
    hours: float,
    *,
    note: str = "",
    zone: str | None = None,
    by: str | None = None,
    reason: str = "",
    session_path: Path | None = None,
) -> WindowAssessment:
    # Long because assessment, the reason check, the record and its evidence in one place.
    """Keep the window in `production.window` and mark production.schedule done, backed by an
    evidence record of the choice (in the session's evidence log, `session_path`).

    A window in business hours or on a public holiday of a session country is recorded only
    with a `reason` (BadInputError naming where and what otherwise; nothing is changed)."""
    assessment = assess_window(session, start, hours, zone=zone)
    reason = reason.strip()
    if not assessment.clear and not reason:
        raise BadInputError(
            "this window is " + "; ".join(w for w in assessment.warnings if "past" not in w),
            where="production.window.reason",
            advice="choose a window outside business hours and holidays (`golive window SESSION` "
            "suggests some), or give the reason this one is right anyway (it is recorded)",
        )
    session.production.window = DeploymentWindow(
        start=assessment.start,
        end=assessment.end,
        note=note,
        warnings=list(assessment.warnings),
        reason=reason if not assessment.clear else None,
    )
    summary = (
        f"{assessment.start:%Y-%m-%d %H:%M}–{assessment.end:%H:%M} UTC "
        f"({assessment.local_start:%a %d %b %H:%M} {assessment.local_zone})"
    )
    if assessment.warnings:
        summary += "; warnings: " + "; ".join(assessment.warnings)
    else:
        summary += f"; outside business hours and holidays everywhere ({assessment.hours_from_business:.1f} h margin)"
    if not assessment.clear:
        summary += f"; chosen anyway because: {reason}"
    if session_path is None:
        # no evidence log to record the choice in: kept, but not done on golive's word alone
        set_item_status(
            session,
            "production.schedule",
            ItemStatus.IN_PROGRESS,
            by=by,
            note=summary + " (the choice is not recorded as evidence yet)",
        )
        return assessment
    from golive.session.checklist import default_actor
    from golive.session.evidence import EvidenceRecord, record
    from golive.session.store import evidence_path

    evidence = EvidenceRecord(
        kind="window_choice",
        environment="production",
        outcome="passed" if assessment.clear else "warning",
        summary=summary,
        figures=assessment.to_json(),
        diagnosis={"reason": reason} if not assessment.clear else {},
        items=["production.schedule"],
        by=by or default_actor(session),
    )
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"production.schedule": ItemStatus.DONE},
        note=summary,
        by=by,
    )
    return assessment


def _example_start() -> str:
    """The coming Saturday at 22:00: an example that is never in the past."""
    today = now().date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return f"{saturday.isoformat()}T22:00"


def parse_moment(
    text: str, *, zone: str | None = None, where: str = "production.window.start"
) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in the user's zone."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(
            f"{text!r} is not an ISO 8601 date and time",
            where=where,
            advice=f"YYYY-MM-DDTHH:MM, for example {_example_start()} (your local time), or "
            "with Z for UTC",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone(zone))
    return moment.astimezone(UTC)
