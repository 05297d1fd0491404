"""The ways to check a tax ID: python-stdnum, the catalog's pattern, national forms, VIES."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from golive.countries import country_name
from golive.countries.catalog import CountryFacts
from golive.countries.taxid.details import (
    _compact,
    _display,
    _error_kind,
    _hint,
    _method,
    _module,
    _stdnum_errors,
    _taiwan_2023_rule,
    _what_is_wrong,
)
from golive.countries.taxid.tables import (
    _GENERIC,
    _HU_ADOSZAM,
    _HU_COUNTIES,
    _MY_ENTITY_PREFIXES,
    _MY_TIN,
    _PH_TIN,
    _SEPARATORS,
    _STRICT,
    _VN_PERSONAL,
)
from golive.countries.vies import (
    VIES_CODES,
    check_vat,
    vies_code,
)
from golive.session.model import TaxIdVerification

# --- the three ways to check ------------------------------------------------------------------


def _with_prefix_stripped(facts: CountryFacts, raw: str, moment: datetime) -> TaxIdVerification:
    """The verdict on the number as given; if that fails and it starts with the country's own
    prefix (ISO code or VAT prefix), the verdict without the prefix, saying it was removed."""
    result = _in_catalog(facts, raw, moment)
    compact = _SEPARATORS.sub("", raw).upper()
    eu_prefix = vies_code(facts.code)
    if eu_prefix is not None:  # python-stdnum's EU VAT modules take their prefix themselves, once
        if (
            result.outcome != "invalid"
            and compact.startswith(eu_prefix)
            and not result.number.upper().startswith(eu_prefix)
        ):
            said = f"given with the VAT prefix {eu_prefix}: checked as {result.number}; "
            return result.model_copy(update={"message": said + result.message})
        return result
    if result.outcome != "invalid":
        return result
    for prefix in dict.fromkeys((facts.code, VIES_CODES.get(facts.code, facts.code))):
        rest = compact.removeprefix(prefix)
        if rest == compact or not rest:
            continue
        again = _in_catalog(facts, rest, moment)
        if again.outcome != "invalid":
            said = (
                f"given with the country prefix {prefix}, which is not part of the "
                f"{facts.tax_id_name}: checked as {rest}; "
            )
            return again.model_copy(update={"message": said + again.message})
    return result


def _in_catalog(facts: CountryFacts, raw: str, moment: datetime) -> TaxIdVerification:
    compact = _SEPARATORS.sub("", raw).upper()
    generic = _GENERIC.get(facts.code, {}).get(compact)
    if generic:
        return TaxIdVerification(
            number=compact,
            method="golive: the authority's generic numbers",
            outcome="invalid",
            message=(
                f"{compact} is {generic}: invoices to anonymous or foreign buyers carry it, but it "
                f"is no company's {facts.tax_id_name}; enter the legal entity's own number"
            ),
            checked_at=moment,
        )
    national = _national_form(facts, raw, compact, moment)
    if national is not None:
        return national
    if facts.validation == "none":
        return _by_pattern(facts, raw, moment)
    return _by_stdnum(facts, raw, moment)


def _national_form(
    facts: CountryFacts, raw: str, compact: str, moment: datetime
) -> TaxIdVerification | None:
    """The national forms in use that python-stdnum (or the catalog's pattern) does not know."""
    spaced = re.sub(r"\s", "", raw)
    if facts.code == "HU" and (match := _HU_ADOSZAM.fullmatch(spaced)):
        return _hu_adoszam(facts, match, moment)
    if facts.code == "VN" and _VN_PERSONAL.fullmatch(compact):
        return TaxIdVerification(
            number=compact,
            method="golive: Vietnamese 12-digit personal identification number",
            outcome="format_only",
            message=(
                "a 12-digit personal identification number (CCCD): since 1 July 2025 it is the "
                "tax code of individuals and household businesses; it has no check digit, so "
                "only the format (province code, 12 digits) was checked"
            ),
            checked_at=moment,
        )
    if facts.code == "PH" and _PH_TIN.fullmatch(compact):
        branch = compact[9:]
        shown = "-".join([compact[0:3], compact[3:6], compact[6:9], *([branch] if branch else [])])
        return TaxIdVerification(
            number=shown,
            method="no validator: regex for the format",
            outcome="format_only",
            message=(
                f"matches the usual format (TIN: 9 digits + a branch code of 3 or 5 digits"
                f"{', here ' + branch if branch else ''}); no public validator exists for the "
                "Philippines (python-stdnum has none), so check digits were not checked and a "
                "typo can pass: compare it with the BIR registration (Form 2303)"
            ),
            checked_at=moment,
        )
    if facts.code == "MY":
        return _my_tin(facts, raw, compact, moment)
    return None


def _hu_adoszam(facts: CountryFacts, match: re.Match[str], moment: datetime) -> TaxIdVerification:
    base, vat_code, county = match.groups()
    module = _module("hu.anum")
    shown = f"{base}-{vat_code}-{county}"
    method = "python-stdnum hu.anum on the törzsszám + golive: adószám layout"
    problem = ""
    if not module.is_valid(base):
        problem = f"the check digit of the törzsszám {base} (its first 8 digits) is wrong"
    elif county not in _HU_COUNTIES:
        problem = f"{county} is not a NAV county code (02-20, 22, 41-44, 51)"
    if problem:
        return TaxIdVerification(
            number=shown,
            method=method,
            outcome="invalid",
            message=f"not a valid 11-digit adószám: {problem}",
            checked_at=moment,
        )
    return TaxIdVerification(
        number=shown,
        method=method,
        outcome="valid",
        message=(
            f"a valid 11-digit adószám: the törzsszám's check digit is right, VAT code "
            f"{vat_code}, county code {county}; its EU VAT number is HU{base}"
        ),
        checked_at=moment,
    )


def _my_tin(facts: CountryFacts, raw: str, compact: str, moment: datetime) -> TaxIdVerification:
    method = "golive: MyInvois TIN rules (prefix, entity TINs end in 0); no check digit"
    match = _MY_TIN.fullmatch(compact)
    if match is None or len(compact) > 14:
        return TaxIdVerification(
            number=compact,
            method=method,
            outcome="invalid",
            message=(
                f"not a MyInvois TIN (expected IG for individuals, or an entity prefix "
                f"{', '.join(_MY_ENTITY_PREFIXES)}, then digits; at most 14 characters; got "
                f"{compact!r})" + _hint(facts, raw)
            ),
            checked_at=moment,
        )
    prefix, digits = match.groups()
    if prefix != "IG" and not digits.endswith("0"):
        return TaxIdVerification(
            number=compact,
            method=method,
            outcome="invalid",
            message=(
                f"a MyInvois TIN of an entity ({prefix}) ends in 0; a TIN issued before 2023 gets "
                f"a 0 added at the end: did you mean {compact}0?"
            ),
            checked_at=moment,
        )
    return TaxIdVerification(
        number=compact,
        method=method,
        outcome="format_only",
        message=(
            f"matches the MyInvois TIN format (prefix {prefix}); LHDN publishes no check digit, "
            "so a typo can pass"
        ),
        checked_at=moment,
    )


def _by_stdnum(facts: CountryFacts, raw: str, moment: datetime) -> TaxIdVerification:
    module = _module(facts.stdnum_module)
    strict = _STRICT.get(facts.stdnum_module, {})
    compact = _compact(module, raw)
    try:
        module.validate(raw, **strict)
    except _stdnum_errors() as error:
        if strict and module.is_valid(raw):  # the check digits alone fail
            return _check_digit_warning(facts, module, compact, moment)
        if facts.stdnum_module == "tw.ubn" and _taiwan_2023_rule(compact):
            return TaxIdVerification(
                number=compact,
                method="python-stdnum tw.ubn + golive: the 2023 check-digit rule",
                outcome="valid",
                message=(
                    "a valid UBN under the Ministry of Finance's 2023 rule (the weighted sum "
                    "divisible by 5, for numbers issued since 2023); python-stdnum 2.2 still "
                    "checks the old rule (divisible by 10)"
                ),
                checked_at=moment,
            )
        message = _what_is_wrong(facts, module, raw, compact, error)
        return TaxIdVerification(
            number=compact,
            method=_method(facts),
            outcome="invalid",
            message=message + _hint(facts, raw),
            checked_at=moment,
        )
    shown = _display(facts, module, compact)
    if facts.validation == "format_only":
        return TaxIdVerification(
            number=shown,
            method=_method(facts),
            outcome="format_only",
            message=(
                f"the format is right ({facts.tax_id_name}: {facts.tax_id_format}), but "
                f"python-stdnum's {facts.stdnum_module} checks the format only: there is no check "
                "digit, so a one-digit typo would pass too; compare it with the registration "
                "certificate"
            ),
            checked_at=moment,
        )
    return TaxIdVerification(
        number=shown,
        method=_method(facts),
        outcome="valid",
        message=f"a valid {facts.tax_id_name}: format and check digits are right",
        checked_at=moment,
    )


def _check_digit_warning(
    facts: CountryFacts, module: Any, compact: str, moment: datetime
) -> TaxIdVerification:
    """A Mexican RFC whose layout is right but whose check digit fails: SAT has issued RFCs like
    that (python-stdnum found about 1.5 % of RFCs in use fail), so it is a warning."""
    homoclave = compact[-3:]
    what = (
        f"its homoclave {homoclave} uses characters outside SAT's alphabet for it"
        if not re.fullmatch(r"[1-9A-V][1-9A-Z][0-9A]", homoclave)
        else "the check digit (the last character of the homoclave) does not compute"
    )
    test_rfc = (
        " (AAA010101AAA is SAT's public test RFC, the one of SAT's test certificates: no company's)"
        if compact == "AAA010101AAA"
        else ""
    )
    return TaxIdVerification(
        number=_display(facts, module, compact),
        method=_method(facts),
        outcome="format_only",
        message=(
            f"warning: the layout is that of an RFC, but {what}. SAT has issued RFCs whose "
            "check digit fails, so this is not a rejection; it may also be a typo"
            f"{test_rfc}"
        ),
        checked_at=moment,
    )


def _by_pattern(facts: CountryFacts, raw: str, moment: datetime) -> TaxIdVerification:
    compact = _SEPARATORS.sub("", raw).upper()
    method = "no validator: regex for the format"
    if re.fullmatch(facts.tax_id_pattern, compact):
        return TaxIdVerification(
            number=compact,
            method=method,
            outcome="format_only",
            message=(
                f"matches the usual format ({facts.tax_id_name}: {facts.tax_id_format}); no "
                f"public validator exists for {facts.name} (python-stdnum has none), so check "
                "digits were not checked and a typo can pass: compare it with the registration "
                "certificate"
            ),
            checked_at=moment,
        )
    return TaxIdVerification(
        number=compact,
        method=method,
        outcome="invalid",
        message=(
            f"not the usual format (expected {facts.tax_id_name}: {facts.tax_id_format}; "
            f"got {len(compact)} characters, {compact!r})" + _hint(facts, raw)
        ),
        checked_at=moment,
    )


def _outside_catalog(cc: str, raw: str, moment: datetime) -> TaxIdVerification:
    from stdnum.util import get_cc_module

    name = country_name(cc)
    for kind in ("vat", "tin"):
        module = get_cc_module(cc.lower(), kind)
        if module is None:
            continue
        module_name = f"{cc.lower()}.{kind}"
        method = f"python-stdnum {module_name} ({name} is not in golive's country catalog)"
        compact = _compact(module, raw)
        try:
            module.validate(raw)
        except _stdnum_errors() as error:
            return TaxIdVerification(
                number=compact,
                method=method,
                outcome="invalid",
                message=f"python-stdnum's {module_name} rejects it: {_error_kind(error)}",
                checked_at=moment,
            )
        return TaxIdVerification(
            number=compact,
            method=method,
            outcome="valid",
            message=f"python-stdnum's {module_name} accepts it (as its documentation describes)",
            checked_at=moment,
        )
    return TaxIdVerification(
        number=_SEPARATORS.sub("", raw).upper(),
        method=f"none: no validator for {name}",
        outcome="unverifiable",
        message=(
            f"{name} is not in golive's country catalog and python-stdnum has no tax-ID module "
            "for it, so nothing was checked: compare the number with the registration certificate"
        ),
        checked_at=moment,
    )


def _with_vies(
    cc: str, facts: CountryFacts | None, result: TaxIdVerification, *, url: str, timeout: float
) -> TaxIdVerification:
    code = vies_code(cc)
    if code is None:
        return result.model_copy(
            update={"vies": "not checked: VIES covers the VAT numbers of EU member states only"}
        )
    if result.outcome != "valid":
        return result.model_copy(update={"vies": "not checked: the number failed the local check"})
    vat_number = _SEPARATORS.sub("", result.number).upper()
    for prefix in {code, cc}:
        vat_number = vat_number.removeprefix(prefix)
    answer = check_vat(cc, vat_number, url=url, timeout=timeout)
    method = f"{result.method} + EU VIES"
    if answer == "valid":
        return result.model_copy(
            update={
                "vies": answer,
                "method": method,
                "message": f"{result.message}; VIES confirms it is a registered, active VAT number",
            }
        )
    if answer == "invalid":
        label = facts.tax_id_name if facts else "number"
        return result.model_copy(
            update={
                "vies": answer,
                "method": method,
                "outcome": "invalid",
                "message": (
                    f"the {label}'s format and check digits are right, but VIES says {code}"
                    f"{vat_number} is not a valid VAT registration (not registered, or no longer "
                    "active): check the number with the company and its tax office"
                ),
            }
        )
    return result.model_copy(update={"vies": answer})
