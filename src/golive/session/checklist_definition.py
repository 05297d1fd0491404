"""The checklist as golive ships it (checklist.toml): phases, sections and item definitions."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Phase:
    id: str
    title: str


@dataclass(frozen=True)
class Section:
    id: str
    phase: str
    title: str
    step: str


@dataclass(frozen=True)
class ItemDefinition:
    id: str
    section: str
    text: str
    help: str = ""
    group: str = ""
    applies: str = "always"
    readiness: str = ""
    proof: str = ""  # "evidence": golive can test or measure it (see checklist.toml)

    @property
    def per_country(self) -> bool:
        return "{cc}" in self.id

    @property
    def evidence_bound(self) -> bool:
        return self.proof == "evidence"


@dataclass(frozen=True)
class ChecklistDefinition:
    phases: tuple[Phase, ...]
    sections: tuple[Section, ...]
    items: tuple[ItemDefinition, ...]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@cache
def definition() -> ChecklistDefinition:
    """The checklist as shipped in `checklist.toml`."""
    data = tomllib.loads(
        resources.files("golive.session").joinpath("checklist.toml").read_text("utf-8")
    )
    return ChecklistDefinition(
        phases=tuple(Phase(**p) for p in data["phase"]),
        sections=tuple(Section(**s) for s in data["section"]),
        items=tuple(ItemDefinition(**i) for i in data["item"]),
    )
