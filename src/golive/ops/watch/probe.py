"""The probe of the checks, as a synthetic signal for the watch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from golive.ops.watch.prometheus import _float
from golive.session.model import Session
from golive.session.store import evidence_path
from golive.session.targets import ERROR_RATE, RESPONSE_TIME

# --- the probe ----------------------------------------------------------------------------------


@dataclass
class ProbeFigures:
    environment: str
    host: str
    passed: bool
    rehearsal: bool
    summary: str
    figures: dict[str, float | None] = field(default_factory=dict)
    evidence_id: str = ""
    countries: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def targeted(self) -> dict[str, float | None]:
        """The probe's figures under the names the targets use."""
        return {
            ERROR_RATE: self.figures.get("probe_error_rate_pct"),
            RESPONSE_TIME: self.figures.get("probe_p95_s"),
            "calls": self.figures.get("probe_requests"),
        }


DEFAULT_PROBE_COUNT = 20


def run_probe(
    session: Session,
    environment: str = "production",
    *,
    session_path: Path | None = None,
    count: int = DEFAULT_PROBE_COUNT,
    confirm_production: bool = False,
    prompt: Callable[[str], str] | None = None,
) -> ProbeFigures:
    """The checks' probe (quotes, nothing committed) against the environment, as a synthetic
    signal; recorded as the checks record it when `session_path` is given. Runs its own event loop:
    from the wizard, call it in a worker thread."""
    import asyncio

    from golive.checks import record_suite, run_suite
    from golive.secrets import resolve_client_secret

    secret = resolve_client_secret(session, environment, prompt=prompt).value
    outcome = asyncio.run(
        run_suite(
            session,
            environment,
            "probe",
            secret=secret,
            confirm_production=confirm_production,
            probe_count=count,
        )
    )
    raw = outcome.figures
    figures: dict[str, float | None] = {
        "probe_requests": _float(raw.get("requests")),
        "probe_failures": _float(raw.get("failed")),
        "probe_error_rate_pct": _float(raw.get("error_rate_pct")),
        "probe_p50_s": _float(raw.get("response_time_p50_s")),
        "probe_p95_s": _float(raw.get("response_time_p95_s")),
        "probe_p99_s": _float(raw.get("response_time_p99_s")),
    }
    evidence_id = ""
    if session_path is not None:
        evidence_id = record_suite(session, evidence_path(session_path), outcome).evidence.id
    by_country = raw.get("by_country")
    return ProbeFigures(
        environment,
        outcome.host,
        outcome.passed,
        outcome.rehearsal and not session.meta.demo,
        outcome.summary(),
        figures,
        evidence_id,
        countries={
            str(cc): {k: _float(v) for k, v in f.items()}
            for cc, f in (by_country.items() if isinstance(by_country, dict) else ())
            if isinstance(f, dict)
        },
    )
