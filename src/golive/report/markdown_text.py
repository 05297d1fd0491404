"""Markdown text: user text escaped so that it can neither start Markdown structure nor pass raw
HTML through a renderer, code spans, facts and tables."""

from __future__ import annotations

import re

from golive.report.types import Fact, Table

_INLINE = re.compile(r"[\\`*\[\]|]|<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]+;)")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[+*-](?=\s|$)|~~~|```)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def text(value: str) -> str:
    """User text for one line of Markdown: special characters escaped, lines joined.

    Nothing typed can start a heading, a list, a quote, a link, emphasis or raw HTML.
    """
    value = " ".join(line.strip() for line in value.splitlines() if line.strip())
    value = _INLINE.sub(lambda m: "\\" + m.group(0), value)
    value = _UNDERSCORE.sub(r"\\_", value)
    value = _ENTITY.sub(r"\\&\1", value)
    value = _ORDERED.sub(r"\1\\\2", value)
    return "\\" + value if _BLOCK_START.match(value) else value


def code(value: str) -> str:
    """An id or a host in a code span (ids never hold a backtick; others get a longer fence)."""
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _lines(value: str) -> list[str]:
    return [text(line) for line in value.splitlines() if line.strip()]


def multiline(label: str, value: str, indent: str) -> list[str]:
    """`- Label: value`, or `- Label:` with one sub-item per line for a text of several lines."""
    lines = _lines(value)
    if len(lines) <= 1:
        return [f"{indent}- {label}: {lines[0] if lines else ''}"]
    return [f"{indent}- {label}:"] + [f"{indent}  - {line}" for line in lines]


def fact_lines(facts: list[Fact], indent: str = "") -> list[str]:
    out: list[str] = []
    for fact in facts:
        out += multiline(f"**{text(fact.label)}**", fact.value, indent)
    return out


def cell(value: str) -> str:
    return text(value) if value else " "


def table_lines(table: Table) -> list[str]:
    out = [f"**{text(table.title)}**", ""]
    if not table.rows:
        return [*out, text(table.empty or "None recorded."), ""]
    out.append("| " + " | ".join(text(c) for c in table.columns) + " |")
    out.append("|" + "|".join("---" for _ in table.columns) + "|")
    for row in table.rows:
        out.append("| " + " | ".join(cell(c) for c in row) + " |")
    return [*out, ""]
