"""The session: one deployment's whole go-live, as pydantic models.

The models are the single source of the rules: the TOML loader, the CLI, the wizard's inline
validation and `golive schema session` all use them. Nothing secret is ever a field here; secrets
are named by reference (`SecretReference`) and live in the OS keyring.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from golive.session.clock import now
from golive.session.country_setup import (
    ALL_PARTIES as ALL_PARTIES,
)
from golive.session.country_setup import (
    CONFIDENCE_TAGS as CONFIDENCE_TAGS,
)
from golive.session.country_setup import (
    CONFIDENCE_WORDS as CONFIDENCE_WORDS,
)
from golive.session.country_setup import (
    CertificateRecord as CertificateRecord,
)
from golive.session.country_setup import (
    Confidence as Confidence,
)
from golive.session.country_setup import (
    CountryCompanyIds as CountryCompanyIds,
)
from golive.session.country_setup import (
    CountryRequirements as CountryRequirements,
)
from golive.session.country_setup import (
    CountrySetup as CountrySetup,
)
from golive.session.country_setup import (
    Obligation as Obligation,
)
from golive.session.country_setup import (
    ObligationKind as ObligationKind,
)
from golive.session.country_setup import (
    Party as Party,
)
from golive.session.country_setup import (
    RuleAnswer as RuleAnswer,
)
from golive.session.country_setup import (
    TaxIdVerification as TaxIdVerification,
)
from golive.session.environments import DEFAULT_CALCULATE_PATH as DEFAULT_CALCULATE_PATH
from golive.session.environments import DEFAULT_EINVOICE_STATUS_PATH as DEFAULT_EINVOICE_STATUS_PATH
from golive.session.environments import DEFAULT_EINVOICE_SUBMIT_PATH as DEFAULT_EINVOICE_SUBMIT_PATH
from golive.session.environments import DEFAULT_SCOPE as DEFAULT_SCOPE
from golive.session.environments import DEFAULT_TOKEN_PATH as DEFAULT_TOKEN_PATH
from golive.session.environments import PRODUCTS as PRODUCTS
from golive.session.environments import TOKEN_FORMATS as TOKEN_FORMATS
from golive.session.environments import EInvoicingSettings as EInvoicingSettings
from golive.session.environments import Environments as Environments
from golive.session.environments import EnvironmentSettings as EnvironmentSettings
from golive.session.environments import RetryPolicy as RetryPolicy
from golive.session.environments import Timeouts as Timeouts
from golive.session.environments import TokenFormat as TokenFormat
from golive.session.sections import (
    GoLiveRecord,
    MonitoringSetup,
    PostDeploymentRecord,
    ProductionRecord,
    RollbackPlan,
    StagingRecord,
    SupportSetup,
)
from golive.session.values import (  # the names' old home: re-exported
    _URL_CONTROL as _URL_CONTROL,
)
from golive.session.values import CaBundlePath as CaBundlePath
from golive.session.values import (
    CountryCode as CountryCode,
)
from golive.session.values import (
    Email as Email,
)
from golive.session.values import (
    Moment as Moment,
)
from golive.session.values import (
    Strict as Strict,
)
from golive.session.values import (
    Url as Url,
)
from golive.session.values import (
    as_utc as as_utc,
)
from golive.session.values import check_ca_bundle as check_ca_bundle
from golive.session.values import (
    check_email as check_email,
)
from golive.session.values import (
    check_url as check_url,
)
from golive.session.values import (
    country_code as country_code,
)
from golive.session.values import (
    iso_countries as iso_countries,
)
from golive.session.values import (
    known_country_code as known_country_code,
)
from golive.session.values import special_file_kind as special_file_kind

SCHEMA_VERSION = 2


_as_utc = as_utc
_country_code = country_code


class ItemStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    BLOCKED = "blocked"


NEEDS_REASON = frozenset({ItemStatus.NOT_APPLICABLE, ItemStatus.BLOCKED})


class HistoryEntry(Strict):
    at: Moment
    by: str
    from_: ItemStatus | None = Field(default=None, alias="from")
    to: ItemStatus
    reason: str = ""
    note: str = ""
    attestation: str | None = Field(
        default=None, description="a person's reason for a state golive could prove with evidence"
    )
    evidence: list[str] | None = Field(
        default=None, description="the evidence records that made this change"
    )


class ItemState(Strict):
    """What the user (or a check) recorded for one checklist item."""

    status: ItemStatus = ItemStatus.TODO
    reason: str = ""
    note: str = ""
    changed_by: str = ""
    changed_at: Moment | None = None
    evidence: list[str] = Field(default_factory=list, description="ids of evidence records")
    attestation: str | None = Field(
        default=None,
        description="the person's reason for the current state, where evidence could prove it "
        "(an attestation); none when evidence set it",
    )
    evidence_id: str | None = Field(
        default=None, description="the newest evidence record that set a state of this item"
    )
    evidence_status: ItemStatus | None = Field(
        default=None, description="the state that newest evidence set"
    )
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reason_when_needed(self) -> ItemState:
        if self.status in NEEDS_REASON and not self.reason.strip():
            raise ValueError(f"status {self.status.value} needs a reason")
        return self


class Meta(Strict):
    title: str = ""
    partner: str = ""
    customer: str = ""
    engineer: str = ""
    session_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    created: Moment = Field(default_factory=now)
    updated: Moment = Field(default_factory=now)
    current_step: str = "credentials"
    demo: bool = Field(
        default=False, description="a demo session: its report says so on its first line"
    )
    go_live: date | None = Field(
        default=None,
        description="the planned go-live date (the production window's start wins once chosen)",
    )

    @model_validator(mode="after")
    def _id_shape(self) -> Meta:
        if not re.fullmatch(r"[0-9a-f]{8,64}", self.session_id):
            raise ValueError("session_id must be 8 to 64 lowercase hex digits (golive makes one)")
        return self


class Person(Strict):
    name: str
    email: Email = ""
    phone: str = ""
    role: str = ""


class SecretReference(Strict):
    """Where one of golive's own secrets lives. Never the value."""

    store: Literal["keyring", "environment", "prompt"] = "keyring"
    description: str = ""


class IntegrationVault(Strict):
    """The vault the integration itself uses in production (not golive's own keyring)."""

    product: str = Field(
        default="", description="e.g. HashiCorp Vault, AWS Secrets Manager, Azure Key Vault"
    )
    path: str = Field(default="", description="the path or entry name of the credentials")
    access: list[str] = Field(default_factory=list, description="who can read it")
    rotation_due: date | None = None


class CredentialsSetup(Strict):
    obtained_on: date | None = None
    expires_on: date | None = None
    vault: IntegrationVault = Field(default_factory=IntegrationVault)
    authorized_people: list[Person] = Field(default_factory=list)
    secrets: dict[str, SecretReference] = Field(default_factory=dict)

    # Checked per field (so the wizard shows the error at the field, and a file names its key);
    # on assignment `info.data` holds the other date as it is (issue 12: the dates are checked).
    @field_validator("obtained_on")
    @classmethod
    def _obtained_not_later(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return value
        if value > now().date() + timedelta(days=1):  # a day's grace for time zones
            raise ValueError(f"{value:%Y-%m-%d} is in the future: give the day they were obtained")
        expires = info.data.get("expires_on")
        if isinstance(expires, date) and value > expires:
            raise ValueError(
                f"obtained on {value:%Y-%m-%d}, after they expire ({expires:%Y-%m-%d})"
            )
        return value

    @field_validator("expires_on")
    @classmethod
    def _expires_after_obtained(cls, value: date | None, info: ValidationInfo) -> date | None:
        obtained = info.data.get("obtained_on")
        if value is not None and isinstance(obtained, date) and value < obtained:
            raise ValueError(
                f"they expire on {value:%Y-%m-%d}, before they were obtained ({obtained:%Y-%m-%d})"
            )
        return value


class Targets(Strict):
    error_rate_pct: float = Field(default=1.0, ge=0, le=100)
    response_time_p95_s: float = Field(default=2.0, gt=0, le=120)
    pilot_min: int = Field(default=1, ge=1)
    pilot_max: int = Field(default=3, ge=1)
    monitoring_window_hours: int = Field(default=48, ge=1, le=24 * 30)

    @model_validator(mode="after")
    def _pilot_range(self) -> Targets:
        if self.pilot_max < self.pilot_min:
            raise ValueError("pilot_max must be at least pilot_min")
        return self


class GateOverride(Strict):
    gate: Literal["production", "golive"]
    reason: str = Field(min_length=1)
    by: str
    at: Moment


class EvidenceHead(Strict):
    """The head of the evidence log's hash chain as golive last confirmed it (see
    `golive.session.evidence`): how many records the log held and the SHA-256 of the line of
    the last one. A record past it counts for nothing until golive confirms it as its own; a
    log shorter than it, or whose record at the head hashes otherwise, was cut or edited."""

    records: int = Field(default=0, ge=0, description="records of the log golive confirmed")
    last: str = Field(
        default="",
        pattern=r"^([0-9a-f]{64})?$",
        description="SHA-256 of the line of the last confirmed record (empty: none yet)",
    )


class Session(Strict):
    """One deployment's go-live. Serialised as the session TOML file."""

    schema_version: int = SCHEMA_VERSION
    meta: Meta = Field(default_factory=Meta)
    credentials: CredentialsSetup = Field(default_factory=CredentialsSetup)
    environments: Environments = Field(default_factory=Environments)
    countries: dict[CountryCode, CountrySetup] = Field(default_factory=dict)
    targets: Targets = Field(default_factory=Targets)
    monitoring: MonitoringSetup = Field(default_factory=MonitoringSetup)
    staging: StagingRecord = Field(default_factory=StagingRecord)
    production: ProductionRecord = Field(default_factory=ProductionRecord)
    golive: GoLiveRecord = Field(default_factory=GoLiveRecord)
    post_deployment: PostDeploymentRecord = Field(default_factory=PostDeploymentRecord)
    rollback: RollbackPlan = Field(default_factory=RollbackPlan)
    support: SupportSetup = Field(default_factory=SupportSetup)
    gate_overrides: list[GateOverride] = Field(default_factory=list)
    drafts: dict[str, str] = Field(
        default_factory=dict,
        description="what the user typed into a field that does not validate yet, by field path",
    )
    items: dict[str, ItemState] = Field(default_factory=dict)
    evidence: EvidenceHead | None = Field(
        default=None,
        description="the evidence log's chain head golive confirmed; golive keeps it (absent: "
        "a session saved before golive kept one)",
    )

    @model_validator(mode="after")
    def _version(self) -> Session:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version} is not {SCHEMA_VERSION}")
        return self

    def active_countries(self) -> list[str]:
        """The countries of the deployment, in a stable order (removed ones left out)."""
        return sorted(code for code, setup in self.countries.items() if not setup.removed)

    def is_demo(self) -> bool:
        return self.meta.demo
