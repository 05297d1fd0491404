"""The wizard's steps in one place: their ids, titles, screens (imported on first use), where
their values live in the session, and the rule that gives each step its state.

The sidebar, the app and the tests read the steps from here. This module is on the first-paint
path: it imports nothing of Textual or the session layer at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from golive.session.checklist import Checklist
    from golive.session.model import Session


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    # where this step's values live in the session (its drafts count as "needs attention")
    paths: tuple[str, ...] = ()
    # the step's screen: (module in golive.tui.screens, class name), imported on first use
    screen: tuple[str, str] = ("", "")


STEPS: tuple[Step, ...] = (
    Step("credentials", "Credentials", ("credentials.",), ("credentials", "CredentialsScreen")),
    Step("environment", "Environment", ("environments.",), ("environment", "EnvironmentScreen")),
    Step("compliance", "Compliance", ("countries.",), ("compliance", "ComplianceScreen")),
    Step(
        "monitoring", "Monitoring", ("monitoring.", "targets."), ("monitoring", "MonitoringScreen")
    ),
    Step("staging", "Staging", ("staging.",), ("staging", "StagingScreen")),
    Step("production", "Production", ("production.",), ("production", "ProductionScreen")),
    Step("golive", "Go-live", ("golive.",), ("go_live", "GoLiveScreen")),
    Step(
        "post",
        "Post-deployment",
        ("post_deployment.",),
        ("post_deployment", "PostDeploymentScreen"),
    ),
    Step("rollback", "Rollback", ("rollback.",), ("rollback", "RollbackScreen")),
    Step("support", "Support", ("support.",), ("support", "SupportScreen")),
    Step("review", "Review & export", (), ("review", "ReviewScreen")),
)
STEP_IDS = tuple(step.id for step in STEPS)
STEP_TITLES = {step.id: step.title for step in STEPS}
# step id -> (module in golive.tui.screens, class name); imported on first use
STEP_SCREENS: dict[str, tuple[str, str]] = {step.id: step.screen for step in STEPS}

# the core the steps call, imported ahead (in a thread) while the user reads the first step
WARM_MODULES = (
    "golive.api.endpoints",
    "golive.checks",
    "golive.ops.deploys",
    "golive.ops.monitoring",
    "golive.ops.pilot",
    "golive.ops.rollback",
    "golive.ops.rollout",
    "golive.ops.support",
    "golive.ops.window",
    "golive.countries.taxid",
    "golive.certs",
    "golive.secrets",
    "golive.report",
)


def step_index(step_id: str) -> int:
    return STEP_IDS.index(step_id) if step_id in STEP_IDS else 0


def step_title(step_id: str) -> str:
    return STEP_TITLES.get(step_id, step_id)


class StepState(Enum):
    """A step's state, as a symbol, a word and a style class (never the colour alone)."""

    NOT_STARTED = ("○", "not started", "not-started")
    IN_PROGRESS = ("◐", "in progress", "in-progress")
    DONE = ("✓", "done", "done")
    ATTENTION = ("!", "needs attention", "attention")
    UNKNOWN = ("·", "loading", "unknown")

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def word(self) -> str:
        return self.value[1]

    @property
    def css(self) -> str:
        return self.value[2]


def step_states(session: Session, checklist: Checklist) -> dict[str, StepState]:
    """Each step's state from its checklist items and drafts. Items golive derived (not
    applicable here) make a step done when all else is, but never "in progress" alone."""
    from golive.session.model import ItemStatus

    items = checklist.items
    drafts = session.drafts
    states: dict[str, StepState] = {}
    for step in STEPS:
        own = [item for item in items if item.section == step.id]
        has_draft = bool(step.paths) and any(path.startswith(step.paths) for path in drafts)
        touched = any(
            not item.derived and (item.state.history or item.status is not ItemStatus.TODO)
            for item in own
        )
        if has_draft or any(item.status in (ItemStatus.FAILED, ItemStatus.BLOCKED) for item in own):
            states[step.id] = StepState.ATTENTION
        elif own and all(item.ready for item in own):
            states[step.id] = StepState.DONE
        elif touched or _values_given(session, step):
            states[step.id] = StepState.IN_PROGRESS
        else:
            states[step.id] = StepState.NOT_STARTED
    # the review is done when the session is ready; a change on another step is not progress
    # of the review's own
    if checklist.ready_for_golive:
        states["review"] = StepState.DONE
    return states


_defaults: dict[str, object] = {}


def _values_given(session: Session, step: Step) -> bool:
    """Whether the step's fields hold values of the user's (they validated: the session only
    holds valid values). Such a step is under way even before evidence ticks any of its items."""
    sections = {path.split(".", 1)[0] for path in step.paths}
    if not sections:
        return False
    if not _defaults:
        from golive.session.model import Session as Model

        _defaults.update(Model().model_dump(mode="json"))
    given = session.model_dump(mode="json", include=sections)
    return any(given.get(name) != _defaults.get(name) for name in sections)
