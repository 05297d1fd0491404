"""`golive` with no command: start a new deployment, resume a recent one, open a file, or the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Static

from golive.session.errors import GoliveError
from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from golive.tui.app import WizardApp


@dataclass(frozen=True)
class RecentSession:
    path: Path
    title: str
    customer: str
    progress: str
    changed: str


def read_recent(limit: int = 20) -> list[RecentSession]:
    """The recent sessions with their title, customer, progress and last change."""
    from golive.session.checklist import build_checklist
    from golive.session.store import load, recent_sessions

    rows = []
    for path in recent_sessions(limit):
        try:
            session = load(path)
        except GoliveError as error:
            rows.append(RecentSession(path, path.stem, "", "cannot be read", error.message[:40]))
            continue
        checklist = build_checklist(session)
        progress = checklist.progress(checklist.items)
        share = round(100 * progress.ready / progress.total) if progress.total else 0
        rows.append(
            RecentSession(
                path,
                session.meta.title or path.stem,
                session.meta.customer,
                f"{progress.ready}/{progress.total} ({share}%)",
                f"{session.meta.updated:%Y-%m-%d %H:%M} UTC",
            )
        )
    return rows


class StartScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    AUTO_FOCUS = "#recent"
    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+n", "new", "New deployment", priority=True),
        Binding("ctrl+o", "open_file", "Open a file", priority=True),
        Binding("ctrl+d", "demo", "Demo", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.recent: list[RecentSession] = []

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TopBar("golive · start")
        with VerticalScroll(id="start"):
            yield Static(
                "golive walks the production go-live of a Thomson Reuters ONESOURCE integration: "
                "credentials, environments, countries, monitoring, staging, production, go-live, "
                "the watch after it, rollback and support. It saves as you go.",
                classes="step-intro",
            )
            with ButtonRow(classes="start-actions"):
                yield Button("New deployment", id="new", variant="primary")
                yield Button("Open the demo", id="demo")
            yield Static("Recent sessions (Enter opens one)", classes="panel-title")
            table: DataTable[str] = DataTable(cursor_type="row", id="recent")
            table.add_columns("Title", "Customer", "Progress", "Last change")
            yield table
            yield Static("Reading the sessions folder…", id="recent-note", classes="field-help")
            yield Static("Open a session file", classes="panel-title")
            with Horizontal(classes="open-row"):
                yield Input(placeholder="path/to/session.toml", id="open-path")
                yield Button("Open", id="open")
            yield Static("", id="start-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self._load_recent()

    @work(thread=True, exit_on_error=False, group="recent")
    def _load_recent(self) -> None:
        try:
            rows = read_recent()
        except GoliveError as error:
            self.app.call_from_thread(self._note, f"✗ {error.message}")
            return
        self.app.call_from_thread(self._show_recent, rows)

    def _note(self, text: str) -> None:
        self.query_one("#recent-note", Static).update(text)

    def _show_recent(self, rows: list[RecentSession]) -> None:
        from golive.session.store import sessions_dir

        self.recent = rows
        table = self.query_one("#recent", DataTable)
        table.clear()
        for row in rows:
            table.add_row(row.title, row.customer, row.progress, row.changed, key=str(row.path))
        self._note(
            f"{len(rows)} session(s) in {sessions_dir()}"
            if rows
            else f"No sessions yet in {sessions_dir()}: start a new deployment or open the demo."
        )

    @on(DataTable.RowSelected, "#recent")
    def _open_recent(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_path(Path(event.row_key.value))

    def open_path(self, path: Path) -> None:
        from golive.tui.launch import source_for_path
        from golive.tui.screens.opening import OpeningScreen

        if not path.is_file():
            self.query_one("#start-error", Static).update(Text(f"✗ no session file at {path}"))
            return
        source = source_for_path(path)
        self.wizard.source = source
        self.app.push_screen(OpeningScreen(source))

    @on(Button.Pressed, "#open")
    @on(Input.Submitted, "#open-path")
    def _open_typed(self) -> None:
        raw = self.query_one("#open-path", Input).value.strip()
        if not raw:
            self.query_one("#start-error", Static).update("✗ type the path of a session file")
            return
        self.open_path(Path(raw).expanduser())

    def action_open_file(self) -> None:
        self.query_one("#open-path", Input).focus()

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        from golive.tui.app import SessionSource
        from golive.tui.screens.opening import OpeningScreen

        source = SessionSource(kind="demo", first_title="Demo go-live")
        self.wizard.source = source
        self.app.push_screen(OpeningScreen(source))

    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        from golive.tui.screens.new_session import NewSessionScreen

        def created(path: Path | None) -> None:
            if path is not None:
                self.open_path(path)

        self.app.push_screen(NewSessionScreen(), created)
