"""Step 10, Support: who gives end customers first-line support, and the four escalation levels
with their contacts (recorded through `golive.ops.support`)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from golive.ops.support import LevelView
from golive.session.errors import GoliveError
from golive.session.sections import FIRST_LINE_TEXT
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.select import PatientSelect


class SupportScreen(StepScreen):
    STEP = "support"
    INTRO = (
        "Choose the first-line support model, then name a contact for each escalation level. "
        "Each level needs a name and an e-mail or phone number."
    )

    def compose_extra(self) -> ComposeResult:
        from golive.ops.support import support_view

        view = support_view(self.session)
        yield Static("First-line support", classes="panel-title")
        yield PatientSelect(
            [(text, key) for key, text in FIRST_LINE_TEXT.items()],
            value=view.first_line if view.first_line in FIRST_LINE_TEXT else Select.NULL,
            prompt="choose the support model…",
            id="first-line",
            compact=True,
        )
        yield Static("Escalation path (Enter in a row, or Save, records it)", classes="panel-title")
        for level in view.levels:
            n = level.level
            yield Label(f"{n}. {level.team}", classes="field-label row-label")
            with Horizontal(classes="input-row escalation-row", id=f"level-{n}-who"):
                yield Input(level.team, placeholder="team", id=f"team-{n}", compact=True)
                yield Input(level.name, placeholder="contact name", id=f"name-{n}", compact=True)
            with Horizontal(classes="input-row escalation-row", id=f"level-{n}-how"):
                yield Input(level.email, placeholder="e-mail", id=f"email-{n}", compact=True)
                yield Input(level.phone, placeholder="phone", id=f"phone-{n}", compact=True)
            with ButtonRow(classes="row-buttons"):
                yield Button(f"Save level {n}", id=f"save-{n}", compact=True, classes="save-level")
                yield Button(
                    "They confirmed (today)",
                    id=f"confirm-{n}",
                    compact=True,
                    classes="confirm-level",
                )
            yield Static(_level_state(level), id=f"level-state-{n}", classes="field-help")
        yield Static("", id="support-error", classes="field-error")

    @on(Select.Changed, "#first-line")
    def _first_line(self, event: Select.Changed) -> None:
        from golive.ops.support import set_first_line

        event.stop()
        if event.value is Select.NULL or event.value == self.session.support.first_line:
            return
        try:
            set_first_line(self.session, str(event.value))
        except GoliveError as error:
            self.query_one("#support-error", Static).update(Text(f"✗ {error.message}"))
            return
        self.wizard.session_changed()

    @on(Button.Pressed, ".save-level")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.save_level(int((event.button.id or "save-0").removeprefix("save-")))

    @on(Button.Pressed, ".confirm-level")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        from golive.ops.support import confirm_level

        event.stop()
        level = int((event.button.id or "confirm-0").removeprefix("confirm-"))
        state = self.query_one(f"#level-state-{level}", Static)
        try:
            view = confirm_level(self.session, level)
        except GoliveError as error:
            state.update(
                Text(f"✗ {error.message}" + (f" ({error.advice})" if error.advice else ""))
            )
            state.add_class("-error")
            return
        state.remove_class("-error")
        state.update(_level_state(view.levels[level - 1]))
        self.wizard.session_changed()

    @on(Input.Submitted, ".escalation-row Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        row = event.input.parent
        if row is not None and row.id:
            self.save_level(int(row.id.split("-")[1]))

    def save_level(self, level: int) -> None:
        from golive.ops.support import set_escalation_level, support_view

        def value(kind: str) -> str:
            return self.query_one(f"#{kind}-{level}", Input).value.strip()

        state = self.query_one(f"#level-state-{level}", Static)
        try:
            set_escalation_level(
                self.session,
                level,
                team=value("team"),
                name=value("name"),
                email=value("email"),
                phone=value("phone"),
            )
        except GoliveError as error:
            state.update(
                Text(f"✗ {error.message}" + (f" ({error.advice})" if error.advice else ""))
            )
            state.add_class("-error")
            return
        state.remove_class("-error")
        state.update(_level_state(support_view(self.session).levels[level - 1]))
        self.wizard.session_changed()

    def extra_problems(self) -> list[str]:
        """Typed but not recorded: a row whose inputs differ from the session."""
        from golive.ops.support import support_view

        problems = []
        for level in support_view(self.session).levels:
            typed = [
                self.query_one(f"#{kind}-{level.level}", Input).value.strip()
                for kind in ("team", "name", "email", "phone")
            ]
            if typed != [level.team, level.name, level.email, level.phone]:
                problems.append(
                    f"escalation level {level.level}: changed but not saved (press Save)"
                )
        return problems


def _level_state(level: LevelView) -> str:
    if not level.complete:
        return "○ needs a name and an e-mail or phone"
    return f"✓ complete; {level.confirmation}"
