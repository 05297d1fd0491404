"""Small facts for the verdicts: python-stdnum's modules, display forms, what is wrong in words."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any

from golive.countries import country
from golive.countries.catalog import CountryFacts
from golive.countries.taxid.tables import _PREFIX_COUNTRY, _SEPARATORS, _STRICT
from golive.countries.vies import (
    VIES_CODES,
)
from golive.session.errors import GoliveError

if TYPE_CHECKING:
    pass

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


def _taiwan_2023_rule(number: str) -> bool:
    """Taiwan's relaxed UBN rule (Ministry of Finance, from 2023): the sum divisible by 5."""
    if not re.fullmatch(r"[0-9]{8}", number):
        return False
    weights = (1, 2, 1, 2, 1, 2, 4, 1)
    total = sum(int(d) for w, n in zip(weights, number, strict=True) for d in str(w * int(n)))
    return total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)
