"""Step 8, Post-deployment: what is watched in the first 24 hours, the first week and after;
where the figures come from (the integration's log, Prometheus)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Static

from golive.tui.app import error_text
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.field import FieldSpec


class PostDeploymentScreen(StepScreen):
    STEP = "post"
    INTRO = (
        "After go-live: the error rate, response times, clearance rejections and logs in the "
        "first 24 hours; daily then weekly and monthly reviews. `golive watch SESSION` reads the "
        "figures from the log and Prometheus named here and records them."
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

    def compose_extra(self) -> ComposeResult:
        yield Static("The watch", classes="panel-title")
        yield Button("Run the watch now", id="run-watch", compact=True)
        yield Static(
            "Reads the log and Prometheus named above since go-live, holds the figures against "
            "the targets and records them on the items (the same as `golive watch SESSION`).",
            id="watch-result",
            classes="field-help",
        )

    @on(Button.Pressed, "#run-watch")
    def _watch_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#watch-result", Static).update("reading the figures…")
        self._watch()

    @work(exclusive=True, group="watch", exit_on_error=False, thread=True)
    def _watch(self) -> None:
        from golive.ops.watch import run_watch

        file = self.wizard.file
        if file is None:
            return
        try:
            result = run_watch(file.session, file.path)
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
            lines.extend(f"! {note}" for note in result.notes)
            text = "\n".join(lines)
        self.app.call_from_thread(self.query_one("#watch-result", Static).update, Text(text))
        self.app.call_from_thread(self.wizard.session_changed, save_now=True)
