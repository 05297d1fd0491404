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
killed run leaves an honest partial record; each draft says what actually happened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from string import Template
from typing import IO, Any

from golive.session.checklist import build_checklist, default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, Outcome, read, record
from golive.session.model import ItemStatus, Session, check_url
from golive.session.sections import AffectedCustomer, FlagCall
from golive.session.store import evidence_path

OUTPUT_KEPT = 4000  # characters of the disable command's output kept in the evidence
OUTPUT_CAP = 64 * 1024  # bytes of the disable command's output kept in disable-output.txt
INTEGRATION = "ONESOURCE tax integration"
PLACEHOLDERS = (
    "customer",
    "contact",
    "email",
    "started_at",
    "reason",
    "partner",
    "support",
    "integration",
    "subject",
    "what_happened",
    "steps",
)
# $what_happened and $steps say what the rollback actually did (a draft whose template leaves
# out $steps gets the steps appended): never "we disabled it" when the disable step failed
DEFAULT_TEMPLATE = """Subject: $integration for $customer: $subject

Dear $contact,

$what_happened
The problem: $reason

What we have done so far:
$steps

We will tell you when it is back, and which transactions, if any, need your attention.

For questions, please contact $support.

Kind regards,
$partner
"""
STEP_ITEMS = (
    "rollback.disable_flag",
    "rollback.notify",
    "rollback.preserve_logs",
    "rollback.review_logs",
    "rollback.root_cause",
    "rollback.fix_timeline",
    "rollback.fix_staging",
    "rollback.verify_fix",
    "rollback.redeploy",
    "rollback.reenable",
)
_PLACEHOLDER = re.compile(
    r"\$(?:(?P<named>[_a-z][_a-z0-9]*)|\{(?P<braced>[_a-z][_a-z0-9]*)\})", re.I
)


# --- the plan -----------------------------------------------------------------------------------


def template_placeholders(template: str) -> list[str]:
    """The placeholders a template uses (`$$` is a literal dollar sign, not one)."""
    names: list[str] = []
    for match in _PLACEHOLDER.finditer(template.replace("$$", "")):
        names.append(match.group("named") or match.group("braced"))
    return list(dict.fromkeys(names))


def check_template(template: str) -> None:
    unknown = [n for n in template_placeholders(template) if n not in PLACEHOLDERS]
    if unknown:
        raise BadInputError(
            "the notification template uses unknown placeholder(s): "
            + ", ".join(f"${n}" for n in unknown),
            where="rollback.notification_template",
            advice="use "
            + ", ".join(f"${n}" for n in PLACEHOLDERS)
            + " (write $$ for a dollar sign)",
        )


@dataclass
class PlanStatus:
    ready: bool
    missing: list[str]
    item_status: ItemStatus
    note: str
    problems: list[str] = field(default_factory=list)


def plan_gaps(session: Session) -> list[str]:
    """What the plan still lacks."""
    plan = session.rollback
    missing: list[str] = []
    if plan.disable_method == "":
        missing.append("how to disable the integration (--command, --flag-url or --manual)")
    elif plan.disable_method == "command" and not plan.disable_command:
        missing.append("the disable command")
    elif plan.disable_method == "http" and not plan.disable_http.url:
        missing.append("the feature-flag URL")
    elif plan.disable_method == "manual" and not plan.manual_steps.strip():
        missing.append("the manual steps")
    if not plan.notify:
        missing.append("the affected customers to notify (--notify)")
    if not plan.log_locations:
        missing.append("where the error logs are (--logs)")
    return missing


_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def _command_problem(program: str) -> str:
    """Why the disable command's program cannot be run here ("" when it can)."""
    if "/" in program or (os.altsep and os.altsep in program) or os.sep in program:
        path = Path(program).expanduser()
        if not path.is_absolute():
            return f"the disable command {program!r} is a relative path: give its absolute path"
        if not path.is_file():
            return f"the disable command {program} does not exist on this machine"
        if not os.access(path, os.X_OK):
            return f"the disable command {program} is not executable"
        return ""
    if shutil.which(program) is None:
        return (
            f"the disable command {program!r} is not found on this machine "
            "(not on PATH): install it or give its absolute path"
        )
    return ""


def customer_problems(customers: list[AffectedCustomer]) -> list[str]:
    """What is wrong with the notification list (a hand-edited session may hold anything)."""
    from golive.ops.monitoring import looks_like_email

    problems: list[str] = []
    for number, customer in enumerate(customers, start=1):
        name = customer.customer.strip() or f"customer {number}"
        if not customer.customer.strip():
            problems.append(f"customer {number} to notify has no name")
        for label, value in (
            ("name", customer.customer),
            ("contact", customer.contact),
            ("e-mail", customer.email),
            ("phone", customer.phone),
        ):
            if _LINE_BREAKS.search(value):
                problems.append(f"the {label} of {name} holds a line break or control character")
        if customer.email and not looks_like_email(customer.email):
            problems.append(f"the e-mail of {name} ({customer.email!r}) is not an e-mail address")
    return problems


def plan_problems(session: Session) -> list[str]:
    """Why the plan, complete as it is, cannot run on this machine (empty: it can)."""
    plan = session.rollback
    problems: list[str] = []
    if plan.disable_method == "command" and plan.disable_command:
        problem = _command_problem(plan.disable_command[0])
        if problem:
            problems.append(problem)
    for text in plan.log_locations:
        try:
            info = os.lstat(Path(text).expanduser())
        except FileNotFoundError:
            problems.append(f"the log location {text} does not exist")
            continue
        except OSError as error:
            problems.append(f"the log location {text} cannot be read ({error.strerror})")
            continue
        if stat.S_ISLNK(info.st_mode):
            problems.append(
                f"the log location {text} is a symlink (never followed): give its target"
            )
        elif not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
            problems.append(f"the log location {text} is neither a file nor a folder")
    problems.extend(customer_problems(plan.notify))
    unknown = [
        n for n in template_placeholders(plan.notification_template) if n not in PLACEHOLDERS
    ]
    if unknown:
        problems.append(
            "the notification template uses unknown placeholder(s): "
            + ", ".join(f"${n}" for n in unknown)
        )
    return problems


def _plan_fingerprint(session: Session) -> str:
    plan = session.rollback.model_dump(
        mode="json",
        include={
            "disable_method",
            "disable_command",
            "disable_http",
            "manual_steps",
            "notify",
            "notification_template",
            "log_locations",
        },
    )
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]


def _plan_status(session: Session, by: str | None, session_path: Path | None) -> PlanStatus:
    missing = plan_gaps(session)
    problems = [] if missing else plan_problems(session)
    plan = session.rollback
    if missing:
        note = "still to give: " + "; ".join(missing)
        status = ItemStatus.IN_PROGRESS
    elif problems:
        note = "the plan cannot run as prepared: " + "; ".join(problems)
        status = ItemStatus.IN_PROGRESS
    else:
        note = (
            f"plan checked: disable by {describe_disable(plan.disable_method, plan)}; notify "
            + ", ".join(c.customer for c in plan.notify)
            + f"; logs in {', '.join(plan.log_locations)}"
        )
        status = ItemStatus.DONE
    if session_path is None:
        # no evidence log to record the check in: the plan is never done on golive's word alone
        if status is ItemStatus.DONE:
            status = ItemStatus.IN_PROGRESS
            note = "complete, but its check is not recorded yet (save the session, then check it)"
        set_item_status(session, "rollback.plan", status, by=by, note=note)
        return PlanStatus(False, missing, status, note, problems)
    fingerprint = _plan_fingerprint(session)
    log_path = evidence_path(session_path)
    current = build_checklist(session)["rollback.plan"]
    last = current.state.evidence[-1] if current.state.evidence else ""
    previous = read(log_path).by_id().get(last) if last else None
    if (
        previous is None
        or previous.kind != "rollback_plan_check"
        or previous.figures.get("plan") != fingerprint
        or current.status is not status
        or previous.summary != note
    ):
        check = EvidenceRecord(
            kind="rollback_plan_check",
            environment="production",
            outcome="passed" if status is ItemStatus.DONE else "failed",
            summary=note,
            figures={"plan": fingerprint, "missing": missing, "problems": problems},
            items=["rollback.plan"],
            by=by or default_actor(session),
        )
        record(session, log_path, check, {"rollback.plan": status}, note=note, by=by)
    return PlanStatus(status is ItemStatus.DONE, missing, status, note, problems)


def set_plan(
    session: Session,
    *,
    command: list[str] | None = None,
    flag_url: str | None = None,
    flag_method: str | None = None,
    flag_body: str | None = None,
    flag_token_secret: str | None = None,
    manual_steps: str | None = None,
    timeout_s: float | None = None,
    notify: list[AffectedCustomer] | None = None,
    remove_notify: list[str] | None = None,
    log_locations: list[str] | None = None,
    template: str | None = None,
    by: str | None = None,
    session_path: Path | None = None,
) -> PlanStatus:
    """Prepare (or change) the plan, then check it can run, recorded in the session's evidence
    log (`session_path`); without one the plan stays in progress. The last disable method given
    is the one used."""
    plan = session.rollback
    if command is not None:
        if not command or not command[0].strip():
            raise BadInputError(
                "the disable command is empty",
                where="--command",
                advice="give the program and its arguments, e.g. --command flagctl off onesource",
            )
        plan.disable_command = list(command)
        plan.disable_method = "command"
    if (
        flag_url is not None
        or flag_method is not None
        or flag_body is not None
        or flag_token_secret is not None
    ):
        current = plan.disable_http
        url = current.url
        if flag_url is not None:
            try:
                url = check_url(flag_url.strip())
            except ValueError as error:
                raise BadInputError(
                    str(error), where="--flag-url", advice="give the feature-flag service's URL"
                ) from None
        method = (flag_method or current.method).upper()
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            raise BadInputError(
                f"{method} is not a method for switching a flag",
                where="--flag-method",
                advice="use POST, PUT, PATCH or DELETE",
            )
        token = current.token_secret if flag_token_secret is None else flag_token_secret
        if token:
            from golive.secrets import check_name

            check_name(token)
        plan.disable_http = FlagCall(
            method=method,
            url=url,
            body=current.body if flag_body is None else flag_body,
            token_secret=token,
        )
        if flag_url is not None:
            plan.disable_method = "http"
    if manual_steps is not None:
        plan.manual_steps = manual_steps.strip()
        plan.disable_method = "manual"
    if timeout_s is not None:
        plan.disable_timeout_s = timeout_s
    if notify:
        customers = list(plan.notify)
        for new in notify:
            if not new.customer.strip():
                raise BadInputError("an affected customer needs a name", where="--notify")
            if any(
                _LINE_BREAKS.search(v) for v in (new.customer, new.contact, new.email, new.phone)
            ):
                raise BadInputError(
                    f"the customer {new.customer.strip()!r} holds a line break or control character",
                    where="--notify",
                    advice="give each of CUSTOMER,CONTACT,EMAIL,PHONE on one line",
                )
            if new.email:
                from golive.ops.monitoring import looks_like_email

                if not looks_like_email(new.email):
                    raise BadInputError(f"{new.email!r} is not an e-mail address", where="--notify")
            same = [c for c in customers if c.customer.casefold() == new.customer.casefold()]
            for old in same:
                customers.remove(old)
            customers.append(new)
        plan.notify = customers
    if remove_notify:
        wanted = {name.casefold() for name in remove_notify}
        plan.notify = [c for c in plan.notify if c.customer.casefold() not in wanted]
    if log_locations is not None:
        plan.log_locations = [str(Path(p).expanduser()) for p in log_locations if p.strip()]
    if template is not None:
        check_template(template)
        plan.notification_template = template
    return _plan_status(session, by, session_path)


def parse_customer(text: str) -> AffectedCustomer:
    """`CUSTOMER[,CONTACT[,EMAIL[,PHONE]]]` as the command line gives it."""
    parts = [p.strip() for p in text.split(",")]
    if not parts[0]:
        raise BadInputError(
            f"{text!r} names no customer",
            where="--notify",
            advice="give CUSTOMER,CONTACT,EMAIL[,PHONE], e.g. 'ACME Corp,Jane Doe,jane@acme.example'",
        )
    parts += [""] * (4 - len(parts))
    return AffectedCustomer(customer=parts[0], contact=parts[1], email=parts[2], phone=parts[3])


def describe_disable(method: str, plan: Any) -> str:
    if method == "command":
        return "running " + " ".join(_quote(a) for a in plan.disable_command)
    if method == "http":
        call: FlagCall = plan.disable_http
        token = (
            f" with the bearer token from the secret {call.token_secret!r}"
            if call.token_secret
            else ""
        )
        return f"{call.method} {call.url}{token}"
    if method == "manual":
        return "manual steps"
    return "(not chosen)"


def _quote(argument: str) -> str:
    return argument if re.fullmatch(r"[\w@%+=:,./-]+", argument) else repr(argument)


# --- the preview --------------------------------------------------------------------------------


def run_folder(session_path: Path, at: datetime) -> Path:
    stem = session_path.name.removesuffix(".toml")
    return session_path.with_name(f"{stem}.rollback-{at:%Y%m%dT%H%M%SZ}")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "customer"


def draft_names(customers: list[AffectedCustomer]) -> list[str]:
    names: list[str] = []
    for customer in customers:
        base = f"notify-{_slug(customer.customer)}"
        name, count = f"{base}.txt", 1
        while name in names:
            count += 1
            name = f"{base}-{count}.txt"
        names.append(name)
    return names


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
        problems.append("give the reason for the rollback (--reason)")
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


# --- running it ---------------------------------------------------------------------------------


@dataclass
class DisableOutcome:
    method: str
    ok: bool
    exit_code: int | None = None
    http_status: int | None = None
    output: str = ""
    error: str = ""
    manual: bool = False
    process_group: int | None = None

    def describe(self) -> str:
        if self.manual:
            return "manual steps to do now"
        if self.method == "command":
            if self.exit_code is None:
                return f"the command did not finish: {self.error}"
            return f"the command exited with {self.exit_code}"
        if self.http_status is None:
            return f"the flag service was not reached: {self.error}"
        return f"the flag service answered HTTP {self.http_status}"


@dataclass
class LogArchive:
    path: Path | None
    sha256: str
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class RollbackResult:
    started_at: datetime
    folder: Path
    disable: DisableOutcome
    drafts: list[Path]
    archive: LogArchive
    items: dict[str, ItemStatus]
    warnings: list[str]
    evidence_id: str

    @property
    def ok(self) -> bool:
        return (self.disable.ok or self.disable.manual) and self.archive.path is not None


def _truncate(text: str) -> str:
    if len(text) <= OUTPUT_KEPT:
        return text
    return f"[{len(text) - OUTPUT_KEPT} characters cut]\n" + text[-OUTPUT_KEPT:]


def _kill_group(group: int) -> None:
    """End every process of the command's process group (its children too: no orphan left)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _read_capped(spool: IO[bytes]) -> str:
    """The output as kept: all of it up to OUTPUT_CAP bytes, else its start and end, cut."""
    size = os.fstat(spool.fileno()).st_size
    spool.seek(0)
    if size <= OUTPUT_CAP:
        return spool.read().decode("utf-8", "replace")
    half = OUTPUT_CAP // 2
    head = spool.read(half)
    spool.seek(size - half)
    tail = spool.read(half)
    return (
        head.decode("utf-8", "replace")
        + f"\n… {size - 2 * half} bytes cut …\n"
        + tail.decode("utf-8", "replace")
    )


def _disable_command(argv: list[str], timeout: float, folder: Path) -> DisableOutcome:
    """Run the command without a shell in its own process group; on timeout the whole group is
    killed. Its output (stdout and stderr together) is kept up to OUTPUT_CAP bytes."""
    from golive.secrets.redaction import redact

    with tempfile.TemporaryFile(dir=folder) as spool:
        try:
            process = subprocess.Popen(
                argv,
                shell=False,
                stdin=subprocess.DEVNULL,
                stdout=spool,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one on timeout
            )
        except FileNotFoundError:
            return DisableOutcome("command", False, error=f"{argv[0]!r} was not found")
        except PermissionError:
            return DisableOutcome("command", False, error=f"{argv[0]!r} cannot be executed")
        except OSError as error:
            return DisableOutcome(
                "command", False, error=f"{argv[0]!r} could not start: {error.strerror}"
            )
        timed_out = False
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process.pid)
            process.wait()
            code = None
        output = redact(_read_capped(spool))
    (folder / "disable-output.txt").write_text(output, "utf-8")
    if timed_out:
        return DisableOutcome(
            "command",
            False,
            output=_truncate(output),
            error=f"timed out after {timeout:g} s (its process group was killed)",
            process_group=process.pid,
        )
    return DisableOutcome(
        "command",
        code == 0,
        exit_code=code,
        output=_truncate(output),
        process_group=process.pid,
    )


def _disable_http(session: Session, call: FlagCall, timeout: float) -> DisableOutcome:
    import httpx

    from golive.secrets import resolve_secret
    from golive.secrets.redaction import redact

    headers = {"User-Agent": "golive rollback"}
    if call.token_secret:
        token = resolve_secret(session, call.token_secret).value.get_secret_value()
        headers["Authorization"] = f"Bearer {token}"
    if call.body:
        stripped = call.body.lstrip()
        headers["Content-Type"] = (
            "application/json" if stripped.startswith(("{", "[")) else "text/plain; charset=utf-8"
        )
    try:
        response = httpx.request(
            call.method,
            call.url,
            content=call.body.encode() if call.body else None,
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return DisableOutcome("http", False, error=redact(f"{type(error).__name__}: {error}"))
    return DisableOutcome(
        "http",
        200 <= response.status_code < 300,
        http_status=response.status_code,
        output=_truncate(redact(response.text)),
    )


def _one_line(text: str) -> str:
    """A value as a header field may hold it: no line break or control character, ever."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())


@dataclass(frozen=True)
class StepsDone:
    """What the rollback actually did so far, as a draft tells it."""

    disable: DisableOutcome | None = None
    archive: LogArchive | None = None


def _what_happened(customer: str, started_at: str, steps: StepsDone) -> tuple[str, str, str]:
    """(subject, opening sentence, step list) saying only what happened."""
    disable = steps.disable
    if disable is not None and disable.ok:
        subject = "temporarily disabled"
        opening = (
            f"At {started_at} we disabled the {INTEGRATION} for {customer} while we investigate a "
            "problem. While it is off, tax calculation and e-invoicing through ONESOURCE are "
            "paused for your account."
        )
        disabled = "Disabled the integration: yes."
    elif disable is not None and disable.manual:
        subject = "being disabled"
        opening = (
            f"At {started_at} we started disabling the {INTEGRATION} for {customer} by hand "
            "because of a problem. We will confirm to you when it is off."
        )
        disabled = "Disabled the integration: in progress, by hand; we will confirm when it is off."
    else:
        subject = "a problem we are working on"
        opening = (
            f"At {started_at} we tried to disable the {INTEGRATION} for {customer} because of a "
            "problem, but we could not disable it; our team is on it. Until it is off, tax "
            "calculation and e-invoicing through ONESOURCE may still be affected."
        )
        disabled = "Disabled the integration: no — we could not disable it; our team is on it."
    archive = steps.archive
    if archive is None:
        logs = "Error logs preserved for the investigation: not yet."
    elif archive.path is not None:
        logs = "Error logs preserved for the investigation: yes."
    else:
        logs = "Error logs preserved for the investigation: no — none could be archived."
    listed = "\n".join(
        f"- {line}" for line in (disabled, logs, "Investigation of the cause: started.")
    )
    return subject, opening, listed


def notification_values(
    session: Session,
    customer: AffectedCustomer,
    *,
    started_at: datetime,
    reason: str,
    steps: StepsDone | None = None,
) -> dict[str, str]:
    support = "your usual support contact"
    first = next(
        (level for level in session.support.escalation if level.level == 1 and level.contact), None
    )
    if first is not None and first.contact is not None:
        reach = ", ".join(x for x in (first.contact.email, first.contact.phone) if x)
        support = first.contact.name + (f" ({reach})" if reach else "")
    started = f"{started_at:%Y-%m-%d %H:%M} UTC"
    subject, opening, listed = _what_happened(customer.customer, started, steps or StepsDone())
    return {
        "customer": customer.customer,
        "contact": customer.contact or f"{customer.customer} team",
        "email": customer.email or "(no e-mail recorded)",
        "started_at": started,
        "reason": reason.strip(),
        "partner": session.meta.partner or session.meta.engineer or "your integration partner",
        "support": support,
        "integration": INTEGRATION,
        "subject": subject,
        "what_happened": opening,
        "steps": listed,
    }


_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9-]*:")


def render_notification(template: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The draft, and the placeholders that had to be dropped (unknown ones: none are left in).

    The header lines at the top (`Subject: ...`) take every value on one line: a line break in
    a customer's name can never add a header or start the body early."""
    lines = template.split("\n")
    head = 0
    while head < len(lines) and _HEADER_LINE.match(lines[head]):
        head += 1
    one_line = {key: _one_line(value) for key, value in values.items()}
    rendered = [_render(line, one_line) for line in lines[:head]]
    rendered.append(_render("\n".join(lines[head:]), values))
    pattern = _leftover_pattern(template, values)
    dropped = pattern.findall(template.replace("$$", "")) if pattern else []
    return "\n".join(rendered), list(dict.fromkeys(dropped))


def _leftover_pattern(template: str, values: dict[str, str]) -> re.Pattern[str] | None:
    leftover = [n for n in template_placeholders(template) if n not in values]
    if not leftover:
        return None
    names = "|".join(re.escape(n) for n in leftover)
    return re.compile(rf"\$(?:(?:{names})\b|\{{(?:{names})\}})")


def _render(template: str, values: dict[str, str]) -> str:
    # placeholders left after substitution are unknown ones (a hand-edited template): drop them
    # rather than send a customer a "$placeholder"; `$$` was turned into "$" by the substitution
    text = Template(template).safe_substitute(values)
    pattern = _leftover_pattern(template, values)
    return pattern.sub("", text) if pattern else text


def write_notifications(
    session: Session,
    folder: Path,
    *,
    started_at: datetime,
    reason: str,
    steps: StepsDone | None = None,
) -> tuple[list[Path], list[str]]:
    """A draft per affected customer, saying what the rollback did (`steps`)."""
    template = session.rollback.notification_template or DEFAULT_TEMPLATE
    written: list[Path] = []
    warnings: list[str] = []
    for name, customer in zip(
        draft_names(session.rollback.notify), session.rollback.notify, strict=True
    ):
        values = notification_values(
            session, customer, started_at=started_at, reason=reason, steps=steps
        )
        text, dropped = render_notification(template, values)
        if dropped:
            warnings.append(f"{name}: unknown placeholder(s) left out: {', '.join(dropped)}")
        if "steps" not in template_placeholders(template):
            # a template of the user's own that does not say what happened: golive adds it
            text = text.rstrip("\n") + "\n\nWhat we have done so far:\n" + values["steps"] + "\n"
        header = (
            f"To: {_one_line(customer.contact)} <{_one_line(customer.email)}>\n"
            if customer.email
            else ""
        )
        path = folder / name
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        with os.fdopen(fd, "w", encoding="utf-8") as draft:
            draft.write(header + text)
        written.append(path)
    return written, warnings


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symlink: not followed"
    if stat.S_ISFIFO(mode):
        return "a FIFO: not a regular file, not opened"
    if stat.S_ISSOCK(mode):
        return "a socket: not a regular file, not opened"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device: not a regular file, not opened"
    return "not a regular file: not opened"


def _regular_files(location: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """(file, name in the archive) of a log file or folder. Every entry is looked at with lstat
    first: only regular files are taken; symlinks, FIFOs, devices and sockets are skipped (and
    said), never opened, so nothing can hang the archive or lead it out of the folder."""
    label = location.name or "logs"
    try:
        info = os.lstat(location)
    except OSError as error:
        return [], [f"{location} ({error.strerror})"]
    if stat.S_ISREG(info.st_mode):
        return [(location, f"{label}")], []
    if not stat.S_ISDIR(info.st_mode):
        return [], [f"{location} ({_kind(info.st_mode)})"]
    found: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for root, dirs, files in os.walk(location, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                skipped.append(f"{base / name} (a symlink: not followed)")
        dirs.sort()
        for name in sorted(files):
            path = base / name
            try:
                mode = os.lstat(path).st_mode
            except OSError as error:
                skipped.append(f"{path} ({error.strerror})")
                continue
            if not stat.S_ISREG(mode):
                skipped.append(f"{path} ({_kind(mode)})")
                continue
            found.append((path, f"{label}/{path.relative_to(location).as_posix()}"))
    return found, skipped


def archive_logs(locations: list[str], folder: Path, at: datetime) -> LogArchive:
    """The logs into folder/logs-<time>.tar.gz with MANIFEST.sha256 (inside and beside it)."""
    entries: list[tuple[Path, str]] = []
    missing: list[str] = []
    skipped: list[str] = []
    labels: set[str] = set()
    for index, text in enumerate(locations, start=1):
        location = Path(text).expanduser()
        if not location.exists() and not location.is_symlink():
            missing.append(text)
            continue
        files, passed_over = _regular_files(location)
        skipped.extend(passed_over)
        top = location.name or "logs"
        prefix = top if top not in labels else f"{index}-{top}"
        labels.add(prefix)
        entries.extend((path, prefix + name[len(top) :]) for path, name in files)
    if not entries:
        return LogArchive(None, "", 0, 0, missing, skipped)
    target = folder / archive_name(at)
    manifest: list[str] = []
    total = 0
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for path, name in entries:
            try:
                # O_NONBLOCK: should a regular file have been swapped for a FIFO since the
                # lstat, opening it does not wait for a writer (fstat below then skips it)
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            except OSError as error:
                skipped.append(f"{path} ({error.strerror})")
                continue
            with os.fdopen(fd, "rb") as source, tempfile.TemporaryFile(dir=folder) as spool:
                info = os.fstat(source.fileno())
                if not stat.S_ISREG(info.st_mode):
                    skipped.append(f"{path} (not a regular file)")
                    continue
                digest = hashlib.sha256()
                size = 0
                remaining = info.st_size  # a log still being written: what was there when opened
                while remaining > 0:
                    chunk = source.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    digest.update(chunk)
                    spool.write(chunk)
                    size += len(chunk)
                    remaining -= len(chunk)
                spool.seek(0)
                member = tarfile.TarInfo(name)
                member.size = size
                member.mtime = int(info.st_mtime)
                member.mode = 0o600
                archive.addfile(member, spool)
            manifest.append(f"{digest.hexdigest()}  {name}")
            total += size
        listing = ("\n".join(manifest) + "\n").encode()
        member = tarfile.TarInfo("MANIFEST.sha256")
        member.size = len(listing)
        member.mtime = int(at.timestamp())
        member.mode = 0o600
        with tempfile.TemporaryFile(dir=folder) as spool:
            spool.write(listing)
            spool.seek(0)
            archive.addfile(member, spool)
    (folder / "MANIFEST.sha256").write_bytes(listing)
    archive_digest = hashlib.sha256(target.read_bytes()).hexdigest()
    (folder / f"{target.name}.sha256").write_text(f"{archive_digest}  {target.name}\n", "utf-8")
    return LogArchive(target, archive_digest, len(manifest), total, missing, skipped)


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
            advice="prepare the plan first: `golive rollback SESSION --command ...` (or --flag-url, "
            "--manual), --notify, --logs",
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
        record(session, log_path, evidence, None)
        for item_id, status in updates.items():
            set_item_status(
                session, item_id, status, by=actor, note=notes[item_id], evidence=[evidence.id]
            )
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
            where="--step",
            advice="use one of: " + ", ".join(i.removeprefix("rollback.") for i in STEP_ITEMS),
        )
    if session.rollback.started_at is None:
        raise BadInputError(
            "no rollback was started, so its steps do not apply",
            where="--step",
            advice="start it with `golive rollback SESSION --reason ...`",
        )
    if status == ItemStatus.DONE.value and not note.strip():
        raise BadInputError(
            f"say what was done for {item_id}",
            where="--note",
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
