"""The tables tax-ID checking reads: separators, lookups, generic numbers, national forms."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from golive.countries.vies import (
    VIES_CODES,
)

if TYPE_CHECKING:
    pass

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
