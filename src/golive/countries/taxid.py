"""Tax-ID verification: python-stdnum for format and check digits, VIES on request.

The verdict says exactly what was checked: check digits, the format only (python-stdnum's
kr.brn, eg.tn and ke.pin have nothing more to check), a regular expression where no validator
exists (SA, AE, PH, the Malaysian company TIN), or nothing for a country golive knows no rule for.
The result is the evidence for the checklist item `compliance.CC.tax_id`.

Failing safe: a verdict never claims more than was checked. A check-digit verdict is "valid"; a
format-only verdict ("format_only") names the authority's lookup that would confirm the number, and
leaves the item in progress until a person attests it. Where python-stdnum is stricter than the
authority (a Mexican RFC whose check digit fails: SAT has issued such RFCs), golive warns instead of
rejecting; national forms in use are accepted (HU 11-digit adószám, PH 5-digit branch code, VN
12-digit personal ID, Taiwan's 2023 check-digit rule, MyInvois TINs), and a number given with its
country prefix is checked without it, saying so. Generic numbers (SAT's XAXX010101000 and
XEXX010101000, LHDN's general TINs) are named: they are no company's tax ID.
"""

from __future__ import annotations

import csv
import importlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.countries import country, country_name, normalise_code
from golive.countries.catalog import CountryFacts
from golive.countries.vies import (
    DEFAULT_TIMEOUT,
    DEFAULT_VIES_URL,
    VIES_CODES,
    check_vat,
    vies_code,
)
from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError, GoliveError
from golive.session.model import TaxIdVerification

if TYPE_CHECKING:
    from golive.session.evidence import EvidenceRecord, Outcome
    from golive.session.model import Session

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_VIES_URL",
    "RowVerdict",
    "authority_lookup",
    "record_tax_id",
    "shown_safely",
    "spreadsheet_safe",
    "verify_tax_id",
    "verify_tax_id_file",
]

_SEPARATORS = re.compile(r"[\s\-./,:]")
_PREFIX_COUNTRY = {prefix: code for code, prefix in VIES_CODES.items()}
# Modules whose default skips check digits that golive wants checked.
_STRICT = {"mx.rfc": {"validate_check_digits": True}}

# Where a person confirms that a number is registered, for the verdicts that cannot (format only,
# or a check digit the authority itself does not enforce). EU member states: VIES.
_LOOKUP = {
    "AE": "the FTA's TRN verification (tax.gov.ae, EmaraTax)",
    "EG": "the Egyptian Tax Authority's registration of the taxpayer (the e-invoicing portal)",
    "HU": "NAV's taxpayer query (Online Számla, queryTaxpayer)",
    "KE": "KRA's PIN Checker (itax.kra.go.ke)",
    "KR": "the NTS business registration status lookup (Hometax, 사업자등록상태조회)",
    "MX": "SAT's RFC validation (Validación de RFC, sat.gob.mx)",
    "MY": "LHDN's taxpayer TIN validation (MyInvois API `taxpayer/validate`, or MyTax's TIN search)",
    "PH": "BIR's TIN verification (ORUS, or the taxpayer's Revenue District Office)",
    "SA": "ZATCA's VAT registration number verification (zatca.gov.sa)",
    "TW": "the Ministry of Finance business registration lookup (財政部營業登記資料公示查詢)",
    "VN": "the General Department of Taxation's tax code lookup (tracuunnt.gdt.gov.vn)",
}

# Numbers that the authority publishes for everyone: they are no legal entity's tax ID.
_GENERIC = {
    "MX": {
        "XAXX010101000": "SAT's generic RFC for the public in general (público en general)",
        "XEXX010101000": "SAT's generic RFC for foreign residents (residentes en el extranjero)",
    },
    "MY": {
        "EI00000000010": "LHDN's general TIN for the general public",
        "EI00000000020": "LHDN's general TIN for foreign buyers",
        "EI00000000030": "LHDN's general TIN for foreign suppliers",
        "EI00000000040": "LHDN's general TIN for government buyers",
    },
}

# MyInvois TIN prefixes (LHDN, MyInvois SDK FAQ): IG individuals; the others are entities whose
# TIN ends in 0 (a TIN issued before 2023 gets a 0 added at the end).
_MY_ENTITY_PREFIXES = (
    "CS", "FA", "PT", "TA", "TC", "TN", "TR", "TP", "LE", "C", "D", "E", "F", "J",
)  # fmt: skip
_MY_TIN = re.compile(r"(IG|" + "|".join(_MY_ENTITY_PREFIXES) + r")([0-9]{1,12})")
# Hungarian adószám: törzsszám (8, check digit) - VAT code (1-5) - county code.
_HU_ADOSZAM = re.compile(r"([0-9]{8})-?([1-5])-?([0-9]{2})")
_HU_COUNTIES = {f"{n:02d}" for n in (*range(2, 21), 22, 41, 42, 43, 44, 51)}
# Vietnam: since 1 Jul 2025 the 12-digit personal identification number (CCCD) is the tax code
# of individuals and household businesses: province code 001-096, century/sex digit, 8 digits.
_VN_PERSONAL = re.compile(r"0(?:0[1-9]|[1-8][0-9]|9[0-6])[0-9]{9}")
# Philippines: 9-digit TIN + branch code of 3 or 5 digits (…-00000 is in use).
_PH_TIN = re.compile(r"[0-9]{9}(?:[0-9]{3}|[0-9]{5})?")


def verify_tax_id(
    country_code: str,
    number: str,
    *,
    vies: bool = False,
    vies_url: str = DEFAULT_VIES_URL,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> TaxIdVerification:
    """Check `number` as the tax ID of `country_code`.

    Raises BadInputError when the input is not a tax ID at all (empty, unknown country code);
    a number that fails its checks is a verdict (outcome "invalid"), not an error.
    """
    cc = normalise_code(country_code)
    raw = number.strip()
    if not raw:
        raise BadInputError(
            "the tax ID is empty",
            where="NUMBER",
            advice="give the number, for example `golive taxid MX MAB9307148T4`",
        )
    if len(raw) > 64 or any(ord(c) < 32 for c in raw):
        why = f"{len(raw)} characters, at most 64" if len(raw) > 64 else "control characters"
        raise BadInputError(
            f"{raw[:40]!r}... is not a tax ID ({why})",
            where="NUMBER",
            advice="give the tax ID alone, as printed on the registration certificate",
        )
    moment = now or clock_now()
    facts = country(cc)
    if facts is None:
        result = _outside_catalog(cc, raw, moment)
    else:
        result = _with_prefix_stripped(facts, raw, moment)
        if result.outcome == "format_only" and cc in _LOOKUP:
            result = result.model_copy(
                update={"message": f"{result.message}; confirm it with {_LOOKUP[cc]}"}
            )
    if not vies:
        return result
    return _with_vies(cc, facts, result, url=vies_url, timeout=timeout)


def authority_lookup(country_code: str) -> str:
    """Where a person confirms that a number of this country is registered."""
    cc = normalise_code(country_code)
    if cc in _LOOKUP:
        return _LOOKUP[cc]
    if vies_code(cc) is not None:
        return "EU VIES (`golive taxid --vies`)"
    return "the tax authority's taxpayer register, or the registration certificate"


def record_tax_id(
    session: Session,
    evidence_log: Path,
    country_code: str,
    result: TaxIdVerification,
    *,
    by: str | None = None,
) -> EvidenceRecord:
    """Keep a verification as the evidence for `compliance.CC.tax_id` (in memory; the caller saves).

    The session's country gets the verification (and the normalised number when it passed); the
    evidence log gets a record; the item becomes done (valid), failed (invalid) or stays in
    progress (format only: the note names the authority's lookup, and a person attests the item
    once the number is confirmed there). An unverifiable number leaves the item as it was: only
    the user can vouch for it.
    """
    from golive.session import evidence
    from golive.session.checklist import default_actor
    from golive.session.model import ItemStatus

    cc = normalise_code(country_code)
    setup = _session_country(session, cc)
    setup.tax_id_verification = result
    if result.outcome in ("valid", "format_only"):
        setup.tax_id = result.number
    outcomes: dict[str, tuple[Outcome, ItemStatus | None]] = {
        "valid": ("passed", ItemStatus.DONE),
        "format_only": ("warning", ItemStatus.IN_PROGRESS),
        "invalid": ("failed", ItemStatus.FAILED),
        "unverifiable": ("info", None),
    }
    outcome, status = outcomes[result.outcome]
    summary = f"{cc} tax ID {result.number}: {result.outcome} ({result.method}); {result.message}"
    if result.vies:
        summary += f"; VIES: {result.vies}"
    item = f"compliance.{cc}.tax_id"
    record = evidence.EvidenceRecord(
        kind="tax_id",
        started=result.checked_at,
        ended=result.checked_at,
        outcome=outcome,
        summary=summary,
        figures={
            "country": cc,
            "number": result.number,
            "method": result.method,
            "outcome": result.outcome,
            "vies": result.vies,
        },
        items=[item],
        by=by or default_actor(session),
    )
    note = None
    if result.outcome == "format_only":
        note = (
            f"{summary}. Only the format was confirmed: check the number with "
            f"{authority_lookup(cc)}, then attest the item (`golive item SESSION {item} --status "
            "done --attest REASON`)"
        )
    evidence.record(session, evidence_log, record, {item: status} if status else {}, note=note)
    return record


def _session_country(session: Session, cc: str) -> Any:
    setup = session.countries.get(cc)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{cc} is not a country of this session",
            where=f"countries.{cc}",
            advice=f"add {cc} to the session first (`golive countries SESSION add {cc}`)",
        )
    return setup


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


def _taiwan_2023_rule(number: str) -> bool:
    """Taiwan's relaxed UBN rule (Ministry of Finance, from 2023): the sum divisible by 5."""
    if not re.fullmatch(r"[0-9]{8}", number):
        return False
    weights = (1, 2, 1, 2, 1, 2, 4, 1)
    total = sum(int(d) for w, n in zip(weights, number, strict=True) for d in str(w * int(n)))
    return total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)


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


# --- helpers ----------------------------------------------------------------------------------


def _module(name: str) -> Any:
    try:
        return importlib.import_module(f"stdnum.{name}")
    except ImportError:
        raise GoliveError(
            f"the catalog names python-stdnum module {name!r}, which this python-stdnum lacks",
            where=f"golive.countries catalog: stdnum_module = {name!r}",
            advice="install the python-stdnum version golive pins (see pyproject.toml)",
        ) from None


def _stdnum_errors() -> type[Exception]:
    from stdnum.exceptions import ValidationError

    return ValidationError


def _compact(module: Any, raw: str) -> str:
    try:
        return str(module.compact(raw))
    except Exception:  # compact() of some modules chokes on garbage; show it as typed
        return _SEPARATORS.sub("", raw).upper()


def _display(facts: CountryFacts, module: Any, compact: str) -> str:
    shown = compact
    if facts.written == "formatted" and hasattr(module, "format"):
        shown = str(module.format(compact))
    prefix = facts.display_prefix
    if prefix and not shown.upper().startswith(prefix):
        shown = prefix + shown
    return shown


def _method(facts: CountryFacts) -> str:
    if facts.validation == "format_only":
        return f"format only (python-stdnum {facts.stdnum_module})"
    if facts.stdnum_module in _STRICT:
        return f"python-stdnum {facts.stdnum_module}, check digits enforced"
    return f"python-stdnum {facts.stdnum_module} (format and check digits)"


def _error_kind(error: Exception) -> str:
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

    if isinstance(error, InvalidLength):
        return "wrong length"
    if isinstance(error, InvalidChecksum):
        return "the check digit is wrong"
    if isinstance(error, InvalidComponent):
        return "a component of the number is wrong"
    if isinstance(error, InvalidFormat):
        return "wrong characters or layout"
    return str(error)


def _what_is_wrong(
    facts: CountryFacts, module: Any, raw: str, compact: str, error: Exception
) -> str:
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

    label = facts.tax_id_name
    if isinstance(error, InvalidLength):
        return (
            f"wrong length: {len(compact)} characters after removing spaces and separators "
            f"(expected {label}: {facts.tax_id_format})"
        )
    if isinstance(error, InvalidChecksum):
        return (
            f"the check digit is wrong, so this {label} has a typo or is made up: re-type it from "
            "the registration certificate"
        )
    if isinstance(error, InvalidComponent):
        return (
            f"a component of the number is wrong ({error.message.rstrip('.').lower()}; "
            f"expected {label}: {facts.tax_id_format})"
        )
    if isinstance(error, InvalidFormat):
        return f"wrong characters or layout (expected {label}: {facts.tax_id_format})"
    return f"not a valid {label}: {error}"


def _hint(facts: CountryFacts, raw: str) -> str:
    """What the number is instead: another EU country's VAT number, or another identifier."""
    compact = _SEPARATORS.sub("", raw).upper()
    prefix = compact[:2]
    other = _PREFIX_COUNTRY.get(prefix)
    own = {facts.code, VIES_CODES.get(facts.code, facts.code)}
    if other and prefix not in own and prefix.isalpha():
        other_name = country(other)
        shown = other_name.name if other_name else other
        return (
            f". It starts with {prefix}, the VAT prefix of {shown}, not of {facts.name}: "
            f"run `golive taxid {other} {compact}` if that is what you meant"
        )
    for candidate in facts.other_ids:
        module = _module(candidate.module)
        if module.is_valid(raw):
            return (
                f". It is a valid {candidate.name} though, which is not the {facts.tax_id_name}: "
                f"enter the {facts.tax_id_name}"
            )
    return ""


# --- a file of legal entities -----------------------------------------------------------------

MAX_FILE_BYTES = 5 * 1024 * 1024
_SHOWN_CHARS = 60


@dataclass(frozen=True)
class RowVerdict:
    """The verdict on one row of a `country,number[,label]` file."""

    row: int  # the line number in the file, from 1
    label: str
    country: str
    given: str  # the number as the row gives it
    outcome: str  # valid, format_only, invalid, unverifiable, or "unreadable" (the row itself)
    message: str
    method: str = ""
    number: str = ""  # normalised, when the number could be checked

    @property
    def accepted(self) -> bool:
        return self.outcome in ("valid", "format_only")


def verify_tax_id_file(path: Path, *, now: datetime | None = None, **vies: Any) -> list[RowVerdict]:
    """Check every row of a CSV of `country,number[,label]` (a deployment's legal entities).

    One verdict per row, whatever the row holds: a row that cannot be read (a quote left open,
    too few fields) is a verdict saying so, and the other rows are still checked. Each line is one
    row (a quoted field cannot span lines). A header row (`country,...`), blank lines and lines
    starting with # are skipped. Raises BadInputError when the file itself cannot be read.
    """
    text = _read_rows_file(path)
    moment = now or clock_now()
    verdicts: list[RowVerdict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as error:
            verdicts.append(_unreadable(number, line, f"the row cannot be read as CSV ({error})"))
            continue
        cells = [c.strip() for c in cells]
        if not verdicts and cells and cells[0].lower() in ("country", "cc", "country code"):
            continue
        if len(cells) < 2 or len(cells) > 3 or not cells[0] or not cells[1]:
            verdicts.append(
                _unreadable(
                    number,
                    line,
                    f"expected country,number[,label]; the row has {len(cells)} field(s)"
                    + (" and an empty one" if any(not c for c in cells[:2]) else ""),
                )
            )
            continue
        verdicts.append(_row_verdict(number, cells, moment, vies))
    if not verdicts:
        raise BadInputError(
            f"{path} holds no rows to check",
            where=str(path),
            advice="write one legal entity per line: country,number[,label], e.g. DE,DE136695976,ACME GmbH",
        )
    return verdicts


def _row_verdict(row: int, cells: list[str], moment: datetime, vies: dict[str, Any]) -> RowVerdict:
    code, given = cells[0], cells[1]
    label = cells[2] if len(cells) > 2 else ""
    try:
        cc = normalise_code(code)
        result = verify_tax_id(cc, given, now=moment, **vies)
    except BadInputError as error:
        return RowVerdict(row, label, code, given, "invalid", f"not checked: {error.message}")
    return RowVerdict(
        row, label, cc, given, result.outcome, result.message, result.method, result.number
    )


def _unreadable(row: int, line: str, why: str) -> RowVerdict:
    return RowVerdict(row, "", "", line, "unreadable", why)


def _read_rows_file(path: Path) -> str:
    where = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInputError(
                f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                where=where,
                advice="give a file of legal entities, one per line: country,number[,label]",
            )
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(
            f"cannot read {path}: {error.strerror or error}",
            where=where,
            advice="give the path of a readable CSV file: country,number[,label] per line",
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read)",
            where=where,
            advice="save the file as UTF-8 CSV (Excel: CSV UTF-8), then run it again",
        ) from None


def shown_safely(value: str, limit: int = _SHOWN_CHARS) -> str:
    """A value from a file, safe to print on a terminal: control characters escaped (no escape
    sequence reaches the terminal), and cut to `limit` characters, saying how long it was."""
    escaped = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value
    )
    if len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}… ({len(value)} characters)"


def spreadsheet_safe(value: str) -> str:
    """A cell for CSV output that no spreadsheet runs as a formula: a leading = + - @ tab or CR
    gets a ' in front (OWASP's advice for CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
