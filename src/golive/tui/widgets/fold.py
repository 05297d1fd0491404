"""A folded group of fields: one line says what its fields hold; Enter (or a click) unfolds it.

The fields are built when the group is first unfolded, so a step with many settings (the
Environment step has over fifty) opens quickly and shows the few every go-live needs first. A
group that holds a value typed but not valid yet opens unfolded: nothing typed is ever hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static


class FoldHeader(Static, can_focus=True):
    """The folded group's one line: its title and, while folded, what its fields hold."""

    BINDINGS = [  # noqa: RUF012  (Textual's own declaration style)
        Binding("enter,space", "fold", "Unfold", show=False),
    ]

    class Toggled(Message):
        """The user asked to fold or unfold."""

    def action_fold(self) -> None:
        self.post_message(self.Toggled())

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_fold()


class FoldedFields(Vertical):
    """A titled group of widgets built on first unfolding; its summary comes from the session."""

    DEFAULT_CLASSES = "fold"

    def __init__(
        self,
        title: str,
        build: Callable[[], Iterable[Widget]],
        summary: Callable[[], str],
        *,
        unfolded: bool = False,  # it holds a value that does not validate: open it at once
        id: str,
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self._build = build
        self._summary = summary
        self.built = False
        self.unfolded = False
        self._open_on_mount = unfolded
        self._shown = ""  # the header's text (updated only when it changes: no relayout per key)

    def compose(self) -> ComposeResult:
        self._shown = self._header_text()
        yield FoldHeader(self._shown, classes="fold-header")
        yield Vertical(classes="fold-body")

    def on_mount(self) -> None:
        if self._open_on_mount:
            self.unfold()

    def _header_text(self) -> str:
        if self.unfolded:
            return f"▾ {self.title}"
        return f"▸ {self.title} (Enter unfolds): {self._summary()}"

    def refresh_summary(self) -> None:
        text = self._header_text()
        if self.is_mounted and text != self._shown:
            self._shown = text
            self.query_one(FoldHeader).update(text)

    def unfold(self) -> None:
        body = self.query_one(".fold-body", Vertical)
        if not self.built:
            self.built = True
            body.mount_all(list(self._build()))
        body.display = True
        self.unfolded = True
        self.refresh_summary()

    def fold(self) -> None:
        self.query_one(".fold-body", Vertical).display = False
        self.unfolded = False
        self.refresh_summary()

    def on_fold_header_toggled(self, event: FoldHeader.Toggled) -> None:
        event.stop()
        if self.unfolded:
            self.fold()
        else:
            self.unfold()
