"""Toasts of a kind that replace each other: "Still open on …" once, not piled up over the step.

Moving through the steps with ctrl+n says what each step left open. At 80x24 three such toasts
cover most of the form the user moved to; only the newest says something about the way on.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from golive.session.clock import monotonic


class NoticesApp(App[int]):
    """An app whose toasts may say of what kind they are: one of a kind replaces the one before
    it, as long as every toast still on the screen is of that kind (another toast, an error
    say, is never cleared)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: list[tuple[str, float]] = []  # (kind, when it is gone), kind "" for any

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self._remember("", timeout)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def notify_replacing(self, kind: str, message: str, *, title: str, timeout: float) -> None:
        """Show a toast of `kind`, in place of the last of that kind when no other is shown."""
        moment = monotonic()
        showing = [k for k, gone in self._shown if gone > moment]
        if showing and all(k == kind for k in showing):
            self.clear_notifications()
            self._shown.clear()
        super().notify(message, title=title, timeout=timeout, markup=False)
        self._remember(kind, timeout)

    def _remember(self, kind: str, timeout: float | None) -> None:
        moment = monotonic()
        gone = moment + (self.NOTIFICATION_TIMEOUT if timeout is None else timeout)
        self._shown = [(k, g) for k, g in self._shown if g > moment] + [(kind, gone)]
