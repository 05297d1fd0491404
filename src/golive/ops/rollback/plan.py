"""The rollback plan: how to disable, who to notify, where the logs are; the plan check."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive.ops.rollback.notices import (
    _LINE_BREAKS,
    PLACEHOLDERS,
    check_template,
    template_placeholders,
)
from golive.session.checklist import build_checklist, default_actor, set_item_status
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, read, record
from golive.session.model import ItemStatus, Session, check_url
from golive.session.sections import AffectedCustomer, FlagCall
from golive.session.store import evidence_path

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


# --- the plan -----------------------------------------------------------------------------------


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
        missing.append(
            "how to disable the integration (a command, a feature-flag call or manual steps)"
        )
    elif plan.disable_method == "command" and not plan.disable_command:
        missing.append("the disable command")
    elif plan.disable_method == "http" and not plan.disable_http.url:
        missing.append("the feature-flag URL")
    elif plan.disable_method == "manual" and not plan.manual_steps.strip():
        missing.append("the manual steps")
    if not plan.notify:
        missing.append("the affected customers to notify")
    if not plan.log_locations:
        missing.append("where the error logs are")
    return missing


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


# Long because each optional field of the plan is checked and applied in turn, each with its own message.
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
    # Long because each plan field is checked and set in turn before the plan check records it.
    """Prepare (or change) the plan, then check it can run, recorded in the session's evidence
    log (`session_path`); without one the plan stays in progress. The last disable method given
    is the one used."""
    plan = session.rollback
    if command is not None:
        if not command or not command[0].strip():
            raise BadInputError(
                "the disable command is empty",
                where="rollback.disable_command",
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
                    str(error),
                    where="rollback.disable_http.url",
                    advice="give the feature-flag service's URL",
                ) from None
        method = (flag_method or current.method).upper()
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            raise BadInputError(
                f"{method} is not a method for switching a flag",
                where="rollback.disable_http.method",
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
                raise BadInputError("an affected customer needs a name", where="rollback.notify")
            if any(
                _LINE_BREAKS.search(v) for v in (new.customer, new.contact, new.email, new.phone)
            ):
                raise BadInputError(
                    f"the customer {new.customer.strip()!r} holds a line break or control character",
                    where="rollback.notify",
                    advice="give each of CUSTOMER,CONTACT,EMAIL,PHONE on one line",
                )
            if new.email:
                from golive.ops.monitoring import looks_like_email

                if not looks_like_email(new.email):
                    raise BadInputError(
                        f"{new.email!r} is not an e-mail address", where="rollback.notify"
                    )
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
            where="rollback.notify",
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
