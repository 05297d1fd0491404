"""Which of a country's dated obligations are in force for a session's go-live, and what follows.

The session layer keeps a snapshot of the catalog's obligations (CountryRequirements.obligations)
and judges them here on the session's planned go-live date through the watch that follows it.
Only a verified or secondary-source "not required" closes an item; an inference, an unknown or
a condition golive cannot decide (a revenue band) is asked, and the user's answer is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from golive.session.clock import now
from golive.session.model import (
    CONFIDENCE_TAGS,
    CONFIDENCE_WORDS,
    CountryRequirements,
    CountrySetup,
    Obligation,
    RuleAnswer,
    Session,
)

UPCOMING_DAYS = 90
ITEM_KINDS = {"certificate": ("certificate",), "platform": ("platform",)}


@dataclass(frozen=True)
class GoLiveDate:
    """The date a session's countries are judged on, the watch's last day, and where it comes from."""

    start: date
    end: date
    source: str  # "the production window", "the planned go-live date", "today (no go-live date)"
    planned: bool  # False when no date is set: judged on today


def go_live_date(session: Session) -> GoLiveDate:
    """The production window's start once chosen, else `meta.go_live`, else today (said so)."""
    hours = session.targets.monitoring_window_hours
    window = session.production.window
    if window is not None:
        start_at = window.start.astimezone(UTC)
        end_at = max(window.end.astimezone(UTC), start_at) + timedelta(hours=hours)
        return GoLiveDate(start_at.date(), end_at.date(), "the production window", True)
    if session.meta.go_live is not None:
        day = session.meta.go_live
        end = (datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hours)).date()
        return GoLiveDate(day, end, "the planned go-live date", True)
    today = now().astimezone(UTC).date()
    end = today + timedelta(hours=hours)
    return GoLiveDate(today, end, "today (no go-live date is set)", False)


def upcoming(
    obligations: list[Obligation], when: GoLiveDate, kinds: tuple[str, ...]
) -> list[Obligation]:
    """Obligations that start after the watch but within 90 days of the go-live date."""
    limit = when.start + timedelta(days=UPCOMING_DAYS)
    return [
        o
        for o in obligations
        if o.kind in kinds and o.from_ is not None and when.end < o.from_ <= limit
    ]


def _dates(obligation: Obligation) -> str:
    parts = []
    if obligation.from_:
        parts.append(f"from {obligation.from_.isoformat()}")
    if obligation.until:
        parts.append(f"until {obligation.until.isoformat()}")
    return " ".join(parts)


def cite(obligation: Obligation, row_source: str = "") -> str:
    words = CONFIDENCE_WORDS[obligation.confidence]
    if row_source and obligation.source == row_source:
        text = f"{words} (the row's source)"
    else:
        text = f"{words}: {obligation.source or 'no source named'}"
    if obligation.reviewed:
        text += f", reviewed {obligation.reviewed.isoformat()}"
    return text


def headline(obligation: Obligation) -> str:
    """What the obligation asks, when, and for whom: "X (from 2027-01-01) [B2G]"."""
    dates = _dates(obligation)
    who = "/".join(obligation.applies_to)
    head = obligation.what + (f" ({dates})" if dates else "")
    if obligation.condition:
        head += f" [only for {obligation.condition}]"
    if who and who != "B2B/B2G/B2C":
        head += f" [{who}]"
    return head


def cited_by_the_row(obligation: Obligation, requirements: CountryRequirements) -> bool:
    """The obligation's source and review date are its country row's own (said once for the
    row), and the row's source says the same confidence tag ([V], [S])."""
    tag = CONFIDENCE_TAGS.get(obligation.confidence, "")
    return (
        bool(requirements.source)
        and obligation.source == requirements.source
        and obligation.reviewed == requirements.reviewed
        and bool(tag)
        and tag in requirements.source
    )


def source_words(source: str) -> str:
    """A catalog source with its confidence tags in words: "... [S: from a secondary source]"."""
    for confidence, tag in CONFIDENCE_TAGS.items():
        source = source.replace(tag, f"[{tag[1]}: {CONFIDENCE_WORDS[confidence]}]")
    return source


def rule_words(obligation: Obligation, requirements: CountryRequirements) -> str:
    """An obligation beside its country's source: its source only where it is not the row's own
    (said once for the row, as the report's country facts and the wizard's country page do)."""
    if cited_by_the_row(obligation, requirements):
        return headline(obligation)
    return f"{headline(obligation)} ({cite(obligation, requirements.source)})"


def describe(obligation: Obligation, row_source: str = "") -> str:
    """One line a user reads: what, when, for whom, and how sure the catalog is."""
    return f"{headline(obligation)}; {cite(obligation, row_source)}"


def answer_for(setup: CountrySetup, obligation: Obligation) -> RuleAnswer | None:
    """The recorded answer for the obligation, or for another of the country's rules with the
    same condition (one answer to "revenue of AED 50 m or more" covers all its rules)."""
    if obligation.id in setup.answers:
        return setup.answers[obligation.id]
    for other in setup.requirements.obligations:
        if other.condition == obligation.condition and other.id in setup.answers:
            return setup.answers[other.id]
    return None


def _answered(setup: CountrySetup, obligation: Obligation) -> str:
    answer = answer_for(setup, obligation)
    if answer is None:
        return ""
    verb = "applies" if answer.applies else "does not apply"
    return f" ({verb}: answered by {answer.by} on {answer.at.date().isoformat()})"


@dataclass(frozen=True)
class Verdict:
    required: bool | None  # None: the user is asked
    detail: str
    upcoming: str = ""
    deciding: tuple[Obligation, ...] = ()  # the obligations the verdict rests on

    @property
    def what(self) -> str:
        return "; ".join(o.what for o in self.deciding)


# Long because in-force, conditional, pending and sourced-no obligations are judged in one readable sequence.
def judge(
    setup: CountrySetup, name: str, kind: str, when: GoLiveDate, answer_hint: str = ""
) -> Verdict:
    """Whether `kind` (certificate, platform) is required in the country on the go-live date."""
    requirements = setup.requirements
    kinds = ITEM_KINDS[kind]
    on = f"on {when.start.isoformat()} ({when.source}) through the watch to {when.end.isoformat()}"
    soon = upcoming(requirements.obligations, when, kinds)
    soon_text = "; ".join(f"{o.what} from {o.from_}" for o in soon if o.from_)
    suffix = f" Upcoming within {UPCOMING_DAYS} days: {soon_text}." if soon_text else ""
    in_force = [
        o for o in requirements.obligations if o.kind in kinds and o.in_force(when.start, when.end)
    ]
    applies: list[Obligation] = []
    pending: list[Obligation] = []
    waived: list[Obligation] = []
    for obligation in (o for o in in_force if o.required):
        if not obligation.condition:
            applies.append(obligation)
            continue
        answer = answer_for(setup, obligation)
        if answer is None:
            pending.append(obligation)
        elif answer.applies:
            applies.append(obligation)
        else:
            waived.append(obligation)
    if applies:
        text = "; ".join(describe(o, requirements.source) + _answered(setup, o) for o in applies)
        return Verdict(True, f"{name}, {on}: {text}.{suffix}", soon_text, tuple(applies))
    if pending:
        questions = "; ".join(
            f"does {o.condition!r} apply to this deployment ({o.what}; answer id {o.id})"
            for o in pending
        )
        hint = f" Answer with {answer_hint}." if answer_hint else ""
        return Verdict(
            None,
            f"{name}, {on}: golive cannot decide this: {questions}.{hint}{suffix}",
            soon_text,
            tuple(pending),
        )
    sourced_no = [o for o in in_force if o.sourced_no]
    if sourced_no:
        # the catalog's own words first: they say why, the rest says when and from where
        words = "; ".join(o.what for o in sourced_no)
        cites = "; ".join(cite(o, requirements.source) for o in sourced_no)
        return Verdict(
            False,
            f"{words} (not required in {name} {on}; {cites}).{suffix}",
            soon_text,
            tuple(sourced_no),
        )
    if waived:
        why = "; ".join(f"{o.what} [{o.condition}]{_answered(setup, o)}" for o in waived)
        return Verdict(
            False,
            f"not required in {name} {on}, by the recorded answer: {why}.{suffix}",
            soon_text,
            tuple(waived),
        )
    inferred = [o for o in in_force if not o.required]
    noun = "a certificate or e-seal" if kind == "certificate" else "a platform registration"
    if inferred:
        why = "; ".join(describe(o, requirements.source) for o in inferred)
        return Verdict(
            None,
            f"{name}: the catalog's 'not required' is not sourced ({why}). Does it need {noun} "
            f"{on}? Record the answer: done when in place, or not applicable with the reason."
            f"{suffix}",
            soon_text,
            tuple(inferred),
        )
    return Verdict(
        None,
        f"{name}: the catalog states no {kind} rule {on}. Does it need {noun}? Record the "
        f"answer: done when in place, or not applicable with the reason.{suffix}",
        soon_text,
    )


def legacy_verdict(requirements: CountryRequirements, name: str, kind: str) -> Verdict:
    """A snapshot taken before dated obligations: its flags, but never an inferred "no"."""
    if kind == "certificate":
        required, what, why = (
            requirements.certificate_required,
            requirements.certificate_kind,
            requirements.certificate_reason,
        )
    else:
        required, what, why = (
            requirements.platform_required,
            requirements.platform_registration,
            requirements.platform_reason,
        )
    if required is None:
        return Verdict(None, "")
    if required:
        return Verdict(True, f"{name}: {what}" if what else f"{name}: required")
    if "[I]" in why:
        return Verdict(
            None,
            f"{name}: the old catalog's 'not required' is golive's inference ({why}). Record "
            "the answer: done when in place, or not applicable with the reason "
            "(`golive countries SESSION refresh` takes the dated rules).",
        )
    return Verdict(False, why or f"not required in {name}")


def mandatory_documents(setup: CountrySetup, when: GoLiveDate) -> list[Obligation]:
    """E-invoicing or reporting obligations in force for the go-live: a document to test.

    A condition not yet answered counts (testing more is safe); one answered "does not apply"
    does not.
    """
    found = []
    for obligation in setup.requirements.obligations:
        if obligation.kind not in ("einvoicing", "reporting") or not obligation.required:
            continue
        if not obligation.in_force(when.start, when.end):
            continue
        answer = answer_for(setup, obligation)
        if obligation.condition and answer is not None and not answer.applies:
            continue
        found.append(obligation)
    return found
