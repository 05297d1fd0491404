"""Figures held against the session's targets: the one place that judges a figure.

The checks' probe, the post-deployment watch, the pilot checkpoints, the rollout gate and the
report all judge through here, with the same figure names.

A figure meets its target when it is strictly below it: the checklist says "error rate < 1 %" and
"response time < 2 s". Figures without a target (calls, rejections, ...) are shown, not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from golive.session.model import Session, Targets

ERROR_RATE = "error_rate_pct"
RESPONSE_TIME = "response_time_p95_s"
TARGETED = (ERROR_RATE, RESPONSE_TIME)
LABELS = {
    ERROR_RATE: "error rate",
    RESPONSE_TIME: "response time (p95)",
    "calls": "calls",
    "errors": "errors",
    "client_errors": "other 4xx",
    "clearance_rejections": "clearance rejections",
    "unexpected_errors": "unexpected errors",
    "response_time_p50_s": "response time (p50)",
    "response_time_p99_s": "response time (p99)",
    "probe_failures": "probe failures",
}


@dataclass(frozen=True)
class FigureVerdict:
    name: str
    value: float | None
    target: float | None

    @property
    def judged(self) -> bool:
        return self.target is not None

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def meets(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value < self.target

    def describe(self) -> str:
        label = LABELS.get(self.name, self.name.replace("_", " "))
        if self.value is None:
            return f"{label}: no figure"
        shown = format_figure(self.name, self.value)
        if self.target is None:
            return f"{label} {shown}"
        target = format_figure(self.name, self.target)
        return f"{label} {shown} ({'meets' if self.meets else 'misses'} the target < {target})"


def format_figure(name: str, value: float) -> str:
    if name.endswith("_pct"):
        return f"{value:.2f} %"
    if name.endswith("_s"):
        return f"{value:.3f} s"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"  # 1,000,000 calls, not 1e+06
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def target_of(targets: Targets | Session, name: str) -> float | None:
    if isinstance(targets, Session):
        targets = targets.targets
    if name == ERROR_RATE:
        return targets.error_rate_pct
    if name == RESPONSE_TIME:
        return targets.response_time_p95_s
    return None


def judge(session: Session | Targets, figures: Mapping[str, float | None]) -> list[FigureVerdict]:
    """Every targeted figure (a missing one included) and every other figure given."""
    verdicts = [
        FigureVerdict(name, figures.get(name), target_of(session, name)) for name in TARGETED
    ]
    verdicts.extend(
        FigureVerdict(name, value, None) for name, value in figures.items() if name not in TARGETED
    )
    return verdicts


def meets_targets(verdicts: list[FigureVerdict]) -> bool | None:
    """True when every targeted figure is there and meets its target; False when one misses;
    None when a targeted figure is missing (and none misses)."""
    judged = [v for v in verdicts if v.judged]
    if any(v.meets is False for v in judged):
        return False
    if any(v.missing for v in judged):
        return None
    return True
