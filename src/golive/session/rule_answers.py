"""A person's answers to the country rules golive cannot decide (a revenue band, invoicing public
bodies): which questions are open for the go-live, and recording an answer. The CLI
(`golive countries SESSION answer`) and the wizard's country page both record through here."""

from __future__ import annotations

from dataclasses import dataclass

from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.item_changes import default_actor
from golive.session.model import Obligation, RuleAnswer, Session
from golive.session.obligations import answer_for, go_live_date


@dataclass(frozen=True)
class RuleQuestion:
    """One condition of a country's rules in force for the go-live, and its answer if any."""

    rule_id: str  # the id an answer is recorded under (the first rule with the condition)
    condition: str
    rules: tuple[Obligation, ...]  # every rule in force that the one answer covers
    answer: RuleAnswer | None

    @property
    def question(self) -> str:
        whats = "; ".join(o.what for o in self.rules)
        return f"Does {self.condition!r} apply to this deployment? ({whats})"


def rule_questions(session: Session, code: str) -> list[RuleQuestion]:
    """The country's conditions in force on the go-live date through the watch, one per
    condition (one answer covers all its rules), answered or not."""
    setup = session.countries[code]
    when = go_live_date(session)
    by_condition: dict[str, list[Obligation]] = {}
    for obligation in setup.requirements.obligations:
        if obligation.condition and obligation.in_force(when.start, when.end):
            by_condition.setdefault(obligation.condition, []).append(obligation)
    return [
        RuleQuestion(rules[0].id, condition, tuple(rules), answer_for(setup, rules[0]))
        for condition, rules in by_condition.items()
    ]


def answer_rule(
    session: Session, code: str, rule_id: str, applies: bool, *, by: str | None = None
) -> RuleAnswer:
    """Record whether the rule's condition applies to this deployment (in memory; the caller
    saves). Replaces an earlier answer to it, with who and when."""
    setup = session.countries.get(code)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{code} is not a country of this session",
            where="countries answer",
            advice=f"the session has: {', '.join(session.active_countries()) or 'none'}",
        )
    ids = [o.id for o in setup.requirements.obligations if o.condition]
    if rule_id not in ids:
        raise BadInputError(
            f"{rule_id!r} is not a rule of {code} that needs an answer",
            where="countries answer",
            advice=f"{code}'s rules with a condition: {', '.join(ids) or 'none'}",
        )
    answer = RuleAnswer(applies=applies, by=by or default_actor(session), at=now())
    setup.answers = {**setup.answers, rule_id: answer}
    return answer
