"""The outage rehearsal: prove the integration's timeouts and retries instead of typing them in.

`golive rehearse SESSION --upstream URL --log FILE [--plan FILE]` runs the sandbox as a
fault-injecting proxy in front of the upstream (a UAT host; in tests, the sandbox itself) on
loopback. The partner points their staging integration at the proxy; golive injects a schedule of
faults, one phase per N documents (5xx, 429 with Retry-After, a hang past the read timeout, a
dropped connection, an outage), records every request it passes, and then reads the integration's log (JSON lines, the
`golive watch` field names plus a document number and the tax it recorded). Per phase it reports:

- retried within policy: no document was sent more often than the environment's retry policy
  allows (max_attempts, the first included);
- gave up in time: a document that never got an answer was given up within the policy's budget
  (each attempt's connect + read timeout, plus the backoff or Retry-After between them);
- no duplicate documents: no e-invoice document number accepted twice;
- never zero tax for a failed call: no log line records tax 0 for a call that failed.

A passing rehearsal is the evidence of `environment.timeouts` and `environment.retry`; a failing
one fails them.

A plan file (TOML) replaces the default schedule:

    [[phase]]
    name = "two 503s"
    documents = 2                 # the next two documents the integration sends
    faults = { transient_503 = 2 } # any fault of `golive sandbox` (golive.sandbox.faults.Faults)
"""

from __future__ import annotations

import json
import ssl
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from golive.session.checklist import default_actor
from golive.session.clock import now
from golive.session.environments import ca_bundle_serving, host_port
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, RetryPolicy, Session, Timeouts
from golive.session.store import evidence_path

ITEMS = ("environment.timeouts", "environment.retry")
DOCUMENT_FIELDS = ("document", "document_number", "documentNumber", "doc", "invoice")
TAX_FIELDS = ("total_tax", "totalTax", "totalTaxAmount", "tax", "tax_amount")
SLACK_S = 1.0  # scheduling and logging slack on top of the policy's budget


def default_phases(timeouts: Timeouts) -> list[Any]:
    from golive.sandbox.proxy import Phase

    return [
        Phase("5xx (one 503, then answers)", {"transient_503": 1}),
        Phase("429 with Retry-After 1 s", {"rate_limit": 1, "retry_after_s": 1}),
        Phase(
            "timeout (no answer within the read timeout)",
            {"hang_s": round(timeouts.read + 1, 3), "endpoints": ["calculate", "einvoice"]},
        ),
        Phase(
            "dropped connection (one answer cut off)",
            {"drop_connections": 1, "endpoints": ["calculate", "einvoice"]},
        ),
        Phase("outage (every call 503)", {"error_rate": 1.0}),
        Phase("recovered", {}),
    ]


def load_plan(path: Path) -> list[Any]:
    """The phases of a plan file, or BadInputError naming the phase and key."""
    from golive.sandbox.faults import Faults
    from golive.sandbox.proxy import Phase

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadInputError(
            f"cannot read the plan {path}: {error}",
            where="rehearsal.plan",
            advice="give a TOML file of [[phase]] tables (name, documents, faults = { ... })",
        ) from None
    phases = data.get("phase")
    if not isinstance(phases, list) or not phases:
        raise BadInputError(
            f"{path}: no [[phase]] tables",
            where="rehearsal.plan",
            advice="add at least one [[phase]]",
        )
    found = []
    for index, raw in enumerate(phases):
        where = f"{path}: phase {index + 1}"
        if not isinstance(raw, dict) or set(raw) - {"name", "documents", "faults"}:
            raise BadInputError(
                f"{where}: only name, documents and faults are read",
                where="rehearsal.plan",
                advice="remove the other keys",
            )
        faults = raw.get("faults", {})
        documents = raw.get("documents", 1)
        if not isinstance(documents, int) or isinstance(documents, bool) or documents < 1:
            raise BadInputError(
                f"{where}: documents must be a whole number of 1 or more", where="rehearsal.plan"
            )
        try:
            Faults.model_validate(faults)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            key = ".".join(str(p) for p in first["loc"])
            raise BadInputError(
                f"{where}: faults.{key}: {first['msg']}",
                where="rehearsal.plan",
                advice="use the fault names of `golive sandbox --help` (latency_ms, "
                "transient_503, rate_limit, retry_after_s, hang_s, error_rate, ...)",
            ) from None
        found.append(Phase(str(raw.get("name") or f"phase {index + 1}"), dict(faults), documents))
    return found


# --- reading the integration's log --------------------------------------------------------------


@dataclass(frozen=True)
class LoggedCall:
    document: str
    status: int | None
    failed: bool
    final: bool
    tax: float | None


def _first(data: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    return None


def read_calls(log: Path, field_map: dict[str, str] | None = None) -> list[LoggedCall]:
    """The calls the integration logged (JSON lines), each with its document and recorded tax."""
    from golive.ops.watch import _json_reader, _number

    pick = _json_reader(field_map or {})
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise GoliveError(
            f"cannot read the integration's log {log}: {error.strerror or error}",
            where="rehearsal.log",
            advice="give the log file the integration writes during the rehearsal",
        ) from None
    calls = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        document = _first(data, DOCUMENT_FIELDS)
        if document is None:
            continue
        fields = pick(data)
        number = _number(fields["status"]) if "status" in fields else None
        status = int(number) if number is not None else None
        failed = status == 0 or (status is not None and (status >= 500 or status == 429))
        failed = failed or (status is None and "error" in fields)
        final = fields.get("final")
        is_final = not (final is False or str(final).lower() in ("false", "0", "no"))
        tax = _number(_first(data, TAX_FIELDS))
        calls.append(LoggedCall(str(document), status, failed, is_final, tax))
    return calls


# --- judging each phase -------------------------------------------------------------------------


@dataclass
class PhaseVerdict:
    name: str
    documents: int = 0
    most_attempts: int = 0
    findings: dict[str, str] = field(default_factory=dict)  # check -> "" (passed) or what failed

    @property
    def passed(self) -> bool:
        return not any(self.findings.values())

    def describe(self) -> str:
        failed = [f"{check}: {text}" for check, text in self.findings.items() if text]
        head = f"{self.name}: {self.documents} document(s), at most {self.most_attempts} attempt(s)"
        return f"{head} — " + ("; ".join(failed) if failed else "passed")


CHECKS = (
    "retried within policy",
    "gave up in time",
    "no duplicate documents",
    "never zero tax for a failed call",
)


def give_up_budget_s(timeouts: Timeouts, policy: RetryPolicy, retry_after_s: float) -> float:
    """How long a document may be tried before the integration should give up."""
    attempts = policy.max_attempts if policy.enabled else 1
    wait = max(policy.max_delay, min(retry_after_s, policy.retry_after_cap))
    return attempts * (timeouts.connect + timeouts.read) + (attempts - 1) * wait + SLACK_S


def judge_phases(
    plan: Any, calls: list[LoggedCall], timeouts: Timeouts, policy: RetryPolicy
) -> list[PhaseVerdict]:
    allowed = policy.max_attempts if policy.enabled else 1
    verdicts: list[PhaseVerdict] = []
    for phase in plan.phases:
        verdict = PhaseVerdict(phase.name, findings=dict.fromkeys(CHECKS, ""))
        documents = [d for d, p in plan.documents.items() if p == phase.name]
        verdict.documents = len(documents)
        budget = give_up_budget_s(timeouts, policy, float(phase.faults.get("retry_after_s", 1)))
        over, late, duplicated, zero = [], [], [], []
        for document in documents:
            sent = [r for r in plan.requests if r.document == document and r.endpoint != "token"]
            verdict.most_attempts = max(verdict.most_attempts, len(sent))
            if len(sent) > allowed:
                over.append(f"{document} sent {len(sent)} times (the policy allows {allowed})")
            answered_ok = [r for r in sent if 200 <= r.status < 300]
            if not answered_ok and sent:
                span = max(r.ended or r.started for r in sent) - sent[0].started
                if span > budget:
                    late.append(f"{document} tried for {span:.1f} s (budget {budget:.1f} s)")
            accepted = [r for r in answered_ok if r.endpoint == "einvoice_submit"]
            if len(accepted) > 1:
                duplicated.append(f"{document} accepted {len(accepted)} times")
            for call in calls:
                if call.document != document or call.tax is None or call.tax != 0:
                    continue
                if call.failed or (call.final and not answered_ok):
                    zero.append(f"{document} logged tax 0 for a call that failed")
                    break
        verdict.findings["retried within policy"] = "; ".join(over)
        verdict.findings["gave up in time"] = "; ".join(late)
        verdict.findings["no duplicate documents"] = "; ".join(duplicated)
        verdict.findings["never zero tax for a failed call"] = "; ".join(zero)
        verdicts.append(verdict)
    return verdicts


@dataclass
class RehearsalResult:
    upstream: str
    proxy_url: str
    phases: list[PhaseVerdict]
    evidence_id: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.phases) and all(p.passed for p in self.phases) and not self.notes


# Long because the sandbox, the phases and the record of a rehearsal in order.
def run_rehearsal(
    session: Session,
    session_path: Path,
    *,
    upstream: str,
    log: Path,
    wait: Callable[[str, Any], None],
    plan: Path | None = None,
    environment: str = "staging",
    port: int = 0,
    verify: ssl.SSLContext | None = None,
    field_map: dict[str, str] | None = None,
    by: str | None = None,
    integration: str = "",
    notes: list[str] | None = None,
    cancelled: threading.Event | None = None,
) -> RehearsalResult:
    """Run the proxy, let `wait(proxy_url, plan)` run or wait for the integration, then judge and
    record. `verify`: how the proxy checks the upstream's certificate (default: the rule of
    `upstream_trust`). `integration`: who was rehearsed, when not the partner's own. `notes`:
    what `wait` found wrong, read after it returns. A run `cancelled` is recorded as such and
    changes no item (it proves nothing either way)."""
    from golive.sandbox.faults import FaultBoard, Faults
    from golive.sandbox.proxy import PhasePlan, create_proxy_app
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings

    target = urlsplit(upstream)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise BadInputError(
            f"{upstream!r} is not an http(s) URL",
            where="rehearsal.upstream",
            advice="give the host to rehearse against, e.g. https://uat.example.com",
        )
    settings = getattr(session.environments, environment)
    phases = load_plan(plan) if plan is not None else default_phases(settings.timeouts)
    schedule = PhasePlan(phases)
    board = FaultBoard(Faults())
    bundle = ""
    if verify is None:
        verify, bundle = upstream_trust(session, upstream)
    app = create_proxy_app(upstream, board, schedule, verify=verify)
    started = now()
    with SandboxServer(SandboxSettings(port=port), app=app) as proxy:
        proxy_url = proxy.url
        wait(proxy_url, schedule)
    result = RehearsalResult(upstream, proxy_url, [])
    if schedule.upstream_errors:
        result.notes.append(upstream_failure_words(upstream, schedule.upstream_errors[0], bundle))
    result.notes.extend(notes or ())
    stopped = cancelled is not None and cancelled.is_set()
    if stopped:
        result.notes.append("the rehearsal was cancelled before its end: it proves nothing")
    calls = read_calls(log, field_map)
    result.phases = judge_phases(schedule, calls, settings.timeouts, settings.retry)
    if not schedule.finished:
        result.notes.append(
            f"the integration sent {len(schedule.documents)} document(s); the plan needs "
            f"{sum(p.documents for p in phases)}: the later phases were not rehearsed"
        )
    if not calls:
        result.notes.append(f"the log {log} holds no calls with a document number")
    outcome = "cancelled" if stopped else "passed" if result.passed else "failed"
    status = ItemStatus.DONE if result.passed else ItemStatus.FAILED
    updates = {} if stopped else dict.fromkeys(ITEMS, status)
    actor = by or default_actor(session)
    evidence = EvidenceRecord(
        kind="rehearsal",
        environment=environment,
        host=target.hostname or "",
        started=started,
        ended=now(),
        outcome=outcome,
        rehearsal=True,
        summary=f"outage rehearsal{' of ' + integration if integration else ''} through a "
        f"fault proxy in front of {target.hostname}: "
        + "; ".join(p.describe() for p in result.phases)
        + ("; " + "; ".join(result.notes) if result.notes else ""),
        figures={"requests": len(schedule.requests), "documents": len(schedule.documents)},
        diagnosis={
            "upstream": upstream,
            **({"integration": integration} if integration else {}),
            "log": str(log),
            "policy": settings.retry.model_dump(),
            "timeouts": settings.timeouts.model_dump(),
            "findings": {
                p.name: {check: text for check, text in p.findings.items() if text}
                for p in result.phases
                if not p.passed
            },
        },
        items=list(ITEMS),
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, updates, by=actor)
    result.evidence_id = evidence.id
    return result


# --- trusting the upstream ----------------------------------------------------------------------


def upstream_trust(session: Session, upstream: str) -> tuple[ssl.SSLContext, str]:
    """How the proxy checks the upstream's certificate, and the CA bundle it adds ("" for none):
    an environment's CA bundle when the upstream is at that environment's API host:port
    (golive.session.environments.ca_bundle_serving), else the system's trust store. Verification
    is never off."""
    from golive.api.tls import tls_context

    _name, bundle = ca_bundle_serving(session.environments, upstream)
    return tls_context(bundle), bundle


def upstream_failure_words(upstream: str, error: BaseException, ca_bundle: str) -> str:
    """Why the proxy got no answer from the upstream, and what to do, in words."""
    import socket

    from golive.api.errors import causes, dns_failure_text, refused_text, tls_failure_text

    host, port = host_port(upstream)
    head = "the proxy could not reach the upstream"
    for cause in causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            message, advice = tls_failure_text(host, cause, ca_bundle)
            return f"{head}: {message}; every phase failed for that, not the integration: {advice}"
        if isinstance(cause, socket.gaierror):
            return "{}: {}: {}".format(head, *dns_failure_text(host, cause))
        if isinstance(cause, ConnectionRefusedError):
            return "{}: {}: {}".format(head, *refused_text(host, port))
    return (
        f"the proxy could not reach the upstream {upstream} ({type(error).__name__}): check that "
        "it is up and that --upstream is its URL"
    )
