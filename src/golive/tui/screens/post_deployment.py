"""Step 8, Post-deployment: what is watched in the first 24 hours, the first week and after;
where the figures come from (the integration's log, Prometheus)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, DataTable, Static

from golive.session.checklist import definition
from golive.session.errors import GoliveError
from golive.tui.presentation import error_text
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec

if TYPE_CHECKING:
    from golive.session.sections import ReviewOccurrence
    from golive.tui.offthread import SessionCopy

REVIEWS_UPCOMING = 6  # the next reviews shown
REVIEWS_DONE = 3  # the last ticked ones shown
REVIEW_STATE = {
    "done": "✓ ticked",
    "overdue": "✗ overdue",
    "due": "! due today",
    "upcoming": "○ upcoming",
}


class PostDeploymentScreen(StepScreen):
    STEP = "post"
    INTRO = (
        "After go-live: the error rate, response times, clearance rejections and logs in the "
        "first 24 hours; daily then weekly and monthly reviews. The watch (below) reads the figures "
        "from the log and Prometheus named here and records them."
    )
    FIELDS = (
        "Where the figures come from",
        FieldSpec(
            "post_deployment.log.path",
            "Integration log",
            placeholder="/var/log/integration/onesource.jsonl",
            help="a JSON Lines file or folder the watch reads",
        ),
        FieldSpec(
            "post_deployment.log.pattern",
            "Text log pattern",
            help="for text logs: a regular expression with named groups",
        ),
        FieldSpec(
            "post_deployment.prometheus_url", "Prometheus URL", placeholder="http://prometheus:9090"
        ),
        "Reviews",
        FieldSpec(
            "post_deployment.reviews_from", "Reviews from", "optional", placeholder="YYYY-MM-DD"
        ),
        FieldSpec("post_deployment.review_horizon_days", "Review horizon (days)", "number"),
    )

    _shown: list[ReviewOccurrence]

    def compose_extra(self) -> ComposeResult:
        yield Static("The watch", classes="panel-title")
        yield Button("Run the watch now", id="run-watch", compact=True)
        yield Static(
            "Reads the log and Prometheus named above since go-live, holds the figures against "
            "the targets and records them on the items (the same as `golive watch SESSION`).",
            id="watch-result",
            classes="field-help",
        )
        yield Static("Review schedule", classes="panel-title")
        yield Static("", id="reviews-summary", classes="field-help")
        reviews: DataTable[str] = DataTable(id="reviews", cursor_type="row", classes="record-table")
        reviews.add_columns("Review", "Due", "State")
        yield reviews
        with ButtonRow(classes="row-buttons"):
            yield Button("Lay out the schedule", id="reviews-generate", compact=True)
            yield Button("Tick selected…", id="review-tick", compact=True)
        yield Static("", id="reviews-result", classes="field-help")

    def on_mount(self) -> None:
        self.show_reviews()

    def on_session_refresh(self) -> None:
        self.show_reviews()

    def show_reviews(self) -> None:
        """The reviews a user acts on: the open ones due by today, the next ones, the last ticked."""
        from golive.ops.reviews import review_schedule
        from golive.session.clock import now

        views = review_schedule(self.session, today=now().date())
        # in the schedule's order: the open ones due by today, the next ones, the last ticked
        upcoming = [i for i, v in enumerate(views) if v.state == "upcoming"][:REVIEWS_UPCOMING]
        done = sorted(
            (i for i, v in enumerate(views) if v.state == "done"),
            key=lambda i: views[i].occurrence.done_at or datetime.min.replace(tzinfo=UTC),
        )[-REVIEWS_DONE:]
        keep = {*upcoming, *done}
        shown = [v for i, v in enumerate(views) if v.state in ("overdue", "due") or i in keep]
        self._shown = [v.occurrence for v in shown]
        texts = {d.id: d.text for d in definition().items}
        table = self.query_one("#reviews", DataTable)
        table.clear()
        for view in shown:
            occurrence = view.occurrence
            state = REVIEW_STATE[view.state]
            if occurrence.done_at is not None:
                state += f" {occurrence.done_at:%Y-%m-%d}" + (
                    f" by {occurrence.by}" if occurrence.by else ""
                )
            table.add_row(texts.get(occurrence.item, occurrence.item), f"{occurrence.due}", state)
        summary = self.query_one("#reviews-summary", Static)
        if not views:
            summary.update("No schedule yet: lay it out from the go-live day (Reviews from).")
        else:
            ticked = sum(v.state == "done" for v in views)
            overdue = sum(v.state == "overdue" for v in views)
            summary.update(
                f"{ticked} of {len(views)} reviews ticked"
                + (f" · {overdue} overdue" if overdue else "")
                + " · shown: the open ones due by today, the next ones and the last ticked"
            )

    @on(Button.Pressed, "#reviews-generate")
    def _generate_pressed(self, event: Button.Pressed) -> None:
        from golive.ops.reviews import generate_reviews

        event.stop()
        try:
            plan = generate_reviews(self.session)
        except GoliveError as error:
            self._reviews_result(error_text(error))
            return
        self._reviews_result(
            f"✓ {len(plan.occurrences)} reviews from {plan.start} over {plan.horizon_days} days "
            f"({plan.added} new, {plan.kept_done} ticked kept)"
        )
        self.wizard.session_changed(save_now=True)

    @on(Button.Pressed, "#review-tick")
    def _tick_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._tick_flow()

    @work(exclusive=True, group="reviews", exit_on_error=False)
    async def _tick_flow(self) -> None:
        from golive.ops.reviews import tick_review
        from golive.tui.screens.reason import ReasonScreen

        row = self.query_one("#reviews", DataTable).cursor_row
        if not 0 <= row < len(self._shown):
            self._reviews_result("✗ lay out the schedule and choose a review first")
            return
        occurrence = self._shown[row]
        if occurrence.done_at is not None:
            self._reviews_result(
                f"✗ this review was ticked on {occurrence.done_at:%Y-%m-%d}: {occurrence.note}"
            )
            return
        texts = {d.id: d.text for d in definition().items}
        note = await self.app.push_screen_wait(
            ReasonScreen(
                f"{texts.get(occurrence.item, occurrence.item)}, due {occurrence.due}: "
                "what was looked at and found? (recorded with the review)",
                confirm="Tick the review",
                placeholder="e.g. usage as expected, 2 % 429s",
            )
        )
        if not note:
            return
        try:
            ticked = tick_review(self.session, occurrence.item, note, due=occurrence.due)
        except GoliveError as error:
            self._reviews_result(error_text(error))
            return
        self._reviews_result(f"✓ ticked; {ticked.item_note}")
        self.wizard.session_changed(save_now=True)

    def _reviews_result(self, text: str) -> None:
        self.query_one("#reviews-result", Static).update(Text(text))

    @on(Button.Pressed, "#run-watch")
    def _watch_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#watch-result", Static).update("reading the figures…")
        self._watch()

    @work(exclusive=True, group="watch", exit_on_error=False, thread=True)
    def _watch(self) -> None:
        from golive.ops.watch import run_watch
        from golive.tui.offthread import SessionCopy

        file = self.wizard.file
        if file is None:
            return
        # the watch runs on a copy; the UI thread takes what it recorded into the session
        work_on = self.app.call_from_thread(SessionCopy, file.session)
        try:
            result = run_watch(work_on.session, file.path)
        except Exception as error:  # a GoliveError says what to do; never a traceback
            text = error_text(error)
        else:
            meets = {
                True: "✓ meets the targets",
                False: "✗ misses the targets",
                None: "• no figures",
            }
            lines = [meets[result.meets_targets]]
            for source, verdicts in result.verdicts.items():
                lines.append(f"{source}: " + "; ".join(v.describe() for v in verdicts))
            if result.log is not None and result.log.countries:
                lines.append("by country (from the log):")
                lines.extend(f"  {c.describe()}" for c in result.log.by_country())
            elif result.prometheus is not None and result.prometheus.by_country():
                from golive.ops.watch import country_parts

                lines.append("by country (from Prometheus):")
                lines.extend(
                    f"  {cc}: {', '.join(country_parts(f))}"
                    for cc, f in result.prometheus.by_country().items()
                )
            lines.extend(f"! {note}" for note in result.notes)
            text = "\n".join(lines)
        self.app.call_from_thread(self._watched, work_on, text)

    def _watched(self, work_on: SessionCopy, text: str) -> None:
        """On the UI thread: take what the watch recorded, and show its figures."""
        file = self.wizard.file
        if file is not None:
            work_on.take_into(file.session)
        self.query_one("#watch-result", Static).update(Text(text))
        self.wizard.session_changed(save_now=True)
