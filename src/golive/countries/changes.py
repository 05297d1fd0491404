"""What changed for a session's countries: a newer catalog, or a go-live date that moved.

A session keeps the catalog's obligations as they were when each country was added (a snapshot,
so a report made later says what the session was judged by). `golive status` and the wizard
show what differs from the installed catalog and which items it touches; `golive countries
SESSION refresh` takes the installed rules (the replaced snapshot is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from golive.countries import country, requirements_for, row_digest
from golive.session.model import CountryRequirements, CountrySetup, Obligation, Session
from golive.session.obligations import GoLiveDate, go_live_date, judge, legacy_verdict

ITEM_KINDS = ("certificate", "platform")


@dataclass
class CountryChange:
    """One country's differences, in words, and the checklist items they touch."""

    country: str
    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"country": self.country, "changes": self.lines, "items": self.items}


def _item(cc: str, kind: str) -> str:
    return f"compliance.{cc}.{kind}" if kind in ITEM_KINDS else "the transaction check"


def _word(required: bool | None) -> str:
    return {True: "required", False: "not applicable", None: "asks you"}[required]


def _verdict(setup: CountrySetup, name: str, kind: str, when: GoLiveDate) -> bool | None:
    if setup.requirements.obligations:
        return judge(setup, name, kind, when).required
    return legacy_verdict(setup.requirements, name, kind).required


def _catalog_change(cc: str, setup: CountrySetup, when: GoLiveDate, change: CountryChange) -> None:
    facts = country(cc)
    if facts is None or setup.requirements.catalog_digest == row_digest(facts):
        return
    old = {o.id: o for o in setup.requirements.obligations}
    new = {o.id: o for o in facts.obligations}
    if not old:
        change.lines.append(
            f"the session keeps {facts.name}'s row from before dated obligations; the installed "
            f"catalog states {len(new)} obligation(s) (`golive countries SESSION refresh`)"
        )
    else:
        touched: set[str] = set()
        for oid in sorted(new.keys() - old.keys()):
            change.lines.append(f"new in the catalog: {oid} ({new[oid].kind}): {new[oid].what}")
            touched.add(new[oid].kind)
        for oid in sorted(old.keys() - new.keys()):
            change.lines.append(f"no longer in the catalog: {oid} ({old[oid].kind})")
            touched.add(old[oid].kind)
        for oid in sorted(old.keys() & new.keys()):
            if old[oid].model_dump() != new[oid].model_dump():
                change.lines.append(f"changed in the catalog: {oid} ({new[oid].kind})")
                touched.add(new[oid].kind)
        for kind in sorted(touched):
            if _item(cc, kind) not in change.items:
                change.items.append(_item(cc, kind))
    fresh = CountrySetup(requirements=requirements_for(cc), answers=dict(setup.answers))
    for kind in ITEM_KINDS:
        before = _verdict(setup, facts.name, kind, when)
        after = _verdict(fresh, facts.name, kind, when)
        if before != after:
            item = _item(cc, kind)
            change.lines.append(
                f"{item}: {_word(before)} now, {_word(after)} by the installed catalog"
            )
            if item not in change.items:
                change.items.append(item)


def _crossed(obligation: Obligation, low: date, high: date) -> list[str]:
    """The obligation's dates that lie after `low` and up to `high`."""
    found = []
    if obligation.from_ and low < obligation.from_ <= high:
        found.append(f"starts {obligation.from_.isoformat()}")
    if obligation.until and low <= obligation.until < high:
        found.append(f"ends {obligation.until.isoformat()}")
    return found


def _date_change(cc: str, setup: CountrySetup, when: GoLiveDate, change: CountryChange) -> None:
    snapshot = setup.requirements
    # a snapshot taken without a planned date was judged on the day it was taken
    previous = snapshot.evaluated_for or (
        snapshot.snapshot_at.date() if snapshot.snapshot_at else None
    )
    if previous is None or not when.planned or previous == when.start:
        return
    low, high = sorted((previous, when.start))
    crossed: dict[str, list[str]] = {}
    for obligation in setup.requirements.obligations:
        dates = _crossed(obligation, low, high)
        if dates:
            item = _item(cc, obligation.kind)
            crossed.setdefault(item, []).append(f"{obligation.id} {', '.join(dates)}")
            if item not in change.items:
                change.items.append(item)
    for item, rules in crossed.items():
        change.lines.append(
            f"the go-live date moved from {previous.isoformat()} to {when.start.isoformat()} "
            f"across {'; '.join(rules)}: {item}"
        )
    if not change.lines:
        return
    before = GoLiveDate(previous, previous + (when.end - when.start), "the earlier date", True)
    name = setup.requirements.name or cc
    for kind in ITEM_KINDS:
        old, new = _verdict(setup, name, kind, before), _verdict(setup, name, kind, when)
        if old != new:
            change.lines.append(
                f"{_item(cc, kind)}: {_word(old)} on {previous.isoformat()}, {_word(new)} on "
                f"{when.start.isoformat()}"
            )


def country_changes(session: Session) -> list[CountryChange]:
    """What differs, per active country, from the installed catalog and the snapshot's date."""
    when = go_live_date(session)
    found = []
    for cc in session.active_countries():
        setup = session.countries[cc]
        change = CountryChange(cc)
        _catalog_change(cc, setup, when, change)
        _date_change(cc, setup, when, change)
        if change.lines:
            found.append(change)
    return found


def refresh(session: Session, codes: list[str] | None = None) -> list[str]:
    """Take the installed catalog's rules for `codes` (default: every active country).

    The replaced snapshot is kept in `earlier_requirements`; item states and their history are
    not touched. Returns the countries refreshed."""
    when = go_live_date(session)
    evaluated_for = when.start if when.planned else None
    done = []
    for cc in codes or session.active_countries():
        setup = session.countries[cc]
        facts = country(cc)
        current = setup.requirements
        same_rules = facts is None or current.catalog_digest == row_digest(facts)
        if same_rules and current.evaluated_for == evaluated_for:
            continue
        fresh: CountryRequirements = requirements_for(cc, evaluated_for=evaluated_for)
        setup.earlier_requirements = [*setup.earlier_requirements, current]
        setup.requirements = fresh
        done.append(cc)
    return done
