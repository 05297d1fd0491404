"""The wizard application: the open session, step navigation, autosave and the save state.

This module is on the first-paint path of `golive resume`: it imports Textual and the light
parts of the session layer only. The session model, the store and every step screen are imported
once the first frame is on the terminal (see `screens/opening.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from golive.session import clock
from golive.tui.presentation import READ_ONLY, SCREENS_CSS, error_text, saved, width_class
from golive.tui.saving import AUTOSAVE_DELAY, SavingApp
from golive.tui.steps import (
    STEP_IDS,
    STEP_SCREENS,
    STEPS,
    WARM_MODULES,
    StepState,
    step_states,
    step_title,
)

if TYPE_CHECKING:
    from pydantic import SecretStr

    from golive.session.checklist import Checklist
    from golive.session.lock import SessionLock
    from golive.session.model import Session
    from golive.session.store import SessionFile

WARM_UP_DELAY = 0.5  # seconds after the steps next to the first one are built
# The other steps' screens are built ahead while the user reads the first one (a first visit
# otherwise composes ~200 widgets and applies the styles to them: ~300 ms). One screen per slice,
# never while the user types: a key press holds the building until the keys have been quiet.
PREBUILD_QUIET = 0.6  # seconds without a key press before the next screen is built
PREBUILD_PAUSE = 0.02  # seconds between two screens, for input and timers to run


@dataclass
class SessionSource:
    """How the wizard was asked to open: the start screen, a session file, or the demo."""

    kind: Literal["start", "path", "file", "demo"] = "start"
    path: Path | None = None
    reference: str = ""  # a session name, resolved by the store after the first frame
    file: SessionFile | None = None
    read_only: bool = False
    demo_reset: bool = False
    # what `golive resume` read cheaply for the first frame (the step and the title)
    first_step: str = "credentials"
    first_title: str = ""
    cleanups: list[Callable[[], None]] = field(default_factory=list)


class WizardApp(SavingApp):
    """golive's wizard."""

    TITLE = "golive"
    BINDINGS = [  # noqa: RUF012  (Textual's own declaration style)
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True),
        # handled as the key arrives, before the keys typed after it reach the field left
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
    ]
    COMMAND_PALETTE_BINDING = "ctrl+p"
    # below 80 columns a field's label goes above its input (screens.css: .-narrow)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]  # noqa: RUF012

    def __init__(self, source: SessionSource | None = None) -> None:
        source = source or SessionSource()
        # the start screen is the default screen, whose own CSS_PATH Textual does not load
        super().__init__(css_path=SCREENS_CSS if source.kind == "start" else None)
        self.source = source
        self.failure_code = 0  # the exit code when the session could not be opened
        self._generation = 0
        self.cleanups.extend(self.source.cleanups)
        self._chain: tuple[object, tuple[str, ...]] | None = (
            None  # (what it was read for, problems)
        )
        # client secrets typed for this run only: in memory, never written anywhere
        self.run_secrets: dict[str, SecretStr] = {}
        self._last_key = 0.0  # clock.monotonic() of the last key press (holds the prebuilding)

    # --- screens ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        if self.source.kind == "start":
            from golive.tui.screens.start import StartScreen

            return StartScreen()
        from golive.tui.screens.opening import OpeningScreen

        return OpeningScreen(self.source)

    @property
    def session(self) -> Session:
        if self.file is None:
            raise RuntimeError("no session is open")
        return self.file.session

    def attach(self, file: SessionFile, *, lock: SessionLock | None, read_only: bool) -> None:
        """Take an opened session and show the step the user left."""
        self.file = file
        self.lock = lock
        self.read_only = read_only
        self._checklist = None
        self.save_state = READ_ONLY if read_only else saved("saved")
        self.save_error = None
        # the step screens of what was shown before (an earlier session, or this one before a
        # reload) are built anew: a new generation of names
        old = [self.step_screen_name(step_id) for step_id in STEP_IDS]
        self._generation += 1
        step = file.session.meta.current_step
        self.go_to_step(step if step in STEP_IDS else STEP_IDS[0], save=False)
        for warning in file.warnings:  # e.g. no end line: it loaded, but worth a look
            self.notify(warning, title="Session file", severity="warning", timeout=20)
        self.call_after_refresh(self._uninstall, old)
        # the steps next to it first, once it is on the screen: the likeliest next visit; the
        # rest only once those are built (the import thread would slow their building and a
        # visit right after opening: it holds the interpreter while it imports)
        self.call_after_refresh(
            self._prebuild, self._generation, self._neighbours(step), then=self._after_neighbours
        )

    def _after_neighbours(self, generation: int) -> None:
        if generation == self._generation:  # the import thread then builds the other steps
            later = self._warm_up if generation == 1 else partial(self._prebuild, generation)
            self.set_timer(WARM_UP_DELAY, later)

    def _neighbours(self, step_id: str) -> tuple[str, ...]:
        index = STEP_IDS.index(step_id) if step_id in STEP_IDS else 0
        return tuple(STEP_IDS[i] for i in (index + 1, index - 1) if 0 <= i < len(STEP_IDS))

    def _uninstall(self, names: list[str]) -> None:
        for name in names:
            if self.is_screen_installed(name) and self.get_screen(name) not in self.screen_stack:
                self.uninstall_screen(name)

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        """Import the other steps and the core they call while the user reads the first step,
        so that opening any step later feels instant."""
        import importlib

        for module_name, _class_name in STEP_SCREENS.values():
            importlib.import_module(f"golive.tui.screens.{module_name}")
        for module in WARM_MODULES:
            with contextlib.suppress(ImportError):
                importlib.import_module(module)
        self.call_from_thread(self._prebuild, self._generation)

    @work(exit_on_error=False, group="prebuild")
    async def _prebuild(
        self,
        generation: int,
        steps: tuple[str, ...] = STEP_IDS,
        then: Callable[[int], None] | None = None,
    ) -> None:
        """Build the other steps' screens (compose, mount, styles) while the app is idle, one
        per slice, so that the first visit of a step only shows it. Nothing is shown. `then`
        runs once they are built."""
        # what the opening built (modules, the first step) lives as long as the wizard: the
        # garbage collector need not walk it again (a full collection over it takes 50-90 ms
        # here, at any moment: often during the build or the first visit of the next step)
        gc.freeze()
        for step_id in steps:
            # polled: a key press moves the end of the quiet further (no event to wait for)
            while (quiet := clock.monotonic() - self._last_key) < PREBUILD_QUIET:  # noqa: ASYNC110
                await asyncio.sleep(PREBUILD_QUIET - quiet)
            if generation != self._generation or self.file is None:
                return
            name = self.step_screen_name(step_id)
            if self.is_screen_installed(name):
                continue
            self.install_screen(self._new_step_screen(step_id), name)
            _screen, mounted = self._get_screen(name)
            await mounted
            # the built screens live as long as the session is open: the garbage collector
            # need not walk their widgets again (a full collection over them takes ~200 ms,
            # at any moment: often on the first visit of a step)
            gc.freeze()
            await asyncio.sleep(PREBUILD_PAUSE)
        if then is not None:
            then(generation)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = clock.monotonic()
        await super().on_event(event)

    def _new_step_screen(self, step_id: str) -> Screen[None]:
        import importlib

        module_name, class_name = STEP_SCREENS[step_id]
        module = importlib.import_module(f"golive.tui.screens.{module_name}")
        screen: Screen[None] = getattr(module, class_name)()
        # The width class (-narrow/-wide) Textual gives a screen when it is first shown, given
        # now: set then, it would restyle all of the screen's widgets once more (~250 ms).
        screen.add_class(width_class(self.size.width, self.HORIZONTAL_BREAKPOINTS))
        return screen

    def step_screen_name(self, step_id: str) -> str:
        return f"step-{step_id}-{self._generation}"

    def go_to_step(self, step_id: str, *, save: bool = True) -> None:
        """Open a step (any step, any time). Input on the step left stays where it was."""
        if self.file is None or step_id not in STEP_IDS:
            return
        while len(self.screen_stack) > 1 and getattr(self.screen, "IS_DETAIL", False):
            self.pop_screen()
        name = self.step_screen_name(step_id)
        if not self.is_screen_installed(name):
            self.install_screen(self._new_step_screen(step_id), name)
        meta = self.file.session.meta
        if meta.current_step != step_id:
            meta.current_step = step_id
            if save:
                self.save_on_leaving_a_step()
        if getattr(self.screen, "IS_STEP", False):
            self.switch_screen(name)
        else:  # the first step shown, over the opening (or start) screen
            self.push_screen(name)

    def step_offset(self, offset: int) -> str | None:
        """The step `offset` places from the current one, or None past either end."""
        if self.file is None:
            return None
        current = self.file.session.meta.current_step
        index = STEP_IDS.index(current) + offset if current in STEP_IDS else 0
        return STEP_IDS[index] if 0 <= index < len(STEP_IDS) else None

    # --- the checklist and the step states ----------------------------------------------------

    def checklist(self) -> Checklist:
        """The session's checklist, built once per change (only golive.session.checklist builds it)."""
        if self._checklist is None:
            from golive.session.checklist import build_checklist

            self._checklist = build_checklist(self.session)
        return self._checklist

    def chain_problems(self) -> tuple[str, ...]:
        """What is wrong with the session's evidence log: a log that does not verify holds both
        gates (the same rule as `golive gate`). Read again only when the log or its head moved."""
        if self.file is None:
            return ()
        from golive.session.evidence import verify

        path = self.file.evidence_path
        try:
            stat = path.lstat()
            key: object = (stat.st_size, stat.st_mtime_ns, repr(self.session.evidence))
        except OSError:
            key = ("absent", repr(self.session.evidence))
        if self._chain is None or self._chain[0] != key:
            self._chain = (key, tuple(verify(self.session, path).problems))
        return self._chain[1]

    def step_states(self) -> dict[str, StepState]:
        """Each step's state from its checklist items and drafts. Items golive derived (not
        applicable here) make a step done when all else is, but never "in progress" alone."""
        return step_states(self.session, self.checklist())

    def reattach(self) -> None:
        if self.file is not None:
            self.attach(self.file, lock=self.lock, read_only=self.read_only)

    # --- help, palette, quit ------------------------------------------------------------------

    def action_help(self) -> None:
        from golive.tui.screens.help import HelpScreen

        text = getattr(self.screen, "help_text", None)
        body = text() if callable(text) else "golive walks a go-live step by step."
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(body))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        if self.file is not None:
            for number, step in enumerate(STEPS, start=1):
                yield SystemCommand(
                    f"Step {number}: {step.title}",
                    f"Open the {step.title} step",
                    partial(self.go_to_step, step.id),
                )
            yield from self.save_commands()
        yield from super().get_system_commands(screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure, wherever it ran (screens and widgets pass theirs here), in
        words: what stopped, on which step, and what to do. Never a traceback."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        text = error_text(worker.error)
        node: object = worker.node
        # the screen or widget that started it puts back what it showed (e.g. "inspecting…")
        while node is not None:
            shown = getattr(node, "worker_failed", None)
            if callable(shown):
                shown(worker.group, text)
                break
            node = getattr(node, "parent", None)
        step = step_title(self.file.session.meta.current_step) if self.file else "golive"
        self.notify(
            f"{text.removeprefix('✗ ')}\nWhat to do: try it again; if it stops again, note the "
            "message above and report it (the session is kept).",
            title=f"{step}: it stopped",
            severity="error",
            timeout=12,
        )

    def running_checks(self) -> bool:
        """Whether a live test is under way (not one that finished, its worker winding up)."""
        return any(
            w.group == "checks" and w.is_running and not getattr(w.node, "finished", False)
            for w in self.workers
        )

    def action_quit_wizard(self) -> None:
        from golive.tui.screens.confirm import ConfirmScreen

        if self.running_checks():
            self.push_screen(
                ConfirmScreen(
                    "A live test is running. Cancel it and quit?",
                    confirm="Cancel the test and quit",
                    cancel="Keep running",
                ),
                self._quit_confirmed,
            )
            return
        self._quit_confirmed(True)

    def _quit_confirmed(self, confirmed: bool | None) -> None:
        from golive.tui.screens.confirm import ConfirmScreen

        if not confirmed:
            return
        for worker in list(self.workers):
            if worker.group == "checks":  # recorded as cancelled, with what had finished
                worker.cancel()
        if self.file is not None and not self.read_only and not self.save_now():
            reason = self.save_error.message if self.save_error else "unknown reason"
            self.push_screen(
                ConfirmScreen(
                    f"Saving failed: {reason}\n\nQuit anyway? Changes since the last save are lost.",
                    confirm="Quit without saving",
                    cancel="Stay",
                    danger=True,
                ),
                self._quit_anyway,
            )
            return
        if self.file is not None and self.read_only and self.file.has_changes():
            self.push_screen(
                ConfirmScreen(
                    "This session is open read-only: your changes here are not saved. Quit?",
                    confirm="Quit",
                    cancel="Stay",
                ),
                self._quit_anyway,
            )
            return
        self.exit(self.failure_code, return_code=self.failure_code)

    def _quit_anyway(self, confirmed: bool | None) -> None:
        if confirmed:
            self.exit(0)


__all__ = [
    "AUTOSAVE_DELAY",
    "SCREENS_CSS",
    "STEP_SCREENS",
    "SessionSource",
    "WizardApp",
    "error_text",
    "step_title",
]
