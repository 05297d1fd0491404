"""Reading a log file or folder: fast JSON lines, generic JSON, text lines with a pattern."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import msgspec

from golive.ops.watch.fields import MESSAGE_GROUPS_KEPT, compile_pattern, parse_time
from golive.ops.watch.figures import LogFigures, MessageGroup, Rejection
from golive.ops.watch.parsing import (
    _FAST_FIELDS,
    _field_texts,
    _Group,
    _group_names,
    _json_reader,
    _key_of,
    _names,
    _open_bytes,
    _open_text,
    _struct_texts,
    _Tally,
    log_files,
)
from golive.session.errors import GoliveError
from golive.session.percentiles import EXACT_LIMIT

SAMPLE_LINES = 200
_EMPTY_RAW = (b"null", b'""')


def _fast_decoder(
    field_map: Mapping[str, str], samples: list[dict[str, Any]]
) -> msgspec.json.Decoder[Any] | None:
    """A decoder of only the fields this log uses, under the names its first lines use.

    Every other name golive recognises is declared as "null only", so a line that uses one of
    them (or a value of another type, or a nested field) fails to decode here and is read by the
    generic reader instead: the fast reader never reads a line differently, it only gives up on
    it. None when the log's names do not allow it (a dotted name's parent is also a name)."""
    names = _names(field_map)
    every = {name for _, candidates in names for name in candidates}
    parents = {name.split(".", 1)[0] for name in every if "." in name}
    if parents & every:
        return None
    chosen: dict[str, str] = {}
    for canonical, candidates in names:
        used: Counter[str] = Counter()
        for data in samples:
            for name in candidates:
                if data.get(name) not in (None, ""):
                    used[name] += 1
                    break
        if used:
            chosen[canonical] = used.most_common(1)[0][0]
    fields: list[tuple[str, Any, Any]] = []
    rename: dict[str, str] = {}
    for canonical, (attribute, kind) in _FAST_FIELDS.items():
        fields.append((attribute, kind, None))
        rename[attribute] = chosen.get(canonical, f"~golive-unused~{canonical}")
    taken = set(chosen.values())
    for index, name in enumerate(sorted((every | parents) - taken)):
        fields.append((f"x{index}", None, None))
        rename[f"x{index}"] = name
    line = msgspec.defstruct("LogLine", fields, rename=rename, gc=False)
    return msgspec.json.Decoder(line)


def _generic_json(raw: bytes) -> dict[str, Any] | None:
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        try:
            data = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def _read_json_lines(
    handle: IO[bytes] | gzip.GzipFile,
    field_map: Mapping[str, str],
    result: LogFigures,
    tally: _Tally,
) -> None:
    # Long because the watch's inner loop, kept in one frame for speed on large logs.
    """JSON lines: the first lines through the generic reader (they show which names the log
    uses), then the fast reader, which counts a line inline, as `_Tally.add` would; a line it
    cannot read goes through the generic reader."""
    pick = _json_reader(field_map)
    add = tally.add
    groups = tally.groups
    since, until, ranged = tally.since, tally.until, tally.ranged
    samples: list[dict[str, Any]] = []
    decode: Callable[[bytes], Any] | None = None
    sniffing = True
    lines = skipped = without_time = outside_range = 0
    first: datetime | None = None
    last: datetime | None = None
    for raw in handle:
        if decode is not None:
            try:
                line = decode(raw)
            except msgspec.DecodeError:
                pass
            else:
                lines += 1
                moment = line.t
                if moment is not None:
                    if type(moment) is float:
                        moment = parse_time(moment)
                    elif moment.tzinfo is None:
                        moment = moment.replace(tzinfo=UTC)
                    if ranged and (
                        (since is not None and moment < since)
                        or (until is not None and moment >= until)
                    ):
                        outside_range += 1
                        continue
                    if first is None or moment < first:
                        first = moment
                    if last is None or moment > last:
                        last = moment
                elif ranged:
                    without_time += 1
                    continue
                ms = line.dm
                duration = ms / 1000 if ms is not None else line.ds
                error = line.er
                key = (
                    line.co,
                    line.st,
                    line.lv,
                    line.oc,
                    line.fi,
                    error is not None and bytes(error) not in _EMPTY_RAW,
                    duration is not None,
                )
                group = groups.get(key)
                if group is None:
                    group = groups[key] = _Group(key)
                group.count += 1
                sketch = group.sketch
                if sketch is not None and duration is not None:
                    exact = sketch.exact
                    exact[duration] = exact.get(duration, 0) + 1
                    if len(exact) > EXACT_LIMIT:
                        sketch.fold()
                if group.detail:
                    tally.detail(group, moment, *_struct_texts(line))
                continue
        if not raw.strip():
            continue
        lines += 1
        data = _generic_json(raw)
        if data is None:
            skipped += 1
            continue
        fields = pick(data)
        moment, key, duration = _key_of(fields)
        add(moment, key, duration, fields, _field_texts)
        if sniffing:
            samples.append(data)
            if len(samples) >= SAMPLE_LINES:
                sniffing = False
                decoder = _fast_decoder(field_map, samples)
                decode = decoder.decode if decoder is not None else None
                samples = []
    result.lines += lines
    result.skipped += skipped
    tally.without_time += without_time
    tally.outside_range += outside_range
    for moment in (first, last):
        if moment is not None:
            tally.first = moment if tally.first is None else min(tally.first, moment)
            tally.last = moment if tally.last is None else max(tally.last, moment)


def _read_text_lines(
    handle: IO[str],
    compiled: re.Pattern[str],
    groups: Mapping[str, str],
    result: LogFigures,
    tally: _Tally,
) -> None:
    for raw in handle:
        line = raw.strip()
        if not line:
            continue
        result.lines += 1
        match = compiled.search(line)
        if match is None:
            result.skipped += 1
            continue
        fields = {
            groups[name]: value
            for name, value in match.groupdict().items()
            if name in groups and value not in (None, "")
        }
        moment, key, duration = _key_of(fields)
        tally.add(moment, key, duration, fields, _field_texts)


def read_log(
    location: Path,
    *,
    field_map: Mapping[str, str] | None = None,
    pattern: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> LogFigures:
    """Read a log (JSON lines, or text with `pattern`) and count what happened in [since, until).

    Streams: memory grows with the kinds of lines (countries, statuses, levels), the rejection
    reasons and the unexpected messages, never with the number of lines."""
    files = log_files(location)
    mapping = dict(field_map or {})
    compiled = compile_pattern(pattern) if pattern else None
    groups = _group_names(compiled, mapping) if compiled else {}
    result = LogFigures(files=[str(f) for f in files])
    tally = _Tally(since, until)
    for path in files:
        try:
            if compiled is not None:
                with _open_text(path) as text:
                    _read_text_lines(text, compiled, groups, result, tally)
            else:
                with _open_bytes(path) as handle:
                    _read_json_lines(handle, mapping, result, tally)
        except OSError as error:
            raise GoliveError(
                f"cannot read the log {path}: {error.strerror or error}",
                where=str(path),
                advice="check the file's permissions (and that a .gz file is whole)",
            ) from None
    tally.into(result)
    result.rejections = [
        Rejection(country, reason, count)
        for (country, reason), count in sorted(
            tally.rejections.items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]
    grouped = sorted(tally.messages.items(), key=lambda kv: (-kv[1][0], kv[0]))
    result.unexpected = [
        MessageGroup(key, count, first, last, example)
        for key, (count, first, last, example) in grouped[:MESSAGE_GROUPS_KEPT]
    ]
    return result
