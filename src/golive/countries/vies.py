"""The optional EU VIES lookup: is this VAT number registered and active right now?

Off by default (it leaves the machine). The REST shape is the European Commission's:
`POST {url}` with `{"countryCode", "vatNumber"}` answers `{"valid": bool, ...}`. When the service
cannot be reached or does not answer plainly, the result says "not checked" and why.
"""

from __future__ import annotations

from typing import Any

DEFAULT_VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
DEFAULT_TIMEOUT = 10.0

# The VIES country code differs from ISO 3166 only for Greece.
EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
VIES_CODES = {code: ("EL" if code == "GR" else code) for code in EU_MEMBER_STATES}


def vies_code(country: str) -> str | None:
    """The VIES country code of an EU member state (EL for Greece), else None."""
    return VIES_CODES.get(country.upper())


def check_vat(country: str, vat_number: str, *, url: str, timeout: float) -> str:
    """Ask VIES about `vat_number` (without its country prefix).

    Returns "valid", "invalid" or "not checked: <reason>"; never raises for network trouble.
    """
    import httpx

    code = vies_code(country)
    if code is None:
        return "not checked: VIES covers the VAT numbers of EU member states only"
    try:
        response = httpx.post(
            url,
            json={"countryCode": code, "vatNumber": vat_number},
            timeout=timeout,
            headers={"Accept": "application/json"},
        )
    except httpx.TimeoutException:
        return f"not checked: VIES did not answer within {timeout:g} s ({url})"
    except httpx.InvalidURL:
        return f"not checked: {url!r} is not a usable URL"
    except httpx.HTTPError as error:
        return f"not checked: could not reach VIES at {url} ({type(error).__name__}: {error})"
    if response.status_code != 200:
        return f"not checked: VIES answered HTTP {response.status_code} ({url})"
    try:
        body: Any = response.json()
    except ValueError:
        return "not checked: VIES's answer was not JSON"
    if isinstance(body, dict) and isinstance(body.get("valid"), bool):
        return "valid" if body["valid"] else "invalid"
    return f"not checked: VIES gave no verdict ({_vies_error(body)})"


def _vies_error(body: Any) -> str:
    if isinstance(body, dict):
        wrappers = body.get("errorWrappers")
        if isinstance(wrappers, list) and wrappers and isinstance(wrappers[0], dict):
            return str(wrappers[0].get("error", "unknown error"))
        if "userError" in body:
            return str(body["userError"])
    return "no 'valid' field in the answer"
