"""The report as JSON, and the JSON Schema partners validate it against (`golive schema report`).

The JSON is the report model's dump: the same names, the same order, every time (golden files).
"""

from __future__ import annotations

import json
from typing import Any

from golive.report.types import FORMAT_VERSION, Report

SCHEMA_ID = f"https://golive.invalid/schema/report-v{FORMAT_VERSION}.json"


def render_json(report: Report) -> str:
    """The report as JSON text: indented, UTF-8 characters kept, one trailing newline."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report."""
    schema = Report.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "golive go-live report",
        "description": (
            "The completed production deployment checklist of one golive session: summary, "
            "readiness, every item with its state and evidence, and the evidence log's verification. "
            f"format_version {FORMAT_VERSION}: it changes whenever a field is added, renamed or removed."
        ),
    }
