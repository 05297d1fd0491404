"""The keys of the step shown, on the bottom line: `^n Next ^s Save f1 Help ^q Quit`.

One line of text instead of Textual's Footer (a widget per key, composed again each time the keys
change: on every first show of a step and every focus move, each time a layout of the whole
screen, ~50 ms of a step's first visit). The text changes in place; its size never does.
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
        self._spans: list[tuple[int, int, str, bool]] = []  # columns of each key: for a click

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
        labels: list[Content] = []
        self._spans = []
        column = 0
        for key, display, description, enabled in shown:
            label = Content.assemble(
                (display, "bold $footer-key-foreground on $footer-key-background"),
                (f" {description}" if description else "", _DESCRIPTION),
            ).stylize_before("on $footer-item-background")
            if not enabled:
                label = label.stylize("dim")
            self._spans.append((column, column + label.cell_length, key, enabled))
            labels.append(label)
            column += label.cell_length + 1
        self.update(Content(" ").join(labels), layout=False)  # one line, always: no layout

    def on_click(self, event: events.Click) -> None:
        for first, end, key, enabled in self._spans:
            if first <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
