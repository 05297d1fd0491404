"""What `golive check` shows: the live progress (or, without a terminal, a line per finished
check and a heartbeat every few seconds) and the result table, with what a cancelled run had."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from golive.session import clock
from golive.session.text import printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from golive.checks.events import CheckEvent
    from golive.checks.recording import RecordedRun
    from golive.checks.results import SuiteResult
    from golive.checks.suites import SuitePlan

HEARTBEAT_S = 5.0  # without a terminal, a "still running" line this often


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _shown(text: object) -> str:
    """Text from a session or a server as this command shows it: escaped for the terminal (no
    control characters, no bidi overrides) and for Rich markup."""
    from rich.markup import escape

    return escape(printable(text))


# --- showing -------------------------------------------------------------------------------------

_MARK = {
    "passed": "[green]passed[/green]",
    "warning": "[yellow]warning[/yellow]",
    "failed": "[red]FAILED[/red]",
    "skipped": "[dim]not run[/dim]",
    "cancelled": "[dim]cancelled[/dim]",
}


class ProgressView:
    """The live progress display: one line per check with its current stage, plus a counter."""

    def __init__(
        self,
        plan: SuitePlan,
        *,
        live: bool,
        tick: Callable[[], float] = clock.monotonic,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.plan = plan
        self.live = live
        self._tick = tick
        self.heartbeat_s = heartbeat_s
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[str, str]] = {}  # check id -> (state, text)
        self._done = 0
        self._total = 0
        self._notice = ""
        self._started = tick()
        self._last_line = self._started

    def heartbeat(self, err: Console) -> bool:
        """Without a terminal (a CI log): one "still running" line once `heartbeat_s` passed
        since the last line shown. Returns whether it printed. Called on every event and by
        the ticker thread, so a run that hangs without events still says it is alive."""
        if self.live:
            return False
        with self._lock:
            at = self._tick()
            if at - self._last_line < self.heartbeat_s:
                return False
            self._last_line = at
            running = [c for c, (state, _) in self._rows.items() if state == "running"]
            done, total = self._done, self._total
        counted = f", {done} of {total} done" if total else ""
        now_running = f"; running: {', '.join(running)}" if running else ""
        err.print(
            printable(
                f"  still running: {self.plan.suite} against {self.plan.environment}, "
                f"{at - self._started:.0f} s{counted}{now_running}"
            ),
            markup=False,
        )
        return True

    def ticker(self, err: Console) -> Any:
        """A context that calls `heartbeat` about once a second while the run goes on."""
        import contextlib

        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(1.0):
                self.heartbeat(err)

        @contextlib.contextmanager
        def running() -> Any:
            thread = threading.Thread(target=beat, name="golive-check-heartbeat", daemon=True)
            if not self.live:
                thread.start()
            try:
                yield
            finally:
                stop.set()

        return running()

    def unfinished(self) -> list[tuple[str, str]]:
        """The checks still running when the run stopped: (id, what they had got to)."""
        with self._lock:
            counted = f"{self._done} of {self._total} done" if self._total else ""
            rows = [(c, text) for c, (state, text) in self._rows.items() if state == "running"]
        return [
            (
                check_id,
                "; ".join(
                    p for p in (f"stopped during {text}" if text else "stopped", counted) if p
                ),
            )
            for check_id, text in rows
        ]

    def display(self, err: Console) -> Any:
        import contextlib

        if not self.live:
            return contextlib.nullcontext()
        from rich.live import Live

        return Live(self, console=err, refresh_per_second=8, transient=True)

    def update(self, event: CheckEvent, err: Console) -> None:
        with self._lock:
            if event.kind == "stage_started" and event.stage is not None:
                self._rows[event.check] = (
                    "running",
                    _shown(f"{event.stage.label}: {event.message}"),
                )
            elif event.kind == "result" and event.result is not None:
                result = event.result
                self._rows[event.check] = (result.outcome, _shown(result.message))
            elif event.kind == "progress":
                self._done, self._total = event.done, event.total
                self._rows.setdefault(event.check, ("running", ""))
            elif event.kind == "notice":
                self._notice = _shown(event.message)
            if not self.live and event.kind == "result":
                self._last_line = self._tick()
        if not self.live and event.kind == "result" and event.result is not None:
            # No terminal (CI): one line per finished check.
            result = event.result
            err.print(
                printable(
                    f"{result.outcome:>9}  {result.id}  {result.elapsed_s * 1000:.0f} ms  "
                    f"{result.message}"
                ),
                markup=False,
            )
        self.heartbeat(err)

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.table import Table

        with self._lock:
            rows = list(self._rows.items())
            done, total, notice = self._done, self._total, self._notice
        elapsed = self._tick() - self._started
        title = (
            f"{self.plan.suite} against {self.plan.environment} ({self.plan.endpoints.host})"
            f"  {elapsed:.1f} s"
        )
        if total:
            title += f"  {done}/{total}"
        table = Table(
            title=title, title_justify="left", box=None, show_header=False, pad_edge=False
        )
        table.add_column(width=10)
        table.add_column(no_wrap=True)
        table.add_column(overflow="ellipsis", no_wrap=True)
        shown = rows if len(rows) <= 20 else [r for r in rows if r[1][0] == "running"][-20:]
        for check_id, (state, text) in shown:
            mark: RenderableType = (
                Spinner("dots") if state == "running" else _MARK.get(state, state)
            )
            table.add_row(mark, _shown(check_id), text)
        if notice:
            table.add_row("", "[dim]retry[/dim]", f"[dim]{notice}[/dim]")
        return table


def _print_result(
    result: SuiteResult,
    recorded: RecordedRun,
    log_name: str,
    unfinished: list[tuple[str, str]] | None = None,
) -> None:
    # Long because it lays out every kind of suite result; each block is one short table or line.
    from rich.table import Table

    out = _console()
    heading = f"{result.suite} against {result.environment} ({result.base_url})"
    if result.demo:
        heading = f"DEMO SESSION: {heading}"
    if result.rehearsal:
        heading += " [rehearsal: the sandbox, a UAT host, or a local or private address]"
    out.print(f"[bold]{_shown(heading)}[/bold]")
    table = Table("check", "result", "stage", "time", "what happened", box=None, pad_edge=False)
    for check in result.checks:
        table.add_row(
            _shown(check.id),
            _MARK.get(check.outcome, check.outcome),
            check.stage.label if check.stage else "",
            f"{check.elapsed_s * 1000:.0f} ms" if check.elapsed_s else "",
            _shown(check.message),
        )
    for check_id, text in unfinished or []:  # Ctrl+C: what the run had, not an empty table
        table.add_row(_shown(check_id), _MARK["cancelled"], "", "", _shown(text))
    out.print(table)
    if result.suite == "connectivity" and result.checks:
        stages = Table("stage", "result", "time", "detail", box=None, pad_edge=False)
        for stage in result.checks[0].stages:
            stages.add_row(
                stage.stage.label,
                _MARK.get(stage.outcome, stage.outcome),
                f"{stage.elapsed_s * 1000:.1f} ms" if stage.outcome != "skipped" else "",
                _shown(stage.message),
            )
        out.print(stages)
    if result.suite == "probe" and result.figures.get("requests"):
        f = result.figures
        out.print(
            f"requests {f['requests']}, concurrency {f['concurrency']}, "
            f"error rate {f['error_rate_pct']} % (target {f['targets']['error_rate_pct']} %), "
            f"p50 {f['response_time_p50_s'] * 1000:.0f} ms, p95 {f['response_time_p95_s'] * 1000:.0f} ms "
            f"(target {f['targets']['response_time_p95_s'] * 1000:.0f} ms), "
            f"p99 {f['response_time_p99_s'] * 1000:.0f} ms, {f['throughput_rps']} req/s",
            markup=False,
        )
        if f.get("rejections_by_country"):
            out.print(
                f"clearance rejections by country: {f['rejections_by_country']}", markup=False
            )
    for check in result.checks:
        if check.outcome == "failed" and check.advice:
            out.print(f"[red]{_shown(check.id)}[/red]: {_shown(check.message)}")
            out.print(f"  what to do: {_shown(check.advice)}")
            ids = check.details.get("request_ids") or []
            if ids:  # what Thomson Reuters support looks the request up by
                out.print(f"  X-API-REQUEST-ID: {_shown(str(ids[-1]))}", markup=True)
    out.print(f"evidence {recorded.evidence.id} appended to {_shown(log_name)}", markup=True)
    for item_id, status in recorded.items_set.items():
        out.print(f"  {item_id}: {status.value}")
    if recorded.not_ticked:
        out.print(
            f"  not ticked: {', '.join(recorded.not_ticked)} ({_shown(recorded.why_not_ticked)})"
        )
    verdict = "all checks passed" if result.passed else "a check failed"
    if result.cancelled:
        verdict = "cancelled"
    out.print(f"[bold]{verdict}[/bold]")
