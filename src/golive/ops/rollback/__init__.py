"""The rollback: prepared before go-live, run in one step when it is needed.

The plan says how to disable the integration (a command run without a shell, an HTTP call to a
feature-flag service, or manual steps), who to notify (the affected customers and their contacts)
and where the error logs are. Running it, after the user saw exactly what it will do and said yes:

1. disables the integration and records the exit code (or HTTP status) and the output;
2. writes a notification draft per affected customer from the template;
3. archives the error logs into a timestamped tar.gz with a SHA-256 manifest;
4. opens the investigation and resolution items, each with its note and time.

Everything it writes goes in a folder next to the session: NAME.rollback-<UTC time>/.

The plan is done (`rollback.plan`) only when a plan check, recorded as evidence, found it can run
on this machine. A run records each step as it goes (evidence, item state, session saved), so a
killed run leaves an honest partial record; each draft says what actually happened."""

from __future__ import annotations

from golive.ops.rollback.archive import _kind, _regular_files, archive_logs
from golive.ops.rollback.disable import (
    OUTPUT_CAP,
    OUTPUT_KEPT,
    DisableOutcome,
    LogArchive,
    RollbackResult,
    _disable_command,
    _disable_http,
    _kill_group,
    _read_capped,
    _truncate,
)
from golive.ops.rollback.notices import (
    _HEADER_LINE,
    _LINE_BREAKS,
    _PLACEHOLDER,
    DEFAULT_TEMPLATE,
    INTEGRATION,
    PLACEHOLDER_MEANINGS,
    PLACEHOLDERS,
    TEMPLATE_SYNTAX,
    StepsDone,
    _leftover_pattern,
    _one_line,
    _render,
    _slug,
    _what_happened,
    check_template,
    dollar_form,
    draft_names,
    notification_values,
    render_notification,
    template_help,
    template_placeholders,
    write_notifications,
)
from golive.ops.rollback.plan import (
    STEP_ITEMS,
    PlanStatus,
    _command_problem,
    _plan_fingerprint,
    _plan_status,
    _quote,
    customer_problems,
    describe_disable,
    parse_customer,
    plan_gaps,
    plan_problems,
    set_plan,
)
from golive.ops.rollback.preview import RollbackPreview, archive_name, preview_rollback, run_folder
from golive.ops.rollback.run import INVESTIGATION_NOTES, record_step, run_rollback

__all__ = [
    "DEFAULT_TEMPLATE",
    "INTEGRATION",
    "INVESTIGATION_NOTES",
    "OUTPUT_CAP",
    "OUTPUT_KEPT",
    "PLACEHOLDERS",
    "PLACEHOLDER_MEANINGS",
    "STEP_ITEMS",
    "TEMPLATE_SYNTAX",
    "_HEADER_LINE",
    "_LINE_BREAKS",
    "_PLACEHOLDER",
    "DisableOutcome",
    "LogArchive",
    "PlanStatus",
    "RollbackPreview",
    "RollbackResult",
    "StepsDone",
    "_command_problem",
    "_disable_command",
    "_disable_http",
    "_kill_group",
    "_kind",
    "_leftover_pattern",
    "_one_line",
    "_plan_fingerprint",
    "_plan_status",
    "_quote",
    "_read_capped",
    "_regular_files",
    "_render",
    "_slug",
    "_truncate",
    "_what_happened",
    "archive_logs",
    "archive_name",
    "check_template",
    "customer_problems",
    "describe_disable",
    "dollar_form",
    "draft_names",
    "notification_values",
    "parse_customer",
    "plan_gaps",
    "plan_problems",
    "preview_rollback",
    "record_step",
    "render_notification",
    "run_folder",
    "run_rollback",
    "set_plan",
    "template_help",
    "template_placeholders",
    "write_notifications",
]
