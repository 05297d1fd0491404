"""What a check run found, stage by stage: the structured result every presenter reads.

Every failure carries the stage it happened in, a message naming the host or URL, and advice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from golive.session.clock import now


class CheckStage(StrEnum):
    """The stages of a check, in the order a request meets them."""

    DNS = "dns"
    TCP = "tcp"
    TLS = "tls"
    HTTP = "http"
    AUTH = "auth"
    COMPANY = "company"
    TRANSACTION = "transaction"
    CLEARANCE = "clearance"
    VALIDATION = "validation"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    CheckStage.DNS: "DNS",
    CheckStage.TCP: "TCP",
    CheckStage.TLS: "TLS",
    CheckStage.HTTP: "HTTP",
    CheckStage.AUTH: "authentication",
    CheckStage.COMPANY: "company",
    CheckStage.TRANSACTION: "tax calculation",
    CheckStage.CLEARANCE: "e-invoice clearance",
    CheckStage.VALIDATION: "validation error",
}

StageOutcome = Literal["passed", "warning", "failed", "skipped"]
CheckOutcome = Literal["passed", "warning", "failed", "skipped", "cancelled"]
SuiteName = Literal["connectivity", "transaction", "smoke", "probe", "parity"]
SUITES: tuple[SuiteName, ...] = ("connectivity", "transaction", "smoke", "probe", "parity")


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageResult(_Result):
    stage: CheckStage
    outcome: StageOutcome
    elapsed_s: float = 0.0
    message: str = ""
    advice: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


class CheckResult(_Result):
    """One check: connectivity, one country's transaction, the validation request, the probe."""

    id: str = Field(description="e.g. connectivity, transaction.IT, validation, probe")
    title: str
    outcome: CheckOutcome
    stage: CheckStage | None = Field(
        default=None, description="where it failed (or its last stage)"
    )
    message: str = ""
    advice: str = ""
    elapsed_s: float = 0.0
    country: str | None = None
    stages: list[StageResult] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome in ("passed", "warning")

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


class SuiteResult(_Result):
    """One run of a suite against one environment."""

    suite: SuiteName
    environment: str
    host: str
    base_url: str
    rehearsal: bool = Field(
        description="against the sandbox or a UAT host: proves nothing about production"
    )
    demo: bool = False
    started: datetime = Field(default_factory=now)
    ended: datetime = Field(default_factory=now)
    elapsed_s: float = Field(default=0.0, description="wall-clock seconds of the run")
    cancelled: bool = False
    checks: list[CheckResult] = Field(default_factory=list)
    figures: dict[str, Any] = Field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Every check passed (a warning passes), and the run was not cancelled."""
        return not self.cancelled and bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def outcome(self) -> Literal["passed", "failed", "warning", "cancelled"]:
        if self.cancelled:
            return "cancelled"
        if not self.passed:
            return "failed"
        return "warning" if any(c.outcome == "warning" for c in self.checks) else "passed"

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.failed]

    def summary(self) -> str:
        """One line: what ran, against what, and how it went."""
        counts = {
            o: sum(c.outcome == o for c in self.checks) for o in ("passed", "warning", "failed")
        }
        where = f"{self.environment} ({self.host})"
        tag = " [rehearsal]" if self.rehearsal else ""
        tag += " [demo]" if self.demo else ""
        if self.cancelled:
            return f"{self.suite} against {where}{tag}: cancelled after {len(self.checks)} check(s)"
        head = f"{self.suite} against {where}{tag}: {self.outcome}"
        parts = [f"{n} {o}" for o, n in counts.items() if n]
        if self.failures:
            first = self.failures[0]
            stage = f" at {first.stage.label}" if first.stage else ""
            parts.append(f"first failure {first.id}{stage}: {first.message}")
        return head + (" (" + "; ".join(parts) + ")" if parts else "")

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["outcome"] = self.outcome
        data["passed"] = self.passed
        data["summary"] = self.summary()
        return data
