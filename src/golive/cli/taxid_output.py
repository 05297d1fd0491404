"""How `golive taxid --file` shows its rows (text, JSON, CSV) and the words for each outcome."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from golive.session.text import echo as print  # every line shown is sanitized

if TYPE_CHECKING:
    from golive.countries.taxid import RowVerdict


def _print_rows(verdicts: list[RowVerdict]) -> None:
    from golive.countries.taxid import shown_safely as _shown
    from golive.countries.taxid import spreadsheet_safe

    def shown_safely(value: str, limit: int = 60) -> str:
        return spreadsheet_safe(_shown(value, limit))

    for v in verdicts:
        label = f" ({shown_safely(v.label, 40)})" if v.label else ""
        words = _ROW_WORDS.get(v.outcome) or _outcome_words_of(v.outcome, v.message)
        if v.outcome == "unreadable":
            print(f"row {v.row}: UNREADABLE: {shown_safely(v.given)}")
        else:
            number = v.number if v.accepted else v.given
            print(
                f"row {v.row}{label}: {shown_safely(v.country, 8)} {shown_safely(number)}: {words}"
            )
        if v.method:
            print(f"  checked with  {shown_safely(v.method, 200)}")
        print(f"  {shown_safely(v.message, 2000)}")
    bad = sum(not v.accepted for v in verdicts)
    print(
        f"{len(verdicts)} row(s) checked: {len(verdicts) - bad} accepted, {bad} not"
        + (" (see above)" if bad else "")
    )


def _print_rows_json(file: str, verdicts: list[RowVerdict]) -> None:
    from golive.countries.taxid import shown_safely

    rows = [
        {
            "row": v.row,
            "label": shown_safely(v.label, 200),
            "country": shown_safely(v.country, 8),
            "given": shown_safely(v.given, 200),
            "given_length": len(v.given),
            "outcome": v.outcome,
            "number": v.number,
            "method": v.method,
            "message": v.message,
        }
        for v in verdicts
    ]
    document = {"file": file, "rows": rows, "ok": all(v.accepted for v in verdicts)}
    print(json.dumps(document, indent=2, ensure_ascii=False))


def _print_rows_csv(verdicts: list[RowVerdict]) -> None:
    import csv

    from golive.countries.taxid import shown_safely, spreadsheet_safe

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["row", "country", "number", "label", "outcome", "message"])
    for v in verdicts:
        number = v.number if v.accepted else v.given
        given = [v.country, number, v.label]  # from the file: cut to 200 characters
        cells = [str(v.row), *(shown_safely(c, 200) for c in given), v.outcome, v.message]
        out.writerow([spreadsheet_safe(shown_safely(c, 5000)) for c in cells])


_ROW_WORDS = {"unreadable": "UNREADABLE"}


def _outcome_words_of(outcome: str, message: str) -> str:
    if outcome == "format_only" and message.startswith("warning:"):
        return "WARNING (accepted, not confirmed)"
    return _OUTCOME_WORDS.get(outcome, outcome)


_OUTCOME_WORDS = {
    "valid": "valid",
    "format_only": "format right (nothing more can be checked)",
    "invalid": "INVALID",
    "unverifiable": "NOT VERIFIED (no rule for this country)",
}
