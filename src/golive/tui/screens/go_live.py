"""Step 7, Go-live: pilot customers first (1 to 3), the watch checkpoints, then the rollout in
stages. Held until the production single transaction has passed and the rollback plan and both
support items are done, unless overridden with a reason (recorded, shown in the report)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from golive.session.errors import GoliveError
from golive.tui.presentation import error_text
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.gate import GateBanner


class GoLiveScreen(StepScreen):
    STEP = "golive"
    INTRO = (
        "Enable the integration for 1 to 3 pilot customers, watch them through the checkpoints, "
        "then open the rollout stages one by one when the figures meet the targets."
    )
    HELP = (
        "The gate: go-live readiness, as `golive gate SESSION golive` says it (every item up to "
        "production, the rollback plan and support, proven where golive can prove it; no rollback "
        "in progress; credentials valid through the watch). Override it only with a reason; the "
        "report shows it."
    )

    def compose_top(self) -> ComposeResult:
        yield GateBanner("golive")

    def compose_extra(self) -> ComposeResult:
        with Vertical(id="golive-actions"):
            yield Static("Pilot customers", classes="panel-title")
            pilots: DataTable[str] = DataTable(
                id="pilots", cursor_type="row", classes="record-table"
            )
            pilots.add_columns("Customer", "Contact", "Countries")
            yield pilots
            with Horizontal(classes="input-row"):
                yield Input(placeholder="customer", id="pilot-name", compact=True)
                yield Input(placeholder="contact e-mail", id="pilot-contact", compact=True)
            with Horizontal(classes="input-row"):
                yield Input(
                    placeholder="countries, e.g. DE, IT", id="pilot-countries", compact=True
                )
                yield Button("Add", id="pilot-add", compact=True)
            with ButtonRow(classes="row-buttons"):
                yield Button("Remove selected", id="pilot-remove", compact=True)
                yield Button(
                    "Enable the pilot…", id="pilot-enable", variant="warning", compact=True
                )
            # what adding or removing a pilot customer did, next to its controls
            yield Static("", id="pilot-result", classes="field-help")
            yield Static("Watch checkpoints", classes="panel-title")
            checkpoints: DataTable[str] = DataTable(
                id="checkpoints", cursor_type="row", classes="record-table"
            )
            checkpoints.add_columns("Checkpoint", "Due (UTC)", "State", "Figures")
            yield checkpoints
            yield Label("Figures of the selected checkpoint", classes="field-label")
            yield Input(
                placeholder="error_rate_pct=0.4, response_time_p95_s=1.2",
                id="checkpoint-figures",
                compact=True,
            )
            yield Button("Record for selected", id="checkpoint-record", compact=True)
            yield Static("Rollout stages", classes="panel-title")
            stages: DataTable[str] = DataTable(
                id="stages", cursor_type="row", classes="record-table"
            )
            stages.add_columns("Stage", "Share", "Customers", "Opened")
            yield stages
            with ButtonRow(classes="row-buttons"):
                yield Button("Plan 10/25/50/100 %", id="stages-plan", compact=True)
                yield Button("Open selected stage…", id="stage-open", compact=True)
            yield Label("Or plan a stage of your own", classes="field-label")
            with Horizontal(classes="input-row"):
                yield Input(placeholder="stage name, e.g. batch EU", id="stage-name", compact=True)
                yield Input(placeholder="share % (optional)", id="stage-share", compact=True)
            with Horizontal(classes="input-row"):
                yield Input(
                    placeholder="customers (optional), e.g. ACME, Globex",
                    id="stage-customers",
                    compact=True,
                )
                yield Button("Plan stage", id="stage-add", compact=True)
        yield Static("", id="golive-result", classes="field-help")

    def on_mount(self) -> None:
        self.show_records()

    def on_session_refresh(self) -> None:
        banner = self.query_one(GateBanner)
        banner.refresh_gate()
        self.query_one("#golive-actions").disabled = not banner.status().passable

    def show_records(self) -> None:
        golive = self.session.golive
        pilots = self.query_one("#pilots", DataTable)
        pilots.clear()
        for customer in golive.pilot_customers:
            pilots.add_row(customer.name, customer.contact, ", ".join(customer.countries))
        checkpoints = self.query_one("#checkpoints", DataTable)
        checkpoints.clear()
        enabled = golive.pilot_enabled_at
        from datetime import timedelta

        for checkpoint in golive.checkpoints:
            due = (
                f"{enabled + timedelta(hours=checkpoint.offset_hours):%Y-%m-%d %H:%M}"
                if enabled
                else ""
            )
            state = (
                ("✓ meets targets" if checkpoint.meets_targets else "✗ misses targets")
                if checkpoint.recorded_at
                else "○ not recorded"
            )
            figures = ", ".join(f"{k}={v:g}" for k, v in checkpoint.figures.items())
            checkpoints.add_row(checkpoint.label, due, state, figures)
        stages = self.query_one("#stages", DataTable)
        stages.clear()
        for stage in golive.rollout:
            share = f"{stage.share_pct:g} %" if stage.share_pct is not None else ""
            opened = f"✓ {stage.opened_at:%Y-%m-%d %H:%M}" if stage.opened_at else "○ not yet"
            stages.add_row(stage.name, share, ", ".join(stage.customers), opened)
        self.on_session_refresh()

    def _result(self, text: str, where: str = "#golive-result") -> None:
        self.query_one(where, Static).update(Text(text))

    def _done(self, text: str, where: str = "#golive-result") -> None:
        self._result(text, where)
        self.show_records()
        self.wizard.session_changed(save_now=True)

    def _error(self, error: GoliveError, where: str = "#golive-result") -> None:
        self._result(error_text(error), where)

    @on(Button.Pressed, "#pilot-add")
    @on(Input.Submitted, "#pilot-name, #pilot-contact, #pilot-countries")
    def _add_pilot(self, event: Button.Pressed | Input.Submitted) -> None:
        from golive.ops.pilot import add_pilot_customer

        event.stop()
        name = self.query_one("#pilot-name", Input)
        contact = self.query_one("#pilot-contact", Input)
        countries = self.query_one("#pilot-countries", Input)
        try:
            change = add_pilot_customer(
                self.session,
                name.value,
                contact=contact.value.strip(),
                countries=[c for c in countries.value.replace(" ", ",").split(",") if c],
            )
        except GoliveError as error:
            self._error(error, "#pilot-result")
            return
        for box in (name, contact, countries):
            box.value = ""
        self._done("✓ " + change.note, "#pilot-result")

    @on(Button.Pressed, "#pilot-remove")
    def _remove_pilot(self, event: Button.Pressed) -> None:
        from golive.ops.pilot import remove_pilot_customer

        event.stop()
        table = self.query_one("#pilots", DataTable)
        customers = self.session.golive.pilot_customers
        if not customers or not 0 <= table.cursor_row < len(customers):
            return
        try:
            change = remove_pilot_customer(self.session, customers[table.cursor_row].name)
        except GoliveError as error:
            self._error(error)
            return
        self._done("✓ " + change.note)

    @on(Button.Pressed, "#pilot-enable")
    def _enable(self, event: Button.Pressed) -> None:
        event.stop()
        self._enable_flow()

    @work(exclusive=True, group="golive", exit_on_error=False)
    async def _enable_flow(self) -> None:
        from golive.ops.pilot import enable_pilot
        from golive.tui.screens.confirm import ConfirmScreen

        names = ", ".join(c.name for c in self.session.golive.pilot_customers) or "nobody yet"
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Record that the integration is now enabled for the pilot customers ({names})? "
                "The watch checkpoints start now.",
                confirm="Pilot enabled",
                cancel="Not yet",
                danger=True,
            )
        )
        if not confirmed or self.wizard.file is None:
            return
        try:
            enabled = enable_pilot(self.session, self.wizard.file.path)
        except GoliveError as error:
            self._error(error)
            return
        self._done(
            f"✓ pilot enabled at {enabled.enabled_at:%Y-%m-%d %H:%M} UTC; watch until "
            f"{enabled.watch_ends:%Y-%m-%d %H:%M} UTC"
            + "".join(f"\n! {w}" for w in enabled.warnings)
        )

    @on(Button.Pressed, "#checkpoint-record")
    def _record_checkpoint(self, event: Button.Pressed) -> None:
        from golive.ops.pilot import record_checkpoint
        from golive.session.figures import parse_figures

        event.stop()
        table = self.query_one("#checkpoints", DataTable)
        checkpoints = self.session.golive.checkpoints
        if self.wizard.file is None or not 0 <= table.cursor_row < len(checkpoints):
            self._result("✗ choose a checkpoint in the table first (enable the pilot to get them)")
            return
        try:  # the one NAME=NUMBER rule the CLI's --figure uses too
            figures = parse_figures(self.query_one("#checkpoint-figures", Input).value)
        except GoliveError as error:
            self._error(error)
            return
        try:
            recorded = record_checkpoint(
                self.session, self.wizard.file.path, checkpoints[table.cursor_row].label, figures
            )
        except GoliveError as error:
            self._error(error)
            return
        verdicts = "; ".join(v.describe() for v in recorded.verdicts)
        self._done(f"✓ {recorded.checkpoint.label} recorded: {verdicts}")

    @on(Button.Pressed, "#stages-plan")
    def _plan(self, event: Button.Pressed) -> None:
        from golive.ops.rollout import plan_default_stages

        event.stop()
        try:
            plan_default_stages(self.session)
        except GoliveError as error:
            self._error(error)
            return
        self._done("✓ stages planned")

    @on(Button.Pressed, "#stage-add")
    @on(Input.Submitted, "#stage-name, #stage-share, #stage-customers")
    def _plan_stage(self, event: Button.Pressed | Input.Submitted) -> None:
        from golive.ops.rollout import plan_stage

        event.stop()
        name = self.query_one("#stage-name", Input)
        share = self.query_one("#stage-share", Input)
        customers = self.query_one("#stage-customers", Input)
        share_text = share.value.strip().removesuffix("%").strip()
        try:
            share_pct = float(share_text) if share_text else None
        except ValueError:
            self._result(f"✗ {share.value.strip()!r} is not a share: give a number from 1 to 100")
            share.focus()
            return
        names = [c.strip() for c in customers.value.split(",") if c.strip()]
        try:
            stage = plan_stage(
                self.session, name.value, share_pct=share_pct, customers=names or None
            )
        except GoliveError as error:
            self._error(error)
            return
        for box in (name, share, customers):
            box.value = ""
        details = [f"{stage.share_pct:g} %"] if stage.share_pct is not None else []
        if stage.customers:
            details.append(", ".join(stage.customers))
        self._done(
            f"✓ stage {stage.name} planned" + (f" ({'; '.join(details)})" if details else "")
        )

    @on(Button.Pressed, "#stage-open")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self._open_flow()

    @work(exclusive=True, group="golive", exit_on_error=False)
    async def _open_flow(self) -> None:
        from golive.ops.rollout import open_stage
        from golive.tui.screens.confirm import ConfirmScreen
        from golive.tui.screens.reason import ReasonScreen

        table = self.query_one("#stages", DataTable)
        stages = self.session.golive.rollout
        file = self.wizard.file
        if file is None or not 0 <= table.cursor_row < len(stages):
            self._result("✗ plan the stages and choose one first")
            return
        name = stages[table.cursor_row].name
        if not await self.app.push_screen_wait(
            ConfirmScreen(
                f"Record that rollout stage {name} is now open to its customers in production?",
                confirm=f"Open {name}",
                cancel="Not yet",
                danger=True,
            )
        ):
            return
        try:
            opened = open_stage(self.session, file.path, name)
            if not opened.opened and opened.needs_reason:
                reason = await self.app.push_screen_wait(
                    ReasonScreen(
                        f"The watch figures do not meet the targets ({opened.gate.describe()}). "
                        f"Open {name} anyway? Say why (recorded).",
                        confirm="Open the stage",
                    )
                )
                if not reason:
                    return
                opened = open_stage(self.session, file.path, name, reason=reason)
        except GoliveError as error:
            self._error(error)
            return
        self._done(
            f"✓ {opened.stage.name} opened; {opened.gate.describe()}"
            + "".join(f"\n! {w}" for w in opened.warnings)
        )
