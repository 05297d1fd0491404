"""The header of every screen: what session this is, and whether it is saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from golive.tui.presentation import SaveState


class TopBar(Horizontal):
    """`golive · TITLE · CUSTOMER` on the left, the save state on the right."""

    # Its own styles (theme variables only) travel with it: the header is in the first frame,
    # painted before screens.css is read (see app.SCREENS_CSS).
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TopBar #topbar-title {
        width: 1fr;
        padding: 0 1;
        text-style: bold;
    }
    TopBar #save-state {
        width: auto;
        max-width: 44;
        text-align: right;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
        color: $text-muted;
    }
    TopBar #save-state.-pending {
        color: $warning;
    }
    TopBar #save-state.-failed {
        color: $text-error;
        background: $error-muted;
        text-style: bold;
    }
    """

    def __init__(self, title: str = "", *, id: str | None = "topbar") -> None:
        super().__init__(id=id)
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="topbar-title")
        yield Static("", id="save-state")

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self._show_save_state, init=True)

    def set_title(self, title: str) -> None:
        if title == self._title:
            return
        self._title = title
        if self.is_mounted:
            self.query_one("#topbar-title", Static).update(title)

    def _show_save_state(self, state: str) -> None:
        found = self.query("#save-state").results(Static)
        widget = next(iter(found), None)
        if widget is None:  # being removed
            return
        widget.update(state)
        kind = getattr(state, "kind", None)
        widget.set_class(kind is SaveState.FAILED, "-failed")
        widget.set_class(kind is SaveState.UNSAVED, "-pending")
