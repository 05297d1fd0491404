"""The post-deployment reviews as a schedule of dated occurrences, each ticked with a note.

The first week after go-live: a daily review of API usage, error logs, the clearance success rate
by country and customer feedback (post.week1.*). Afterwards, up to a horizon (default a year):
a weekly review of error trends and monthly reviews of API usage, of API changes and deprecations,
and of country compliance changes (post.ongoing.*).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from golive.session.sections import ReviewOccurrence

WEEK1_ITEMS = (
    "post.week1.api_usage",
    "post.week1.error_logs",
    "post.week1.clearance_rate",
    "post.week1.feedback",
)
ONGOING_ITEMS: dict[str, Literal["weekly", "monthly"]] = {
    "post.ongoing.error_trends": "weekly",
    "post.ongoing.api_usage": "monthly",
    "post.ongoing.api_changes": "monthly",
    "post.ongoing.compliance_changes": "monthly",
}
REVIEW_ITEMS = (*WEEK1_ITEMS, *ONGOING_ITEMS)
WEEK1_DAYS = 7


def review_start(session: Session) -> date:
    """The go-live day the schedule counts from: as set, else the pilot, else the production
    deploy, else today."""
    record = session.post_deployment
    if record.reviews_from is not None:
        return record.reviews_from
    for moment in (session.golive.pilot_enabled_at, session.production.deploy.deployed_at):
        if moment is not None:
            return moment.date()
    return now().date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_dates(start: date, horizon_days: int) -> list[tuple[str, date]]:
    """(item, due date) of every review, in date order."""
    end = start + timedelta(days=horizon_days)
    dates: list[tuple[str, date]] = []
    for offset in range(1, WEEK1_DAYS + 1):
        dates.extend((item, start + timedelta(days=offset)) for item in WEEK1_ITEMS)
    for item, every in ONGOING_ITEMS.items():
        step = 0
        while True:
            step += 1
            if every == "weekly":
                due = start + timedelta(days=WEEK1_DAYS * (step + 1))
            else:
                due = add_months(start, step)
            if due > end:
                break
            dates.append((item, due))
    order = {item: index for index, item in enumerate(REVIEW_ITEMS)}
    return sorted(dates, key=lambda pair: (pair[1], order[pair[0]]))


@dataclass
class ReviewPlan:
    start: date
    horizon_days: int
    occurrences: list[ReviewOccurrence]
    added: int
    kept_done: int


def generate_reviews(
    session: Session, *, start: date | None = None, horizon_days: int | None = None
) -> ReviewPlan:
    """Lay out (or lay out again) the schedule. Ticked occurrences are always kept."""
    if horizon_days is not None:
        if not 7 <= horizon_days <= 5 * 366:
            raise BadInputError(
                f"a horizon of {horizon_days} days is not usable",
                where="post_deployment.review_horizon_days",
                advice="give 7 to 1830 days (default 365)",
            )
        session.post_deployment.review_horizon_days = horizon_days
    if start is not None:
        session.post_deployment.reviews_from = start
    first = review_start(session)
    horizon = session.post_deployment.review_horizon_days
    existing = {(o.item, o.due): o for o in session.post_deployment.reviews}
    done = [o for o in session.post_deployment.reviews if o.done_at is not None]
    planned: dict[tuple[str, date], ReviewOccurrence] = {(o.item, o.due): o for o in done}
    added = 0
    for item, due in schedule_dates(first, horizon):
        if (item, due) in planned:
            continue
        if (item, due) not in existing:
            added += 1
        planned[(item, due)] = existing.get((item, due)) or ReviewOccurrence(item=item, due=due)
    order = {item: index for index, item in enumerate(REVIEW_ITEMS)}
    occurrences = sorted(planned.values(), key=lambda o: (o.due, order.get(o.item, 99)))
    session.post_deployment.reviews = occurrences
    return ReviewPlan(first, horizon, occurrences, added, len(done))


@dataclass(frozen=True)
class ReviewView:
    occurrence: ReviewOccurrence
    state: Literal["done", "overdue", "due", "upcoming"]


def review_schedule(session: Session, *, today: date | None = None) -> list[ReviewView]:
    day = today or now().date()
    views: list[ReviewView] = []
    for occurrence in session.post_deployment.reviews:
        state: Literal["done", "overdue", "due", "upcoming"]
        if occurrence.done_at is not None:
            state = "done"
        elif occurrence.due < day:
            state = "overdue"
        elif occurrence.due == day:
            state = "due"
        else:
            state = "upcoming"
        views.append(ReviewView(occurrence, state))
    return views


def review_item_id(name: str) -> str:
    """`week1.api_usage` or `post.week1.api_usage`."""
    item = name.strip()
    if not item.startswith("post."):
        item = f"post.{item}"
    if item not in REVIEW_ITEMS:
        raise BadInputError(
            f"{name!r} is not a review item",
            where="post_deployment.reviews.item",
            advice="use one of: " + ", ".join(i.removeprefix("post.") for i in REVIEW_ITEMS),
        )
    return item


@dataclass
class ReviewTicked:
    occurrence: ReviewOccurrence
    item_status: ItemStatus
    item_note: str


def tick_review(
    session: Session,
    item: str,
    note: str,
    *,
    due: date | None = None,
    by: str | None = None,
    at: datetime | None = None,
) -> ReviewTicked:
    """Tick one occurrence with its note. Without `due`: the oldest open one due by today."""
    item_id = review_item_id(item)
    if not note.strip():
        raise BadInputError(
            "a review is ticked with a note",
            where="post_deployment.reviews.note",
            advice="say what was looked at and found, e.g. 'usage as expected, 2 % 429s'",
        )
    if not session.post_deployment.reviews:
        raise BadInputError(
            "there is no review schedule yet",
            where="golive reviews",
            advice="lay out the review schedule first",
        )
    moment = at or now()
    candidates = [o for o in session.post_deployment.reviews if o.item == item_id]
    if due is not None:
        match = next((o for o in candidates if o.due == due), None)
        if match is None:
            dates = ", ".join(str(o.due) for o in candidates[:10])
            raise BadInputError(
                f"{item_id} has no review due on {due}",
                where="post_deployment.reviews.due",
                advice=f"its dates include: {dates}",
            )
    else:
        open_ = [o for o in candidates if o.done_at is None and o.due <= moment.date()]
        if not open_:
            upcoming = next((o for o in candidates if o.done_at is None), None)
            raise BadInputError(
                f"no {item_id} review is due yet",
                where="post_deployment.reviews.item",
                advice=f"the next is due on {upcoming.due}; name that due date to tick it early"
                if upcoming
                else "all of them are ticked",
            )
        match = open_[0]
    actor = by or default_actor(session)
    ticked = match.model_copy(update={"done_at": moment, "by": actor, "note": note.strip()})
    reviews = list(session.post_deployment.reviews)
    reviews[reviews.index(match)] = ticked
    session.post_deployment.reviews = reviews
    status, item_note = _item_status(session, item_id, moment.date(), ticked)
    set_item_status(session, item_id, status, by=actor, note=item_note, at=moment)
    return ReviewTicked(ReviewOccurrence.model_validate(ticked.model_dump()), status, item_note)


def _item_status(
    session: Session, item_id: str, today: date, last: ReviewOccurrence
) -> tuple[ItemStatus, str]:
    mine = [o for o in session.post_deployment.reviews if o.item == item_id]
    done = [o for o in mine if o.done_at is not None]
    last_words = f"last review ({last.due}): {last.note}"
    if item_id in WEEK1_ITEMS:
        status = ItemStatus.DONE if len(done) == len(mine) else ItemStatus.IN_PROGRESS
        return status, f"{len(done)} of {len(mine)} daily reviews done; {last_words}"
    overdue = [o for o in mine if o.done_at is None and o.due <= today]
    upcoming = next((o for o in mine if o.done_at is None and o.due > today), None)
    following = f"; next due {upcoming.due}" if upcoming else ""
    if overdue:
        return (
            ItemStatus.IN_PROGRESS,
            f"{len(overdue)} review(s) overdue (oldest {overdue[0].due}); {last_words}{following}",
        )
    return ItemStatus.DONE, f"up to date; {last_words}{following}"
