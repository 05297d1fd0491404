"""The report as one self-contained HTML file (Jinja2, autoescape on, inline CSS, prints well).

The page size is A4 unless asked for US Letter: the CSS `@page` size decides what a browser or
headless Chromium prints on, and the layout fits both (A4 is narrower, Letter shorter).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from golive.report.item_words import (
    detail_shown,
    item_runs,
    reason_shown,
    tax_check_record,
)
from golive.report.types import Report
from golive.report.words import (
    basis_attention,
    basis_record,
    basis_said_beyond,
    basis_words,
    blocking_words,
    by_kind,
    date_text,
    details_beyond_summary,
    figures_beyond_summary,
    moment_text,
    no_attestation_words,
    recorded_by_its_run,
    recorded_in_its_basis,
    shown_note,
    span_text,
    with_refs,
    words,
)

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("golive.report", "templates"),
        autoescape=True,  # every template, whatever its name: user text is always escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["moment"] = moment_text
    environment.filters["day"] = date_text
    environment.filters["words"] = words
    environment.filters["capitalize_first"] = lambda value: value[:1].upper() + value[1:]
    environment.globals["span"] = span_text
    environment.globals["shown_note"] = shown_note
    environment.globals["basis_attention"] = basis_attention
    environment.globals["blocking_words"] = blocking_words
    environment.globals["basis_record"] = basis_record
    environment.globals["basis_said_beyond"] = basis_said_beyond
    environment.globals["with_refs"] = with_refs
    environment.globals["by_kind"] = by_kind
    environment.globals["no_attestation_words"] = no_attestation_words
    environment.globals["recorded_by_its_run"] = recorded_by_its_run
    environment.globals["recorded_in_its_basis"] = recorded_in_its_basis
    environment.globals["basis_words"] = basis_words
    environment.globals["details_beyond_summary"] = details_beyond_summary
    environment.globals["figures_beyond_summary"] = figures_beyond_summary
    environment.globals["detail_shown"] = detail_shown
    environment.globals["reason_shown"] = reason_shown
    environment.globals["item_runs"] = item_runs
    environment.globals["tax_check_record"] = tax_check_record
    return environment


def render_html(report: Report, paper: Paper = "a4") -> str:
    """The report as HTML text, laid out for printing on `paper`."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report, evidence=report.evidence_by_id(), paper=PAPER_SIZES[paper]
    )
