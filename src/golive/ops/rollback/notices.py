"""The notification drafts: the template, its placeholders, what a draft says happened."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import Template

from golive.ops.rollback.disable import DisableOutcome, LogArchive
from golive.session.errors import BadInputError
from golive.session.model import Session
from golive.session.sections import AffectedCustomer

INTEGRATION = "ONESOURCE tax integration"
# what each placeholder stands for: the wizard and `golive rollback plan` show these
PLACEHOLDER_MEANINGS: dict[str, str] = {
    "customer": "the affected customer's name",
    "contact": 'the customer\'s contact (else "<customer> team")',
    "email": "the contact's e-mail",
    "started_at": "when the rollback started (UTC)",
    "reason": "the reason given for the rollback",
    "partner": "your company (the session's partner, else its engineer)",
    "support": "the first support contact, with e-mail and phone",
    "integration": INTEGRATION,
    "subject": "a subject line saying what happened",
    "what_happened": "an opening sentence saying what the rollback did",
    "steps": "the steps done so far, one line each",
}
PLACEHOLDERS = tuple(PLACEHOLDER_MEANINGS)
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


TEMPLATE_SYNTAX = (
    "Write a placeholder as $customer, ${customer} or {customer}; $$ is a dollar sign. "
    "A template that leaves out the reason or the steps gets them added at the end. "
    "Empty: golive's default template."
)


def template_help() -> str:
    """What the wizard shows beside the template field: the syntax, each placeholder, the default."""
    listed = "\n".join(f"  ${name}: {meaning}" for name, meaning in PLACEHOLDER_MEANINGS.items())
    return f"{TEMPLATE_SYNTAX}\n\nPlaceholders:\n{listed}\n\nDefault template:\n{DEFAULT_TEMPLATE}"


# `{customer}` as well as `$customer` and `${customer}`: a brace pair not preceded by `$`
_BRACE_ONLY = re.compile(r"(?<!\$)\{([_a-z][_a-z0-9]*)\}", re.I)


def dollar_form(template: str) -> str:
    """The template with each `{name}` written `${name}`, the one form the renderer reads."""
    return _BRACE_ONLY.sub(r"${\1}", template)


_PLACEHOLDER = re.compile(
    r"\$(?:(?P<named>[_a-z][_a-z0-9]*)|\{(?P<braced>[_a-z][_a-z0-9]*)\})", re.I
)


def template_placeholders(template: str) -> list[str]:
    """The placeholders a template uses (`$$` is a literal dollar sign, not one)."""
    names: list[str] = []
    for match in _PLACEHOLDER.finditer(dollar_form(template).replace("$$", "")):
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


_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


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
    template = dollar_form(template)
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
        used = template_placeholders(template)
        if "reason" not in used:
            # a template of the user's own that leaves out why: the customer is told anyway
            text = text.rstrip("\n") + "\n\nThe problem: " + values["reason"] + "\n"
        if "steps" not in used:
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
