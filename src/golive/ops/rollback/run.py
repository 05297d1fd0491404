"""Running the rollback: each step recorded as it goes; the later steps recorded by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from golive.ops.rollback.archive import archive_logs
from golive.ops.rollback.disable import (
    DisableOutcome,
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
    "rollback.fix_staging": "fix the cause in staging (`golive deploy SESSION --env staging`)",
    "rollback.verify_fix": "verify the fix on staging (smoke tests, `golive check`)",
    "rollback.redeploy": "redeploy to production (`golive deploy SESSION --env production`)",
    "rollback.reenable": "re-enable the integration, then watch again (`golive pilot --enable --restart`)",
}


def run_rollback(
    session: Session,
    session_path: Path,
    *,
    reason: str,
    at: datetime | None = None,
    by: str | None = None,
    save: Callable[[], object] | None = None,
) -> RollbackResult:
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
    actor = by or default_actor(session)
    folder = preview.folder
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
    log_path = evidence_path(session_path)
    plan = session.rollback
    plan.started_at = moment
    plan.reason = reason.strip()
    plan.run_folder = str(folder)
    how = describe_disable(plan.disable_method, plan)
    warnings: list[str] = [f"the plan as prepared: {p}" for p in preview.plan_problems]

    def step(
        kind: str,
        outcome: Outcome,
        summary: str,
        updates: dict[str, ItemStatus],
        notes: dict[str, str],
        figures: dict[str, Any] | None = None,
        diagnosis: dict[str, Any] | None = None,
    ) -> EvidenceRecord:
        evidence = EvidenceRecord(
            kind=kind,
            environment="production",
            host=session.environments.production.host(),
            started=moment,
            outcome=outcome,
            summary=summary,
            figures=figures or {},
            diagnosis=diagnosis or {},
            items=list(updates),
            by=actor,
        )
        record(session, log_path, evidence, updates, by=actor, notes=notes)
        if save is not None:
            save()
        return evidence

    # 0. started: recorded before anything is done, so a kill in the disable step says so
    step(
        "rollback_started",
        "info",
        f"rollback started ({plan.reason}): disabling by {how}",
        {"rollback.disable_flag": ItemStatus.IN_PROGRESS},
        {
            "rollback.disable_flag": f"started at {moment:%Y-%m-%d %H:%M:%S} UTC: {how}; "
            "no outcome recorded yet"
        },
        figures={"method": plan.disable_method},
        diagnosis={"folder": str(folder)},
    )
    # 1. disable
    timeout = plan.disable_timeout_s
    if plan.disable_method == "command":
        disable = _disable_command(list(plan.disable_command), timeout, folder)
    elif plan.disable_method == "http":
        disable = _disable_http(session, plan.disable_http, timeout)
    else:
        disable = DisableOutcome("manual", False, manual=True)
    if disable.manual:
        disable_status = ItemStatus.IN_PROGRESS
        disable_note = f"do now: {plan.manual_steps}; then `golive rollback SESSION --step disable_flag --status done`"
    else:
        disable_status = ItemStatus.DONE if disable.ok else ItemStatus.FAILED
        disable_note = f"{how}: {disable.describe()}"
    step(
        "rollback_disable",
        "info" if disable.manual else ("passed" if disable.ok else "failed"),
        f"disable: {disable_note}",
        {"rollback.disable_flag": disable_status},
        {"rollback.disable_flag": disable_note},
        figures={
            "method": plan.disable_method,
            "exit_code": disable.exit_code,
            "http_status": disable.http_status,
        },
        diagnosis={"output": disable.output, "error": disable.error},
    )
    # 2. preserve the logs
    archive = archive_logs(plan.log_locations, folder, moment)
    if archive.missing:
        warnings.append("log locations not found: " + ", ".join(archive.missing))
    warnings.extend(f"not archived: {skipped}" for skipped in archive.skipped)
    if archive.path is not None:
        logs_status = ItemStatus.DONE
        logs_note = (
            f"{archive.files} file(s), {archive.bytes} bytes in {archive.path} "
            f"(sha256 {archive.sha256})"
        )
    else:
        logs_status = ItemStatus.FAILED
        logs_note = "no log file found in " + (
            ", ".join(plan.log_locations) or "(no location recorded)"
        )
    if archive.skipped:
        logs_note += f"; {len(archive.skipped)} path(s) skipped (not regular files)"
    step(
        "rollback_logs",
        "passed" if archive.path is not None else "failed",
        f"logs: {logs_note}",
        {"rollback.preserve_logs": logs_status},
        {"rollback.preserve_logs": logs_note},
        figures={
            "archived_files": archive.files,
            "archived_bytes": archive.bytes,
            "archive_sha256": archive.sha256,
        },
        diagnosis={"missing": archive.missing, "skipped": archive.skipped},
    )
    # 3. the drafts, saying what steps 1 and 2 did
    drafts, draft_warnings = write_notifications(
        session,
        folder,
        started_at=moment,
        reason=reason,
        steps=StepsDone(disable=disable, archive=archive),
    )
    warnings.extend(draft_warnings)
    if drafts:
        notify_status = ItemStatus.IN_PROGRESS
        notify_note = (
            f"{len(drafts)} draft(s) written in {folder}: send them, then "
            "`golive rollback SESSION --step notify --status done`"
        )
    else:
        notify_status = ItemStatus.TODO
        notify_note = "no affected customers recorded: tell them yourself"
    step(
        "rollback_notify",
        "info",
        f"notify: {notify_note}",
        {"rollback.notify": notify_status},
        {"rollback.notify": notify_note},
        figures={"drafts": len(drafts)},
    )
    # 4. the investigation and resolution items, and the run as a whole
    shown_archive = str(archive.path) if archive.path else "(no archive: see preserve_logs)"
    items: dict[str, ItemStatus] = {
        "rollback.disable_flag": disable_status,
        "rollback.notify": notify_status,
        "rollback.preserve_logs": logs_status,
    }
    notes = {
        item_id: text.format(archive=shown_archive) for item_id, text in INVESTIGATION_NOTES.items()
    }
    ok = (disable.ok or disable.manual) and archive.path is not None
    summary = (
        f"rollback started ({plan.reason}): {disable_note}; "
        f"{len(drafts)} notification draft(s); logs: {logs_note}"
    )
    evidence = step(
        "rollback",
        "passed" if ok else "failed",
        summary,
        dict.fromkeys(INVESTIGATION_NOTES, ItemStatus.TODO),
        notes,
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
            "folder": str(folder),
            "warnings": warnings,
        },
    )
    items.update(dict.fromkeys(INVESTIGATION_NOTES, ItemStatus.TODO))
    return RollbackResult(moment, folder, disable, drafts, archive, items, warnings, evidence.id)


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
