"""Mutated session files, loaded in-process the way every command loads them.

Real session files are mutated (byte flips, truncations, deleted, duplicated and swapped lines,
values of the wrong type, unknown keys, huge values, broken UTF-8, impossible dates) and opened
with `SessionFile.open`. Every time: a session, or a SessionLoadError whose every problem names
the file and a line or a key. Never another exception, and the file is never changed.
"""

from __future__ import annotations

import collections
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golive.session import store
from golive.session.errors import SessionLoadError
from test_hardening_session import rich_session

EXAMPLES = int(os.environ.get("GOLIVE_FUZZ_EXAMPLES", "10000"))

V1_FILE = (
    b'schema_version = 1\n[meta]\ntitle = "old"\nsession_id = "0123456789abcdef"\n'
    b'[checklist]\n"credentials.obtained" = "done"\n"credentials.vault" = "blocked"\n'
)
SEEDS = [store.dumps(rich_session()), store.dumps(store.Session()), V1_FILE]

REPLACEMENTS = [
    b'"text"',
    b"42",
    b"-1",
    b"1e400",
    b"nan",
    b"inf",
    b"true",
    b"[]",
    b'[1, "a", 2.5]',
    b"{}",
    b"{ x = 1, y = { z = [] } }",
    b"2026-11-02",
    b"2026-02-30",
    b"0000-01-01T00:00:00Z",
    b"9999-12-31T23:59:59+23:59",
    b"2026-11-02T25:61:61Z",
    b"10:30:00",
    b'""',
    b'"""\nmulti\nline"""',
    b"'literal'",
    b'"' + b"\\u0000" + b'"',
    b'"' + "\u202e evil".encode() + b'"',
    b'"' + b"x" * 200_000 + b'"',
    b"9" * 5000,
    b"[" * 5000 + b"]" * 5000,
    b"{ a = " * 2000 + b"1" + b" }" * 2000,
]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\x1b[31m", b"\r", b"\x85"]
KEYS = [b"typo_key", b'"quoted key"', b"schema_version", b"meta", b"a.b.c", b"status", b"x" * 300]


def _lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\n")


@st.composite
def mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "flip",
                "truncate",
                "delete",
                "duplicate",
                "swap",
                "type",
                "unknown",
                "unicode",
                "date",
                "header",
            ]
        )
    )
    at = draw(st.floats(min_value=0, max_value=1, exclude_max=True))
    lines = _lines(raw)
    line_no = int(at * len(lines))
    if kind == "flip":
        pos = int(at * max(len(raw), 1))
        value = draw(st.integers(0, 255))
        return raw[:pos] + bytes([value]) + raw[pos + 1 :]
    if kind == "truncate":
        return raw[: int(at * len(raw))]
    if kind == "delete":
        return b"\n".join(lines[:line_no] + lines[line_no + 1 :])
    if kind == "duplicate":
        return b"\n".join(lines[: line_no + 1] + lines[line_no:])
    if kind == "swap":
        other = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines[line_no], lines[other] = lines[other], lines[line_no]
        return b"\n".join(lines)
    if kind == "type":
        line = lines[line_no]
        if b" = " in line:
            key = line.split(b" = ", 1)[0]
            lines[line_no] = key + b" = " + draw(st.sampled_from(REPLACEMENTS))
        return b"\n".join(lines)
    if kind == "unknown":
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(REPLACEMENTS[:12]))
        lines.insert(line_no, key + b" = " + value)
        return b"\n".join(lines)
    if kind == "unicode":
        pos = int(at * max(len(raw), 1))
        return raw[:pos] + draw(st.sampled_from(BAD_BYTES)) + raw[pos:]
    if kind == "date":
        dated = [i for i, ln in enumerate(lines) if b" = 20" in ln]
        if dated:
            i = dated[line_no % len(dated)]
            key = lines[i].split(b" = ", 1)[0]
            lines[i] = key + b" = " + draw(st.sampled_from(REPLACEMENTS[11:17]))
        return b"\n".join(lines)
    # header: a table header renamed, made an array of tables, or broken
    headers = [i for i, ln in enumerate(lines) if ln.startswith(b"[")]
    if headers:
        i = headers[line_no % len(headers)]
        lines[i] = draw(
            st.sampled_from(
                [b"[[" + lines[i].strip(b"[]") + b"]]", b"[meta", b"[]", b"[items.]", b"[x.y.z]"]
            )
        )
    return b"\n".join(lines)


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    raw = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        raw = draw(mutation(raw))
    return raw


FOLDER = Path(tempfile.mkdtemp(prefix="golive-fuzz-"))
OUTCOMES: collections.Counter[str] = collections.Counter()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_files())
def test_a_mutated_session_file_loads_or_says_where_it_is_wrong(raw: bytes) -> None:
    path = FOLDER / "mutated.toml"
    path.write_bytes(raw)
    line_count = raw.count(b"\n") + 1
    try:
        handle = store.SessionFile.open(path)
    except SessionLoadError as error:
        OUTCOMES["refused"] += 1
        assert error.problems, "a refusal must say what is wrong"
        for problem in error.problems:
            assert problem.file == str(path), problem
            assert problem.line is not None or problem.key, f"no place named: {problem}"
            if problem.line is not None:
                assert 1 <= problem.line <= line_count, problem
            assert str(path) in str(problem)
        assert "Traceback" not in str(error)
    else:
        OUTCOMES["loaded"] += 1
        assert handle.session.schema_version == 2
    assert path.read_bytes() == raw  # never changed
    assert sorted(p.name for p in FOLDER.iterdir()) == ["mutated.toml"]  # nothing written beside


def test_fuzz_outcomes_are_both_kinds() -> None:
    """Runs after the fuzz test (same module order): the mutations reach both outcomes."""
    if not OUTCOMES:
        return  # run alone (-k): nothing to say
    print(f"\nmutated session files: {dict(OUTCOMES)}")
    assert OUTCOMES["refused"] > EXAMPLES // 4 and OUTCOMES["loaded"] > EXAMPLES // 50
