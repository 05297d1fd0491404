"""The list of steps beside every step: each with its state in a symbol as well as a colour.

This module is on the first-paint path: it imports Textual only, never the session layer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

# the steps are declared in golive.tui.steps; these names are read from here too
from golive.tui.steps import STEP_IDS, STEP_TITLES, STEPS, Step, StepState, step_index
from golive.tui.widgets.step_list import StepList

__all__ = [
    "STEPS",
    "STEP_IDS",
    "STEP_TITLES",
    "Step",
    "StepSidebar",
    "StepState",
    "step_index",
    "theme_colours",
]


_WANTED = ("success", "warning", "error", "text-muted")
_colour_cache: dict[str, dict[str, str]] = {}


def theme_colours(app: App[object]) -> dict[str, str]:
    """The theme's state colours as Rich can paint them (text-muted is "auto 60%": dim).
    Computed once per theme: reading the CSS variables is slow."""
    from textual.color import Color, ColorParseError

    cached = _colour_cache.get(app.theme)
    if cached is not None:
        return cached
    variables = app.get_css_variables()
    colours: dict[str, str] = {}
    for name in _WANTED:
        try:
            colours[name] = Color.parse(variables.get(name, "")).rich_color.name
        except (ColorParseError, ValueError, TypeError):
            colours[name] = "dim"
    _colour_cache[app.theme] = colours
    return colours


_STATE_STYLES = {
    StepState.NOT_STARTED: "$text-muted",
    StepState.IN_PROGRESS: "$warning",
    StepState.DONE: "$success",
    StepState.ATTENTION: "$error",
    StepState.UNKNOWN: "$text-muted",
}


COMPACT_WIDTH = 12  # narrower than this (screens.css: .-narrow #sidebar), titles are left out


class StepSidebar(Vertical):
    """The steps, their states and a legend. Enter or a click opens a step."""

    # In the first frame, before screens.css is read: its styles travel with it.
    DEFAULT_CSS = """
    StepSidebar {
        width: 24;
        height: 1fr;
        border-right: vkey $panel-lighten-1;
    }
    StepSidebar .sidebar-title {
        padding: 0 1;
        text-style: bold;
        color: $text-muted;
    }
    StepSidebar #step-list {
        height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
    }
    StepSidebar #step-list:focus {
        background-tint: $primary 10%;
    }
    StepSidebar .sidebar-legend {
        height: 3;
        padding: 0 1;
        color: $text-muted;
    }
    """

    class StepChosen(Message):
        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    def __init__(self, current: str, *, id: str | None = "sidebar", still: bool = False) -> None:
        super().__init__(id=id)
        self.current = current
        self.states: dict[str, StepState] = {}
        self.still = still  # the first frame: the same list, drawn as text (cheaper to paint)
        self.compact = False  # below 80 columns: each step's marker, state symbol and number

    def on_resize(self) -> None:
        compact = self.size.width < COMPACT_WIDTH
        if compact != self.compact and not self.still:
            self.compact = compact
            self._show_prompts()

    def compose(self) -> ComposeResult:
        yield Static("Steps", classes="sidebar-title")
        if self.still:
            lines = Text("\n").join(self._prompt(i, step) for i, step in enumerate(STEPS))
            yield Static(lines, id="step-list")
        else:
            yield StepList(self._prompts(), id="step-list")
        yield Static(
            "✓ done  ◐ in progress\n! needs attention\n○ not started", classes="sidebar-legend"
        )

    def on_mount(self) -> None:
        if not self.still:
            self.query_one(StepList).highlight(step_index(self.current))

    def _prompt(self, index: int, step: Step, colours: dict[str, str] | None = None) -> Text:
        state = self.states.get(step.id, StepState.UNKNOWN)
        marker = "▶" if step.id == self.current else " "
        style = (colours or {}).get(_STATE_STYLES[state][1:], "")
        text = Text()
        text.append(f"{marker}{state.symbol} ", style=style or None)
        title = "" if self.compact else f" {step.title}"
        text.append(f"{index + 1:>2}{title}", style="bold" if step.id == self.current else "")
        return text

    def _prompts(self) -> list[tuple[str, Text]]:
        return [(step.id, self._prompt(index, step)) for index, step in enumerate(STEPS)]

    def set_states(self, states: dict[str, StepState]) -> None:
        """Show new states (from the checklist); keeps the cursor where it is."""
        if states == self.states:
            return
        self.states = dict(states)
        if not self.is_mounted or self.still:
            return
        self._show_prompts()

    def _show_prompts(self) -> None:
        steps = self.query_one(StepList)
        colours = theme_colours(self.app)
        for index, step in enumerate(STEPS):
            steps.set_prompt(step.id, self._prompt(index, step, colours))
        steps.tooltip = "\n".join(
            f"{step.title}: {self.states.get(step.id, StepState.UNKNOWN).word}" for step in STEPS
        )

    def on_step_list_chosen(self, event: StepList.Chosen) -> None:
        event.stop()
        self.post_message(self.StepChosen(event.step_id))
