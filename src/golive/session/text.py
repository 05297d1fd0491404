"""The one sanitizer for text that reaches a terminal: `printable(text)`.

Text from a session file, an argument or a server may hold control characters (an escape sequence
that recolours, moves the cursor or retitles the terminal) or bidirectional overrides (text that
reads differently from what it is). Every presenter shows such text through `printable`, which
keeps it readable and visibly escaped: ESC becomes `\\x1b`, U+202E becomes `\\u202e`. Nothing is
dropped silently, so what is shown is what was there.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

# C0 controls, DEL and C1 controls (CSI is U+009B); bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) and the marks that steer them (LRM, RLM, ALM); line and paragraph
# separators, which end a line on some terminals.
_BIDI = r"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_BUT_NEWLINE = re.compile(rf"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _escaped(match: re.Match[str]) -> str:
    # C0 as \xNN (what a reader expects); DEL, C1 and bidi as \uNNNN, which is also a valid JSON
    # escape, so JSON golive prints stays JSON (json.dumps already escapes C0 itself)
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def is_unsafe(text: str) -> bool:
    """Whether `text` holds a control character (C0, DEL, C1) or a bidi control."""
    return _UNSAFE.search(text) is not None


def printable(text: object, *, multiline: bool = False) -> str:
    """`text` with every control character and bidi control shown escaped.

    With `multiline`, line feeds are kept (golive's own messages span lines); a carriage return
    never is, since it lets a later part of a line overwrite an earlier one.
    """
    value = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_BUT_NEWLINE if multiline else _UNSAFE
    return pattern.sub(_escaped, value)


def echo(
    *values: object,
    sep: str = " ",
    end: str = "\n",
    file: TextIO | None = None,
    flush: bool = False,
) -> None:
    """`print`, with what is printed shown through `printable` (line feeds kept).

    The CLI's command modules print through this (`from golive.session.text import echo as
    print`), so a session's, an argument's or a server's text never drives the terminal.
    """
    text = sep.join(value if isinstance(value, str) else str(value) for value in values)
    stream = file or sys.stdout
    stream.write(printable(text, multiline=True) + end)
    if flush:
        stream.flush()
