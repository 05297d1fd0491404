"""F1: what this step is for, its items, and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from golive.tui.presentation import SCREENS_CSS

KEYS = """\
## Keys
| key | does |
| --- | --- |
| ctrl+n | next step (checks this step first) |
| ctrl+b, Esc | previous step (nothing is lost) |
| F2 | the list of steps (Enter opens one) |
| Tab, shift+Tab | next and previous field |
| Enter on an item | the item: status, note, reason, evidence, history |
| Space on an item | mark it done, or back to do |
| ctrl+s | save now (golive also saves after every change) |
| ctrl+p | command palette: every step, save |
| F5, F7, F6 | run the live tests, cancel one (Staging, Production) |
| F1 | this help; ctrl+q quits |
"""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, body: str) -> None:
        super().__init__(classes="dialog-screen")
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            with VerticalScroll():
                yield Markdown(self.body + "\n\n" + KEYS)
            yield Static("Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
