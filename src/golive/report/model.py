"""The report model, as it was imported before the split: a facade over the modules that hold it.

symbols and types (the models), masking (credentials out of every text), words, figures,
evidence, items, facts, setup_sections, ops_sections, countries, readiness and build
(`build_report`). The old private names (`_leftover_facts`...) still resolve.
"""

from __future__ import annotations

from golive.report.build import (
    _attestations,
    _country_states,
    _dates,
    _item_entries,
    _phases,
    _reviews,
    _section_entry,
    _summary,
    _targets,
    build_report,
)
from golive.report.countries import (
    _dated_requirement_facts,
    _requirement_facts,
    country_block,
)
from golive.report.countries import (
    country_block as _country_block,
)
from golive.report.evidence import (
    _KINDS,
    _details,
    _kind_text,
    evidence_chain,
    evidence_entry,
)
from golive.report.evidence import (
    evidence_chain as _chain,
)
from golive.report.evidence import (
    evidence_entry as _evidence_entry,
)
from golive.report.facts import (
    _generic_facts,
    days_until,
    fact_list,
    leftover_facts,
)
from golive.report.facts import (
    days_until as _days_until,
)
from golive.report.facts import (
    fact_list as _facts,
)
from golive.report.facts import (
    leftover_facts as _leftover_facts,
)
from golive.report.figures import (
    _FIGURES,
    _figure_label,
    measurement,
    measurements,
)
from golive.report.items import (
    REVIEWS_SHOWN,
    _review_notes,
    item_entry,
    progress_of,
)
from golive.report.items import (
    item_entry as _item_entry,
)
from golive.report.items import (
    progress_of as _progress,
)
from golive.report.masking import (
    _SECRET_SHAPES,
    safe_url,
    scrub,
)
from golive.report.ops_sections import (
    _deploy_facts,
    _duration,
    _figures_text,
    golive_details,
    post_details,
    production_details,
    rollback_details,
    staging_details,
    support_details,
)
from golive.report.ops_sections import (
    golive_details as _golive_details,
)
from golive.report.ops_sections import (
    post_details as _post_details,
)
from golive.report.ops_sections import (
    production_details as _production_details,
)
from golive.report.ops_sections import (
    rollback_details as _rollback_details,
)
from golive.report.ops_sections import (
    staging_details as _staging_details,
)
from golive.report.ops_sections import (
    support_details as _support_details,
)
from golive.report.readiness import (
    gate_readiness,
    override_entries,
)
from golive.report.readiness import (
    gate_readiness as _readiness,
)
from golive.report.readiness import (
    override_entries as _override_entries,
)
from golive.report.setup_sections import (
    _TOOLS,
    _metrics_facts,
    credentials_details,
    environment_table,
    monitoring_details,
)
from golive.report.setup_sections import (
    credentials_details as _credentials_details,
)
from golive.report.setup_sections import (
    environment_table as _environment_table,
)
from golive.report.setup_sections import (
    monitoring_details as _monitoring_details,
)
from golive.report.symbols import (
    GATE_TITLES,
    NOTHING,
    OUTCOME_SYMBOLS,
    STATE_SYMBOLS,
    STATE_WORDS,
)
from golive.report.types import (
    FORMAT_VERSION,
    Attestation,
    BlockingItem,
    CertificateSummary,
    CountryBlock,
    CountryRef,
    CountryState,
    Detail,
    Diagnosis,
    EvidenceChain,
    EvidenceEntry,
    Fact,
    GateOverrideEntry,
    HistoryStep,
    ItemEntry,
    ItemGroup,
    Measurement,
    PhaseEntry,
    Progress,
    Readiness,
    Report,
    Review,
    SectionEntry,
    Summary,
    Table,
    TaxIdResult,
    UnverifiedEntry,
    _Model,
)
from golive.report.words import (
    _RECORD_ID,
    basis_attention,
    basis_record,
    blocking_words,
    by_kind,
    country_name,
    date_text,
    entry_text,
    is_empty,
    moment_text,
    no_attestation_words,
    number_text,
    plural,
    recorded_by_its_run,
    shown_note,
    span_text,
    value_text,
    with_refs,
    words,
    yes_no,
)
from golive.report.words import (
    entry_text as _entry_text,
)
from golive.report.words import (
    is_empty as _empty,
)
from golive.report.words import (
    plural as _plural,
)
from golive.report.words import (
    value_text as _value_text,
)

__all__ = [
    "FORMAT_VERSION",
    "GATE_TITLES",
    "NOTHING",
    "OUTCOME_SYMBOLS",
    "REVIEWS_SHOWN",
    "STATE_SYMBOLS",
    "STATE_WORDS",
    "_FIGURES",
    "_KINDS",
    "_RECORD_ID",
    "_SECRET_SHAPES",
    "_TOOLS",
    "Attestation",
    "BlockingItem",
    "CertificateSummary",
    "CountryBlock",
    "CountryRef",
    "CountryState",
    "Detail",
    "Diagnosis",
    "EvidenceChain",
    "EvidenceEntry",
    "Fact",
    "GateOverrideEntry",
    "HistoryStep",
    "ItemEntry",
    "ItemGroup",
    "Measurement",
    "PhaseEntry",
    "Progress",
    "Readiness",
    "Report",
    "Review",
    "SectionEntry",
    "Summary",
    "Table",
    "TaxIdResult",
    "UnverifiedEntry",
    "_Model",
    "_attestations",
    "_chain",
    "_country_block",
    "_country_states",
    "_credentials_details",
    "_dated_requirement_facts",
    "_dates",
    "_days_until",
    "_deploy_facts",
    "_details",
    "_duration",
    "_empty",
    "_entry_text",
    "_environment_table",
    "_evidence_entry",
    "_facts",
    "_figure_label",
    "_figures_text",
    "_generic_facts",
    "_golive_details",
    "_item_entries",
    "_item_entry",
    "_kind_text",
    "_leftover_facts",
    "_metrics_facts",
    "_monitoring_details",
    "_override_entries",
    "_phases",
    "_plural",
    "_post_details",
    "_production_details",
    "_progress",
    "_readiness",
    "_requirement_facts",
    "_review_notes",
    "_reviews",
    "_rollback_details",
    "_section_entry",
    "_staging_details",
    "_summary",
    "_support_details",
    "_targets",
    "_value_text",
    "basis_attention",
    "basis_record",
    "blocking_words",
    "build_report",
    "by_kind",
    "country_block",
    "country_name",
    "credentials_details",
    "date_text",
    "days_until",
    "entry_text",
    "environment_table",
    "evidence_chain",
    "evidence_entry",
    "fact_list",
    "gate_readiness",
    "golive_details",
    "is_empty",
    "item_entry",
    "leftover_facts",
    "measurement",
    "measurements",
    "moment_text",
    "monitoring_details",
    "no_attestation_words",
    "number_text",
    "override_entries",
    "plural",
    "post_details",
    "production_details",
    "progress_of",
    "recorded_by_its_run",
    "rollback_details",
    "safe_url",
    "scrub",
    "shown_note",
    "span_text",
    "staging_details",
    "support_details",
    "value_text",
    "with_refs",
    "words",
    "yes_no",
]
