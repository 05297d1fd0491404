"""The watch per country, its fast reader, its bounded percentiles, and its range since the pilot.

Logs are long enough (over the lines the reader samples first) that the fast reader does the
counting, with lines mixed in that only the generic reader can read."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from golive.ops.pilot import add_pilot_customer, enable_pilot
from golive.ops.watch import SAMPLE_LINES, read_log, run_watch
from golive.session.errors import GoliveError
from golive.session.evidence import read
from golive.session.percentiles import EXACT_LIMIT, LatencySketch, percentile
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session
from test_ops_prometheus import prometheus  # noqa: F401  (the real Prometheus fixture)

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
T0 = datetime(2026, 11, 3, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW.isoformat())


def country_log() -> list[dict[str, Any]]:
    """Per country, in this order, 1 s apart from T0:

    DE: 2,000 calls: 1,980 x 200 (latency 1..1980 ms), 20 x 503: error rate 1.00 %, p95 the
        1,881st of 1,980 successes = 1.881 s.
    IT: 1,000 calls: 950 x 200 at 300 ms of which 900 cleared and 50 rejected (SDI 00305),
        30 x 429, 20 x 400: error rate 3.00 %, p95 0.300 s, clearance success 94.74 %
        (900 of 950).
    MX: 500 calls, all 200 at 100 ms, 400 with outcome "accepted", 100 "pending": error rate
        0.00 %, clearance success 100.00 % of 400.
    Lines the fast reader gives to the generic one: 10 DE lines with the status as a string,
    5 IT lines with an epoch time, 3 lines with "severity" instead of "level" (IT, 503)."""
    lines: list[dict[str, Any]] = []
    moment = T0

    def at() -> str:
        nonlocal moment
        moment += timedelta(seconds=1)
        return moment.isoformat()

    for i in range(1, 1981):
        status: Any = "200" if i <= 10 else 200
        lines.append(
            {"ts": at(), "level": "info", "status": status, "latency_ms": i, "country": "DE"}
        )
    lines += [
        {
            "ts": at(),
            "level": "error",
            "status": 503,
            "latency_ms": 9,
            "country": "DE",
            "msg": "503",
        }
        for _ in range(20)
    ]
    for i in range(950):
        line: dict[str, Any] = {"ts": at(), "level": "info", "status": 200, "latency_ms": 300}
        line |= {"country": "IT", "outcome": "cleared" if i < 900 else "rejected"}
        if i >= 900:
            line["reason"] = "00305"
        if i < 5:
            line["ts"] = datetime.fromisoformat(line["ts"]).timestamp()
        lines.append(line)
    lines += [
        {"ts": at(), "level": "warning", "status": 429, "latency_ms": 5, "country": "IT"}
        for _ in range(27)
    ]
    lines += [
        {"ts": at(), "severity": "error", "status": 429, "latency_ms": 5, "country": "IT"}
        for _ in range(3)
    ]
    lines += [
        {"ts": at(), "level": "warning", "status": 400, "latency_ms": 5, "country": "IT"}
        for _ in range(20)
    ]
    for i in range(500):
        outcome = "accepted" if i < 400 else "pending"
        lines.append(
            {"ts": at(), "level": "info", "status": 200, "latency_ms": 100, "country": "MX"}
            | {"outcome": outcome}
        )
    return lines


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_per_country_figures_match_a_log_with_known_counts(tmp_path: Path) -> None:
    records = country_log()
    rng = random.Random(3)
    head, tail = records[:SAMPLE_LINES], records[SAMPLE_LINES:]
    rng.shuffle(tail)  # order does not matter; the first lines (the sample) stay DE
    figures = read_log(write(tmp_path / "app.log", head + tail))
    assert figures.calls == 3500
    assert figures.errors == 20 + 30
    countries = {c.country: c for c in figures.by_country()}
    assert sorted(countries) == ["DE", "IT", "MX"]
    de, it, mx = countries["DE"], countries["IT"], countries["MX"]
    assert (de.calls, de.errors, de.successes) == (2000, 20, 1980)
    assert de.error_rate_pct == pytest.approx(1.0)
    assert de.percentile(95) == pytest.approx(1.881)
    assert de.clearance_success_pct is None
    assert (it.calls, it.errors, it.client_errors) == (1000, 30, 20)
    assert it.error_rate_pct == pytest.approx(3.0)
    assert it.percentile(95) == pytest.approx(0.3)
    assert (it.cleared, it.rejected) == (900, 50)
    assert it.clearance_success_pct == pytest.approx(100 * 900 / 950)
    assert (mx.calls, mx.errors, mx.cleared, mx.rejected) == (500, 0, 400, 0)
    assert mx.clearance_success_pct == pytest.approx(100.0)
    assert [(r.country, r.reason, r.count) for r in figures.rejections] == [("IT", "00305", 50)]
    assert figures.clearance_success_pct == pytest.approx(100 * 1300 / 1350)
    assert it.describe() == (
        "IT: 1,000 calls, error rate 3.00 % (30 errors), p95 0.300 s, "
        "clearance success 94.74 % of 950 documents"
    )
    # the three "severity" lines were read by the generic reader, and counted as errors there
    assert figures.unexpected_lines == 20 + 3
    assert figures.first_time == T0 + timedelta(seconds=1)


def test_the_fast_reader_counts_as_the_generic_reader_does(tmp_path: Path) -> None:
    """The same log read by the fast reader and, line by line, through a pattern (generic)."""
    records = country_log()
    fast = read_log(write(tmp_path / "app.log", records))
    slow_lines = [json.dumps(r) for r in records]
    # one line per file: too short for the fast reader, each line is read generically
    folder = tmp_path / "one-per-file"
    folder.mkdir()
    for index, line in enumerate(slow_lines[:400]):
        (folder / f"{index:05d}.log").write_text(line + "\n")
    short = read_log(folder)
    head = read_log(write(tmp_path / "head.log", records[:400]))
    assert head.figures() == short.figures()
    assert [c.figures() for c in head.by_country()] == [c.figures() for c in short.by_country()]
    assert fast.lines == len(records)


def test_a_range_is_applied_by_the_fast_reader(tmp_path: Path) -> None:
    log = write(tmp_path / "app.log", country_log())
    since = T0 + timedelta(seconds=2001)  # after the DE lines
    figures = read_log(log, since=since)
    assert {c.country for c in figures.by_country()} == {"IT", "MX"}
    assert figures.outside_range == 2000
    assert figures.calls == 1500


def test_the_percentile_sketch_is_bounded_and_close() -> None:
    rng = random.Random(11)
    values = [rng.lognormvariate(-1.5, 0.7) for _ in range(60_000)]
    sketch = LatencySketch.of(values)
    assert len(sketch.exact) + len(sketch.buckets) < EXACT_LIMIT + 20_000
    assert not sketch.exact_answers
    ordered = sorted(values)
    for pct in (50, 95, 99):
        true = ordered[max(1, -(-pct * len(ordered) // 100)) - 1]
        found = sketch.percentile(pct)
        assert found is not None and true <= found <= true * 1.001
    assert sketch.count == 60_000
    # few distinct values: exact, as the probe needs
    assert percentile([0.3, 0.1, 0.2], 50) == 0.2


@pytest.fixture
def handle(tmp_path: Path) -> SessionFile:
    return SessionFile.create(tmp_path / "acme.toml", make_session(("IT", "MX", "DE")))


def test_cli_watch_shows_countries_and_numbers_as_written(
    run_golive,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    handle: SessionFile,
) -> None:
    log = write(tmp_path / "app.log", country_log())
    env = {"GOLIVE_NOW": NOW.isoformat()}
    result = run_golive("watch", str(handle.path), "--log", str(log), env=env)
    assert "calls 3,500" in result.stdout
    assert "by country (from the log):" in result.stdout
    assert "  DE: 2,000 calls, error rate 1.00 % (20 errors), p95 1.881 s" in result.stdout
    assert "  MX: 500 calls, error rate 0.00 % (0 errors), p95 0.100 s, " in result.stdout
    assert "e+0" not in result.stdout
    data = json.loads(run_golive("watch", str(handle.path), "--json", env=env).stdout)
    countries = {c["country"]: c for c in data["log"]["countries"]}
    assert countries["IT"]["calls"] == 1000
    assert countries["IT"]["clearance_success_pct"] == pytest.approx(100 * 900 / 950)
    evidence = read(evidence_path(handle.path)).by_id()[data["evidence"]]
    assert evidence.figures["by_country"][0] == {
        "name": "DE",
        "message": "2,000 calls, error rate 1.00 % (20 errors), p95 1.881 s",
    }
    report = tmp_path / "report.md"
    exported = run_golive("export", str(handle.path), "--format", "md", "-o", str(report), env=env)
    assert exported.returncode == 0, exported.stderr
    text = report.read_text()
    assert "By country: DE: 2,000 calls, error rate 1.00 % (20 errors), p95 1.881 s; IT: " in text
    assert "clearance success 94.74 % of 950 documents" in text


def test_figures_count_only_data_from_after_the_pilot(
    run_golive,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    handle: SessionFile,
) -> None:
    add_pilot_customer(handle.session, "Pilot")
    enabled = T0 + timedelta(seconds=2000.5)  # the DE lines come before it
    enable_pilot(handle.session, handle.path, at=enabled, override="the watch's figures only")
    handle.save()
    log = write(tmp_path / "app.log", country_log())
    result = run_watch(handle.session, handle.path, log=log)
    assert result.since == enabled
    assert result.log is not None and result.log.calls == 1500
    assert "figures count only data from after the pilot was enabled (2026-11-03 08:33 UTC)" in (
        result.notes
    )
    # an earlier --since is moved up to the pilot's start, and says so
    env = {"GOLIVE_NOW": NOW.isoformat()}
    out = run_golive("watch", str(handle.path), "--log", str(log), "--since", "24h", env=env)
    assert "is before the pilot was enabled: figures count only data from after it" in out.stdout
    assert "calls 1,500" in out.stdout
    assert "DE:" not in out.stdout


def test_watch_right_after_the_pilot_says_there_is_no_data_yet(
    run_golive,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    handle: SessionFile,
) -> None:
    add_pilot_customer(handle.session, "Pilot")
    enable_pilot(handle.session, handle.path, at=NOW, override="the watch's figures only")
    handle.save()
    log = write(tmp_path / "app.log", country_log())
    with pytest.raises(GoliveError, match="no data yet: the pilot was enabled at"):
        run_watch(handle.session, handle.path, log=log)
    out = run_golive(
        "watch", str(handle.path), "--log", str(log), env={"GOLIVE_NOW": NOW.isoformat()}
    )
    assert out.returncode == 1
    assert "no data yet" in out.stderr + out.stdout
    assert "range is empty" not in out.stderr + out.stdout


def test_prometheus_figures_per_country(prometheus: str) -> None:  # noqa: F811
    """The Prometheus fixture of test_ops_prometheus: requests carry no country label (so no
    per-country calls), clearance outcomes do: MX 800 accepted and 12 rejected, IT 5 rejected."""
    from golive.ops.watch import DEFAULT_QUERIES, country_parts, query_prometheus

    start = datetime(2025, 6, 2, tzinfo=UTC)
    figures = query_prometheus(
        prometheus, DEFAULT_QUERIES, since=start, until=start + timedelta(hours=24), by_country=True
    )
    countries = figures.by_country()
    assert sorted(countries) == ["IT", "MX"]
    assert countries["MX"]["clearance_documents"] == pytest.approx(812)
    assert countries["MX"]["clearance_success_pct"] == pytest.approx(100 * 800 / 812)
    assert countries["IT"]["clearance_success_pct"] == 0
    assert "calls" not in countries["MX"]
    assert country_parts(countries["MX"]) == ["clearance success 98.52 % of 812 documents"]


PROBE_SECRET = "watch-countries-secret-0123456789"  # pragma: allowlist secret


def test_the_probe_gives_figures_per_country(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    from golive.ops.watch import run_probe
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings
    from golive.session.model import RetryPolicy, Timeouts

    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", PROBE_SECRET)
    settings = SandboxSettings(clearance_step_s=0.01, client_secret=SecretStr(PROBE_SECRET))
    with SandboxServer(settings) as sandbox:
        sandbox.set_faults(reject_countries=["MX"])
        session = make_session(("DE", "MX"))
        from golive.countries import requirements_for

        session.countries["MX"].requirements = requirements_for("MX")  # a clearance country
        staging = session.environments.staging
        staging.preset = "sandbox"
        staging.base_url = sandbox.url
        staging.client_id = sandbox.client_id
        staging.external_company_id = sandbox.company
        staging.timeouts = Timeouts(connect=2, read=5, write=2, pool=2)
        staging.retry = RetryPolicy(max_attempts=1)
        probe = run_probe(session, "staging", count=6)
    assert sorted(probe.countries) == ["DE", "MX"]
    de, mx = probe.countries["DE"], probe.countries["MX"]
    assert (de["calls"], de["errors"], de["error_rate_pct"]) == (3, 0, 0)
    assert de["response_time_p95_s"] is not None and de["clearance_success_pct"] is None
    assert (mx["calls"], mx["clearance_documents"], mx["clearance_success_pct"]) == (3, 3, 0)
