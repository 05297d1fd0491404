"""The rollback: prepared before go-live, run in one step when it is needed.

The plan says how to disable the integration (a command run without a shell, an HTTP call to a
feature-flag service, or manual steps), who to notify (the affected customers and their contacts)
and where the error logs are. Running it, after the user saw exactly what it will do and said yes:

1. disables the integration and records the exit code (or HTTP status) and the output;
2. writes a notification draft per affected customer from the template;
3. archives the error logs into a timestamped tar.gz with a SHA-256 manifest;
4. opens the investigation and resolution items, each with its note and time.

Everything it writes goes in a folder next to the session: NAME.rollback-<UTC time>/.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Any

from golive.session.checklist import default_actor, set_item_status
from golive.session.clock import now
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import ItemStatus, Session, check_url
from golive.session.sections import AffectedCustomer, FlagCall
from golive.session.store import evidence_path

OUTPUT_KEPT = 4000  # characters of the disable command's output kept in the evidence
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
)
DEFAULT_TEMPLATE = """Subject: $integration temporarily disabled for $customer

Dear $contact,

At $started_at we disabled the $integration for $customer while we investigate a problem:
$reason

While it is off, tax calculation and e-invoicing through ONESOURCE are paused for your account.
We are reviewing the logs and will tell you when it is back, and which transactions, if any,
need your attention.

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


def _plan_status(session: Session, by: str | None) -> PlanStatus:
    missing = plan_gaps(session)
    plan = session.rollback
    if missing:
        note = "still to give: " + "; ".join(missing)
        status = ItemStatus.IN_PROGRESS
    else:
        note = (
            f"disable by {describe_disable(plan.disable_method, plan)}; notify "
            + ", ".join(c.customer for c in plan.notify)
            + f"; logs in {', '.join(plan.log_locations)}"
        )
        status = ItemStatus.DONE
    set_item_status(session, "rollback.plan", status, by=by, note=note)
    return PlanStatus(not missing, missing, status, note)


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
) -> PlanStatus:
    """Prepare (or change) the plan. The last disable method given is the one used."""
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
    return _plan_status(session, by)


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

    @property
    def can_run(self) -> bool:
        return not self.problems


def preview_rollback(
    session: Session, session_path: Path, *, reason: str, at: datetime | None = None
) -> RollbackPreview:
    moment = at or now()
    plan = session.rollback
    folder = run_folder(session_path, moment)
    problems: list[str] = []
    if not plan.disable_method:
        problems.append("the plan does not say how to disable the integration")
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
    if plan.notify:
        drafts = ", ".join(
            f"{name} ({c.customer}{', to ' + c.email if c.email else ''})"
            for name, c in zip(draft_names(plan.notify), plan.notify, strict=True)
        )
        actions.append(f"write {len(plan.notify)} notification draft(s) in {folder}: {drafts}")
    else:
        actions.append("no affected customers are recorded: no notification drafts")
    if plan.log_locations:
        actions.append(
            f"archive the logs of {', '.join(plan.log_locations)} into "
            f"{folder / archive_name(moment)} with a SHA-256 manifest (symlinks are not followed)"
        )
    else:
        actions.append("no log locations are recorded: nothing to archive")
    actions.append(
        "open the investigation and resolution items: review logs, root cause, fix timeline, "
        "fix in staging, verify the fix, redeploy, re-enable"
    )
    if session.rollback.started_at is not None:
        actions.append(
            f"(a rollback was already started at {session.rollback.started_at:%Y-%m-%d %H:%M} UTC; "
            "this one is recorded as another)"
        )
    return RollbackPreview(moment, folder, actions, problems)


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


def _disable_command(argv: list[str], timeout: float, folder: Path) -> DisableOutcome:
    from golive.secrets.redaction import redact

    try:
        completed = subprocess.run(
            argv,
            shell=False,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return DisableOutcome("command", False, error=f"{argv[0]!r} was not found")
    except PermissionError:
        return DisableOutcome("command", False, error=f"{argv[0]!r} cannot be executed")
    except subprocess.TimeoutExpired as expired:
        partial = (expired.stdout or b"") + (expired.stderr or b"")
        text = redact(partial.decode("utf-8", "replace"))
        (folder / "disable-output.txt").write_text(text, "utf-8")
        return DisableOutcome(
            "command", False, output=_truncate(text), error=f"timed out after {timeout:g} s"
        )
    output = completed.stdout.decode("utf-8", "replace")
    if completed.stderr:
        output += ("\n" if output and not output.endswith("\n") else "") + completed.stderr.decode(
            "utf-8", "replace"
        )
    output = redact(output)
    (folder / "disable-output.txt").write_text(output, "utf-8")
    return DisableOutcome(
        "command",
        completed.returncode == 0,
        exit_code=completed.returncode,
        output=_truncate(output),
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


def notification_values(
    session: Session, customer: AffectedCustomer, *, started_at: datetime, reason: str
) -> dict[str, str]:
    support = "your usual support contact"
    first = next(
        (level for level in session.support.escalation if level.level == 1 and level.contact), None
    )
    if first is not None and first.contact is not None:
        reach = ", ".join(x for x in (first.contact.email, first.contact.phone) if x)
        support = first.contact.name + (f" ({reach})" if reach else "")
    return {
        "customer": customer.customer,
        "contact": customer.contact or f"{customer.customer} team",
        "email": customer.email or "(no e-mail recorded)",
        "started_at": f"{started_at:%Y-%m-%d %H:%M} UTC",
        "reason": reason.strip(),
        "partner": session.meta.partner or session.meta.engineer or "your integration partner",
        "support": support,
        "integration": INTEGRATION,
    }


def render_notification(template: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The draft, and the placeholders that had to be dropped (unknown ones: none are left in)."""
    text = Template(template).safe_substitute(values)
    dropped: list[str] = []

    def drop(match: re.Match[str]) -> str:
        dropped.append(match.group(0))
        return ""

    # placeholders left after substitution are unknown ones (a hand-edited template): drop them
    # rather than send a customer a "$placeholder"; `$$` was turned into "$" by the substitution
    leftover = [n for n in template_placeholders(template) if n not in values]
    if leftover:
        names = "|".join(re.escape(n) for n in leftover)
        text = re.sub(rf"\$(?:{names}\b|\{{(?:{names})\}})", drop, text)
    return text, dropped


def write_notifications(
    session: Session, folder: Path, *, started_at: datetime, reason: str
) -> tuple[list[Path], list[str]]:
    template = session.rollback.notification_template or DEFAULT_TEMPLATE
    written: list[Path] = []
    warnings: list[str] = []
    for name, customer in zip(
        draft_names(session.rollback.notify), session.rollback.notify, strict=True
    ):
        values = notification_values(session, customer, started_at=started_at, reason=reason)
        text, dropped = render_notification(template, values)
        if dropped:
            warnings.append(f"{name}: unknown placeholder(s) left out: {', '.join(dropped)}")
        header = f"To: {customer.contact} <{customer.email}>\n" if customer.email else ""
        path = folder / name
        path.write_text(header + text, "utf-8")
        written.append(path)
    return written, warnings


def _regular_files(location: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """(file, name in the archive) of a log file or folder; symlinks are skipped, never followed."""
    label = location.name or "logs"
    if location.is_symlink():
        return [], [f"{location} (a symlink: not followed)"]
    if location.is_file():
        return [(location, f"{label}")], []
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
            if path.is_symlink():
                skipped.append(f"{path} (a symlink: not followed)")
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
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
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
) -> RollbackResult:
    """Run the plan (after the caller showed `preview_rollback` and the user confirmed)."""
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
    plan = session.rollback
    plan.started_at = moment
    plan.reason = reason.strip()
    plan.run_folder = str(folder)
    timeout = plan.disable_timeout_s
    if plan.disable_method == "command":
        disable = _disable_command(list(plan.disable_command), timeout, folder)
    elif plan.disable_method == "http":
        disable = _disable_http(session, plan.disable_http, timeout)
    else:
        disable = DisableOutcome("manual", False, manual=True)
    drafts, warnings = write_notifications(session, folder, started_at=moment, reason=reason)
    archive = archive_logs(plan.log_locations, folder, moment)
    if archive.missing:
        warnings.append("log locations not found: " + ", ".join(archive.missing))
    if archive.skipped:
        warnings.append(
            f"{len(archive.skipped)} path(s) not archived: " + "; ".join(archive.skipped[:5])
        )
    items: dict[str, ItemStatus] = {}
    notes: dict[str, str] = {}
    if disable.manual:
        items["rollback.disable_flag"] = ItemStatus.IN_PROGRESS
        notes["rollback.disable_flag"] = (
            f"do now: {plan.manual_steps}; then `golive rollback SESSION --step disable_flag --status done`"
        )
    else:
        items["rollback.disable_flag"] = ItemStatus.DONE if disable.ok else ItemStatus.FAILED
        notes["rollback.disable_flag"] = (
            f"{describe_disable(plan.disable_method, plan)}: {disable.describe()}"
        )
    if drafts:
        items["rollback.notify"] = ItemStatus.IN_PROGRESS
        notes["rollback.notify"] = (
            f"{len(drafts)} draft(s) written in {folder}: send them, then "
            "`golive rollback SESSION --step notify --status done`"
        )
    else:
        items["rollback.notify"] = ItemStatus.TODO
        notes["rollback.notify"] = "no affected customers recorded: tell them yourself"
    if archive.path is not None:
        items["rollback.preserve_logs"] = ItemStatus.DONE
        notes["rollback.preserve_logs"] = (
            f"{archive.files} file(s), {archive.bytes} bytes in {archive.path} "
            f"(sha256 {archive.sha256})"
        )
    else:
        items["rollback.preserve_logs"] = ItemStatus.FAILED
        notes["rollback.preserve_logs"] = "no log file found in " + (
            ", ".join(plan.log_locations) or "(no location recorded)"
        )
    shown_archive = str(archive.path) if archive.path else "(no archive: see preserve_logs)"
    for item_id, text in INVESTIGATION_NOTES.items():
        items[item_id] = ItemStatus.TODO
        notes[item_id] = text.format(archive=shown_archive)
    ok = (disable.ok or disable.manual) and archive.path is not None
    summary = (
        f"rollback started ({plan.reason}): {notes['rollback.disable_flag']}; "
        f"{len(drafts)} notification draft(s); logs: {notes['rollback.preserve_logs']}"
    )
    evidence = EvidenceRecord(
        kind="rollback",
        environment="production",
        host=session.environments.production.host(),
        started=moment,
        outcome="passed" if ok else "failed",
        summary=summary,
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
        items=list(items),
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, None)
    for item_id, status in items.items():
        set_item_status(
            session,
            item_id,
            status,
            by=actor,
            note=notes[item_id],
            evidence=[evidence.id],
            at=moment,
        )
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
    state = set_item_status(session, item_id, status, by=by, note=note, reason=note)
    return state.status
