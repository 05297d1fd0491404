"""Step 5, Staging: record the deploy, run the smoke tests live, compare staging and production."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.deploy import DeployRecord


class StagingScreen(StepScreen):
    STEP = "staging"
    INTRO = (
        "Deploy the integration to staging, then run the smoke tests against it: connectivity, "
        "one transaction per country and a deliberately invalid request. Then compare the "
        "staging and production settings."
    )
    HELP = (
        "F5 runs the smoke tests, F6 cancels a running test. The result is recorded as evidence "
        "and sets 'Run smoke tests' done or failed; a failure shows its stage and what to do."
    )
    BINDINGS = [  # noqa: RUF012
        Binding("f5", "run_main", "Smoke tests"),
        Binding("f6", "cancel_run", "Cancel"),
    ]

    def compose_extra(self) -> ComposeResult:
        yield DeployRecord("staging")
        yield CheckPanel(
            "staging",
            (
                ("smoke", "Run smoke tests (F5)"),
                ("connectivity", "Connectivity only"),
                ("parity", "Tax scenarios"),
            ),
            title="Smoke tests against staging",
        )
        yield Static("Staging and production side by side", classes="panel-title")
        yield Button("Compare and record", id="verify-config", compact=True)
        yield Static("", id="verify-summary", classes="field-help")
        table: DataTable[str] = DataTable(
            id="config-table", cursor_type="row", classes="record-table"
        )
        table.add_columns("Setting", "Staging", "Production", "")
        yield table

    def action_run_main(self) -> None:
        self.query_one(CheckPanel).start("smoke")

    def action_cancel_run(self) -> None:
        self.query_one(CheckPanel).cancel()

    @on(Button.Pressed, "#verify-config")
    def _verify(self, event: Button.Pressed) -> None:
        event.stop()
        from golive.ops.deploys import verify_config

        file = self.wizard.file
        if file is None:
            return
        try:
            comparison = verify_config(file.session, file.path)
        except GoliveError as error:
            self.query_one("#verify-summary", Static).update(Text(f"✗ {error.message}"))
            return
        table = self.query_one("#config-table", DataTable)
        table.clear(columns=True)
        # sized to the step's width, long values wrapped: the Production column is never cut
        room = max(table.content_size.width or self.query_one("#main").content_size.width, 40)
        longest = max([len("Setting"), *(len(row.key) for row in comparison.rows)])
        setting = min(longest, room // 4)
        value = max((room - setting - len("differs") - 8) // 2, 6)  # 8: each column's padding
        table.add_column("Setting", width=setting)
        table.add_column("Staging", width=value)
        table.add_column("Production", width=value)
        table.add_column("", width=len("differs"))
        for row in comparison.rows:
            table.add_row(
                Text(row.key),
                Text(row.staging),
                Text(row.production),
                "differs" if row.differs else "",
                height=None,
            )
        lines = [
            f"{'✗' if f.severity == 'problem' else '!'} {f.severity} {f.key}: {f.message}"
            for f in comparison.findings
        ] or ["✓ nothing looks wrong"]
        self.query_one("#verify-summary", Static).update(Text("\n".join(lines)))
        self.wizard.session_changed(save_now=True)
