"""Tax-ID verification: python-stdnum for format and check digits, VIES on request.

The verdict says exactly what was checked: check digits, the format only (python-stdnum's
kr.brn, eg.tn and ke.pin have nothing more to check), a regular expression where no validator
exists (SA, AE, PH, the Malaysian company TIN), or nothing for a country golive knows no rule for.
The result is the evidence for the checklist item `compliance.CC.tax_id`.
"""

from __future__ import annotations

import importlib
import re
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

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_VIES_URL", "record_tax_id", "verify_tax_id"]

_SEPARATORS = re.compile(r"[\s\-./,:]")
_PREFIX_COUNTRY = {prefix: code for code, prefix in VIES_CODES.items()}
# Modules whose default skips check digits that golive wants checked.
_STRICT = {"mx.rfc": {"validate_check_digits": True}}


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
        raise BadInputError(
            f"{raw[:40]!r}... is not a tax ID (too long or holds control characters)",
            where="NUMBER",
            advice="give the tax ID alone, as printed on the registration certificate",
        )
    moment = now or clock_now()
    facts = country(cc)
    if facts is None:
        result = _outside_catalog(cc, raw, moment)
    elif facts.validation == "none":
        result = _by_pattern(facts, raw, moment)
    else:
        result = _by_stdnum(facts, raw, moment)
    if not vies:
        return result
    return _with_vies(cc, facts, result, url=vies_url, timeout=timeout)


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
    evidence log gets a record; the item becomes done (valid, format only) or failed (invalid). An
    unverifiable number leaves the item as it was: only the user can vouch for it.
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
        "format_only": ("warning", ItemStatus.DONE),
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
    evidence.record(session, evidence_log, record, {item: status} if status else {})
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


def _by_stdnum(facts: CountryFacts, raw: str, moment: datetime) -> TaxIdVerification:
    module = _module(facts.stdnum_module)
    strict = _STRICT.get(facts.stdnum_module, {})
    compact = _compact(module, raw)
    try:
        module.validate(raw, **strict)
    except _stdnum_errors() as error:
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
        if facts.stdnum_module == "mx.rfc" and module.is_valid(raw):
            return (
                "the check digit (the last character of the homoclave) is wrong: the layout is "
                "that of an RFC, but golive enforces RFC check digits (SAT's public test RFC "
                "AAA010101AAA fails the same way)"
            )
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
