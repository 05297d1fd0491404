"""The completed checklist report: what the partner hands to the customer and keeps for audit.

    report = build_report(session, session_path)   # session + checklist + verified evidence log
    text = render(report, "md" | "html" | "json")
    report_json_schema()                            # `golive schema report`
    export_report(session_file, "html", out)        # the wizard's Review step and `golive export`

The same session and the same `GOLIVE_NOW` always give the same bytes. The report reads top
down: a one-page summary (readiness, gate overrides and open items, attestations, per-country
state, the evidence log's verdict), each section's items, then every evidence record once, by its
report id (E1...), which the items name with a one-line outcome.

The house: types and symbols (the model), build (assembly) with evidence, items, facts,
setup_sections, ops_sections, countries and readiness (one builder each), words, figures and
masking (values in words, credentials out); markdown (+ markdown_text, markdown_summary), html
(+ templates/report.html.j2) and json_export lay the model out. `golive.report.model` is the
old import path, kept as a facade.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from golive.report.build import build_report
from golive.report.html import Paper, render_html
from golive.report.json_export import render_json, report_json_schema
from golive.report.markdown import render_markdown
from golive.report.types import Report
from golive.session.errors import BadInputError
from golive.session.lock import lock_path
from golive.session.store import SessionFile, backup_path, evidence_path, write_atomically

__all__ = [
    "FORMATS",
    "Format",
    "Paper",
    "Report",
    "build_report",
    "default_output",
    "export_report",
    "render",
    "report_json_schema",
    "write_report",
]

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")


def render(report: Report, fmt: str, *, paper: Paper = "a4") -> str:
    """The report as text in `fmt` (md, html or json); `paper` sets the HTML's printed page size."""
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report, paper)
    if fmt == "json":
        return render_json(report)
    raise BadInputError(
        f"{fmt!r} is not a report format",
        where="report.format",
        advice="use md, html or json",
    )


def default_output(session_path: Path, fmt: str) -> Path:
    """Where a report goes by default: NAME.report.EXT next to the session file."""
    name = session_path.name.removesuffix(".toml")
    return session_path.with_name(f"{name}.report.{fmt}")


def write_report(text: str, out: Path, session_path: Path) -> Path:
    """Write a rendered report atomically (mode 0600); never over the session or its files."""
    target = out
    protected = {
        session_path,
        evidence_path(session_path),
        backup_path(session_path),
        lock_path(session_path),
    }
    if target.resolve() in {p.resolve() for p in protected}:
        raise BadInputError(
            f"{target.name} is the session's own file; the report would overwrite it",
            where=str(target),
            advice="choose another output file with -o, for example NAME.report.html",
        )
    write_atomically(target, text.encode("utf-8"))
    return target


def export_report(
    session_file: SessionFile | Path | str,
    fmt: str,
    out: Path | None = None,
    *,
    paper: Paper = "a4",
) -> Path:
    """Build, render and write the report of a session; returns the file written.

    `out` defaults to NAME.report.EXT next to the session; a folder puts that name inside it.
    A broken evidence chain does not stop the export: the report states it.
    """
    handle = (
        session_file if isinstance(session_file, SessionFile) else SessionFile.open(session_file)
    )
    report = build_report(handle.session, handle.path)
    text = render(report, fmt, paper=paper)
    if out is None:
        out = default_output(handle.path, fmt)
    elif out.is_dir():
        out = out / default_output(handle.path, fmt).name
    return write_report(text, out, handle.path)
