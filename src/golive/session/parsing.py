"""A session as TOML text and back: deterministic writing, and reading that names every problem
with its file, line and key (in plain words, `golive.session.plain_errors`)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from golive.session.checklist import definition, known_item_ids
from golive.session.errors import (
    Problem,
    SessionLoadError,
)
from golive.session.model import SCHEMA_VERSION, Session
from golive.session.plain_errors import plain_message

END_MARKER = "# end of golive session"


# --- serialising ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Turn a model dump into what TOML can hold: enums to values, None dropped."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value if v is not None]
    return value


def _has_carriage_return(value: Any) -> bool:
    if isinstance(value, str):
        return "\r" in value
    if isinstance(value, dict):
        return any(_has_carriage_return(k) or _has_carriage_return(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_carriage_return(v) for v in value)
    return False


def _item_order(session: Session) -> Callable[[str], tuple[int, str]]:
    order: dict[str, int] = {}
    for index, item_def in enumerate(definition().items):
        order[item_def.id] = index
        for country in session.countries:
            order.setdefault(item_def.id.format(cc=country), index)
    return lambda item_id: (order.get(item_id, len(order)), item_id)


_HEADER_TEXT = (
    "# golive session file. Hand edits are fine, but comments are not kept:\n"
    "# golive rewrites this file when it saves. Nothing secret belongs here.\n"
)


def dumps(session: Session) -> bytes:
    """The session as TOML bytes: deterministic, so sessions diff cleanly in git."""
    data = _plain(session.model_dump(mode="python", by_alias=True, exclude_none=True))
    data["countries"] = dict(sorted(data["countries"].items()))
    data["drafts"] = dict(sorted(data["drafts"].items()))
    data["items"] = {k: data["items"][k] for k in sorted(data["items"], key=_item_order(session))}
    header = _HEADER_TEXT
    # Multi-line strings read best, but tomli_w writes CRLF in them as LF: a session holding a
    # carriage return anywhere is written with escaped strings instead, so nothing changes.
    body = tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))
    return (header + body.rstrip("\n") + "\n\n" + END_MARKER + "\n").encode("utf-8")


# --- loading ----------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.\-" ]+?)\s*=')


def _split_dotted(text: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "." and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> line number, to point at the line a problem is on (best effort)."""
    index: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    array_counts: dict[tuple[str, ...], int] = {}
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            in_multiline = line.count('"""') % 2 == 0
            continue
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith(("#",)) and "=" not in line.split("]")[0]:
            path = tuple(_split_dotted(header.group(2)))
            if header.group(1) == "[[":
                count = array_counts.get(path, -1) + 1
                array_counts[path] = count
                table = (*path, str(count))
            else:
                table = path
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*table, *_split_dotted(key.group(1))), number)
            if line.count('"""') % 2 == 1:
                in_multiline = True
    return index


def _first_line_of_trouble(text: str, error: BaseException) -> int | None:
    """For reader errors without a position: the first line holding a very long number or
    very deep nesting (what makes Python's own limits trip)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(r"\d{1000}", line) or line.count("[") + line.count("{") > 500:
            return number
    return None


def _locate(index: dict[tuple[str, ...], int], loc: tuple[str, ...]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return None


def _migrate(data: dict[str, Any], problems: list[Problem], name: str) -> dict[str, Any]:
    """Bring an older session file up to SCHEMA_VERSION."""
    version = data.get("schema_version")
    if version == 1:
        # version 1 kept item states as a flat `[checklist]` table of id = "status"
        flat = data.pop("checklist", {})
        items = data.setdefault("items", {})
        if not isinstance(flat, dict):
            problems.append(Problem('must be a table of id = "status"', name, key="checklist"))
        elif isinstance(items, dict):
            for item_id, status in flat.items():
                items.setdefault(item_id, {"status": status})
        data["schema_version"] = 2
    return data


# Long because it collects every problem of the file in one pass, so the error lists them all.
def parse(raw: bytes, path: Path, warnings: list[str] | None = None) -> Session:
    """A session from the bytes of a file, or SessionLoadError listing every problem.

    What is worth a word but does not stop the load (no end line) is appended to `warnings`.
    """
    name = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SessionLoadError(
            name, [Problem("not UTF-8 text (is this a session file?)", name, line)]
        ) from None
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as error:
        # TOMLDecodeError is a ValueError; so are integers past Python's digit limit.
        # RecursionError: arrays or inline tables nested thousands deep.
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        toml_line = int(match.group(1)) if match else None
        if "(at end of document)" in str(error):
            toml_line = max(1, len(text.splitlines()))
        if isinstance(error, RecursionError):
            message = "values nested too deeply"
        elif isinstance(error, tomllib.TOMLDecodeError):
            message = (
                re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(error))
                or "not valid TOML"
            )
        else:
            message = "a number too long to read"
        if toml_line is None:
            toml_line = _first_line_of_trouble(text, error)
        raise SessionLoadError(
            name, [Problem(f"not valid TOML: {message}", name, toml_line)]
        ) from None
    problems: list[Problem] = []
    version = data.get("schema_version")
    if "schema_version" not in data or "meta" not in data:
        missing = "schema_version" if "schema_version" not in data else "meta"
        problems.append(
            Problem(
                "no schema_version or [meta]: this is not a golive session file, or it is cut short",
                name,
                key=missing,
            )
        )
        raise SessionLoadError(name, problems)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(
            Problem("schema_version must be a whole number", name, key="schema_version")
        )
        raise SessionLoadError(name, problems)
    if version > SCHEMA_VERSION:
        problems.append(
            Problem(
                f"written by a newer golive (schema {version}; this golive reads up to {SCHEMA_VERSION}): "
                "update golive to open it",
                name,
                key="schema_version",
            )
        )
        raise SessionLoadError(name, problems)
    if version < 1:
        problems.append(
            Problem(
                f"schema_version {version} is not one golive ever wrote", name, key="schema_version"
            )
        )
        raise SessionLoadError(name, problems)
    no_marker = version == SCHEMA_VERSION and text.rstrip().splitlines()[-1:] != [END_MARKER]
    # golive's own header says golive wrote the file, so a missing end line means it was cut
    # (even at a table's edge, where the rest still validates); a file without the header was
    # written by a TOML library (a script, a generator): it loads, with a warning
    cut_short = no_marker and text.startswith(_HEADER_TEXT)
    data = _migrate(data, problems, name)
    lines: dict[tuple[str, ...], int] = {}

    def line_of(loc: tuple[str, ...]) -> int | None:
        if not lines:  # only a file with problems pays for finding their lines
            lines.update(_line_index(text))
        return _locate(lines, loc)

    session: Session | None = None
    try:
        session = Session.model_validate(data)
    except RecursionError:
        problems.append(Problem("values nested too deeply", name, key="(file)"))
    except ValidationError as error:
        for detail in error.errors():
            loc = tuple(str(part) for part in detail["loc"] if part != "[key]")
            message = plain_message(detail)
            problems.append(Problem(message, name, line_of(loc), ".".join(loc)))
    if session is not None:
        known = known_item_ids(session)
        for item_id in session.items:
            if item_id not in known:
                problems.append(
                    Problem(
                        "not a checklist item of this session (unknown id, or a country not in [countries])",
                        name,
                        line_of(("items", item_id)),
                        f"items.{item_id}",
                    )
                )
    if no_marker and (cut_short or problems or session is None):
        # with other problems, a missing end line says the likeliest cause: the file is cut short
        problems.insert(
            0,
            Problem(
                f"the file does not end with the line {END_MARKER!r}: it may be cut short. "
                "If you removed that line by hand, add it back",
                name,
                len(text.splitlines()),
            ),
        )
    if problems or session is None:
        raise SessionLoadError(name, problems)
    if no_marker and warnings is not None:
        warnings.append(
            f"{name} does not end with the line {END_MARKER!r}, but it reads as a whole session: "
            "check that nothing at its end was cut off (golive writes the line back on the next save)"
        )
    return session
