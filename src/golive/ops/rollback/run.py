"""Running the rollback: each step recorded as it goes; the later steps recorded by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from golive.ops.rollback.archive import archive_logs
from golive.ops.rollback.disable import (
    DisableOutcome,
    LogArchive,
    RollbackResult,
    _disable_command,
    _disable_http,
)
from golive.ops.rollback.notices import StepsDone, write_notifications
from golive.ops.rollback.plan import STEP_ITEMS, describe_disable
from golive.ops.rollback.preview import preview_rollback
from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, Outcome, record
from golive.session.model import ItemStatus, Session
from golive.session.store import evidence_path

INVESTIGATION_NOTES = {
    "rollback.review_logs": "review the archived error logs: {archive}",
    "rollback.root_cause": "identify the root cause (record it in this item's note)",
    "rollback.fix_timeline": "agree the fix timeline and tell the affected customers",
    "rollback.fix_staging": "fix the cause in staging and record the staging deploy",
    "rollback.verify_fix": "verify the fix on staging (smoke tests and the live checks)",
    "rollback.redeploy": "redeploy to production and record the deploy",
    "rollback.reenable": "re-enable the integration, then restart the pilot's watch",
}


@dataclass
class _Run:
    """One rollback run: what every step records with, and the warnings it gathers."""

    session: Session
    log_path: Path
    folder: Path
    moment: datetime
    actor: str
    save: Callable[[], object] | None
    warnings: list[str] = field(default_factory=list)

    def step(
        self,
        kind: str,
        outcome: Outcome,
        summary: str,
        notes: dict[str, tuple[ItemStatus, str]],
        figures: dict[str, Any] | None = None,
        diagnosis: dict[str, Any] | None = None,
    ) -> EvidenceRecord:
        """Record one step as it ends (evidence, its items, then the caller's save)."""
        updates = {item_id: status for item_id, (status, _) in notes.items()}
        evidence = EvidenceRecord(
            kind=kind,
            environment="production",
            host=self.session.environments.production.host(),
            started=self.moment,
            outcome=outcome,
            summary=summary,
            figures=figures or {},
            diagnosis=diagnosis or {},
            items=list(updates),
            by=self.actor,
        )
        item_notes = {item_id: note for item_id, (_, note) in notes.items()}
        record(self.session, self.log_path, evidence, updates, by=self.actor, notes=item_notes)
        if self.save is not None:
            self.save()
        return evidence


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        raise BadInputError(
            f"{folder} already exists", where="rollback", advice="wait a second and run it again"
        ) from None
    except OSError as error:
        raise GoliveError(
            f"cannot create {folder}: {error.strerror}",
            where=str(folder),
            advice="check the session folder is writable",
        ) from None


def _disable(run: _Run, how: str) -> tuple[DisableOutcome, ItemStatus, str]:
    """Step 1: disable the integration (command, HTTP call, or the manual steps to do now)."""
    plan = run.session.rollback
    timeout = plan.disable_timeout_s
    if plan.disable_method == "command":
        disable = _disable_command(list(plan.disable_command), timeout, run.folder)
    elif plan.disable_method == "http":
        disable = _disable_http(run.session, plan.disable_http, timeout)
    else:
        disable = DisableOutcome("manual", False, manual=True)
    if disable.manual:
        status = ItemStatus.IN_PROGRESS
        note = f"do now: {plan.manual_steps}; then mark this step done"
    else:
        status = ItemStatus.DONE if disable.ok else ItemStatus.FAILED
        note = f"{how}: {disable.describe()}"
    run.step(
        "rollback_disable",
        "info" if disable.manual else ("passed" if disable.ok else "failed"),
        f"disable: {note}",
        {"rollback.disable_flag": (status, note)},
        figures={
            "method": plan.disable_method,
            "exit_code": disable.exit_code,
            "http_status": disable.http_status,
        },
        diagnosis={"output": disable.output, "error": disable.error},
    )
    return disable, status, note


def _preserve_logs(run: _Run) -> tuple[LogArchive, ItemStatus, str]:
    """Step 2: archive the error logs."""
    locations = run.session.rollback.log_locations
    archive = archive_logs(locations, run.folder, run.moment)
    if archive.missing:
        run.warnings.append("log locations not found: " + ", ".join(archive.missing))
    run.warnings.extend(f"not archived: {skipped}" for skipped in archive.skipped)
    if archive.path is not None:
        status = ItemStatus.DONE
        note = (
            f"{archive.files} file(s), {archive.bytes} bytes in {archive.path} "
            f"(sha256 {archive.sha256})"
        )
    else:
        status = ItemStatus.FAILED
        note = "no log file found in " + (", ".join(locations) or "(no location recorded)")
    if archive.skipped:
        note += f"; {len(archive.skipped)} path(s) skipped (not regular files)"
    run.step(
        "rollback_logs",
        "passed" if archive.path is not None else "failed",
        f"logs: {note}",
        {"rollback.preserve_logs": (status, note)},
        figures={
            "archived_files": archive.files,
            "archived_bytes": archive.bytes,
            "archive_sha256": archive.sha256,
        },
        diagnosis={"missing": archive.missing, "skipped": archive.skipped},
    )
    return archive, status, note


def _draft_notices(run: _Run, reason: str, steps: StepsDone) -> tuple[list[Path], ItemStatus, str]:
    """Step 3: the drafts, saying what steps 1 and 2 did."""
    drafts, draft_warnings = write_notifications(
        run.session, run.folder, started_at=run.moment, reason=reason, steps=steps
    )
    run.warnings.extend(draft_warnings)
    if drafts:
        status = ItemStatus.IN_PROGRESS
        note = (
            f"{len(drafts)} draft(s) written in {run.folder}: send them, then mark this step done"
        )
    else:
        status = ItemStatus.TODO
        note = "no affected customers recorded: tell them yourself"
    run.step(
        "rollback_notify",
        "info",
        f"notify: {note}",
        {"rollback.notify": (status, note)},
        figures={"drafts": len(drafts)},
    )
    return drafts, status, note


def run_rollback(
    session: Session,
    session_path: Path,
    *,
    reason: str,
    at: datetime | None = None,
    by: str | None = None,
    save: Callable[[], object] | None = None,
) -> RollbackResult:
    # Long because the order of the steps is the record: started, disable, logs, notices, the run.
    """Run the plan (after the caller showed `preview_rollback` and the user confirmed).

    Each step is recorded as it ends: an evidence record, its item's state and then `save()`
    (the caller's session save), before the next step starts. A run killed half way leaves the
    steps it finished recorded, the step it was in as in progress, and nothing claimed after."""
    moment = at or now()
    preview = preview_rollback(session, session_path, reason=reason, at=moment)
    if not preview.can_run:
        raise BadInputError(
            "the rollback cannot run: " + "; ".join(preview.problems),
            where="rollback",
            advice="prepare the plan first: how to disable the integration, the customers to "
            "notify and where the error logs are",
        )
    _make_folder(preview.folder)
    plan = session.rollback
    plan.started_at = moment
    plan.reason = reason.strip()
    plan.run_folder = str(preview.folder)
    how = describe_disable(plan.disable_method, plan)
    run = _Run(
        session,
        evidence_path(session_path),
        preview.folder,
        moment,
        by or default_actor(session),
        save,
        [f"the plan as prepared: {p}" for p in preview.plan_problems],
    )
    # 0. started: recorded before anything is done, so a kill in the disable step says so
    started = f"started at {moment:%Y-%m-%d %H:%M:%S} UTC: {how}; no outcome recorded yet"
    run.step(
        "rollback_started",
        "info",
        f"rollback started ({plan.reason}): disabling by {how}",
        {"rollback.disable_flag": (ItemStatus.IN_PROGRESS, started)},
        figures={"method": plan.disable_method},
        diagnosis={"folder": str(run.folder)},
    )
    disable, disable_status, disable_note = _disable(run, how)
    archive, logs_status, logs_note = _preserve_logs(run)
    drafts, notify_status, _ = _draft_notices(run, reason, StepsDone(disable, archive))
    # 4. the investigation and resolution items, and the run as a whole
    shown_archive = str(archive.path) if archive.path else "(no archive: see preserve_logs)"
    ok = (disable.ok or disable.manual) and archive.path is not None
    evidence = run.step(
        "rollback",
        "passed" if ok else "failed",
        f"rollback started ({plan.reason}): {disable_note}; "
        f"{len(drafts)} notification draft(s); logs: {logs_note}",
        {
            item_id: (ItemStatus.TODO, text.format(archive=shown_archive))
            for item_id, text in INVESTIGATION_NOTES.items()
        },
        figures={
            "method": plan.disable_method,
            "exit_code": disable.exit_code,
            "http_status": disable.http_status,
            "drafts": len(drafts),
            "archived_files": archive.files,
            "archived_bytes": archive.bytes,
            "archive_sha256": archive.sha256,
        },
        diagnosis={
            "output": disable.output,
            "error": disable.error,
            "folder": str(run.folder),
            "warnings": run.warnings,
        },
    )
    items: dict[str, ItemStatus] = {
        "rollback.disable_flag": disable_status,
        "rollback.notify": notify_status,
        "rollback.preserve_logs": logs_status,
        **dict.fromkeys(INVESTIGATION_NOTES, ItemStatus.TODO),
    }
    return RollbackResult(
        moment, run.folder, disable, drafts, archive, items, run.warnings, evidence.id
    )


def record_step(
    session: Session,
    step: str,
    status: str,
    note: str,
    *,
    by: str | None = None,
) -> ItemStatus:
    """Record a rollback step done by hand (root cause found, fix verified, re-enabled ...)."""
    item_id = step if step.startswith("rollback.") else f"rollback.{step}"
    if item_id not in STEP_ITEMS:
        raise BadInputError(
            f"{step!r} is not a rollback step",
            where="rollback.step",
            advice="use one of: " + ", ".join(i.removeprefix("rollback.") for i in STEP_ITEMS),
        )
    if session.rollback.started_at is None:
        raise BadInputError(
            "no rollback was started, so its steps do not apply",
            where="rollback.step",
            advice="start it with `golive rollback SESSION --reason ...`",
        )
    if status == ItemStatus.DONE.value and not note.strip():
        raise BadInputError(
            f"say what was done for {item_id}",
            where="rollback.step_note",
            advice="e.g. --note 'flag switched off in the admin console at 10:42' (recorded as "
            "your word: golive did not see it happen)",
        )
    # a step done by hand is a person's word, recorded as such (an attestation with its note)
    state = set_item_status(
        session,
        item_id,
        status,
        by=by,
        note=note,
        reason=note,
        attestation=note.strip() if status == ItemStatus.DONE.value else "",
    )
    return state.status
