"""Step 4, Monitoring: logging, error alerting, API usage and performance tracking, the targets;
with the checks golive can run on them (log location, test alert, Prometheus)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Static

from golive.session.errors import GoliveError
from golive.tui.presentation import error_text
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec

if TYPE_CHECKING:
    from golive.tui.offthread import SessionCopy

TOOLS = (
    ("Prometheus", "prometheus"),
    ("Datadog", "datadog"),
    ("CloudWatch", "cloudwatch"),
    ("other", "other"),
)


def metrics_fields(area: str, title: str) -> tuple[FieldSpec | str, ...]:
    base = f"monitoring.{area}"
    return (
        title,
        FieldSpec(f"{base}.tool", "Tool", "choice", choices=TOOLS),
        FieldSpec(f"{base}.prometheus_url", "Prometheus URL", placeholder="http://prometheus:9090"),
        FieldSpec(f"{base}.dashboard", "Dashboard", help="a URL or the dashboard's name"),
        FieldSpec(f"{base}.notes", "Notes"),
    )


class MonitoringScreen(StepScreen):
    STEP = "monitoring"
    INTRO = (
        "How the integration's errors, usage and response times will be seen once it is live. "
        "golive can check the log location, send a test alert and query Prometheus."
    )
    FIELDS = (
        "Application logging",
        FieldSpec(
            "monitoring.logging.location",
            "Log location",
            placeholder="/var/log/integration/",
            help="the file or folder the integration writes its logs to",
        ),
        FieldSpec(
            "monitoring.logging.format",
            "Format",
            "choice",
            choices=(("JSON", "json"), ("text", "text")),
        ),
        FieldSpec("monitoring.logging.level", "Level", placeholder="info"),
        "Error alerting",
        FieldSpec(
            "monitoring.alerting.channel",
            "Channel",
            "choice",
            choices=(
                ("Slack", "slack"),
                ("Microsoft Teams", "teams"),
                ("PagerDuty", "pagerduty"),
                ("webhook", "webhook"),
                ("e-mail", "email"),
            ),
        ),
        FieldSpec(
            "monitoring.alerting.webhook_secret",
            "Webhook secret name",
            help="the keyring secret holding the webhook URL (PagerDuty: the routing key)",
        ),
        FieldSpec("monitoring.alerting.email_recipients", "E-mail recipients", "list"),
        *metrics_fields("api_usage", "API usage monitoring"),
        *metrics_fields("performance", "Performance metrics"),
        "Targets",
        FieldSpec("targets.error_rate_pct", "Error rate below (%)", "number"),
        FieldSpec("targets.response_time_p95_s", "Response time p95 (s)", "number"),
        FieldSpec("targets.pilot_min", "Pilot customers, fewest", "number"),
        FieldSpec("targets.pilot_max", "Pilot customers, most", "number"),
        FieldSpec("targets.monitoring_window_hours", "Watch after go-live (h)", "number"),
    )
    RECORDED = (
        "monitoring.logging",
        "monitoring.alerting",
        "monitoring.api_usage",
        "monitoring.performance",
    )

    def compose_extra(self) -> ComposeResult:
        yield Static("Checks", classes="panel-title")
        with ButtonRow(classes="row-buttons"):
            yield Button("Check log location", id="check-logs", compact=True)
            yield Button("Send test alert", id="test-alert", compact=True)
            yield Button("Alert arrived…", id="alert-received", compact=True)
            yield Button("Check Prometheus", id="check-prometheus", compact=True)
        yield Static("", id="monitoring-result", classes="field-help")

    def record_changes(self, changed: list[str]) -> None:
        from golive.ops.monitoring import set_alerting, set_logging, set_metrics

        session = self.session
        if "monitoring.logging" in changed:
            set_logging(session)
        if "monitoring.alerting" in changed:
            set_alerting(
                session, email_recipients=list(session.monitoring.alerting.email_recipients)
            )
        for area in ("api_usage", "performance"):
            if f"monitoring.{area}" in changed:
                set_metrics(session, area)

    def _result(self, text: str) -> None:
        self.query_one("#monitoring-result", Static).update(Text(text))

    @on(Button.Pressed, "#check-logs, #test-alert, #check-prometheus")
    def _check(self, event: Button.Pressed) -> None:
        from golive.tui.screens.confirm import ConfirmScreen

        event.stop()
        # what was typed is recorded first, so the check runs on it
        self.on_screen_suspend()
        which = event.button.id or ""
        if which != "test-alert":
            self._run_check(which)
            return
        channel = self.session.monitoring.alerting.channel or "the alerting channel"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run_check(which)
            else:
                self._result("Not sent: the test alert was not confirmed.")

        self.app.push_screen(
            ConfirmScreen(
                f"Send a test alert through {channel}? It reaches the people on call.",
                confirm="Send the test alert",
                cancel="Do not send",
                danger=True,
            ),
            confirmed,
        )

    @work(exclusive=True, group="monitoring-checks", exit_on_error=False, thread=True)
    def _run_check(self, which: str) -> None:
        from golive.ops import monitoring
        from golive.tui.offthread import SessionCopy

        file = self.wizard.file
        if file is None:
            return
        # the check runs on a copy; the UI thread takes what it recorded into the session
        work_on = self.app.call_from_thread(SessionCopy, file.session)
        self.app.call_from_thread(self._result, "checking…")
        try:
            if which == "check-logs":
                result: object = monitoring.check_log_location(work_on.session, file.path)
            elif which == "test-alert":
                result = monitoring.send_test_alert(work_on.session, file.path)
            else:
                result = monitoring.check_prometheus(work_on.session, file.path)
        except Exception as error:  # a GoliveError says what to do; never a traceback
            text = error_text(error)
        else:
            text = _describe(result)
        self.app.call_from_thread(self._recorded, work_on, text)

    def _recorded(self, work_on: SessionCopy, text: str) -> None:
        """On the UI thread: take what the check recorded, and show its result."""
        file = self.wizard.file
        if file is not None:
            work_on.take_into(file.session)
        self._result(text)
        self.wizard.session_changed(save_now=True)

    @on(Button.Pressed, "#alert-received")
    def _alert_received(self, event: Button.Pressed) -> None:
        event.stop()
        from golive.ops.monitoring import confirm_alert_received
        from golive.tui.screens.reason import ReasonScreen

        def done(note: str | None) -> None:
            if not note:
                return
            try:
                confirm_alert_received(self.session, note)
            except GoliveError as error:
                self._result(error_text(error))
                return
            self._result(
                f"✓ attested by you (not golive's evidence): the test alert arrived — {note}"
            )
            self.wizard.session_changed(save_now=True)

        self.on_screen_suspend()
        self.app.push_screen(
            ReasonScreen(
                "When and where did the test alert arrive? Your answer is recorded as an "
                "attestation (your word, with your name and the time), shown as such.",
                placeholder="test mail received by ops@acme.example at 10:42",
            ),
            done,
        )


def _describe(result: object) -> str:
    """A check's result in a line or two, whatever its type (each has a summary or a note)."""
    for name in ("summary", "note", "message"):
        value = getattr(result, name, None)
        if callable(value):
            value = value()
        if isinstance(value, str) and value:
            ok = getattr(result, "ok", getattr(result, "passed", None))
            symbol = "✓" if ok is True else "✗" if ok is False else "•"
            return f"{symbol} {value}"
    return str(result)
