"""A file of legal entities, one tax ID a row, each given its verdict; values shown safely."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.countries import normalise_code
from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError

if TYPE_CHECKING:
    pass

# --- a file of legal entities -----------------------------------------------------------------

MAX_FILE_BYTES = 5 * 1024 * 1024
_SHOWN_CHARS = 60


@dataclass(frozen=True)
class RowVerdict:
    """The verdict on one row of a `country,number[,label]` file."""

    row: int  # the line number in the file, from 1
    label: str
    country: str
    given: str  # the number as the row gives it
    outcome: str  # valid, format_only, invalid, unverifiable, or "unreadable" (the row itself)
    message: str
    method: str = ""
    number: str = ""  # normalised, when the number could be checked

    @property
    def accepted(self) -> bool:
        return self.outcome in ("valid", "format_only")


def verify_tax_id_file(path: Path, *, now: datetime | None = None, **vies: Any) -> list[RowVerdict]:
    """Check every row of a CSV of `country,number[,label]` (a deployment's legal entities).

    One verdict per row, whatever the row holds: a row that cannot be read (a quote left open,
    too few fields) is a verdict saying so, and the other rows are still checked. Each line is one
    row (a quoted field cannot span lines). A header row (`country,...`), blank lines and lines
    starting with # are skipped. Raises BadInputError when the file itself cannot be read.
    """
    text = _read_rows_file(path)
    moment = now or clock_now()
    verdicts: list[RowVerdict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as error:
            verdicts.append(_unreadable(number, line, f"the row cannot be read as CSV ({error})"))
            continue
        cells = [c.strip() for c in cells]
        if not verdicts and cells and cells[0].lower() in ("country", "cc", "country code"):
            continue
        if len(cells) < 2 or len(cells) > 3 or not cells[0] or not cells[1]:
            verdicts.append(
                _unreadable(
                    number,
                    line,
                    f"expected country,number[,label]; the row has {len(cells)} field(s)"
                    + (" and an empty one" if any(not c for c in cells[:2]) else ""),
                )
            )
            continue
        verdicts.append(_row_verdict(number, cells, moment, vies))
    if not verdicts:
        raise BadInputError(
            f"{path} holds no rows to check",
            where=str(path),
            advice="write one legal entity per line: country,number[,label], e.g. DE,DE136695976,ACME GmbH",
        )
    return verdicts


def _row_verdict(row: int, cells: list[str], moment: datetime, vies: dict[str, Any]) -> RowVerdict:
    from golive.countries.taxid import verify_tax_id  # (the package imports this module)

    code, given = cells[0], cells[1]
    label = cells[2] if len(cells) > 2 else ""
    try:
        cc = normalise_code(code)
        result = verify_tax_id(cc, given, now=moment, **vies)
    except BadInputError as error:
        return RowVerdict(row, label, code, given, "invalid", f"not checked: {error.message}")
    return RowVerdict(
        row, label, cc, given, result.outcome, result.message, result.method, result.number
    )


def _unreadable(row: int, line: str, why: str) -> RowVerdict:
    return RowVerdict(row, "", "", line, "unreadable", why)


def _read_rows_file(path: Path) -> str:
    where = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInputError(
                f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                where=where,
                advice="give a file of legal entities, one per line: country,number[,label]",
            )
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(
            f"cannot read {path}: {error.strerror or error}",
            where=where,
            advice="give the path of a readable CSV file: country,number[,label] per line",
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read)",
            where=where,
            advice="save the file as UTF-8 CSV (Excel: CSV UTF-8), then run it again",
        ) from None


def shown_safely(value: str, limit: int = _SHOWN_CHARS) -> str:
    """A value from a file, safe to print on a terminal: control characters escaped (no escape
    sequence reaches the terminal), and cut to `limit` characters, saying how long it was."""
    escaped = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value
    )
    if len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}… ({len(value)} characters)"


def spreadsheet_safe(value: str) -> str:
    """A cell for CSV output that no spreadsheet runs as a formula: a leading = + - @ tab or CR
    gets a ' in front (OWASP's advice for CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
