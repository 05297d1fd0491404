"""`golive check`: run a live check suite headless, with a live progress display.

golive check SESSION --env staging|production --suite connectivity|transaction|smoke|probe
             [--json] [--junit FILE] [--trace FILE.har] [--yes] [--concurrency N] [--count N]
             [--country CC]...
golive check SESSION --suite parity --env staging|production|both [--scenarios FILE]

Prints a readable table (or the structured result with --json), appends the run to the session's
evidence log, ticks or fails the matching checklist items, and exits 0 when everything passed,
1 when a check failed, 2 for bad input. Progress goes to stderr, so stdout stays clean for --json.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from golive.cli.common import SESSION_HELP
from golive.session.errors import BadInputError
from golive.session.text import printable

if TYPE_CHECKING:
    from pydantic import SecretStr
    from rich.console import Console, RenderableType

    from golive.checks.events import CheckEvent
    from golive.checks.recording import RecordedRun
    from golive.checks.results import CheckResult, SuiteResult
    from golive.checks.suites import SuitePlan

SUITE_NAMES = ("connectivity", "transaction", "smoke", "probe", "parity")
EXIT_CANCELLED = 130


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `golive check` to `golive`."""
    check = sub.add_parser(
        "check",
        help="run live checks (connectivity, transaction, smoke, probe) against an environment",
        description="Run one check suite against the staging or production environment of a "
        "session, append the run to its evidence log and tick (or fail) the matching checklist "
        "items. Exit 0 when everything passed, 1 when a check failed, 2 for bad input. "
        "A run against the sandbox, a UAT host, or a local or private address is a rehearsal: "
        "it never ticks a production item.",
    )
    check.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    check.add_argument(
        "--env",
        required=True,
        choices=("staging", "production", "both"),
        help="which environment (both: parity only, production compared with staging)",
    )
    check.add_argument("--suite", required=True, choices=SUITE_NAMES, help="which checks to run")
    check.add_argument("--json", action="store_true", help="print the structured result as JSON")
    check.add_argument("--junit", metavar="FILE", help="also write JUnit XML (for CI pipelines)")
    check.add_argument(
        "--trace",
        metavar="FILE.har",
        help="also write every HTTP exchange of the run as an HTTP Archive (HAR 1.2, secrets and "
        "tokens redacted), for a browser's devtools or Thomson Reuters support",
    )
    check.add_argument(
        "--yes",
        action="store_true",
        help="skip the confirmation asked before transactions against production (for scripts)",
    )
    check.add_argument(
        "--override",
        metavar="REASON",
        default=None,
        help="run the production transaction although the production gate is held: the reason "
        "is recorded with the gate and shown in the report",
    )
    check.add_argument(
        "--concurrency", type=int, default=32, metavar="N", help="parallel requests (default 32)"
    )
    check.add_argument(
        "--count", type=int, default=100, metavar="N", help="transactions of a probe (default 100)"
    )
    check.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="CC",
        help="only these countries of the session (repeat, or CC,CC)",
    )
    check.add_argument(
        "--clearance-timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="longest wait for a test document's final clearance status (default 60 s)",
    )
    check.add_argument(
        "--scenarios",
        metavar="FILE",
        help="parity: your own tax scenarios (TOML; `golive schema scenarios`), beside the "
        "built-in ones",
    )
    check.set_defaults(handler=cmd_check)


def _countries(raw: list[str]) -> list[str]:
    codes = [c.strip().upper() for chunk in raw for c in chunk.split(",") if c.strip()]
    return list(dict.fromkeys(codes))


def cmd_check(args: argparse.Namespace) -> int:
    import asyncio

    from golive.checks.suites import plan_suite
    from golive.session.store import SessionFile

    if args.clearance_timeout <= 0 or args.clearance_timeout > 3600:
        raise BadInputError(
            f"--clearance-timeout {args.clearance_timeout:g} is out of range",
            where="--clearance-timeout",
            advice="give 1 to 3600 seconds",
        )
    parity = None
    if (args.env == "both" or args.scenarios) and args.suite != "parity":
        raise BadInputError(
            "--env both and --scenarios are for the parity suite",
            where="--suite",
            advice="use --suite parity, or give --env staging or production",
        )
    if args.env == "both":
        args.env = "production"  # parity against production always compares with staging
    handle = SessionFile.open(args.session)
    handle.ensure_writable()  # say so before the run, not after it
    if args.suite == "parity":
        from pathlib import Path

        from golive.checks.parity import load_scenarios

        scenarios = Path(args.scenarios).expanduser() if args.scenarios else None
        if scenarios is not None:
            load_scenarios(scenarios)  # a bad field is said before anything is sent
    countries = _countries(args.country)
    plan = plan_suite(
        handle.session,
        args.env,
        args.suite,
        concurrency=args.concurrency,
        probe_count=args.count,
        countries=countries or None,
    )
    if args.env == "production" and args.suite == "transaction":
        from golive.ops.gates import pass_gate

        # a production transaction acts past the production gate (exit 1 while it is held)
        gate = pass_gate(
            handle.session, "production", override=args.override, session_path=handle.path
        )
        if gate.override is not None and not gate.open:
            handle.save()  # the override is kept even if the run is then cancelled
    err = _console(stderr=True)
    if plan.needs_confirmation and not args.yes:
        _confirm_production(plan, err)
    secret = _client_secret(handle.session, args.env, err)
    einvoicing_secret = (
        _einvoicing_secret(handle.session, args.env, err) if plan.sends_einvoices else None
    )
    trace = _trace_for(args.trace, handle.session, args.env, args.suite)
    if args.suite == "parity":
        from golive.checks.suites import ParityOptions

        staging_secret = (
            _client_secret(handle.session, "staging", err) if args.env == "production" else None
        )
        parity = ParityOptions(scenarios=scenarios, staging_secret=staging_secret)

    view = ProgressView(plan, live=err.is_terminal and not args.json)
    finished: list[CheckResult] = []

    def on_event(event: CheckEvent) -> None:
        if event.kind == "result" and event.result is not None:
            finished.append(event.result)
        view.update(event, err)

    from golive.checks.suites import cancelled_suite, run_suite

    cancelled = False
    try:
        with view.display(err):
            result = asyncio.run(
                run_suite(
                    handle.session,
                    args.env,
                    args.suite,
                    secret=secret,
                    on_event=on_event,
                    confirm_production=True,  # asked above (or --yes)
                    concurrency=args.concurrency,
                    probe_count=args.count,
                    countries=countries or None,
                    clearance_timeout=args.clearance_timeout,
                    einvoicing_secret=einvoicing_secret,
                    trace=trace,
                    parity=parity,
                )
            )
    except KeyboardInterrupt:
        cancelled = True
        result = cancelled_suite(handle.session, args.env, args.suite, finished)
    if trace is not None:
        _write_trace(args.trace, trace, err)
    recorded = _record(handle, result)
    if args.junit:
        _write_junit(args.junit, result)
    if args.json:
        document = result.to_json()
        document["evidence"] = {
            "id": recorded.evidence.id,
            "log": str(handle.evidence_path),
            "items_set": {k: v.value for k, v in recorded.items_set.items()},
            "items_not_ticked": recorded.not_ticked,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_result(result, recorded, handle.evidence_path.name)
    if cancelled:
        err.print("cancelled: the checks that finished are recorded; nothing else was sent")
        return EXIT_CANCELLED
    return 0 if result.passed else 1


# --- asking --------------------------------------------------------------------------------------


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _shown(text: object) -> str:
    """Text from a session or a server as this command shows it: escaped for the terminal (no
    control characters, no bidi overrides) and for Rich markup."""
    from rich.markup import escape

    return escape(printable(text))


def _confirm_production(plan: SuitePlan, err: Console) -> None:
    what = plan.describe()
    if not sys.stdin.isatty():
        raise BadInputError(
            f"the {plan.suite} suite against production needs confirmation: it sends {what}",
            where="--env production",
            advice="run it on a terminal to answer the question, or pass --yes in a script",
        )
    err.print(f"[bold]Production:[/bold] this sends {_shown(what)}.")
    err.print(_shown(f"Company {plan.company!r}, client id {plan.settings.client_id!r}."))
    answer = input("Type 'yes' to go on: ").strip().lower()
    if answer != "yes":
        raise BadInputError(
            "not confirmed: nothing was sent", where="confirmation", advice="type yes to run it"
        )


def _einvoicing_secret(session: Any, environment: str, err: Console) -> SecretStr | None:
    """E-Invoicing's own client secret, or None when it shares the Determination credentials."""
    from golive.secrets import needs_einvoicing_secret

    if not needs_einvoicing_secret(session, environment):
        return None
    return _client_secret(session, environment, err, product="einvoicing")


def _client_secret(
    session: Any, environment: str, err: Console, *, product: str = "determination"
) -> SecretStr:
    import getpass

    from golive.secrets import resolve_client_secret

    prompt = getpass.getpass if sys.stdin.isatty() else None
    resolved = resolve_client_secret(session, environment, prompt=prompt, product=product)
    err.print(f"[dim]{resolved.notice}[/dim]")
    return resolved.value


def _trace_for(path: str | None, session: Any, environment: str, suite: str) -> Any:
    """A HAR trace to fill when --trace was given (its folder checked before anything is sent)."""
    if not path:
        return None
    from pathlib import Path

    from golive.api.trace import HarTrace

    folder = Path(path).expanduser().resolve().parent
    if not folder.is_dir():
        raise BadInputError(
            f"the folder of the trace file {path} does not exist",
            where="--trace",
            advice="give a path in an existing, writable folder",
        )
    return HarTrace(f"golive check --env {environment} --suite {suite} ({session.meta.title})")


def _write_trace(path: str, trace: Any, err: Console) -> None:
    from pathlib import Path

    from golive.session.errors import SaveError

    try:
        trace.write(Path(path).expanduser())
    except SaveError as error:
        raise BadInputError(
            f"cannot write the trace file {path}: {error.message}",
            where="--trace",
            advice="give a path in a writable folder",
        ) from None
    err.print(f"[dim]trace of {len(trace)} exchange(s) written to {path} (secrets redacted)[/dim]")


# --- recording -----------------------------------------------------------------------------------


def _record(handle: Any, result: SuiteResult) -> RecordedRun:
    """Append the evidence and save the items; the session is re-read first (the wizard may have
    saved it while the checks ran)."""
    from golive.checks.recording import record_suite
    from golive.session.errors import GoliveError

    try:
        if handle.path.exists():
            handle.reload()
    except GoliveError:
        pass  # keep the copy loaded at the start; save() still refuses to overwrite newer work
    recorded = record_suite(handle.session, handle.evidence_path, result)
    handle.save()
    return recorded


def _write_junit(path: str, result: SuiteResult) -> None:
    from pathlib import Path

    from golive.checks.junit import junit_xml
    from golive.session.errors import SaveError
    from golive.session.store import write_atomically

    target = Path(path)
    try:
        write_atomically(target, junit_xml(result), mode=0o644)
    except SaveError as error:
        raise BadInputError(
            f"cannot write the JUnit file {path}: {error.message}",
            where="--junit",
            advice="give a path in a writable folder",
        ) from None


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

    def __init__(self, plan: SuitePlan, *, live: bool) -> None:
        self.plan = plan
        self.live = live
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[str, str]] = {}  # check id -> (state, text)
        self._done = 0
        self._total = 0
        self._notice = ""
        self._started = time.monotonic()

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
            elif event.kind == "notice":
                self._notice = _shown(event.message)
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

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.table import Table

        with self._lock:
            rows = list(self._rows.items())
            done, total, notice = self._done, self._total, self._notice
        elapsed = time.monotonic() - self._started
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


def _print_result(result: SuiteResult, recorded: RecordedRun, log_name: str) -> None:
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
