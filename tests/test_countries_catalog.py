"""The country catalog: complete rows, real python-stdnum modules, tz-database names and zones."""

from __future__ import annotations

import importlib
import tomllib
from datetime import date
from importlib import resources

import pytest

from golive.countries import (
    catalog,
    country,
    country_name,
    is_known_country,
    requirements_for,
    time_zones,
)
from golive.countries.catalog import CountryFacts, parse_catalog
from golive.session.errors import BadInputError, GoliveError

# The 34 countries of shared/research/domain-facts.md section 2, and the 27 EU member states.
FACT_SHEET = (
    "IT", "MX", "BR", "IN", "SA", "PL", "HU", "ES", "TR", "CL", "CO", "PE", "EC", "AR", "EG",
    "MY", "FR", "BE", "DE", "GR", "PT", "RO", "RS", "IL", "KE", "VN", "ID", "PH", "KR", "TW",
    "AE", "SG", "AU", "NZ",
)  # fmt: skip
EU = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


def raw_rows() -> dict[str, dict[str, object]]:
    text = resources.files("golive.countries").joinpath("catalog.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_the_catalog_covers_the_fact_sheet_and_every_eu_member_state() -> None:
    assert len(FACT_SHEET) == 34 and len(EU) == 27
    missing = sorted((set(FACT_SHEET) | set(EU)) - set(catalog()))
    assert missing == []
    assert len(catalog()) >= 51


def test_every_row_writes_every_field_out() -> None:
    fields = set(CountryFacts.model_fields) - {"code"}
    optional = {"note"}
    for code, row in raw_rows().items():
        assert fields - optional <= set(row) <= fields, (
            f"[{code}] lacks {fields - optional - set(row)} or has extra {set(row) - fields}"
        )


def test_every_row_has_dated_obligations_for_the_certificate_and_the_platform() -> None:
    for code, facts in catalog().items():
        kinds = {o.kind for o in facts.obligations}
        assert {"certificate", "platform"} <= kinds, code
        for obligation in facts.obligations:
            assert obligation.source and obligation.reviewed, (code, obligation.id)
            if obligation.confidence == "verified":
                assert "[V]" in obligation.source, (code, obligation.id)


def test_every_row_carries_its_currency_route_and_proof() -> None:
    assert country("BG").currency == "EUR"  # type: ignore[union-attr]  # euro since 2026-01-01
    assert country("MX").currency == "MXN"  # type: ignore[union-attr]
    assert country("FR").route == "approved platform"  # type: ignore[union-attr]
    assert country("TW").route == "real-time reporting"  # type: ignore[union-attr]
    assert country("KR").route == "real-time reporting"  # type: ignore[union-attr]
    assert country("GR").proof_id == "MARK"  # type: ignore[union-attr]
    assert country("MX").test_environment == "no"  # type: ignore[union-attr]
    for code, facts in catalog().items():
        assert len(facts.currency) == 3, code


def test_every_row_names_a_source_or_says_unverified_and_has_a_review_date() -> None:
    for code, facts in catalog().items():
        assert facts.source.strip(), code
        if facts.verified:
            # a citation carries its kind: [V] primary/vendor, [S] secondary
            assert "[V]" in facts.source or "[S]" in facts.source, f"[{code}] {facts.source}"
        assert isinstance(facts.reviewed, date)
        assert date(2026, 11, 28) <= facts.reviewed <= date(2026, 12, 2), code


def test_every_python_stdnum_module_named_exists_in_the_pinned_release() -> None:
    import stdnum

    assert stdnum.__version__ == "2.2"
    for code, facts in catalog().items():
        names = [facts.stdnum_module] if facts.stdnum_module else []
        names += [other.module for other in facts.other_ids]
        for name in names:
            module = importlib.import_module(f"stdnum.{name}")
            assert callable(module.validate), f"[{code}] stdnum.{name}"


def test_validation_kinds_match_what_the_modules_can_check() -> None:
    kinds = {code: facts.validation for code, facts in catalog().items()}
    assert {c for c, k in kinds.items() if k == "format_only"} == {"KR", "EG", "KE"}
    assert {c for c, k in kinds.items() if k == "none"} == {"SA", "AE", "PH", "MY"}


def test_a_required_item_says_what_it_means_and_a_waived_one_says_why() -> None:
    mexico = country("MX")
    assert mexico is not None
    by_id = {o.id: o for o in mexico.obligations}
    assert by_id["certificate"].required and "CSD" in by_id["certificate"].what
    assert by_id["platform"].required and "PAC" in by_id["platform"].what
    germany = country("DE")
    assert germany is not None
    by_id = {o.id: o for o in germany.obligations}
    assert not by_id["certificate"].required and by_id["certificate"].confidence == "secondary"
    assert not by_id["platform"].required and "Leitweg" in by_id["platform"].what


def test_inferences_are_marked_as_such() -> None:
    spain = country("ES")
    assert spain is not None
    assert {o.id: o for o in spain.obligations}["certificate"].confidence == "inferred"
    slovakia = country("SK")
    assert slovakia is not None
    certificate = {o.id: o for o in slovakia.obligations}["certificate"]
    assert not certificate.required and certificate.confidence == "inferred"


def test_a_broken_row_is_reported_with_its_country_and_field() -> None:
    text = """
[ZZ]
name = "Nowhere"
route = "clearance"
"""
    with pytest.raises(GoliveError) as caught:
        parse_catalog(text, "catalog.toml")
    assert "[ZZ]" in caught.value.where
    assert "platform" in caught.value.where or "Field required" in caught.value.message


def test_an_obligation_must_not_end_before_it_starts() -> None:
    row = dict(raw_rows()["PL"])
    obligations = [dict(o) for o in row["obligation"]]  # type: ignore[union-attr]
    obligations[0]["until"] = date(2020, 1, 1)
    row["obligation"] = obligations
    import tomli_w

    with pytest.raises(GoliveError, match="ends before it starts"):
        parse_catalog(tomli_w.dumps({"PL": row}))


def test_time_zones_come_from_the_tz_database_and_can_be_several() -> None:
    mexico = time_zones("MX")
    assert "America/Mexico_City" in mexico and len(mexico) > 5
    assert time_zones("IT") == ["Europe/Rome"]
    assert time_zones("mx") == mexico
    assert time_zones("US")[0] == "America/New_York"
    for code in catalog():
        assert time_zones(code), f"no zone for {code}"


def test_countries_outside_the_catalog_are_known_by_their_tz_database_name() -> None:
    assert is_known_country("US") and country("US") is None
    assert country_name("US") == "United States"
    assert not is_known_country("XX")
    assert not is_known_country("EU")


def test_requirements_for_a_catalog_country_copy_the_row() -> None:
    req = requirements_for("mx")
    assert req.name == "Mexico"
    assert req.route == "clearance" and req.currency == "MXN"
    assert req.proof_id.startswith("CFDI UUID") and req.test_environment is False
    by_id = {o.id: o for o in req.obligations}
    assert by_id["certificate"].what == "CSD (Certificado de Sello Digital) from SAT"
    assert by_id["platform"].what.startswith("RFC and fiscal regime")
    assert req.tax_id_name == "RFC"
    assert req.source.endswith("[S]") and req.reviewed == date(2026, 11, 28)
    assert req.catalog_digest and req.model == ""


def test_requirements_outside_the_catalog_leave_the_questions_open() -> None:
    req = requirements_for("US")
    assert req.name == "United States"
    assert req.obligations == [] and req.catalog_digest == ""
    assert req.route == "" and req.source == ""


def test_greece_may_be_given_by_its_vat_prefix() -> None:
    assert requirements_for("EL").name == "Greece"


@pytest.mark.parametrize("code", ["XX", "", "MEX", "12"])
def test_requirements_for_an_unknown_code_is_bad_input(code: str) -> None:
    with pytest.raises(BadInputError) as caught:
        requirements_for(code)
    assert "ISO 3166-1 alpha-2" in caught.value.message
    assert "golive country list" in caught.value.advice
