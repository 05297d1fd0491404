"""A gate in front of a step: what it waits for, and an override with a reason.

Production warns while the staging smoke tests have not passed. Go-live is held until the
production single transaction has passed and the rollback plan and both support items are done.
An override is recorded in `session.gate_overrides` (who, when, why) and shows in the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from golive.session.checklist import (
    GATE_WORDS,
    GateStatus,
    gate_status,
    override_gate,
)

if TYPE_CHECKING:
    from golive.tui.app import WizardApp

GateName = Literal["production", "golive"]


class GateBanner(Vertical):
    """Shows the gate's state in words (and a symbol); offers the override while it is shut."""

    DEFAULT_CLASSES = "gate"

    class Overridden(Message):
        def __init__(self, gate: str) -> None:
            super().__init__()
            self.gate = gate

    def __init__(self, gate: GateName) -> None:
        super().__init__(id=f"gate-{gate}")
        self.gate: GateName = gate

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="gate-text")
        with Horizontal(classes="gate-buttons"):
            yield Button("Override with a reason…", id="override", compact=True)

    def on_mount(self) -> None:
        self.refresh_gate()

    def status(self) -> GateStatus:
        return gate_status(self.wizard.session, self.gate, self.wizard.checklist())

    def refresh_gate(self) -> None:
        status = self.status()
        text = self.query_one("#gate-text", Static)
        if status.open:
            text.update(Text(f"✓ Gate open: {GATE_WORDS[self.gate].split(':')[0]} may go ahead."))
        elif status.override is not None:
            o = status.override
            text.update(
                Text(
                    f"⚑ Gate overridden by {o.by} at {o.at:%Y-%m-%d %H:%M} UTC: {o.reason}\n"
                    f"Still open: {'; '.join(status.missing)}. The report shows the override."
                )
            )
        else:
            verb = "⚠ Warning" if self.gate == "production" else "■ Held"
            text.update(
                Text(f"{verb}: {GATE_WORDS[self.gate]}.\nStill open: {'; '.join(status.missing)}.")
            )
        self.set_class(status.open, "-open")
        self.set_class(not status.open and status.override is not None, "-overridden")
        button = self.query_one("#override", Button)
        button.display = not status.open and status.override is None

    @on(Button.Pressed, "#override")
    def _override(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask_override()

    def ask_override(self) -> None:
        from golive.tui.screens.reason import ReasonScreen

        status = self.status()
        if status.passable:
            return

        def recorded(reason: str | None) -> None:
            if reason:
                override_gate(self.wizard.session, self.gate, reason)
                self.wizard.session_changed(save_now=True)
                self.post_message(self.Overridden(self.gate))

        self.app.push_screen(
            ReasonScreen(
                f"Override the gate: {GATE_WORDS[self.gate]}.\nStill open: "
                f"{'; '.join(status.missing)}.\n\nWhy go ahead anyway? The reason, your name "
                "and the time are recorded and shown in the report.",
                confirm="Record the override",
                placeholder="e.g. smoke tests ran in the customer's own staging, see ticket 123",
            ),
            recorded,
        )
