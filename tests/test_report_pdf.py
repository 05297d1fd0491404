"""The HTML report printed to PDF by headless Chromium, on A4 and on US Letter.

Skips, saying why, where Chromium or poppler-utils (pdftotext, pdfinfo) are missing, unless
GOLIVE_REQUIRE_CHROMIUM=1 (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from golive.report import export_report
from golive.session import checklist as checklist_module
from test_report_sessions import FROZEN_NOW, XSS, rich_session

REQUIRE = os.environ.get("GOLIVE_REQUIRE_CHROMIUM") == "1"
# points: A4 is 210 x 297 mm, Letter 8.5 x 11 in
PAPERS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = (
        f"{' or '.join(names)} is not installed (Debian: apt-get install chromium poppler-utils)"
    )
    if REQUIRE:
        pytest.fail(f"GOLIVE_REQUIRE_CHROMIUM=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    return {
        "chromium": _tool("chromium", "chromium-browser", "google-chrome"),
        "pdftotext": _tool("pdftotext"),
        "pdfinfo": _tool("pdfinfo"),
    }


def print_to_pdf(chromium: str, html: Path, pdf: Path, profile: Path) -> None:
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and pdf.is_file(), result.stderr[-2000:]


def page_sizes(pdfinfo: str, pdf: Path) -> set[tuple[float, float]]:
    out = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert sizes, out
    return {(float(w), float(h)) for w, h in sizes}


def pdf_text(pdftotext: str, pdf: Path) -> str:
    out = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_html_prints_on_the_paper_asked_for_with_every_section(
    paper: str, tools: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLIVE_NOW", FROZEN_NOW)
    path = rich_session(tmp_path, text=XSS)
    html = export_report(path, "html", tmp_path / f"report-{paper}.html", paper=paper)  # type: ignore[arg-type]
    pdf = tmp_path / f"report-{paper}.pdf"
    print_to_pdf(tools["chromium"], html, pdf, tmp_path / "profile")

    width, height = PAPERS[paper]
    sizes = page_sizes(tools["pdfinfo"], pdf)
    for w, h in sizes:
        assert abs(w - width) < 2 and abs(h - height) < 2, (paper, sizes)

    text = pdf_text(tools["pdftotext"], pdf)
    definition = checklist_module.definition()
    titles = [p.title for p in definition.phases] + [s.title for s in definition.sections]
    titles += ["Readiness", "Key dates", "Evidence log", "First 24 hours", "First week", "Ongoing"]
    missing = [title for title in titles if title not in text]
    assert not missing, missing
    # the escaped customer name is printed as text, as typed
    assert "ACME Corp <script>alert(1)</script>" in text
    # states in words, not by colour alone (the CSS writes them in capitals)
    for state in ("DONE", "FAILED", "BLOCKED", "NOT APPLICABLE", "IN PROGRESS", "OPEN"):
        assert state in text, state
    assert re.search(r"page 1 of \d+", text)
