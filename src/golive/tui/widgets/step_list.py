"""The list of steps in the sidebar: a line per step and a cursor the keys and the mouse move.

One widget drawing its lines, instead of Textual's OptionList: that measures its options and lays
the screen out again on every screen's first show (~40 ms of a step's first visit here). Eleven
lines that never change height need none of it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget


class StepList(Widget, can_focus=True):
    """Steps, one per line. Up/Down/Home/End move the cursor; Enter, space or a click opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter,space", "choose", "Open", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"step-list--cursor"}
    # the look of Textual's OptionList cursor, focused and not
    DEFAULT_CSS = """
    StepList {
        height: auto;
        overflow: hidden;
        & > .step-list--cursor {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .step-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Chosen(Message):
        """A step was chosen (Enter, space or a click)."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    def __init__(self, steps: list[tuple[str, Text]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids = [step_id for step_id, _prompt in steps]
        self._prompts = [prompt for _step_id, prompt in steps]
        self.highlighted = 0

    @property
    def option_count(self) -> int:
        return len(self._ids)

    def prompt_of(self, step_id: str) -> Text:
        return self._prompts[self._ids.index(step_id)]

    def set_prompt(self, step_id: str, prompt: Text) -> None:
        index = self._ids.index(step_id)
        if self._prompts[index] != prompt:
            self._prompts[index] = prompt
            self.refresh()  # a repaint: the lines keep their number and height

    def highlight(self, index: int) -> None:
        index = max(0, min(index, len(self._ids) - 1))
        if index != self.highlighted:
            self.highlighted = index
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._ids)

    def _first_shown(self) -> int:
        """The first line shown: all of them when they fit, else a window around the cursor (a
        terminal too short for every step)."""
        height = self.size.height
        if height <= 0 or height >= len(self._ids):
            return 0
        return max(0, min(self.highlighted - height // 2, len(self._ids) - height))

    def render(self) -> Text:
        cursor = self.get_component_rich_style("step-list--cursor")
        lines: list[Text] = []
        first = self._first_shown()
        for index, prompt in enumerate(self._prompts[first:], start=first):
            line = prompt.copy()
            line.no_wrap = True
            if index == self.highlighted:
                line.pad_right(max(0, self.size.width - line.cell_len))
                line.stylize_before(cursor)  # under the prompt's own colours, as OptionList
            lines.append(line)
        return Text("\n", no_wrap=True).join(lines)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.highlight(self.highlighted + step)

    def action_first(self) -> None:
        self.highlight(0)

    def action_last(self) -> None:
        self.highlight(len(self._ids) - 1)

    def action_choose(self) -> None:
        if self._ids:
            self.post_message(self.Chosen(self._ids[self.highlighted]))

    def on_click(self, event: events.Click) -> None:
        index = self._first_shown() + event.y
        if event.y >= 0 and index < len(self._ids):
            self.highlight(index)
            self.post_message(self.Chosen(self._ids[index]))
