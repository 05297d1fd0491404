"""`golive sandbox`: run the built-in ONESOURCE sandbox in the foreground until Ctrl+C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any

from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from pydantic import ValidationError

    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings

SECRET_ENV = "GOLIVE_SANDBOX_CLIENT_SECRET"  # noqa: S105  (the variable's name)
ADMIN_TOKEN_ENV = "GOLIVE_SANDBOX_ADMIN_TOKEN"  # noqa: S105  (the variable's name)
DEFAULT_PORT = 8765

# Settings field -> the flag that sets it, so an error names what the user typed.
_FLAGS = {
    "host": "--host",
    "port": "--port",
    "client_id": "--client-id",
    "client_secret": f"--client-secret / {SECRET_ENV}",
    "company": "--company",
    "extra_companies": "--extra-company",
    "admin_token": ADMIN_TOKEN_ENV,
    "token_ttl_s": "--token-ttl",
    "clearance_step_s": "--clearance-step",
    "latency_ms": "--latency-ms",
    "jitter_ms": "--jitter-ms",
    "error_rate": "--error-rate",
    "transient_503": "--transient-503",
    "rate_limit": "--rate-limit",
    "retry_after_s": "--retry-after",
    "unknown_companies": "--unknown-company",
    "reject_countries": "--reject",
    "warn_countries": "--warn",
    "slow_body_ms": "--slow-body-ms",
    "hang_s": "--hang-s",
    "drop_connections": "--drop",
    "endpoints": "--fault-endpoints",
    "seed": "--seed",
    "zero_tax": "--zero-tax",
    "rate_drift": "--rate-drift",
    "drift_companies": "--drift-company",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Long because one add_argument per flag, each with its help text.
    """Add `golive sandbox` to `golive`."""
    parser = sub.add_parser(
        "sandbox",
        help="run the built-in ONESOURCE sandbox on this machine",
        description="Run a local stand-in for the ONESOURCE APIs (token, calculate, e-invoice "
        "clearance) with fault injection, to rehearse every check. It prints its URL and demo "
        "credentials and runs until Ctrl+C. Faults can also be changed while it runs: "
        "PUT /admin/faults with the printed admin token.",
    )
    where = parser.add_argument_group("where it listens")
    where.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    where.add_argument(
        "--upstream",
        metavar="URL",
        help="be a fault-injecting proxy in front of this host (e.g. a UAT host) instead of the "
        "simulator: point the integration at the sandbox's URL",
    )
    where.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"0 = any free port (default {DEFAULT_PORT})"
    )
    where.add_argument("--tls", action="store_true", help="HTTPS with a throw-away CA")
    where.add_argument(
        "--tls-variant",
        choices=("valid", "expired", "wrong-host", "self-signed"),
        help="HTTPS with a bad certificate, to rehearse TLS failures (implies --tls)",
    )
    where.add_argument("--quiet", action="store_true", help="do not log each request")

    who = parser.add_argument_group("demo credentials")
    who.add_argument("--client-id", default=None, help="default golive-demo")
    who.add_argument(
        "--client-secret",
        default=None,
        help=f"default golive-demo-secret; visible to other local users, prefer {SECRET_ENV}",
    )
    who.add_argument("--company", default=None, help="externalCompanyId, default DEMO-001")
    who.add_argument(
        "--extra-company",
        action="append",
        default=[],
        metavar="ID[,ID...]",
        help="more known externalCompanyIds, e.g. DEMO-MX (repeatable)",
    )
    who.add_argument("--token-ttl", type=float, default=None, metavar="S", help="default 3600")
    who.add_argument(
        "--clearance-step", type=float, default=None, metavar="S", help="time per clearance state"
    )

    faults = parser.add_argument_group("faults (change them later with PUT /admin/faults)")
    faults.add_argument("--latency-ms", type=int, default=0, metavar="N")
    faults.add_argument("--jitter-ms", type=int, default=0, metavar="N")
    faults.add_argument(
        "--error-rate", type=float, default=0.0, metavar="F", help="share of 503s, 0..1"
    )
    faults.add_argument("--transient-503", type=int, default=0, metavar="N", help="next N: 503")
    faults.add_argument("--rate-limit", type=int, default=0, metavar="N", help="next N: 429")
    faults.add_argument("--retry-after", type=int, default=1, metavar="S", help="429 Retry-After")
    faults.add_argument("--fail-auth", action="store_true", help="the token endpoint refuses all")
    faults.add_argument(
        "--unknown-company", action="append", default=[], metavar="ID[,ID...]", help="403 for it"
    )
    faults.add_argument("--reject", default="", metavar="CC,...", help="countries rejected")
    faults.add_argument("--warn", default="", metavar="CC,...", help="countries approved + warning")
    faults.add_argument("--malformed", action="store_true", help="bodies that are not JSON")
    faults.add_argument("--slow-body-ms", type=int, default=0, metavar="N")
    faults.add_argument("--hang-s", type=float, default=0.0, metavar="S")
    faults.add_argument(
        "--drop", type=int, default=0, metavar="N", help="next N: the connection drops mid-answer"
    )
    faults.add_argument(
        "--fault-endpoints",
        default="all",
        metavar="NAME,...",
        help="token, calculate, einvoice, ping or all (default all)",
    )
    faults.add_argument("--seed", type=int, default=None, help="reproducible error_rate/jitter")
    faults.add_argument(
        "--zero-tax",
        default="",
        metavar="CC,...",
        help="answer no tax at all for these ship-to countries (an unconfigured jurisdiction)",
    )
    faults.add_argument(
        "--rate-drift",
        action="append",
        default=[],
        metavar="CC=POINTS",
        help="add POINTS percentage points to CC's rate for the drift companies (repeatable)",
    )
    faults.add_argument(
        "--drift-company",
        action="append",
        default=[],
        metavar="ID",
        help="the company --rate-drift applies to (default: the --extra-company ones); point "
        "production at it to see staging and production differ",
    )
    parser.set_defaults(handler=run_sandbox)


def settings_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> SandboxSettings:
    # Long because one field per flag of the sandbox.
    """Settings from the flags and the environment; BadInputError naming each bad flag."""
    from pydantic import ValidationError

    from golive.sandbox.faults import Faults
    from golive.sandbox.settings import SandboxSettings

    given: dict[str, Any] = {"host": args.host, "port": args.port}
    secret = args.client_secret or env.get(SECRET_ENV)
    optional = {
        "client_id": args.client_id,
        "client_secret": secret,
        "company": args.company,
        "admin_token": env.get(ADMIN_TOKEN_ENV) or None,
        "token_ttl_s": args.token_ttl,
        "clearance_step_s": args.clearance_step,
    }
    given.update({key: value for key, value in optional.items() if value is not None})
    given["extra_companies"] = _split(args.extra_company)
    if args.tls or args.tls_variant:
        given["tls"] = args.tls_variant or "valid"
    problems: list[str] = []
    settings: SandboxSettings | None = None
    try:
        given["faults"] = Faults(
            latency_ms=args.latency_ms,
            jitter_ms=args.jitter_ms,
            error_rate=args.error_rate,
            transient_503=args.transient_503,
            rate_limit=args.rate_limit,
            retry_after_s=args.retry_after,
            fail_auth=args.fail_auth,
            unknown_companies=_split(args.unknown_company),
            reject_countries=_split([args.reject]),
            warn_countries=_split([args.warn]),
            malformed=args.malformed,
            slow_body_ms=args.slow_body_ms,
            hang_s=args.hang_s,
            drop_connections=args.drop,
            endpoints=_split([args.fault_endpoints]),
            seed=args.seed,
            zero_tax=_split([args.zero_tax]),
            rate_drift=_drift(args.rate_drift),
            drift_companies=_split(args.drift_company) or _split(args.extra_company),
        )
    except ValidationError as error:
        problems += _problems(error)
    try:
        settings = SandboxSettings(**given)
    except ValidationError as error:
        problems += _problems(error)
    if settings is not None and settings.faults.rate_drift and not settings.faults.drift_companies:
        problems.append(
            "--rate-drift: no company to drift: give --extra-company ID (and point the "
            "production environment at it) or --drift-company ID"
        )
    if problems or settings is None:
        raise BadInputError(
            "; ".join(problems), where="golive sandbox", advice="see `golive sandbox --help`"
        )
    return settings


def _drift(pairs: list[str]) -> dict[str, float]:
    """--rate-drift IT=2 as {"IT": 2.0}; BadInputError for anything else."""
    drift: dict[str, float] = {}
    for pair in _split(pairs):
        country, sep, points = pair.partition("=")
        try:
            drift[country.strip().upper()] = float(points)
        except ValueError:
            sep = ""
        if not sep:
            raise BadInputError(
                f"{pair!r} is not CC=POINTS",
                where="--rate-drift",
                advice="for example --rate-drift IT=2 (Italy's rate 2 points higher)",
            )
    return drift


def _problems(error: ValidationError) -> list[str]:
    from golive.sandbox.wire import plain_message

    found = []
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        found.append(f"{_FLAGS.get(field, field or 'value')}: {plain_message(item)}")
    return found


def _split(values: list[str]) -> tuple[str, ...]:
    """Repeatable, comma-separated flag values as one tuple: ["MX,IT", "BR"] -> (MX, IT, BR)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def exposure_warning(settings: SandboxSettings) -> str | None:
    """What to tell the user when the sandbox is reachable from other machines."""
    if settings.is_loopback:
        return None
    return (
        f"warning: listening on {settings.host}: other machines can reach this sandbox, and its "
        "demo credentials and admin token are printed below. Use --host 127.0.0.1 unless you "
        "need that."
    )


def banner(server: SandboxServer) -> str:
    settings = server.settings
    rows = [
        ("client id", server.client_id),
        ("client secret", server.client_secret.get_secret_value()),
        ("company", server.company),
    ]
    if settings.extra_companies:
        rows.append(("more companies", ", ".join(settings.extra_companies)))
    rows.append(("admin token", server.admin_token))
    if server.ca_bundle is not None:
        rows.append(("CA bundle", str(server.ca_bundle)))
        if settings.tls != "valid":
            rows.append(("TLS variant", f"{settings.tls} (clients should refuse it)"))
    rows.append(("faults", describe_faults(server.faults.model_dump(exclude_defaults=True))))
    rows.append(("OpenAPI", f"{server.url}/openapi.json"))
    rows.append(("metrics", f"{server.url}/metrics"))
    lines = [f"golive sandbox running at {server.url}"]
    lines += [f"  {label:<15} {value}" for label, value in rows]
    lines.append("Stop it with Ctrl+C.")
    return "\n".join(lines)


def describe_faults(changed: Mapping[str, Any]) -> str:
    if not changed:
        return "none"
    parts = []
    for name, value in changed.items():
        shown = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
        if isinstance(value, dict):  # rate_drift: IT=2
            shown = ",".join(f"{k}={v:g}" for k, v in value.items())
        parts.append(f"{name}={shown}")
    return " ".join(parts)


def run_sandbox(args: argparse.Namespace) -> int:
    from golive.sandbox.runner import SandboxServer

    settings = settings_from_args(args, os.environ)
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    if args.client_secret:
        print(
            f"note: a secret on the command line is visible to other local users; {SECRET_ENV} "
            "is safer (fine for this demo value).",
            file=sys.stderr,
        )
    app = None
    if args.upstream:  # a fault-injecting proxy in front of a real host (golive.sandbox.proxy)
        from golive.sandbox.faults import FaultBoard
        from golive.sandbox.proxy import create_proxy_app

        app = create_proxy_app(args.upstream, FaultBoard(settings.faults))
        print(
            f"proxy mode: every request goes to {args.upstream}, with the faults", file=sys.stderr
        )
    server = SandboxServer(settings, log_requests=not args.quiet, app=app)
    server.start()
    stop = threading.Event()

    def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        if app is None:
            print(banner(server), flush=True)
        else:
            faults = describe_faults(settings.faults.model_dump(exclude_defaults=True))
            print(f"golive proxy at {server.url} -> {args.upstream}\nfaults: {faults}", flush=True)
        # A timeout keeps Ctrl+C responsive on every OS and notices a server that died.
        while not stop.wait(0.5):
            if not server.running:
                print("golive: the sandbox stopped unexpectedly", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    print("golive sandbox stopped", flush=True)
    return 0
