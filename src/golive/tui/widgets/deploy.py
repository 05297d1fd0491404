"""The version deployed to an environment: recorded through `golive.ops.deploys.record_deploy`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from golive.session.errors import GoliveError
from golive.tui.presentation import error_text

if TYPE_CHECKING:
    from golive.tui.app import WizardApp


class DeployRecord(Vertical):
    DEFAULT_CLASSES = "deploy-record"

    def __init__(self, environment: str) -> None:
        super().__init__(id=f"deploy-{environment}")
        self.environment = environment

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(f"Deploy to {self.environment}", classes="panel-title")
        with Horizontal(classes="input-row"):
            yield Label("Version or commit ", classes="field-label")
            yield Input(placeholder="v2.4.1 or 3f9c2e1", id="deploy-version", compact=True)
        yield Button("Record deploy", id="record-deploy", compact=True)
        yield Static("", id="deploy-state", classes="field-help")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        record = getattr(self.wizard.session, self.environment).deploy
        text = "Nothing recorded yet."
        if record.version:
            when = f" at {record.deployed_at:%Y-%m-%d %H:%M} UTC" if record.deployed_at else ""
            text = f"✓ {record.version} deployed{when} by {record.by or 'unknown'}"
        self.query_one("#deploy-state", Static).update(Text(text))

    @on(Button.Pressed, "#record-deploy")
    @on(Input.Submitted, "#deploy-version")
    def _record(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        from golive.ops.deploys import record_deploy

        version_input = self.query_one("#deploy-version", Input)
        file = self.wizard.file
        if file is None:
            return
        try:
            record_deploy(file.session, file.path, self.environment, version_input.value)
        except GoliveError as error:
            self.query_one("#deploy-state", Static).update(Text(error_text(error)))
            return
        version_input.value = ""
        self.show()
        self.wizard.session_changed(save_now=True)
