"""`golive taxid --file FILE`: a deployment's legal entities checked in one run, one verdict per
row, with hostile content (a formula, a 10,000-character field, a broken quote) answered row by
row and never passed on to a terminal or a spreadsheet as it was."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import RunGolive

FORMULA = "=cmd|' /C calc'!A0"
LONG = "1" * 10_000


def entities(tmp_path: Path, *rows: str, name: str = "entities.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_every_row_gets_its_verdict_and_all_good_exits_0(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    file = entities(
        tmp_path,
        "country,number,label",
        "DE,DE136695976,ACME GmbH",
        "HU,12892312-2-41,ACME Kft",
        "",
        "# the Korean branch: the format only can be checked",
        "KR,116-82-00276,ACME Korea",
    )
    result = run_golive("taxid", "--file", file)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "row 2 (ACME GmbH): DE DE136695976: valid"
    assert "row 3 (ACME Kft): HU 12892312-2-41: valid" in lines
    assert any(
        line.startswith("row 6 (ACME Korea): KR 116-82-00276: format right") for line in lines
    )
    assert lines[-1] == "3 row(s) checked: 3 accepted, 0 not"


def test_one_invalid_row_exits_1_and_names_its_row(run_golive: RunGolive, tmp_path: Path) -> None:
    file = entities(tmp_path, "DE,DE136695976,ACME GmbH", "IT,00743110158,ACME Srl")
    result = run_golive("taxid", "--file", file)
    assert result.returncode == 1
    assert "row 2 (ACME Srl): IT 00743110158: INVALID" in result.stdout
    assert "the check digit is wrong" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 row(s) checked: 1 accepted, 1 not (see above)"


def test_hostile_rows_each_get_a_clear_verdict_and_the_others_are_still_checked(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    file = entities(
        tmp_path,
        f'MX,{FORMULA},"=HYPERLINK(""http://evil.example"")"',
        f"IT,{LONG},long",
        'FR,"40303265045,broken quote',
        "DE,DE136695976,ACME \x1b[31mGmbH\x1b[0m",
    )
    result = run_golive("taxid", "--file", file)
    assert result.returncode == 1
    out = result.stdout
    # the formula: rejected, and shown with a ' so that no spreadsheet would run it
    assert "row 1 ('=HYPERLINK(\"http://evil.example\")): MX '=cmd|' /C calc'!A0: INVALID" in out
    # 10,000 characters: a clear verdict, the value cut short with its length
    assert "row 2 (long): IT " + "1" * 60 + "… (10000 characters): INVALID" in out
    assert "is not a tax ID (10000 characters, at most 64)" in out
    assert LONG not in out
    # the broken quote: that row, located, and the row after it still checked
    assert 'row 3: UNREADABLE: FR,"40303265045,broken quote' in out
    assert "the row cannot be read as CSV" in out
    assert "row 4 (ACME \\x1b[31mGmbH\\x1b[0m): DE DE136695976: valid" in out
    assert "\x1b" not in out  # no escape sequence reaches the terminal
    assert out.splitlines()[-1] == "4 row(s) checked: 1 accepted, 3 not (see above)"


def test_csv_output_quotes_what_a_spreadsheet_would_run(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    file = entities(
        tmp_path, f"MX,{FORMULA},+SUM(A1:A9)", f"IT,{LONG},@evil", "DE,DE136695976,-ACME"
    )
    result = run_golive("taxid", "--file", file, "--csv")
    assert result.returncode == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["row", "country", "number", "label", "outcome", "message"]
    assert rows[1][:5] == ["1", "MX", "'" + FORMULA, "'+SUM(A1:A9)", "invalid"]
    assert rows[2][2] == "1" * 200 + "… (10000 characters)" and rows[2][3] == "'@evil"
    assert rows[3][:5] == ["3", "DE", "DE136695976", "'-ACME", "valid"]
    for row in rows[1:]:
        assert not any(cell[:1] in "=+-@" for cell in row if cell)


def test_json_output_has_one_entry_per_row(run_golive: RunGolive, tmp_path: Path) -> None:
    file = entities(tmp_path, "DE,DE136695976,ACME GmbH", 'FR,"4030', f"IT,{LONG}")
    result = run_golive("taxid", "--file", file, "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    rows = document["rows"]
    assert [(r["row"], r["outcome"]) for r in rows] == [
        (1, "valid"),
        (2, "unreadable"),
        (3, "invalid"),
    ]
    assert rows[0]["number"] == "DE136695976" and rows[0]["label"] == "ACME GmbH"
    assert rows[2]["given_length"] == 10_000 and len(rows[2]["given"]) < 300


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "cannot read"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"country,number,label\n\n", "holds no rows to check"),
    ],
)
def test_an_unreadable_file_exits_2(
    run_golive: RunGolive, tmp_path: Path, content: bytes | None, said: str
) -> None:
    path = tmp_path / "entities.csv"
    if content is not None:
        path.write_bytes(content)
    result = run_golive("taxid", "--file", str(path))
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr


def test_file_and_a_number_together_are_bad_input(run_golive: RunGolive, tmp_path: Path) -> None:
    file = entities(tmp_path, "DE,DE136695976")
    result = run_golive("taxid", "DE", "DE136695976", "--file", file)
    assert result.returncode == 2
    assert "give no CC NUMBER and no --session" in result.stderr
