"""A gate in front of a step: what it waits for, and an override with a reason.

The gate's state comes from the one gate engine (`golive.session.checklist.gate_status`), the
same that decides readiness, `golive gate` and `golive status --require`. An override is
recorded in `session.gate_overrides` (who, when, why) and shows in the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from golive.session.checklist import GateStatus, gate_status, override_gate
from golive.tui.widgets.button_row import ButtonRow

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
        with ButtonRow(classes="gate-buttons"):
            yield Button("Override with a reason…", id="override", compact=True)

    def on_mount(self) -> None:
        self.refresh_gate()
        # again once the button row has mounted its button (it may not have yet, rarely)
        self.call_after_refresh(self.refresh_gate)

    def status(self) -> GateStatus:
        return gate_status(
            self.wizard.session,
            self.gate,
            self.wizard.checklist(),
            chain_problems=self.wizard.chain_problems(),
        )

    def refresh_gate(self) -> None:
        status = self.status()
        if not self.is_attached:
            return  # the screen is going away
        text = self.query_one("#gate-text", Static)
        if status.open:
            mark = "✓ Open."
        elif status.passable:
            mark = "⚑ Overridden."
        else:
            mark = "⚠ Warning." if self.gate == "production" else "■ Held."
        text.update(Text(f"{mark} {status.sentence}"))
        self.set_class(status.open, "-open")
        self.set_class(not status.open and status.passable, "-overridden")
        for button in self.query("#override").results(Button):
            button.display = not status.passable

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
                f"Override the gate. {status.sentence}\n\nWhy go ahead anyway? The reason, "
                "your name and the time are recorded and shown in the report.",
                confirm="Record the override",
                placeholder="e.g. smoke tests ran in the customer's own staging, see ticket 123",
            ),
            recorded,
        )
