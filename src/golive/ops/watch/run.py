"""Running the watch: where it starts, the sources read, the verdict recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from golive.ops.monitoring.trust import trust_or_words
from golive.ops.pilot import due_checkpoint, find_checkpoint, record_checkpoint
from golive.ops.watch.fields import canonical_field
from golive.ops.watch.figures import LogFigures
from golive.ops.watch.probe import ProbeFigures
from golive.ops.watch.prometheus import PrometheusFigures, prometheus_queries, query_prometheus
from golive.ops.watch.reading import read_log
from golive.ops.watch.records import (
    ItemRecorded,
    WatchResult,
    _diagnosis,
    _evidence_figures,
    _item_updates,
    _summary,
)
from golive.session.checklist import default_actor
from golive.session.clock import now
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import Session
from golive.session.store import evidence_path
from golive.session.targets import FigureVerdict, judge


def _when_to_watch(session: Session, enabled: datetime) -> str:
    """What to do when the watch comes too early: when the first checkpoint is due."""
    offsets = sorted(c.offset_hours for c in session.golive.checkpoints if c.offset_hours > 0)
    if not offsets:
        return "run golive watch again once the integration has made calls since the pilot started"
    due = enabled + timedelta(hours=offsets[0])
    return (
        "run golive watch again once the integration has made calls since the pilot started: "
        f"the first checkpoint (+{offsets[0]:g} h) is due at {due:%Y-%m-%d %H:%M} UTC"
    )


def _watch_start(
    session: Session, since: datetime | None, end: datetime
) -> tuple[datetime | None, list[str]]:
    """Where the figures start, and the note that says why.

    Post-deployment figures count only what happened after the pilot was enabled: that is the
    default, and an earlier `--since` is moved up to it (data from before the pilot says nothing
    about the go-live)."""
    enabled = session.golive.pilot_enabled_at
    notes: list[str] = []
    start = since
    if enabled is not None and (since is None or since < enabled):
        start = enabled
        if since is None:
            notes.append(
                f"figures count only data from after the pilot was enabled "
                f"({enabled:%Y-%m-%d %H:%M} UTC)"
            )
        else:
            notes.append(
                f"--since {since:%Y-%m-%d %H:%M} UTC is before the pilot was enabled: figures "
                f"count only data from after it ({enabled:%Y-%m-%d %H:%M} UTC)"
            )
    if start is None or start < end:
        return start, notes
    if start == enabled:
        raise GoliveError(
            f"no data yet: the pilot was enabled at {enabled:%Y-%m-%d %H:%M:%S} UTC, and the "
            "post-deployment figures count only what happened after that",
            where="golive.pilot_enabled_at",
            advice=_when_to_watch(session, enabled),
        )
    raise BadInputError(
        "the range is empty: --since is not before the end",
        where="watch.since",
        advice="give an earlier --since (e.g. 24h)",
    )


# Long because the watch loop (poll, judge, record, stop) reads best in one place.
def run_watch(
    session: Session,
    session_path: Path,
    *,
    log: Path | None = None,
    field_map: Mapping[str, str] | None = None,
    pattern: str | None = None,
    prometheus: str | None = None,
    queries: Mapping[str, str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    probe: ProbeFigures | None = None,
    checkpoint: str | None = None,
    record_checkpoint_when_due: bool = True,
    use_session_sources: bool = True,
    by: str | None = None,
) -> WatchResult:
    # Long because the sources in order, then the checkpoint; each part is its own function.
    """Compute the figures, hold them against the targets and record them: on the post.day1.*
    items, in the evidence, and on the watch checkpoint that is due (or the one named).

    Without `log` or `prometheus`, the session's recorded sources are used (unless
    `use_session_sources` is False: then only the sources given here).

    `probe` is a run of `run_probe` made just before (the caller confirms a production probe).
    A probe alone can fail a figure's item but never completes one: it is synthetic traffic."""
    from golive.ops.monitoring import prometheus_url

    source = session.post_deployment.log
    log_path = log
    prom_url = prometheus or ""
    if use_session_sources:
        log_path = log_path or (Path(source.path) if source.path else None)
        prom_url = prom_url or prometheus_url(session)
    if log_path is None and not prom_url and probe is None:
        raise BadInputError(
            "no source for the figures",
            where="golive watch",
            advice="give the integration's log, a Prometheus server or a probe run",
        )
    end = until or now()
    start, notes = _watch_start(session, since, end)
    actor = by or default_actor(session)
    log_figures = None
    if log_path is not None:
        mapping = field_map if field_map is not None else source.field_map
        log_figures = _read_log_source(
            log_path, mapping, pattern if pattern is not None else source.pattern, start, until
        )
        notes.extend(_log_notes(log_figures))
    prom_figures = None
    if prom_url:
        prom_start = start or end - timedelta(hours=24)
        chosen = queries if queries is not None else prometheus_queries(session)
        prom_figures = _ask_prometheus(session, prom_url, chosen, prom_start, end, notes)
    verdicts = _verdicts(session, log_figures, prom_figures, probe, notes)
    result = WatchResult(start, end, log_figures, prom_figures, probe, verdicts, [], notes=notes)
    _record_watch(session, session_path, result, actor)
    target = None
    if checkpoint:
        target = find_checkpoint(session, checkpoint)
    elif record_checkpoint_when_due:
        target = due_checkpoint(session, end)
    if target is not None:
        flat = {k: v for k, v in result.figures().items() if v is not None}
        recorded = record_checkpoint(
            session,
            session_path,
            target.label,
            flat,
            note="recorded by golive watch",
            evidence_id=result.evidence_id,
            at=end,
            by=actor,
        )
        result.checkpoint = recorded.checkpoint.label
    return result


def _read_log_source(
    path: Path,
    mapping: Mapping[str, str],
    pattern: str,
    start: datetime | None,
    until: datetime | None,
) -> LogFigures:
    return read_log(
        path,
        # a hand-edited session may say `latency = "elapsed"`: our names, however written
        field_map={canonical_field(ours): theirs for ours, theirs in mapping.items()},
        pattern=pattern,
        since=start,
        until=until,
    )


def _log_notes(figures: LogFigures) -> list[str]:
    notes: list[str] = []
    if figures.skipped:
        notes.append(f"{figures.skipped} log line(s) could not be read and were skipped")
    if figures.without_time:
        notes.append(
            f"{figures.without_time} log line(s) without a time were left out of the range"
        )
    if not figures.calls:
        notes.append("the log holds no calls in the range (no status or duration found)")
    return notes


def _ask_prometheus(
    session: Session,
    url: str,
    queries: Mapping[str, str],
    start: datetime,
    end: datetime,
    notes: list[str],
) -> PrometheusFigures | None:
    """The Prometheus figures, over TLS the session trusts for `url` (None: it was not asked)."""
    trust, untrusted = trust_or_words(session, url)
    if trust is None:
        notes.append(f"Prometheus was not asked: {untrusted}")
        return None
    figures = query_prometheus(url, queries, since=start, until=end, by_country=True, trust=trust)
    notes.extend(f"Prometheus query {k}: {v}" for k, v in figures.errors.items())
    return figures


def _verdicts(
    session: Session,
    log_figures: LogFigures | None,
    prom_figures: PrometheusFigures | None,
    probe: ProbeFigures | None,
    notes: list[str],
) -> dict[str, list[FigureVerdict]]:
    """Each source's figures held against the targets (a rehearsal probe's only shown)."""
    if probe is not None and not probe.passed:
        notes.append(f"probe: {probe.summary}")
    verdicts: dict[str, list[FigureVerdict]] = {}
    if log_figures is not None:
        verdicts["log"] = judge(session, log_figures.figures())
    if prom_figures is not None:
        verdicts["prometheus"] = judge(session, prom_figures.figures())
    if probe is not None and probe.rehearsal:
        notes.append(
            f"the probe ran against {probe.host}, a rehearsal host: its figures are shown, "
            "not held against the production targets"
        )
    elif probe is not None:
        verdicts["probe"] = judge(session, probe.targeted())
    return verdicts


def _record_watch(session: Session, session_path: Path, result: WatchResult, actor: str) -> None:
    """The watch's evidence and the post.day1.* items it sets, through evidence.record."""
    updates, item_notes = _item_updates(session, result)
    end = result.until
    evidence = EvidenceRecord(
        kind="watch",
        started=result.since or end,
        ended=end,
        outcome="failed"
        if result.meets_targets is False
        else "passed"
        if result.meets_targets
        else "info",
        summary=_summary(result),
        figures=_evidence_figures(result),
        diagnosis=_diagnosis(result),
        items=sorted(updates),
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, updates, by=actor, notes=item_notes)
    for item_id, status in updates.items():
        result.items.append(ItemRecorded(item_id, status, item_notes[item_id]))
    result.evidence_id = evidence.id
