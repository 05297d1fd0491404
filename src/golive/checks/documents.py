"""The requests golive's checks send: a quote, an e-invoice test document, an invalid request.

A quote is never committed (isAudited false); a test document always goes with sendType "Test", so
no tax authority takes it as a real invoice. Document numbers start with GOLIVE- so they are easy to
find (and to ignore) in ONESOURCE.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from golive.session.clock import now
from golive.session.model import Session, iso_countries

TEST_SEND_TYPE = "Test"
QUOTE_AMOUNT = 100.0
PRODUCT_CODE = "GOLIVE-CHECK"

# The currency a test document of a country is in (ISO 4217). Not in the country catalog; any
# country not listed here uses EUR in Europe's VAT area codes below, else USD.
_CURRENCIES = {
    "AE": "AED",
    "AR": "ARS",
    "AU": "AUD",
    "BG": "BGN",
    "BR": "BRL",
    "CA": "CAD",
    "CH": "CHF",
    "CL": "CLP",
    "CN": "CNY",
    "CO": "COP",
    "CZ": "CZK",
    "DK": "DKK",
    "EG": "EGP",
    "GB": "GBP",
    "HU": "HUF",
    "ID": "IDR",
    "IL": "ILS",
    "IN": "INR",
    "JP": "JPY",
    "KE": "KES",
    "KR": "KRW",
    "MX": "MXN",
    "MY": "MYR",
    "NO": "NOK",
    "NZ": "NZD",
    "PE": "PEN",
    "PH": "PHP",
    "PL": "PLN",
    "RO": "RON",
    "RS": "RSD",
    "SA": "SAR",
    "SE": "SEK",
    "SG": "SGD",
    "TR": "TRY",
    "TW": "TWD",
    "US": "USD",
    "VN": "VND",
    "ZA": "ZAR",
    "EC": "USD",
}
_EURO = frozenset(
    [
        "AT",
        "BE",
        "CY",
        "DE",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PT",
        "SI",
        "SK",
    ]
)


def currency_of(country: str) -> str:
    if country in _CURRENCIES:
        return _CURRENCIES[country]
    return "EUR" if country in _EURO else "USD"


def country_name(session: Session, country: str) -> str:
    setup = session.countries.get(country)
    if setup is not None and setup.requirements.name:
        return setup.requirements.name
    return iso_countries().get(country, country)


def is_clearance_country(session: Session, country: str) -> bool:
    """Clearance countries get an e-invoice test document (from the session's catalog snapshot)."""
    setup = session.countries.get(country)
    return setup is not None and setup.requirements.model.strip().lower() == "clearance"


def document_number(kind: str) -> str:
    stamp = now().strftime("%Y%m%d%H%M%S")
    return f"GOLIVE-{kind}-{stamp}-{secrets.token_hex(3).upper()}"


def today() -> date:
    return now().date()


def quote_request(
    company: str, role: str, country: str, *, number: str | None = None
) -> dict[str, Any]:
    """One line of 100.00 shipped within `country`: a quote, nothing committed."""
    return {
        "externalCompanyId": company,
        "companyRole": role,
        "documentNumber": number or document_number("QUOTE"),
        "documentDate": today().isoformat(),
        "currencyCode": currency_of(country),
        "isAudited": False,
        "lines": [
            {
                "lineNumber": 1,
                "amount": QUOTE_AMOUNT,
                "productCode": PRODUCT_CODE,
                "shipFrom": {"country": country},
                "shipTo": {"country": country},
            }
        ],
    }


def clearance_test_document(company: str, country: str, total_tax: float) -> dict[str, Any]:
    """An e-invoice sent as a test document (sendType "Test"): never a real invoice."""
    return {
        "externalCompanyId": company,
        "country": country,
        "sendType": TEST_SEND_TYPE,
        "documentNumber": document_number("TEST"),
        "issueDate": today().isoformat(),
        "currencyCode": currency_of(country),
        "totalAmount": round(QUOTE_AMOUNT + max(0.0, total_tax), 2),
        "lines": [
            {
                "lineNumber": 1,
                "amount": QUOTE_AMOUNT,
                "productCode": PRODUCT_CODE,
                "description": "golive go-live check (test document)",
                "taxAmount": round(max(0.0, total_tax), 2),
            }
        ],
    }


def invalid_request(company: str, role: str) -> dict[str, Any]:
    """A request any tax engine must refuse: no lines, no date, a currency that does not exist."""
    return {
        "externalCompanyId": company,
        "companyRole": role,
        "documentNumber": document_number("INVALID"),
        "currencyCode": "NOT-A-CURRENCY",
        "isAudited": False,
        "lines": [],
    }
