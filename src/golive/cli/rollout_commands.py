"""`golive rollout` and `golive reviews`: the staged rollout and its reviews."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from golive.cli.common import (
    _by,
    _date,
    _gate_first,
    _json_flag,
    _moment,
    _open,
    _override_flag,
    _parser,
    _print_json,
)
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.cli.common import Sub


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `golive`."""
    _rollout(sub)
    _reviews(sub)


# --- rollout ------------------------------------------------------------------------------------


def _rollout(sub: Sub) -> None:
    p = _parser(
        sub,
        "rollout",
        "plan and open rollout stages, each gated on the watch figures (golive.rollout)",
        "Plan stages (10%%, 25%%, 50%%, 100%% or named customer batches) and open them. A stage "
        "opens when the latest watch figures meet the targets; against a failing or missing "
        "figure only with --reason, which is recorded. Without options: show the stages.",
    )
    p.add_argument("--stage", metavar="NAME", help="the stage, e.g. 25%% or 'batch EU'")
    p.add_argument("--share", type=float, metavar="PCT", help="its share of customers")
    p.add_argument("--customers", metavar="A,B", help="its customers (a named batch)")
    p.add_argument("--planned", metavar="ISO", help="when it is planned (for the calendar)")
    p.add_argument("--default-stages", action="store_true", help="plan 10%%, 25%%, 50%%, 100%%")
    p.add_argument("--open", action="store_true", help="open --stage now")
    p.add_argument("--reason", default="", help="why it opens against a failing figure")
    _override_flag(p, "go-live")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_rollout)


def cmd_rollout(args: argparse.Namespace) -> int:
    # Long because each flag is one small action on the same session, saved once.
    from golive.ops import rollout

    handle = _open(args.session)
    session = handle.session
    status = 0
    if args.open and args.override is None:
        _gate_first(handle, "golive")
    if args.default_stages:
        rollout.plan_default_stages(session)
    if args.open and not args.stage:
        raise BadInputError(
            "--open needs --stage NAME", where="--open", advice="e.g. --stage 10%% --open"
        )
    if args.stage and (args.share is not None or args.customers or args.planned or not args.open):
        rollout.plan_stage(
            session,
            args.stage,
            share_pct=args.share,
            customers=[c.strip() for c in args.customers.split(",") if c.strip()]
            if args.customers
            else None,
            planned_for=_moment(args.planned, "--planned") if args.planned else None,
        )
    opened = None
    if args.open:
        opened = rollout.open_stage(
            session,
            handle.path,
            args.stage,
            reason=args.reason,
            by=args.by,
            override=args.override,
        )
    handle.save()
    gate = rollout.current_gate(session, handle.path)
    if args.json:
        _print_json(
            {
                "gate": {"passed": gate.passed, "describe": gate.describe()},
                "stages": [s.model_dump(mode="json") for s in session.golive.rollout],
                "opened": opened.opened if opened else None,
                "needs_reason": opened.needs_reason if opened else False,
            }
        )
        return 1 if opened and not opened.opened else 0
    if opened is not None:
        for warning in opened.warnings:
            print(f"warning: {warning}")
        if opened.opened:
            extra = f" against the figures ({args.reason})" if opened.stage.override_reason else ""
            print(f"stage {opened.stage.name} opened{extra}")
            print(f"golive.rollout: {opened.item_status.value if opened.item_status else ''}")
        else:
            print(f"stage {opened.stage.name} NOT opened: the figures do not meet the targets")
            print(f"  {gate.describe()}")
            print("  to open it anyway, give --reason TEXT (it is recorded)")
            status = 1
    print(f"gate: {gate.describe()}")
    for stage in session.golive.rollout:
        share = (
            f" ({stage.share_pct:g} %)" if stage.share_pct and not stage.name.endswith("%") else ""
        )
        who = f" [{', '.join(stage.customers)}]" if stage.customers else ""
        state = (
            f"opened {stage.opened_at:%Y-%m-%d %H:%M} UTC by {stage.opened_by}"
            + (f" (override: {stage.override_reason})" if stage.override_reason else "")
            if stage.opened_at
            else "planned"
            + (f" for {stage.planned_for:%Y-%m-%d %H:%M} UTC" if stage.planned_for else "")
        )
        print(f"  {stage.name}{share}{who}: {state}")
    return status


# --- reviews ------------------------------------------------------------------------------------


def _reviews(sub: Sub) -> None:
    p = _parser(
        sub,
        "reviews",
        "the post-deployment review schedule: lay it out, tick occurrences (post.week1/ongoing)",
        "Daily reviews for the first week after go-live, then weekly error trends and monthly "
        "API usage, API changes and compliance changes up to a horizon (default a year). Without "
        "options: show what is overdue, due and next.",
    )
    p.add_argument("--generate", action="store_true", help="lay out (or refresh) the schedule")
    p.add_argument("--from", dest="start", metavar="DATE", help="the go-live day to count from")
    p.add_argument("--horizon", type=int, metavar="DAYS", help="how far ahead (default 365)")
    p.add_argument("--tick", metavar="ITEM", help="tick a review, e.g. week1.error_logs")
    p.add_argument("--due", metavar="DATE", help="the occurrence to tick (default the oldest due)")
    p.add_argument("--note", default="", help="what was reviewed and found (needed to tick)")
    p.add_argument("--all", action="store_true", help="show every occurrence")
    _by(p)
    _json_flag(p)
    p.set_defaults(handler=cmd_reviews)


def cmd_reviews(args: argparse.Namespace) -> int:
    # Long because each flag is one small action on the same session, saved once.
    from golive.ops import reviews

    handle = _open(args.session)
    session = handle.session
    if args.generate or args.start or args.horizon:
        plan = reviews.generate_reviews(
            session,
            start=_date(args.start, "--from") if args.start else None,
            horizon_days=args.horizon,
        )
        if not args.json:
            print(
                f"{len(plan.occurrences)} reviews from {plan.start} over {plan.horizon_days} days "
                f"({plan.added} new, {plan.kept_done} ticked kept)"
            )
    if args.tick:
        ticked = reviews.tick_review(
            session,
            args.tick,
            args.note,
            due=_date(args.due, "--due") if args.due else None,
            by=args.by,
        )
        if not args.json:
            print(f"ticked {ticked.occurrence.item} due {ticked.occurrence.due}")
            print(f"{ticked.occurrence.item}: {ticked.item_status.value} — {ticked.item_note}")
    handle.save()
    views = reviews.review_schedule(session)
    if args.json:
        _print_json([{**v.occurrence.model_dump(mode="json"), "state": v.state} for v in views])
        return 0
    if not views:
        print("no review schedule yet: `golive reviews SESSION --generate`")
        return 0
    upcoming = [v for v in views if v.state == "upcoming"]
    if args.all:
        shown = views
    else:
        late: dict[str, list[Any]] = {}
        for view in views:
            if view.state == "overdue":
                late.setdefault(view.occurrence.item, []).append(view.occurrence)
        for item, occurrences in sorted(late.items(), key=lambda kv: kv[1][0].due):
            print(
                f"  {occurrences[0].due}  overdue   {item.removeprefix('post.')}"
                + (
                    f" (and {len(occurrences) - 1} more to {occurrences[-1].due})"
                    if len(occurrences) > 1
                    else ""
                )
            )
        shown = [v for v in views if v.state == "due"] + upcoming[:8]
    for view in shown:
        o = view.occurrence
        done = f" — {o.note}" if o.done_at else ""
        print(f"  {o.due}  {view.state:<8}  {o.item.removeprefix('post.')}{done}")
    overdue = sum(v.state == "overdue" for v in views)
    print(
        f"{sum(v.state == 'done' for v in views)} done, {overdue} overdue, {len(upcoming)} upcoming"
    )
    return 0
