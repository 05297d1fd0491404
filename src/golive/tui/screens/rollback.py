"""Step 9, Rollback: the plan (how to disable the integration, who to notify, where the error
logs are), then the rollback items, which apply once a rollback is started."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Static

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.field import FieldSpec
from golive.tui.widgets.records import RecordList


class RollbackScreen(StepScreen):
    STEP = "rollback"
    INTRO = (
        "Prepare the rollback before go-live: how the integration is switched off, who is told "
        "and where the error logs are. The other items apply once a rollback is started "
        "(Start the rollback…, below)."
    )
    FIELDS = (
        "Disable the integration",
        FieldSpec(
            "rollback.disable_method",
            "Method",
            "choice",
            choices=(
                ("run a command", "command"),
                ("call a feature-flag URL", "http"),
                ("manual steps", "manual"),
            ),
        ),
        FieldSpec(
            "rollback.disable_command",
            "Command",
            "argv",
            placeholder="flagctl off onesource",
            help="run without a shell; quote arguments with spaces",
        ),
        FieldSpec(
            "rollback.disable_http.method",
            "Flag call method",
            "choice",
            choices=(("POST", "POST"), ("PUT", "PUT"), ("PATCH", "PATCH"), ("DELETE", "DELETE")),
        ),
        FieldSpec(
            "rollback.disable_http.url", "Flag URL", placeholder="https://flags.example/api/…"
        ),
        FieldSpec("rollback.disable_http.body", "Flag call body", placeholder='{"enabled": false}'),
        FieldSpec(
            "rollback.disable_http.token_secret",
            "Token secret name",
            help="the keyring secret sent as a bearer token",
        ),
        FieldSpec("rollback.disable_timeout_s", "Timeout (s)", "number"),
        FieldSpec("rollback.manual_steps", "Manual steps", "multiline"),
        "Error logs",
        FieldSpec(
            "rollback.log_locations",
            "Log locations",
            "list",
            help="files or folders, separated by commas; archived when a rollback starts",
        ),
        FieldSpec(
            "rollback.notification_template",
            "Notification template",
            "multiline",
            help="$customer $contact $email $started_at $reason $partner $support; empty: golive's",
        ),
    )
    RECORDED = ("rollback",)

    def compose_extra(self) -> ComposeResult:
        yield RecordList(
            "rollback.notify",
            "Customers to notify",
            (
                FieldSpec("customer", "Customer"),
                FieldSpec("contact", "Contact"),
                FieldSpec("email", "E-mail"),
                FieldSpec("phone", "Phone"),
            ),
            noun="customer",
        )
        yield Static("When something goes wrong after go-live", classes="panel-title")
        yield Button("Start the rollback…", id="start-rollback", variant="error", compact=True)
        yield Static("", id="rollback-result", classes="field-help")

    @on(Button.Pressed, "#start-rollback")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.on_screen_suspend()  # record the plan as typed first
        self._rollback_flow()

    @work(exclusive=True, group="rollback", exit_on_error=False)
    async def _rollback_flow(self) -> None:
        from golive.ops.rollback import preview_rollback, run_rollback
        from golive.tui.screens.confirm import ConfirmScreen
        from golive.tui.screens.reason import ReasonScreen

        file = self.wizard.file
        result_box = self.query_one("#rollback-result", Static)
        if file is None:
            return
        reason = await self.app.push_screen_wait(
            ReasonScreen("Why roll back? The reason goes into the notifications and the report.")
        )
        if not reason:
            return
        preview = preview_rollback(file.session, file.path, reason=reason)
        if not preview.can_run:
            result_box.update(Text("✗ the rollback cannot run: " + "; ".join(preview.problems)))
            return
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                "The rollback will now:\n" + "\n".join(f"• {a}" for a in preview.actions),
                confirm="Roll back now",
                cancel="Not now",
                danger=True,
            )
        )
        if not confirmed:
            return
        result_box.update("rolling back…")
        try:
            result = run_rollback(file.session, file.path, reason=reason, save=file.save)
        except GoliveError as error:
            result_box.update(Text(f"✗ {error.message}\n  {error.advice}"))
            return
        lines = [
            f"{'✓' if result.ok else '✗'} rollback started {result.started_at:%Y-%m-%d %H:%M} UTC: "
            f"{result.disable.describe()}",
            f"notifications drafted: {len(result.drafts)} in {result.folder}",
            f"logs archived: {result.archive.files} file(s)"
            + (f" to {result.archive.path}" if result.archive.path else " (none)"),
            *(f"! {w}" for w in result.warnings),
        ]
        result_box.update(Text("\n".join(lines)))
        self.wizard.session_changed(save_now=True)

    def record_changes(self, changed: list[str]) -> None:
        from golive.ops.rollback import set_plan

        file = self.wizard.file
        set_plan(self.session, session_path=file.path if file is not None else None)
