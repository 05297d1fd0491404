"""A yes/no question in a dialog.

A dialog for an action with effects outside golive (a production transaction, the pilot, a rollout
stage, a rollback, a test alert) is *risky* (`danger=True`): it opens with the focus on the safe
choice, the risky button says so in words ("⚠ … (press y)"), and only a deliberate key goes ahead —
the key shown on the button (`y` unless the caller names another), or a click on the button. Enter
or Tab-then-Enter never does: Enter on the risky button is refused with a line saying which key to
press, so a stray Enter can at worst cancel.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow


class RiskyButton(Button):
    """A button that a mouse click presses, but Enter does not: it asks for the dialog's key."""

    class EnterRefused(Message):
        """Enter was pressed on the risky button; nothing happened."""

    def action_press(self) -> None:  # Enter on the focused button
        self.post_message(self.EnterRefused())


class ConfirmScreen(ModalScreen[bool]):
    """Asks a question; dismisses True (confirmed) or False (Esc or the other button)."""

    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(
        self,
        question: str,
        *,
        confirm: str = "Yes",
        cancel: str = "No",
        danger: bool = False,
        key: str = "y",
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.confirm_label = confirm
        self.cancel_label = cancel
        self.danger = danger
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog" + (" risky-dialog" if self.danger else "")):
            yield Static(self.question, classes="dialog-text")
            if self.danger:
                yield Static(
                    f"⚠ To go ahead press {self.key} "
                    f"(or click “{self.confirm_label}”); Enter alone does not. "
                    f"Esc: {self.cancel_label}.",
                    id="confirm-hint",
                    classes="dialog-hint",
                )
            with ButtonRow(classes="dialog-buttons"):
                if self.danger:
                    yield Button(self.cancel_label, id="cancel", variant="primary")
                    yield RiskyButton(
                        f"⚠ {self.confirm_label} (press {self.key})",
                        id="confirm",
                        variant="error",
                        classes="risky-button",
                    )
                else:
                    yield Button(self.confirm_label, id="confirm", variant="primary")
                    yield Button(self.cancel_label, id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel" if self.danger else "#confirm", Button).focus()

    @on(RiskyButton.EnterRefused)
    def _enter_refused(self) -> None:
        self.query_one("#confirm-hint", Static).update(
            f"Enter does not go ahead here: press {self.key} to "
            f"{self.confirm_label[:1].lower()}{self.confirm_label[1:]}, or Esc to cancel."
        )
        self.query_one("#confirm-hint", Static).add_class("-refused")

    def on_key(self, event: events.Key) -> None:
        if self.danger and event.key == self.key:
            event.stop()
            self.dismiss(True)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
