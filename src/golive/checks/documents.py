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

FALLBACK_CURRENCY = "USD"


def currency_of(country: str, on: date | None = None) -> str:
    """The currency of a test document (ISO 4217): the country catalog's, else CLDR's (babel)
    for the date, else USD for a code CLDR does not know."""
    from babel.numbers import get_territory_currencies

    from golive.countries import country as catalog_row

    facts = catalog_row(country)
    if facts is not None:
        return facts.currency
    found = get_territory_currencies(country.upper(), on or today())
    return found[0] if found else FALLBACK_CURRENCY


def country_name(session: Session, country: str) -> str:
    setup = session.countries.get(country)
    if setup is not None and setup.requirements.name:
        return setup.requirements.name
    return iso_countries().get(country, country)


def document_plan(session: Session, country: str, environment: str) -> tuple[bool, str]:
    """Whether the transaction check sends `country` an e-invoice test document, and why not
    when one is due but must not go ("" when none is due).

    A test document goes where issuing or reporting e-invoices is mandatory on the go-live date
    (the session's snapshot of the catalog's dated obligations). In production it goes only
    where the authority has a test mode: elsewhere a document would be a real fiscal document.
    """
    from golive.session.obligations import go_live_date, mandatory_documents

    setup = session.countries.get(country)
    if setup is None:
        return False, ""
    requirements = setup.requirements
    name = requirements.name or iso_countries().get(country, country)
    when = go_live_date(session)
    if requirements.obligations:
        mandatory = bool(mandatory_documents(setup, when))
    else:  # a snapshot from before dated obligations: its model label
        mandatory = requirements.model.strip().lower() == "clearance"
    if not mandatory:
        return False, ""
    if environment == "production" and requirements.test_environment is not True:
        known = (
            "has no test mode"
            if requirements.test_environment is False
            else ("may have no test mode (golive's catalog does not know)")
        )
        return False, (
            f"quote only: the {name} authority {known}, so an e-invoice sent in production "
            "would be a real fiscal document; test it in staging"
        )
    return True, ""


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
