"""The keys of the step shown, on the bottom line: `^n Next ^s Save f1 Help ^q Quit`.

One line of text instead of Textual's Footer (a widget per key, composed again each time the keys
change: on every first show of a step and every focus move, each time a layout of the whole
screen, ~50 ms of a step's first visit). The text changes in place; its size changes only in a
terminal too narrow for the keys, which then take a second line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.screen import Screen


# as Textual's footer paints a key and what it does (the theme's footer colours)
_DESCRIPTION = "$footer-description-foreground on $footer-description-background"


class KeyLine(Static):
    """The keys the focused widget, the screen and the app answer to now (those shown in a
    footer), each with what it does. A click on one presses it."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False)
        self._shown: tuple[tuple[str, str, str, bool], ...] = ()  # key, display, what, enabled
        # the line and columns of each key: for a click
        self._spans: list[tuple[int, int, int, str, bool]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """Show the keys in force now; nothing is redrawn when they are the same."""
        shown: list[tuple[str, str, str, bool]] = []
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue  # one key per action, as Textual's footer shows them
            actions.add(binding.action)
            display = self.app.get_key_display(binding)
            shown.append((binding.key, display, binding.description, enabled))
        if tuple(shown) == self._shown:
            return
        self._shown = tuple(shown)
        self._lay_out()

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """The keys in one line; in a terminal too narrow for them (under 80 columns), in as
        many lines as they need, never a key cut in two."""
        width = self.size.width
        lines: list[list[Content]] = [[]]
        self._spans = []
        column = 0
        for key, display, description, enabled in self._shown:
            label = Content.assemble(
                (display, "bold $footer-key-foreground on $footer-key-background"),
                (f" {description}" if description else "", _DESCRIPTION),
            ).stylize_before("on $footer-item-background")
            if not enabled:
                label = label.stylize("dim")
            if lines[-1] and width and column + label.cell_length > width:
                lines.append([])
                column = 0
            self._spans.append((len(lines) - 1, column, column + label.cell_length, key, enabled))
            lines[-1].append(label)
            column += label.cell_length + 1
        if self.styles.height is None or self.styles.height.value != len(lines):
            self.styles.height = len(lines)  # a layout only when the number of lines changes
        text = Content("\n").join(Content(" ").join(line) for line in lines)
        self.update(text, layout=False)

    def on_click(self, event: events.Click) -> None:
        for row, first, end, key, enabled in self._spans:
            if row == event.y and first <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
