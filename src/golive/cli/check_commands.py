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
from typing import TYPE_CHECKING, Any

from golive.cli.check_output import ProgressView, _console, _print_result, _shown
from golive.cli.common import SESSION_HELP, _open
from golive.session.errors import BadInputError

if TYPE_CHECKING:
    from pydantic import SecretStr
    from rich.console import Console

    from golive.checks.events import CheckEvent
    from golive.checks.recording import RecordedRun
    from golive.checks.results import CheckResult, SuiteResult
    from golive.checks.suites import SuitePlan

SUITE_NAMES = ("connectivity", "transaction", "smoke", "probe", "parity")
EXIT_CANCELLED = 130


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Long because one add_argument per flag, each with its help text.
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
    # Long because the run is one sequence (inputs, gate, secrets, run, record, show) sharing its state.
    import asyncio

    from golive.checks.suites import plan_suite

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
    handle = _open(args.session)
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
        with view.display(err), view.ticker(err):
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
        _print_result(
            result, recorded, handle.evidence_path.name, view.unfinished() if cancelled else None
        )
    if cancelled:
        err.print("cancelled: the checks that finished are recorded; nothing else was sent")
        return EXIT_CANCELLED
    return 0 if result.passed else 1


# --- asking --------------------------------------------------------------------------------------


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
