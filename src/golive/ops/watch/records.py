"""What a watch found and what it records: the result, the checklist items, the evidence."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from golive.ops.watch.fields import compile_pattern
from golive.ops.watch.figures import LogFigures, country_parts
from golive.ops.watch.probe import ProbeFigures
from golive.ops.watch.prometheus import PrometheusFigures
from golive.session.errors import BadInputError
from golive.session.model import ItemStatus, Session
from golive.session.targets import ERROR_RATE, RESPONSE_TIME, FigureVerdict

# --- the watch ----------------------------------------------------------------------------------


@dataclass
class ItemRecorded:
    item: str
    status: ItemStatus
    note: str


@dataclass
class WatchResult:
    since: datetime | None
    until: datetime
    log: LogFigures | None
    prometheus: PrometheusFigures | None
    probe: ProbeFigures | None
    verdicts: dict[str, list[FigureVerdict]]
    items: list[ItemRecorded]
    checkpoint: str = ""
    notes: list[str] = field(default_factory=list)
    evidence_id: str = ""

    @property
    def meets_targets(self) -> bool | None:
        judged = [v for vs in self.verdicts.values() for v in vs if v.judged and not v.missing]
        if any(v.meets is False for v in judged):
            return False
        return True if judged else None

    def figures(self) -> dict[str, float | None]:
        """One flat set of figures: the log's, else Prometheus's, plus the probe's."""
        merged: dict[str, float | None] = {}
        if self.prometheus is not None:
            merged.update({k: v for k, v in self.prometheus.figures().items() if v is not None})
        if self.log is not None:
            merged.update({k: v for k, v in self.log.figures().items() if v is not None})
        if self.probe is not None:
            merged.update(self.probe.figures)
        return merged


def _coverage_note(session: Session, until: datetime) -> tuple[bool, str]:
    enabled = session.golive.pilot_enabled_at
    if enabled is None:
        return True, ""
    hours = (until - enabled).total_seconds() / 3600
    if hours >= 24:
        return True, ""
    return False, f"{max(hours, 0):.1f} h of the first 24 h"


def _join(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def _item_updates(
    session: Session, result: WatchResult
) -> tuple[dict[str, ItemStatus], dict[str, str]]:
    # Long because one branch per post.day1 item.
    complete, partial = _coverage_note(session, result.until)
    updates: dict[str, ItemStatus] = {}
    notes: dict[str, str] = {}
    for item_id, name in (
        ("post.day1.error_rate", ERROR_RATE),
        ("post.day1.response_time", RESPONSE_TIME),
    ):
        found = [
            (src, v)
            for src, vs in result.verdicts.items()
            for v in vs
            if v.name == name and not v.missing
        ]
        if not found:
            continue
        real = any(src != "probe" for src, _ in found)
        text = _join([f"{src}: {v.describe()}" for src, v in found] + [partial])
        if any(v.meets is False for _, v in found):
            updates[item_id] = ItemStatus.FAILED
        elif not real:
            continue
        else:
            updates[item_id] = ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
        notes[item_id] = text
    rejections = None
    if result.log is not None:
        rejections = result.log.rejections
    elif result.prometheus is not None and "clearance_rejections" in result.prometheus.series:
        rejections = result.prometheus.rejections
    if rejections is not None:
        total = sum(r.count for r in rejections)
        if total:
            top = ", ".join(f"{r.country} {r.reason}: {r.count}" for r in rejections[:8])
            updates["post.day1.clearance_rejections"] = ItemStatus.IN_PROGRESS
            notes["post.day1.clearance_rejections"] = _join(
                [f"{total} rejection(s) to review: {top}", partial]
            )
        else:
            updates["post.day1.clearance_rejections"] = (
                ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
            )
            notes["post.day1.clearance_rejections"] = _join(["no clearance rejections", partial])
    if result.log is not None:
        groups = result.log.unexpected
        if groups:
            top = "; ".join(f"{g.count}× {g.message[:80]}" for g in groups[:5])
            updates["post.day1.logs"] = ItemStatus.IN_PROGRESS
            notes["post.day1.logs"] = _join(
                [
                    f"{result.log.unexpected_lines} unexpected error line(s) in {len(groups)} group(s) to review: {top}",
                    partial,
                ]
            )
        else:
            updates["post.day1.logs"] = ItemStatus.DONE if complete else ItemStatus.IN_PROGRESS
            notes["post.day1.logs"] = _join(
                [f"no unexpected errors in {result.log.lines} log line(s)", partial]
            )
    return updates, notes


def _summary(result: WatchResult) -> str:
    parts: list[str] = []
    for source, verdicts in result.verdicts.items():
        shown = [v.describe() for v in verdicts if v.name in (ERROR_RATE, RESPONSE_TIME, "calls")]
        parts.append(f"{source}: " + ", ".join(shown))
    if result.probe is not None:
        parts.append(f"probe: {result.probe.summary}")
    span = f"{result.since:%Y-%m-%d %H:%M} to " if result.since else "up to "
    return f"watch {span}{result.until:%Y-%m-%d %H:%M} UTC — " + "; ".join(parts)


def _evidence_figures(result: WatchResult) -> dict[str, Any]:
    figures: dict[str, Any] = dict(result.figures())
    if result.log is not None:
        figures["log"] = result.log.figures()
        # one line per country, read as written ("DE: 1,000 calls, error rate 0.90 %, ...")
        figures["by_country"] = [
            {"name": c.country, "message": ", ".join(country_parts(c.figures()))}
            for c in result.log.by_country()
        ]
    if result.prometheus is not None:
        figures["prometheus"] = result.prometheus.figures()
        if "by_country" not in figures and result.prometheus.by_country():  # the log's first
            figures["by_country"] = [
                {"name": cc, "message": ", ".join(country_parts(f))}
                for cc, f in result.prometheus.by_country().items()
            ]
    if result.probe is not None:
        figures["probe"] = result.probe.figures
        if result.probe.countries:
            figures["probe_by_country"] = [
                {"name": cc, "message": ", ".join(country_parts(f))}
                for cc, f in result.probe.countries.items()
            ]
    return figures


def sources_summary(result: WatchResult, *, limit: int | None = None) -> dict[str, Any]:
    """What the watch read from each source (for the evidence and `golive watch --json`);
    `limit` caps the groups of unexpected errors kept."""
    summary: dict[str, Any] = {}
    if result.log is not None:
        summary["log"] = {
            "files": result.log.files,
            "lines": result.log.lines,
            "skipped": result.log.skipped,
            "rejections": [r.__dict__ for r in result.log.rejections],
            "countries": [{"country": c.country, **c.figures()} for c in result.log.by_country()],
            "unexpected": [
                {"message": g.message, "count": g.count, "example": g.example}
                for g in result.log.unexpected[:limit]
            ],
        }
    if result.prometheus is not None:
        summary["prometheus"] = {
            "url": result.prometheus.url,
            "window_s": result.prometheus.window_s,
            "queries": result.prometheus.queries,
            "values": result.prometheus.values,
            "errors": result.prometheus.errors,
            "rejections": [r.__dict__ for r in result.prometheus.rejections],
            "countries": [{"country": cc, **f} for cc, f in result.prometheus.by_country().items()],
        }
    return summary


def _diagnosis(result: WatchResult) -> dict[str, Any]:
    summary = sources_summary(result, limit=20)
    for source in ("log", "prometheus"):  # in the figures already, one line each
        summary.get(source, {}).pop("countries", None)
    return {"notes": result.notes, **summary}


def remember_sources(
    session: Session,
    *,
    log: Path | None = None,
    field_map: Mapping[str, str] | None = None,
    pattern: str | None = None,
    prometheus: str | None = None,
    queries: Mapping[str, str] | None = None,
) -> None:
    """Keep the watch's sources in the session, so the next watch (and the wizard) reuse them."""
    from golive.session.model import check_url

    if log is not None:
        session.post_deployment.log.path = str(log)
    if field_map is not None:
        session.post_deployment.log.field_map = dict(field_map)
    if pattern is not None:
        if pattern:
            compile_pattern(pattern)
        session.post_deployment.log.pattern = pattern
    if prometheus is not None:
        try:
            session.post_deployment.prometheus_url = check_url(prometheus.strip())
        except ValueError as error:
            raise BadInputError(
                str(error), where="post_deployment.prometheus_url", advice="give http://host:9090"
            ) from None
    if queries:
        unknown = [name for name in queries if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name)]
        if unknown:
            raise BadInputError(
                f"not usable figure names: {', '.join(unknown)}",
                where="post_deployment.prometheus_queries",
                advice="name figures in lower case, e.g. error_rate_pct=PROMQL",
            )
        session.post_deployment.prometheus_queries = {
            **session.post_deployment.prometheus_queries,
            **queries,
        }
