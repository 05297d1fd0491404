"""The first frame of `golive resume` and `golive demo`: the sidebar at once, the session next.

On the first-paint path: this module imports Textual and the light widgets only. The session
layer is imported, the file read and the lock taken after the first frame is on the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from golive.session.errors import GoliveError
from golive.tui.widgets.sidebar import StepSidebar
from golive.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from golive.session.store import SessionFile
    from golive.tui.app import SessionSource, WizardApp


class OpeningScreen(Screen[None]):
    # the first frame is painted before screens.css is read (it costs ~25 ms to parse); the
    # header and the sidebar carry their own styles, this is the rest of the frame
    DEFAULT_CSS = """
    OpeningScreen #body {
        height: 1fr;
    }
    OpeningScreen #main {
        width: 1fr;
        padding: 1 2;
        color: $text-muted;
    }
    """

    def __init__(self, source: SessionSource) -> None:
        super().__init__()
        self.source = source

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        what = "the demo" if self.source.kind == "demo" else self._session_label()
        yield TopBar(" · ".join(p for p in ("golive", self.source.first_title) if p))
        with Horizontal(id="body"):
            yield StepSidebar(self.source.first_step, still=True)
            with VerticalScroll(id="main"):
                yield Static(f"Opening {what}…", id="opening-message", classes="step-intro")
        yield Footer()

    def _session_label(self) -> str:
        if self.source.path is not None:
            return self.source.path.name.removesuffix(".toml")
        if self.source.reference:
            return self.source.reference
        if self.source.file is not None:
            return self.source.file.name
        return "the session"

    def on_mount(self) -> None:
        if self.source.kind == "demo":
            self.query_one("#opening-message", Static).update(
                "Starting the sandbox and preparing the demo session…"
            )
            self._start_demo()
        else:
            self.call_after_refresh(self._open)

    def _fail(self, error: GoliveError) -> None:
        from golive.session.errors import BadInputError, SessionLoadError

        # quitting now exits as the command line would: 2 for a bad SESSION, 1 otherwise
        self.wizard.failure_code = 2 if isinstance(error, BadInputError | SessionLoadError) else 1
        self.query_one("#opening-message", Static).update(f"✗ {error}\n\nPress ctrl+q to quit.")
        self.query_one("#opening-message", Static).add_class("-error")

    def _open(self) -> None:
        from golive.session.store import SessionFile, resolve

        try:
            if self.source.file is not None:
                file = self.source.file
            else:
                path = self.source.path or resolve(self.source.reference)
                file = SessionFile.open(path)
        except GoliveError as error:
            self._fail(error)
            return
        self.take_lock(file)

    def take_lock(self, file: SessionFile) -> None:
        from golive.session.errors import SessionLockedError
        from golive.session.lock import SessionLock
        from golive.tui.screens.confirm import ConfirmScreen

        if self.source.read_only:
            file.read_only = True
            self.wizard.attach(file, lock=None, read_only=True)
            return
        lock = SessionLock(file.path)
        try:
            lock.acquire()
        except SessionLockedError as error:

            def answer(read_only: bool | None) -> None:
                if read_only:
                    file.read_only = True
                    self.wizard.attach(file, lock=None, read_only=True)
                else:
                    self.app.exit(1)

            self.app.push_screen(
                ConfirmScreen(
                    f"{error.message}.\n\n{error.advice}.\n\nOpen it read-only? "
                    "You can look at everything; nothing you change is saved.",
                    confirm="Open read-only",
                    cancel="Quit",
                ),
                answer,
            )
            return
        except GoliveError as error:
            self._fail(error)
            return
        self.wizard.attach(file, lock=lock, read_only=False)
        took_over = getattr(lock, "took_over", None)
        if took_over is not None:
            self.notify(
                f"A golive that is gone had left this session locked ({took_over.describe()}); "
                "the lock was taken over.",
                timeout=8,
            )

    @work(thread=True, exit_on_error=False, group="opening")
    def _start_demo(self) -> None:
        from golive.tui.launch import prepare_demo

        try:
            file, cleanup = prepare_demo(reset=self.source.demo_reset)
        except GoliveError as error:
            self.app.call_from_thread(self._fail, error)
            return
        except Exception as error:  # never a traceback: say what failed
            self.app.call_from_thread(
                self._fail,
                GoliveError(
                    f"the demo could not start: {type(error).__name__}: {error}",
                    advice="run `golive sandbox` to see the sandbox start on its own",
                ),
            )
            return
        self.wizard.cleanups.append(cleanup)
        self.app.call_from_thread(self.take_lock, file)
