"""What every step screen has: the header, the sidebar, its fields, its checklist items, Back/Next.

A step screen declares its fields (`FIELDS`, read from and validated by the session model) and
adds what is special to it in `compose_extra`; the rest is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static
from textual.worker import Worker

from golive.session.checklist import definition
from golive.session.errors import GoliveError
from golive.tui.presentation import SCREENS_CSS, width_class
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.checklist import ChecklistPanel
from golive.tui.widgets.field import FieldSpec, ModelField
from golive.tui.widgets.key_line import KeyLine
from golive.tui.widgets.sidebar import STEP_IDS, STEP_TITLES, STEPS, StepSidebar
from golive.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from golive.session.model import Session
    from golive.tui.app import WizardApp


def session_title(app: WizardApp) -> str:
    """The header's text: the session, its customer, and whether it is a demo or read-only."""
    if app.file is None:
        return "golive"
    meta = app.file.session.meta
    parts = ["golive", meta.title or app.file.name]
    if meta.customer:
        parts.append(meta.customer)
    if meta.demo:
        parts.append("DEMO")
    if app.read_only:
        parts.append("read-only")
    return " · ".join(parts)


class WizardScreen(Screen[None]):
    """A screen of an open session: header, sidebar, footer, the keys shared by every step."""

    CSS_PATH = SCREENS_CSS
    STEP: ClassVar[str] = "credentials"
    IS_STEP: ClassVar[bool] = True
    AUTO_FOCUS = ""  # the first field is focused without scrolling the step title away
    FIRST_FOCUS: ClassVar[str] = ""  # a selector: what a first visit focuses (else its first field)
    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+n", "next", "Next", priority=True),
        # Back is on the screen (the button, Escape): the footer keeps its room for F1 and Save
        Binding("ctrl+b", "back", "Back", priority=True, show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("f2", "steps", "Steps"),
    ]

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> Session:
        return self.wizard.session

    async def _on_message(self, message: Message) -> None:
        # a screen built ahead of its first visit (WizardApp._prebuild) may get its Mount while
        # the app closes, its widgets already gone: there is nothing to show then
        if isinstance(message, events.Mount) and not self.app.is_running:
            return
        await super()._on_message(message)

    def compose(self) -> ComposeResult:
        yield TopBar(session_title(self.wizard))
        with Horizontal(id="body"):
            yield StepSidebar(self.STEP)
            with VerticalScroll(id="main"):
                yield from self.compose_main()
        yield Static("", id="field-hint")
        # without the palette's key (ctrl+p, in Help): all keys fit at 80 columns
        yield KeyLine()

    def compose_main(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(StepSidebar).set_states(self.wizard.step_states())
        self.call_after_refresh(self._focus_first_field)

    def _focus_first_field(self) -> None:
        """The step opens on its first field or list (FIRST_FOCUS when it says which), never an
        action button unless there is nothing else, and the focused widget is in sight."""
        if self.focused is not None:
            return
        main = self.query_one("#main")
        inside = [widget for widget in self.focus_chain if main in widget.ancestors]
        chosen = next(iter(self.query(self.FIRST_FOCUS)), None) if self.FIRST_FOCUS else None
        if chosen is None or not chosen.focusable:
            chosen = next((w for w in inside if not isinstance(w, Button)), None)
        if chosen is None and inside:
            chosen = inside[0]
        if chosen is not None:
            chosen.focus(scroll_visible=False)
            if not main.region.contains_region(chosen.region):
                main.scroll_to_widget(chosen, animate=False)

    def on_screen_resume(self) -> None:
        self.refresh_from_session()

    def on_resize(self, event: events.Resize) -> None:
        # Textual sends a screen the size its layout just gave it (on its first show, and on a
        # show after the terminal changed): a second layout of every widget for nothing, ~40-80
        # ms of a first visit. The terminal's resizes, and one that changes the width class
        # (-narrow/-wide), go on to Textual's handler.
        breakpoints = self.app.HORIZONTAL_BREAKPOINTS or []
        if event.size == self.outer_size and self.has_class(
            width_class(event.size.width, breakpoints)
        ):
            event.prevent_default()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.wizard.on_worker_state_changed(event)  # the one handler: WizardApp's

    def worker_failed(self, group: str, text: str) -> None:
        """Hook: a worker of this screen stopped on an error; put back what it showed."""

    def refresh_from_session(self) -> None:
        """The session changed (here or on another step): show the new states."""
        if not self.is_mounted or self.wizard.file is None:
            return
        self.query_one(StepSidebar).set_states(self.wizard.step_states())
        self.query_one(TopBar).set_title(session_title(self.wizard))
        for panel in self.query(ChecklistPanel):
            panel.refresh_items()
        self.on_session_refresh()

    def on_session_refresh(self) -> None:
        """Hook: a step shows more than fields and items (gates, progress)."""

    @on(StepSidebar.StepChosen)
    def _step_chosen(self, event: StepSidebar.StepChosen) -> None:
        self.wizard.go_to_step(event.step_id)

    def action_steps(self) -> None:
        self.query_one("#step-list").focus()

    def action_back(self) -> None:
        previous = self.wizard.step_offset(-1)
        if previous is not None:
            self.wizard.go_to_step(previous)

    def action_next(self) -> None:
        nxt = self.wizard.step_offset(1)
        if nxt is not None:
            still_open = self.open_items()
            self.wizard.go_to_step(nxt)
            if still_open:
                shown = "; ".join(still_open[:4])
                more = f" and {len(still_open) - 4} more" if len(still_open) > 4 else ""
                # once the next step is on the screen: the toast does not delay its frame
                self.app.call_after_refresh(
                    self.wizard.notify_replacing,
                    "still-open",
                    f"{shown}{more}",
                    title=f"Still open on {STEP_TITLES.get(self.STEP, self.STEP)}",
                    timeout=6,
                )

    def open_items(self) -> list[str]:
        """The items of this step that are not ready yet, in words."""
        if self.wizard.file is None:
            return []
        items = self.wizard.checklist().items
        return [
            f"{i.country} {i.text}" if i.country else i.text  # "DE VAT registration completed"
            for i in items
            if i.section == self.STEP and not i.ready and not i.derived
        ]

    def help_text(self) -> str:
        return f"# {STEP_TITLES.get(self.STEP, self.STEP)}"


class StepScreen(WizardScreen):
    """A step: its title and intro, its fields, extras, its checklist items, Back and Next."""

    INTRO: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[FieldSpec | str, ...]] = ()  # a str is a group heading
    SECTIONS: ClassVar[tuple[str, ...] | None] = None  # the checklist sections shown

    # Sections of the session a core `golive.ops` function turns into item states and notes:
    # when their values changed while the step was shown, `record_changes` runs on leaving it.
    RECORDED: ClassVar[tuple[str, ...]] = ()

    def on_mount(self) -> None:
        self._recorded_snapshot = self._snapshot()

    _shown_once = False

    def on_screen_resume(self) -> None:
        # a screen may be built ahead of its first visit (WizardApp._prebuild): what counts is
        # what changed since it was first shown (not since a dialog over it closed)
        if not self._shown_once:
            self._shown_once = True
            self._recorded_snapshot = self._snapshot()

    def _snapshot(self) -> dict[str, object]:
        from golive.tui.widgets.field import value_at

        snapshot: dict[str, object] = {}
        for path in self.RECORDED:
            value = value_at(self.session, path)
            snapshot[path] = value.model_dump() if hasattr(value, "model_dump") else value
        return snapshot

    def on_screen_suspend(self) -> None:
        if not self.RECORDED or self.wizard.file is None:
            return
        now_values = self._snapshot()
        changed = [p for p in self.RECORDED if now_values[p] != self._recorded_snapshot.get(p)]
        self._recorded_snapshot = now_values
        if changed:
            try:
                self.record_changes(changed)
            except GoliveError as error:
                self.notify(
                    f"{error.message}\n{error.advice}", title="Not recorded", severity="error"
                )
            self.wizard.session_changed()

    def record_changes(self, changed: list[str]) -> None:
        """Hook: let the core record what changed (item states, notes)."""

    def compose_main(self) -> ComposeResult:
        number = STEP_IDS.index(self.STEP) + 1
        yield Static(
            f"Step {number} of {len(STEP_IDS)} · {STEP_TITLES[self.STEP]}", classes="step-title"
        )
        if self.INTRO:
            yield Static(self.INTRO, classes="step-intro")
        yield Static("", id="step-errors", classes="step-errors")
        yield from self.compose_top()
        yield from self.compose_fields(self.FIELDS)
        yield from self.compose_extra()
        sections = self.SECTIONS if self.SECTIONS is not None else (self.STEP,)
        if sections:
            yield ChecklistPanel(sections)
        with ButtonRow(classes="step-nav"):
            yield Button("◀ Back", id="back")
            yield Button("Next ▶", id="next", variant="primary")

    def compose_top(self) -> ComposeResult:
        """Hook: banners above the fields (gates)."""
        yield from ()

    def compose_fields(self, fields: Iterable[FieldSpec | str]) -> Iterable[Widget]:
        session = self.session
        for spec in fields:
            if isinstance(spec, str):
                yield Static(spec, classes="group-title")
            else:
                yield ModelField(spec, session)

    def compose_extra(self) -> ComposeResult:
        """Hook: what is special to the step."""
        yield from ()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    # --- Next checks the step ------------------------------------------------------------------

    def step_problems(self) -> list[str]:
        """Every problem of this step, all at once: fields that do not validate, drafts, extras."""
        problems: list[str] = []
        shown: set[str] = set()
        for field in self.query(ModelField):
            shown.add(field.spec.path)
            problems.extend(f"{field.spec.label}: {message}" for message in field.revalidate())
        step = next((s for s in STEPS if s.id == self.STEP), None)
        prefixes = step.paths if step else ()
        for path in self.session.drafts:
            if path not in shown and prefixes and path.startswith(prefixes):
                problems.append(f"{path}: the value typed there does not validate yet")
        problems.extend(self.extra_problems())
        return problems

    def extra_problems(self) -> list[str]:
        return []

    def action_next(self) -> None:
        problems = self.step_problems()
        box = self.query_one("#step-errors", Static)
        if problems:
            box.update(
                f"✗ {len(problems)} problem(s) on this step; fix them, or open another step "
                "from the list (what you typed is kept):\n"
                + "\n".join(f"  • {p}" for p in problems)
            )
            box.add_class("-shown")
            self.query_one("#main", VerticalScroll).scroll_home(animate=False)
            invalid = [f for f in self.query(ModelField) if f.errors]
            if invalid:
                invalid[0].control.focus()
            return
        box.update("")
        box.remove_class("-shown")
        super().action_next()

    def help_text(self) -> str:
        title = STEP_TITLES.get(self.STEP, self.STEP)
        parts = [f"# {title}"]
        if self.INTRO:
            parts.append(self.INTRO)
        if self.HELP:
            parts.append(self.HELP)
        sections = self.SECTIONS if self.SECTIONS is not None else (self.STEP,)
        items = [d for d in definition().items if d.section in sections]
        if items:
            parts.append("## Items")
            parts.extend(f"- **{d.text}** — {d.help or 'record it when done'}" for d in items)
        return "\n\n".join(parts)
