"""The preview: exactly what a rollback will do, before the user says yes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from golive.ops.rollback.notices import draft_names
from golive.ops.rollback.plan import describe_disable, plan_problems
from golive.session.clock import now
from golive.session.model import Session

# --- the preview --------------------------------------------------------------------------------


def run_folder(session_path: Path, at: datetime) -> Path:
    stem = session_path.name.removesuffix(".toml")
    return session_path.with_name(f"{stem}.rollback-{at:%Y%m%dT%H%M%SZ}")


@dataclass
class RollbackPreview:
    """Exactly what `run_rollback` will do, in words, before anything is done."""

    at: datetime
    folder: Path
    actions: list[str]
    problems: list[str]
    # why the plan as prepared would not fully work on this machine: a run still goes ahead
    # (in an incident the rest of it is worth doing) and records each step as it went
    plan_problems: list[str] = field(default_factory=list)

    @property
    def can_run(self) -> bool:
        return not self.problems

    @property
    def can_run_fully(self) -> bool:
        return not self.problems and not self.plan_problems


def preview_rollback(
    session: Session, session_path: Path, *, reason: str, at: datetime | None = None
) -> RollbackPreview:
    # Long because it lists every action and problem the preview shows, in order.
    moment = at or now()
    plan = session.rollback
    folder = run_folder(session_path, moment)
    problems: list[str] = []
    if not plan.disable_method:
        problems.append("the plan does not say how to disable the integration")
    elif plan.disable_method == "command" and not plan.disable_command:
        problems.append("the plan has no disable command")
    elif plan.disable_method == "http" and not plan.disable_http.url:
        problems.append("the plan has no feature-flag URL")
    if not reason.strip():
        problems.append("give the reason for the rollback")
    actions: list[str] = [
        f"record the rollback as started at {moment:%Y-%m-%d %H:%M:%S} UTC, reason: {reason.strip() or '?'}"
    ]
    if plan.disable_method == "command":
        actions.append(
            f"disable the integration: {describe_disable('command', plan)} "
            f"(no shell, timeout {plan.disable_timeout_s:g} s); its exit code and output are recorded"
        )
    elif plan.disable_method == "http":
        call = plan.disable_http
        body = f" with the body {call.body[:200]!r}" if call.body else ""
        actions.append(
            f"disable the integration: {describe_disable('http', plan)}{body} "
            f"(timeout {plan.disable_timeout_s:g} s); the HTTP status and answer are recorded"
        )
    elif plan.disable_method == "manual":
        actions.append(
            "disable the integration by hand (golive records the steps as in progress): "
            + plan.manual_steps
        )
    if plan.log_locations:
        actions.append(
            f"archive the logs of {', '.join(plan.log_locations)} into "
            f"{folder / archive_name(moment)} with a SHA-256 manifest (only regular files: symlinks, FIFOs, devices and sockets are skipped)"
        )
    else:
        actions.append("no log locations are recorded: nothing to archive")
    if plan.notify:
        drafts = ", ".join(
            f"{name} ({c.customer}{', to ' + c.email if c.email else ''})"
            for name, c in zip(draft_names(plan.notify), plan.notify, strict=True)
        )
        actions.append(
            f"write {len(plan.notify)} notification draft(s) in {folder}, each saying what was done: {drafts}"
        )
    else:
        actions.append("no affected customers are recorded: no notification drafts")
    actions.append(
        "open the investigation and resolution items: review logs, root cause, fix timeline, "
        "fix in staging, verify the fix, redeploy, re-enable"
    )
    if session.rollback.started_at is not None:
        actions.append(
            f"(a rollback was already started at {session.rollback.started_at:%Y-%m-%d %H:%M} UTC; "
            "this one is recorded as another)"
        )
    cannot = plan_problems(session)
    if cannot:
        actions.append(
            "(the plan cannot run as prepared: "
            + "; ".join(cannot)
            + "; a run still goes ahead and records what each step did)"
        )
    return RollbackPreview(moment, folder, actions, problems, cannot)


def archive_name(at: datetime) -> str:
    return f"logs-{at:%Y%m%dT%H%M%SZ}.tar.gz"
