"""Every network fault the sandbox can inject, run through the real `golive check` command.

Used two ways:
- `tests/test_hardening_faults.py` runs each fault and asserts the stage, the advice and exit 1;
- `python tests/fault_table.py [--write docs/faults.md]` prints the table
  fault -> stage -> exit code -> advice (the table the README links).

Each fault gets a fresh session pointing at the sandbox (or at a host that cannot answer), a
client secret of its own in GOLIVE_STAGING_CLIENT_SECRET, and a golive data folder of its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts
from golive.session.store import SessionFile

ROOT = Path(__file__).resolve().parent.parent
SECRET = "fault-table-secret-7c1e0b9d55aa"  # pragma: allowlist secret
READ_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Fault:
    name: str
    """What goes wrong, as the table shows it."""
    suite: str
    stage: str
    """The stage golive must name."""
    advice: tuple[str, ...]
    """Words the advice must hold (any one of each tuple entry joined by |)."""
    tls: str | None = "valid"
    faults: dict[str, Any] = field(default_factory=dict)
    url: Callable[[SandboxServer], str] | None = None
    trust_ca: bool = True
    exit_code: int = 1
    """0 for the faults the client absorbs (a single 503 or 429 within the retry policy)."""
    min_elapsed_s: float = 0.0
    """A lower bound that proves a wait was honoured (Retry-After)."""


def _closed_port(_server: SandboxServer) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"https://127.0.0.1:{port}"


FAULTS: list[Fault] = [
    Fault(
        "DNS failure (a .invalid host)",
        "connectivity",
        "dns",
        ("DNS",),
        url=lambda _s: "https://onesource-golive-fault.invalid",
    ),
    Fault(
        "connection refused (closed loopback port)",
        "connectivity",
        "tcp",
        ("port",),
        url=_closed_port,
    ),
    Fault("untrusted TLS certificate", "connectivity", "tls", ("CA bundle",), trust_ca=False),
    Fault("expired TLS certificate", "connectivity", "tls", ("renewed",), tls="expired"),
    Fault(
        "wrong host name in the certificate",
        "connectivity",
        "tls",
        ("host name",),
        tls="wrong-host",
    ),
    Fault(
        "401: credentials refused",
        "connectivity",
        "auth",
        ("client id|secret",),
        faults={"fail_auth": True},
    ),
    Fault(
        "403: company unknown",
        "connectivity",
        "company",
        ("externalCompanyId",),
        faults={"unknown_companies": ("{company}",)},
    ),
    Fault(
        "429 with Retry-After 1 s, once (honoured, then passes)",
        "connectivity",
        "",
        (),
        faults={"rate_limit": 1, "retry_after_s": 1},
        exit_code=0,
        min_elapsed_s=1.0,
    ),
    Fault(
        "429 with Retry-After, throttled past the retries",
        "connectivity",
        "auth",
        ("rate limit",),
        faults={"rate_limit": 50, "retry_after_s": 1},
    ),
    Fault(
        "transient 503, once (the retry absorbs it)",
        "connectivity",
        "",
        (),
        faults={"transient_503": 1},
        exit_code=0,
    ),
    Fault(
        "503 outlasting the retries",
        "connectivity",
        "http",
        ("again",),
        faults={"transient_503": 50},
    ),
    Fault(
        f"hang past the timeout ({READ_TIMEOUT_S:g} s)",
        "connectivity",
        "http",
        ("timeout|network|answer",),
        faults={"hang_s": 8, "endpoints": ("ping",)},
    ),
    Fault(
        "malformed body (not JSON)",
        "connectivity",
        "auth",
        ("proxy|base URL",),
        faults={"malformed": True, "endpoints": ("token",)},
    ),
    Fault(
        "clearance rejection (MX)",
        "transaction",
        "clearance",
        ("CFDI|reject|fix",),
        faults={"reject_countries": ("MX",)},
    ),
]


@dataclass
class Outcome:
    fault: Fault
    exit_code: int
    stage: str
    message: str
    advice: str
    elapsed_s: float
    stdout: str
    stderr: str
    written: dict[str, bytes]
    argv: list[str]


def session_for(server: SandboxServer | None, url: str, *, trust_ca: bool) -> Session:
    session = Session()
    session.meta.engineer = "Fault Table"
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in ("DE", "MX")}
    env = session.environments.staging
    env.base_url = url
    env.client_id = server.client_id if server else "golive-demo"
    env.external_company_id = server.company if server else "DEMO-001"
    if server is not None and server.ca_bundle is not None and trust_ca:
        env.ca_bundle = str(server.ca_bundle)
    env.timeouts = Timeouts(connect=2, read=READ_TIMEOUT_S, write=2, pool=2)
    env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, retry_after_cap=2)
    return session


@contextmanager
def sandbox(tls: str | None) -> Iterator[SandboxServer]:
    settings = SandboxSettings(
        tls=tls,  # type: ignore[arg-type]
        clearance_step_s=0.02,
        client_secret=SecretStr(SECRET),
        extra_companies=("DEMO-MX",),
    )
    with SandboxServer(settings) as server:
        yield server


def _first_failed_stage(document: dict[str, Any]) -> tuple[str, str, str]:
    for check in document.get("checks", []):
        for stage in check.get("stages", []):
            if stage.get("outcome") == "failed":
                return stage["stage"], stage.get("message", ""), stage.get("advice", "")
        if check.get("outcome") == "failed":
            return check.get("stage") or "", check.get("message", ""), check.get("advice", "")
    return "", "", ""


def run_fault(fault: Fault, home: Path, server: SandboxServer | None = None) -> Outcome:
    """Run `golive check` as a user would, with this fault in place."""
    faults = (
        {
            k: tuple(x.replace("{company}", server.company) for x in v)
            if isinstance(v, tuple)
            else v
            for k, v in fault.faults.items()
        }
        if server
        else {}
    )
    if server is not None:
        server.reset_faults()
        if faults:
            server.set_faults(**faults)
    url = fault.url(server) if fault.url else server.url  # type: ignore[union-attr]
    home.mkdir(parents=True, exist_ok=True)
    SessionFile.create(
        home / "sessions" / "faulty.toml", session_for(server, url, trust_ca=fault.trust_ca)
    )
    argv = [
        sys.executable,
        "-m",
        "golive",
        "check",
        "faulty",
        "--env",
        "staging",
        "--suite",
        fault.suite,
        "--json",
        "--junit",
        str(home / "junit.xml"),
    ]
    env = {
        **os.environ,
        "GOLIVE_HOME": str(home),
        "GOLIVE_STAGING_CLIENT_SECRET": SECRET,
        "COLUMNS": "200",
    }
    env.pop("GOLIVE_DEBUG", None)
    started = time.perf_counter()
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    if server is not None:
        server.reset_faults()
    try:
        document = json.loads(result.stdout)
    except ValueError:
        document = {}
    stage, message, advice = _first_failed_stage(document)
    if not stage and document.get("passed"):
        message = f"passed: {document.get('summary', '')}".rstrip(": ")
    written = {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}
    return Outcome(
        fault,
        result.returncode,
        stage,
        message,
        advice,
        elapsed,
        result.stdout,
        result.stderr,
        written,
        argv,
    )


def run_all(base: Path) -> list[Outcome]:
    outcomes: list[Outcome] = []
    by_tls: dict[str | None, list[tuple[int, Fault]]] = {}
    for index, fault in enumerate(FAULTS):
        by_tls.setdefault(fault.tls, []).append((index, fault))
    results: dict[int, Outcome] = {}
    for tls, faults in by_tls.items():
        with sandbox(tls) as server:
            for index, fault in faults:
                results[index] = run_fault(fault, base / f"fault-{index}", server)
    outcomes = [results[i] for i in range(len(FAULTS))]
    return outcomes


def advice_matches(fault: Fault, advice: str) -> bool:
    return all(
        any(word in advice for word in alternatives.split("|")) for alternatives in fault.advice
    )


def markdown(outcomes: list[Outcome]) -> str:
    lines = [
        "# What `golive check` says when the network goes wrong",
        "",
        "Generated by `python tests/fault_table.py --write docs/faults.md`, which runs each fault",
        "through the real `golive check SESSION --env staging --suite ... --json` against the",
        "built-in sandbox (or a host that cannot answer); `tests/test_hardening_faults.py` asserts",
        "every row. Timeouts: read "
        f"{READ_TIMEOUT_S:g} s; retries: 2 attempts, Retry-After honoured up to 2 s.",
        "",
        "| fault | suite | stage | exit | what golive says | advice | time |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        cells = [
            o.fault.name,
            o.fault.suite,
            o.stage or "-",
            str(o.exit_code),
            o.message,
            o.advice,
            f"{o.elapsed_s:.1f} s",
        ]
        lines.append(
            "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="golive-faults-") as base:
        outcomes = run_all(Path(base))
    text = markdown(outcomes)
    print(text)
    if len(argv) == 2 and argv[0] == "--write":
        Path(argv[1]).write_text(text, "utf-8")
    bad = [
        o.fault.name
        for o in outcomes
        if o.exit_code != o.fault.exit_code or o.stage != o.fault.stage
    ]
    if bad:
        print(f"not as expected: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
