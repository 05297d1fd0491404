"""The recorded details of the operation sections: staging, production, go-live, post-deployment,
rollback and support.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

from golive.report.facts import (
    fact_list,
    leftover_facts,
)
from golive.report.figures import (
    measurements,
)
from golive.report.masking import (
    safe_url,
    scrub,
)
from golive.report.symbols import (
    NOTHING,
)
from golive.report.types import (
    Fact,
    Table,
)
from golive.report.words import (
    date_text,
    moment_text,
    number_text,
    yes_no,
)
from golive.session.model import (
    Session,
)
from golive.session.sections import ESCALATION_LEVELS


def _deploy_facts(deploy: Any) -> list[Fact]:
    facts = fact_list(
        ("Deployed version", deploy.version),
        ("Deployed at", moment_text(deploy.deployed_at) if deploy.deployed_at else ""),
        ("Deployed by", deploy.by),
    )
    return facts + leftover_facts(deploy, {"version", "deployed_at", "by"}, prefix="deploy ")


def staging_details(session: Session) -> tuple[list[Fact], list[Table]]:
    facts = _deploy_facts(session.staging.deploy)
    facts += leftover_facts(session.staging, {"deploy"})
    return facts, []


def _duration(start: datetime, end: datetime) -> str:
    minutes = int((end - start).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def production_details(session: Session) -> tuple[list[Fact], list[Table]]:
    prod = session.production
    facts: list[Fact] = []
    if prod.window is not None:
        window = prod.window
        facts += fact_list(
            (
                "Deployment window",
                f"{moment_text(window.start)} to {moment_text(window.end)} ({_duration(window.start, window.end)})",
            ),
            ("Window note", window.note),
            ("Window warnings", "; ".join(window.warnings)),
        )
        facts += leftover_facts(window, {"start", "end", "note", "warnings"}, prefix="window ")
    else:
        facts.append(Fact(label="Deployment window", value="not scheduled yet"))
    facts += _deploy_facts(prod.deploy)
    facts += leftover_facts(prod, {"window", "deploy"})
    return facts, []


def _figures_text(session: Session, figures: dict[str, float]) -> str:
    parts = []
    for m in measurements(session, dict(figures)):
        target = (
            f" (target {m.target_text}: {'met' if m.meets_target else 'NOT met'})"
            if m.target_text
            else ""
        )
        parts.append(f"{m.label} {m.text}{target}")
    return "; ".join(parts)


def golive_details(session: Session) -> tuple[list[Fact], list[Table]]:
    # Long because it lays out three tables (pilots, checkpoints, rollout stages) cell by cell.
    record = session.golive
    facts = fact_list(
        (
            "Pilot enabled at",
            moment_text(record.pilot_enabled_at) if record.pilot_enabled_at else "",
        ),
        (
            "Pilot size target",
            f"{session.targets.pilot_min} to {session.targets.pilot_max} customers",
        ),
        ("Watch", f"{session.targets.monitoring_window_hours} hours after enabling the pilot"),
    )
    facts += leftover_facts(
        record, {"pilot_customers", "pilot_enabled_at", "checkpoints", "rollout"}
    )
    pilots = Table(
        title="Pilot customers",
        columns=["Customer", "Contact", "Countries"],
        rows=[[p.name, p.contact, ", ".join(p.countries)] for p in record.pilot_customers],
        empty="No pilot customers named yet.",
    )
    checkpoints = Table(
        title="Watch checkpoints",
        columns=["Checkpoint", "Recorded at", "By", "Figures", "Meets targets", "Note", "Evidence"],
        rows=[
            [
                c.label,
                moment_text(c.recorded_at) if c.recorded_at else "not yet",
                c.by,
                _figures_text(session, c.figures),
                yes_no(c.meets_targets),
                c.note,
                c.evidence,
            ]
            for c in record.checkpoints
        ],
        empty="No checkpoints recorded yet.",
    )
    rollout = Table(
        title="Rollout stages",
        columns=[
            "Stage",
            "Share",
            "Customers",
            "Planned for",
            "Opened",
            "Watch figures when opened",
            "Opened despite the watch because",
        ],
        rows=[
            [
                s.name,
                f"{number_text(s.share_pct)}%" if s.share_pct is not None else "",
                ", ".join(s.customers),
                moment_text(s.planned_for) if s.planned_for else "",
                (moment_text(s.opened_at) + (f" by {s.opened_by}" if s.opened_by else ""))
                if s.opened_at
                else "not yet",
                scrub(s.gate),
                s.override_reason,
            ]
            for s in record.rollout
        ],
        empty="No rollout stages planned yet.",
    )
    return facts, [pilots, checkpoints, rollout]


def post_details(session: Session, item_ids: set[str]) -> tuple[list[Fact], list[Table]]:
    post = session.post_deployment
    facts = fact_list(
        ("Log file read by golive", post.log.path),
        ("Log fields", ", ".join(f"{k} = {v}" for k, v in sorted(post.log.field_map.items()))),
        ("Log line pattern", post.log.pattern),
        ("Prometheus URL", safe_url(post.prometheus_url)),
        (
            "Prometheus queries",
            "; ".join(f"{k}: {v}" for k, v in sorted(post.prometheus_queries.items())),
        ),
        (
            "Review schedule",
            f"from {date_text(post.reviews_from)} for {post.review_horizon_days} days"
            if post.reviews_from
            else "",
        ),
    )
    facts += leftover_facts(post.log, {"path", "field_map", "pattern"}, prefix="log ")
    facts += leftover_facts(
        post,
        {
            "log",
            "prometheus_url",
            "prometheus_queries",
            "reviews",
            "reviews_from",
            "review_horizon_days",
        },
    )
    orphans = [r for r in post.reviews if r.item not in item_ids]
    tables = []
    if orphans:
        tables.append(
            Table(
                title="Other reviews",
                columns=["Item", "Due", "Done at", "By", "Note"],
                rows=[
                    [
                        r.item,
                        date_text(r.due),
                        moment_text(r.done_at) if r.done_at else "not yet",
                        r.by,
                        r.note,
                    ]
                    for r in orphans
                ],
            )
        )
    return facts, tables


def rollback_details(session: Session) -> tuple[list[Fact], list[Table]]:
    plan = session.rollback
    method_words = {
        "command": "a command golive runs",
        "http": "an HTTP call to the feature-flag service",
        "manual": "manual steps",
    }
    http = plan.disable_http
    http_text = ""
    if http.url:
        http_text = f"{http.method} {safe_url(http.url)}"
        if http.token_secret:
            http_text += f", bearer token from golive's secret {http.token_secret!r} (not shown)"
        if http.body:
            http_text += f", body: {scrub(http.body)}"
    facts = fact_list(
        ("How the integration is disabled", method_words.get(plan.disable_method, "")),
        (
            "Disable command",
            scrub(shlex.join(plan.disable_command)) if plan.disable_command else "",
        ),
        (
            "Disable command time limit",
            f"{number_text(plan.disable_timeout_s)} s" if plan.disable_command else "",
        ),
        ("Disable HTTP call", http_text),
        ("Manual steps", plan.manual_steps),
        (
            "Customer notification text",
            "prepared (kept in the session; filled in when a rollback starts)"
            if plan.notification_template
            else "",
        ),
        ("Error log locations", "; ".join(plan.log_locations)),
        (
            "Rollback started at",
            moment_text(plan.started_at) if plan.started_at else "no rollback started",
        ),
        ("Rollback reason", plan.reason),
        ("Rollback drafts and archive", plan.run_folder),
    )
    facts += leftover_facts(
        plan,
        {
            "disable_method", "disable_command", "disable_timeout_s", "disable_http", "manual_steps",
            "notify", "notification_template", "log_locations", "started_at", "reason", "run_folder",
        },
    )  # fmt: skip
    facts += leftover_facts(http, {"method", "url", "body", "token_secret"}, prefix="disable HTTP ")
    notify = Table(
        title="Customers notified in a rollback",
        columns=["Customer", "Contact", "E-mail", "Phone"],
        rows=[[c.customer, c.contact, c.email, c.phone] for c in plan.notify],
        empty="No customer recorded to notify.",
    )
    return facts, [notify]


def support_details(session: Session) -> tuple[list[Fact], list[Table]]:
    support = session.support
    facts = [Fact(label="First-line support", value=support.first_line_text())]
    facts += leftover_facts(support, {"first_line", "escalation"})
    by_level = {level.level: level for level in support.escalation}
    rows = []
    for number, default_team in enumerate(ESCALATION_LEVELS, start=1):
        level = by_level.get(number)
        contact = level.contact if level is not None else None
        rows.append(
            [
                str(number),
                (level.team if level is not None and level.team else default_team),
                contact.name if contact else NOTHING,
                contact.role if contact else "",
                contact.email if contact else "",
                contact.phone if contact else "",
                level.confirmation() if level is not None and contact else "",
            ]
        )
    table = Table(
        title="Escalation path",
        columns=["Level", "Team", "Contact", "Role", "E-mail", "Phone", "Confirmed"],
        rows=rows,
    )
    return facts, [table]
