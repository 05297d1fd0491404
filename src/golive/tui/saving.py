"""The wizard's saving: autosave after a quiet moment, the save state, conflicts and merges.

WizardApp is built on this class; it holds the open session file and how it is saved.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.reactive import reactive
from textual.timer import Timer

from golive.session.clock import now
from golive.session.errors import GoliveError, SessionConflictError
from golive.tui.notices import NoticesApp
from golive.tui.presentation import (
    NO_SESSION,
    READ_ONLY,
    UNSAVED,
    SaveStatus,
    save_failed,
    saved,
)

if TYPE_CHECKING:
    from golive.session.checklist import Checklist
    from golive.session.lock import SessionLock
    from golive.session.store import SessionFile

AUTOSAVE_DELAY = 0.8  # seconds of quiet after a change before it is written


class SavingApp(NoticesApp):
    """An app with a session file open: it saves what changes and says where the save stands."""

    save_state: reactive[SaveStatus] = reactive(NO_SESSION)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.file: SessionFile | None = None
        self.lock: SessionLock | None = None
        self.read_only = False
        self.save_error: GoliveError | None = None
        self._save_timer: Timer | None = None
        self._checklist: Checklist | None = None
        self.cleanups: list[Callable[[], None]] = []  # run when the wizard closes

    def reattach(self) -> None:
        """Show the open session anew (after a merge or a reload); WizardApp does it."""
        raise NotImplementedError

    def session_changed(self, *, save_now: bool = False) -> None:
        """Something in the session changed: refresh what shows it and autosave (debounced)."""
        if self.file is None:
            return
        self._checklist = None
        if self.read_only:
            self.save_state = READ_ONLY
        else:
            self.save_state = UNSAVED
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_from_session", None)
            if refresh is not None:
                refresh()
        if save_now:
            self.save_now()

    def save_on_leaving_a_step(self) -> None:
        """A step was left: what was typed on it is written once the next step is on the screen;
        when only the step changed, the next autosave (within AUTOSAVE_DELAY) writes that, not
        the frames that show the step."""
        if self.file is None or self.read_only:
            return
        if self.save_state == UNSAVED:
            self.call_after_refresh(self.save_now)
        elif self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        self.save_now()

    def save_now(self) -> bool:
        """Save the session now. A failure is shown with its reason; memory keeps everything."""
        if self.file is None:
            return True
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.read_only:
            self.save_state = READ_ONLY
            return False
        try:
            self.file.save()
        except GoliveError as error:
            first_failure = self.save_error is None or self.save_error.message != error.message
            self.save_error = error
            self.save_state = save_failed(error)
            if first_failure:
                hint = (
                    "\nctrl+p: 'Keep my version' or 'Take the file's version'"
                    if isinstance(error, SessionConflictError)
                    else ""
                )
                self.notify(
                    error.message
                    + (f"\nWhat to do: {error.advice}" if error.advice else "")
                    + hint,
                    title="Not saved (nothing in memory is lost)",
                    severity="error",
                    timeout=12,
                )
            return False
        self.save_error = None
        self.save_state = saved(f"saved {now():%H:%M:%S} UTC")
        if self.file.merged_keys:
            self._show_merge(self.file.merged_keys)
        return True

    def _show_merge(self, keys: list[str]) -> None:
        """The save took changes made elsewhere (an editor, say): rebuild the screens so they
        show them, and say which."""
        shown = ", ".join(keys[:6]) + (f" and {len(keys) - 6} more" if len(keys) > 6 else "")
        self.notify(
            f"Saved. Your changes were kept, and these were taken from the file, changed "
            f"elsewhere meanwhile: {shown}",
            title="Merged",
            timeout=10,
        )
        if self.file is None:
            return
        self._pop_to_step()
        self.reattach()

    def _pop_to_step(self) -> None:
        while len(self.screen_stack) > 1 and not getattr(self.screen, "IS_STEP", False):
            self.pop_screen()

    def keep_my_version(self) -> None:
        """After a conflict: write this run's session over the file's newer content."""
        if self.file is None:
            return
        try:
            self.file.save(force=True)
        except GoliveError as error:
            self.save_error = error
            self.save_state = save_failed(error)
            return
        self.save_error = None
        self.save_state = saved(f"saved {now():%H:%M:%S} UTC (over the other change)")

    def take_file_version(self) -> None:
        """After a conflict: drop what was not saved here and show the file as it is now."""
        if self.file is None:
            return
        try:
            self.file.reload()
        except GoliveError as error:
            self.notify(error.message, title="Not reloaded", severity="error")
            return
        self._pop_to_step()
        self.reattach()

    def action_save(self) -> None:
        if self.file is None:
            return
        if self.save_now():
            self.notify("Saved.", timeout=2)

    def save_commands(self) -> Iterable[SystemCommand]:
        """The palette's commands for saving (and for a conflict, when there is one)."""
        yield SystemCommand("Save now", "Write the session file now (ctrl+s)", self.action_save)
        if isinstance(self.save_error, SessionConflictError):
            yield SystemCommand(
                "Keep my version",
                "Save over the change made elsewhere to the session file",
                self.keep_my_version,
            )
            yield SystemCommand(
                "Take the file's version",
                "Reload the session from disk; the changes not saved here are dropped",
                self.take_file_version,
            )

    def on_unmount(self) -> None:
        if self._save_timer is not None:  # closed before the autosave came: write it now
            self.save_now()
        self.release()

    def release(self) -> None:
        """Give back the session lock and stop what the wizard started (the demo's sandbox)."""
        if self.lock is not None:
            with contextlib.suppress(OSError):
                self.lock.release()
            self.lock = None
        while self.cleanups:
            cleanup = self.cleanups.pop()
            with contextlib.suppress(Exception):
                cleanup()
