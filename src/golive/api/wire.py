"""golive's assumptions about the ONESOURCE wire, in one data file (`wire.toml`), each with its
confidence and source; a session overrides any of them per environment (`[environments.X.wire]`).

The public record of the ONESOURCE REST API is thin: what golive sends is either confirmed by
Thomson Reuters' public material, seen in one unofficial sample, or golive's own guess. Anything a
user sees about these shapes (the wizard, `golive wire`, the README) says which.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings

Confidence = Literal["confirmed", "one-sample", "guess"]
CONFIDENCE_WORDS: dict[str, str] = {
    "confirmed": "confirmed",
    "one-sample": "one unofficial sample",
    "guess": "golive's guess",
}


@dataclass(frozen=True)
class WireEntry:
    """One assumed wire shape: its default value, how sure golive is, and where it comes from."""

    name: str
    value: str
    confidence: Confidence
    source: str
    setting: str = ""  # an environment setting of this name holds the value
    overridable: bool = True  # False: it describes what golive reads, it is not a setting

    @property
    def guessed(self) -> bool:
        return self.confidence != "confirmed"


@cache
def entries() -> dict[str, WireEntry]:
    """Every entry of wire.toml, by name."""
    text = resources.files("golive.api").joinpath("wire.toml").read_text("utf-8")
    table = tomllib.loads(text)
    found: dict[str, WireEntry] = {}
    for name, raw in table.items():
        confidence = raw["confidence"]
        if confidence not in CONFIDENCE_WORDS:  # a broken data file is a bug, said plainly
            raise ValueError(f"wire.toml: {name}: unknown confidence {confidence!r}")
        found[name] = WireEntry(
            name,
            str(raw["value"]),
            confidence,
            str(raw["source"]),
            str(raw.get("setting", "")),
            bool(raw.get("overridable", True)),
        )
    return found


def check_overrides(overrides: dict[str, str], where: str) -> None:
    """BadInputError for an override of an entry that does not exist (a typo must not vanish)."""
    known = entries()
    for name in overrides:
        if name not in known:
            raise BadInputError(
                f"{name!r} is not a wire entry",
                where=f"{where}.wire.{name}",
                advice=f"use one of: {', '.join(known)} (see `golive wire`)",
            )
        if not known[name].overridable:
            raise BadInputError(
                f"{name!r} describes what golive reads; it cannot be overridden",
                where=f"{where}.wire.{name}",
                advice="remove it from the session's wire table",
            )
        if known[name].setting:
            raise BadInputError(
                f"{name!r} is the environment setting {known[name].setting}",
                where=f"{where}.wire.{name}",
                advice=f"set {known[name].setting} instead (`golive env SESSION --env ...`)",
            )


def value(settings: EnvironmentSettings, name: str) -> str:
    """The value in force for one environment: the session's override, else wire.toml's."""
    override = settings.wire.get(name)
    if override:
        return override
    return entries()[name].value


@dataclass(frozen=True)
class InForce:
    """An entry as it is in force for one environment, and whether the session overrode it."""

    entry: WireEntry
    value: str
    overridden: bool

    def label(self) -> str:
        if self.overridden:
            return "set by this session"
        return CONFIDENCE_WORDS[self.entry.confidence]


def in_force(settings: EnvironmentSettings) -> list[InForce]:
    """Every entry with its value for this environment (settings and overrides applied)."""
    rows: list[InForce] = []
    for entry in entries().values():
        if entry.setting == "token_url":
            current = settings.resolved_token_url() or entry.value
            overridden = bool(settings.token_url)
        elif entry.setting:
            current = str(getattr(settings, entry.setting))
            overridden = current != entry.value
        else:
            current = value(settings, entry.name)
            overridden = entry.name in settings.wire
        rows.append(InForce(entry, current, overridden))
    return rows


def status_names(settings: EnvironmentSettings) -> dict[str, str]:
    """The server's clearance status names, mapped to golive's (New, Delivered, Approved,
    Warning, Rejected): {"CLEARED": "Approved", ...}."""
    mapping: dict[str, str] = {}
    for pair in value(settings, "status_names").split(","):
        ours, _, theirs = pair.partition("=")
        if ours.strip() and theirs.strip():
            mapping[theirs.strip()] = ours.strip()
    return mapping


def guessed(name: str) -> bool:
    """True when golive's value for this entry is not confirmed by public material."""
    entry = entries().get(name)
    return entry is not None and entry.guessed
