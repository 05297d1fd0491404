"""Golden files: the reports of the sample sessions, byte for byte, in all three formats.

After an intended change (of the report, the checklist texts or the samples), regenerate them:

    GOLIVE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_golden.py

and read the diff before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from golive.report import build_report, render, report_json_schema
from golive.session.store import load

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_configs"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GOLIVE_UPDATE_GOLDEN") == "1"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*.toml") if not p.name.startswith("."))


def check_golden(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not golden.is_file():
        pytest.fail(f"no golden file {golden.name}: run GOLIVE_UPDATE_GOLDEN=1 pytest {__file__}")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "golden", "now", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            f"{name} differs from its golden file (if intended: GOLIVE_UPDATE_GOLDEN=1):\n{shown}"
        )


@pytest.mark.skipif(not SAMPLE_FILES, reason="no sample sessions in sample_configs/ yet")
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_sample_report_matches_its_golden_file(
    sample: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = load(sample)
    # exported an hour after the session's last change: the report the engineer would make then
    generated = session.meta.updated + timedelta(hours=1)
    monkeypatch.setenv("GOLIVE_NOW", generated.isoformat())
    report = build_report(session, sample)
    check_golden(f"{sample.stem}.report.{fmt}", render(report, fmt))


def test_the_report_schema_matches_its_golden_file() -> None:
    check_golden(
        "report.schema.json", json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"
    )
