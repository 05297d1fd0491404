"""A country in the session: the catalog's dated obligations, the answers to its rules, its company
IDs, tax-ID checks and certificates (re-exported by golive.session.model)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import (
    Field,
    model_validator,
)

from golive.session.values import (
    Moment,
    Strict,
)

Confidence = Literal["verified", "secondary", "inferred"]
ObligationKind = Literal["einvoicing", "reporting", "certificate", "platform"]
Party = Literal["B2B", "B2G", "B2C"]
ALL_PARTIES: tuple[Party, ...] = ("B2B", "B2G", "B2C")
CONFIDENCE_WORDS: dict[str, str] = {
    "verified": "verified from the primary source",
    "secondary": "from a secondary source",
    "inferred": "golive's inference, not a sourced fact",
}
# the tags the catalog's sources carry (domain-facts.md): "vatupdate.com/... [S]"
CONFIDENCE_TAGS: dict[str, str] = {"verified": "[V]", "secondary": "[S]", "inferred": "[I]"}


class Obligation(Strict):
    """One dated requirement of a country, as the catalog states it (and the session keeps it).

    `required` false is a "not required" statement: it makes an item not applicable only when its
    confidence is verified or secondary. `threshold` / `taxpayer_class` are conditions the session
    cannot decide itself (a revenue band, a kind of taxpayer): the user answers them per country.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: ObligationKind
    required: bool = True
    what: str
    from_: date | None = Field(default=None, alias="from", description="first day in force")
    until: date | None = Field(default=None, description="last day in force")
    applies_to: list[Party] = Field(default_factory=lambda: list(ALL_PARTIES))
    threshold: str = Field(default="", description="e.g. revenue >= AED 50 m (asked, not guessed)")
    taxpayer_class: str = Field(default="", description="e.g. government entities")
    source: str = ""
    reviewed: date | None = None
    confidence: Confidence = "inferred"
    note: str = ""

    def in_force(self, start: date, end: date | None = None) -> bool:
        """Whether it is in force on any day from `start` to `end` (inclusive; `end` default start)."""
        last = end or start
        begins_ok = self.from_ is None or self.from_ <= last
        ends_ok = self.until is None or self.until >= start
        return begins_ok and ends_ok

    @property
    def condition(self) -> str:
        """What the session cannot decide about it ("" when it applies to every taxpayer)."""
        return "; ".join(part for part in (self.threshold, self.taxpayer_class) if part)

    @property
    def sourced_no(self) -> bool:
        """A "not required" the checklist may act on (never an inference)."""
        return not self.required and self.confidence in ("verified", "secondary")


class CountryRequirements(Strict):
    """A snapshot of the country catalog's row, taken when the country was added (or refreshed).

    The obligations are the rules; the flat certificate_/platform_ fields are what sessions made
    before dated obligations kept (read for those sessions only, until `countries ... refresh`).
    """

    name: str = ""
    route: str = ""
    document_format: str = ""
    test_environment: bool | None = Field(
        default=None, description="whether the authority has a test mode (None: unknown)"
    )
    proof_id: str = Field(default="", description="what proves a document went through")
    currency: str = ""
    obligations: list[Obligation] = Field(default_factory=list)
    catalog_digest: str = Field(default="", description="digest of the catalog row snapshotted")
    evaluated_for: date | None = Field(
        default=None, description="the go-live date the snapshot was last taken or refreshed for"
    )
    snapshot_at: Moment | None = None
    model: str = ""
    platform: str = ""
    certificate_required: bool | None = None
    certificate_kind: str = ""
    certificate_reason: str = ""
    platform_required: bool | None = None
    platform_registration: str = ""
    platform_reason: str = ""
    tax_id_name: str = ""
    source: str = ""
    reviewed: date | None = None


class TaxIdVerification(Strict):
    number: str
    method: str
    outcome: Literal["valid", "invalid", "format_only", "unverifiable"]
    message: str = ""
    checked_at: Moment
    vies: str = ""


class CertificateRecord(Strict):
    file: str
    subject: str
    issuer: str
    serial: str
    not_before: Moment
    not_after: Moment
    fingerprint_sha256: str
    kind: str = ""
    verdict: Literal["usable", "warning", "not_usable"]
    messages: list[str] = Field(default_factory=list)
    inspected_at: Moment


class RuleAnswer(Strict):
    """A person's answer to a rule golive cannot decide (a revenue band, a taxpayer class)."""

    applies: bool
    by: str
    at: Moment


class CountryCompanyIds(Strict):
    """A country's own externalCompanyId per environment (companies differ between UAT and
    production); empty: the environment's company."""

    staging: str = ""
    production: str = ""


class CountrySetup(Strict):
    tax_id: str = ""
    company_ids: CountryCompanyIds = Field(
        default_factory=CountryCompanyIds,
        description="overrides the environment's company for this country, per environment",
    )
    requirements: CountryRequirements = Field(default_factory=CountryRequirements)
    tax_id_verification: TaxIdVerification | None = None
    certificate: CertificateRecord | None = None
    platform_account: str = Field(
        default="", description="e.g. the PAC, the SdI channel, the Peppol access point"
    )
    removed: bool = Field(
        default=False, description="removed from the deployment; its history is kept"
    )
    answers: dict[str, RuleAnswer] = Field(
        default_factory=dict,
        description="obligation id -> whether it applies to this deployment (a person's word: "
        "a revenue band or taxpayer class golive cannot decide)",
    )
    earlier_requirements: list[CountryRequirements] = Field(
        default_factory=list, description="snapshots replaced by `countries ... refresh`"
    )

    @model_validator(mode="before")
    @classmethod
    def _one_company_for_both(cls, data: Any) -> Any:
        """Sessions before per-environment company ids had one `external_company_id` for both
        environments: it becomes the value of both (unless a per-environment value is set)."""
        if isinstance(data, dict) and "external_company_id" in data:
            data = dict(data)
            old = data.pop("external_company_id")
            ids = data.get("company_ids")
            if isinstance(old, str) and old and not isinstance(ids, CountryCompanyIds):
                merged = dict(ids) if isinstance(ids, dict) else {}
                for env in ("staging", "production"):
                    merged.setdefault(env, old)
                data["company_ids"] = merged
        return data

    def company_for(self, environment: str) -> str:
        """This country's own externalCompanyId in an environment, or ""."""
        value: str = getattr(self.company_ids, environment, "")
        return value
