"""Standard VAT/GST rates the sandbox charges, per destination country.

Simulator data, not tax advice: one standard rate per country (as published for 2026), no
sub-national taxes (Brazil, India, Canada and the United States are far richer than one number).
Enough to see a plausible tax on every line, and for the parity scenarios (golive.checks.parity)
a few treatments a real engine decides: a reduced rate (product code GOLIVE-REDUCED, where the
table below has one), an exempt line (GOLIVE-EXEMPT), the intra-EU B2B reverse charge (ship-from
and ship-to in two EU countries, customerType B2B) and an export (ship-to outside the ship-from's
country, not both in the EU), both answered with the rate 0 and their treatment named.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from golive.countries.vies import EU_MEMBER_STATES


@dataclass(frozen=True)
class Rate:
    authority: str
    rate: Decimal


UNKNOWN = Rate("UNKNOWN", Decimal("0"))

# country: (country name, tax name, standard rate)
_TABLE: dict[str, tuple[str, str, str]] = {
    # European Union
    "AT": ("Austria", "VAT", "0.20"),
    "BE": ("Belgium", "VAT", "0.21"),
    "BG": ("Bulgaria", "VAT", "0.20"),
    "CY": ("Cyprus", "VAT", "0.19"),
    "CZ": ("Czechia", "VAT", "0.21"),
    "DE": ("Germany", "VAT", "0.19"),
    "DK": ("Denmark", "VAT", "0.25"),
    "EE": ("Estonia", "VAT", "0.24"),
    "ES": ("Spain", "VAT", "0.21"),
    "FI": ("Finland", "VAT", "0.255"),
    "FR": ("France", "VAT", "0.20"),
    "GR": ("Greece", "VAT", "0.24"),
    "HR": ("Croatia", "VAT", "0.25"),
    "HU": ("Hungary", "VAT", "0.27"),
    "IE": ("Ireland", "VAT", "0.23"),
    "IT": ("Italy", "VAT", "0.22"),
    "LT": ("Lithuania", "VAT", "0.21"),
    "LU": ("Luxembourg", "VAT", "0.17"),
    "LV": ("Latvia", "VAT", "0.21"),
    "MT": ("Malta", "VAT", "0.18"),
    "NL": ("Netherlands", "VAT", "0.21"),
    "PL": ("Poland", "VAT", "0.23"),
    "PT": ("Portugal", "VAT", "0.23"),
    "RO": ("Romania", "VAT", "0.21"),
    "SE": ("Sweden", "VAT", "0.25"),
    "SI": ("Slovenia", "VAT", "0.22"),
    "SK": ("Slovakia", "VAT", "0.23"),
    # Rest of Europe
    "AL": ("Albania", "VAT", "0.20"),
    "BA": ("Bosnia and Herzegovina", "VAT", "0.17"),
    "CH": ("Switzerland", "VAT", "0.081"),
    "GB": ("United Kingdom", "VAT", "0.20"),
    "IS": ("Iceland", "VAT", "0.24"),
    "ME": ("Montenegro", "VAT", "0.21"),
    "MK": ("North Macedonia", "VAT", "0.18"),
    "NO": ("Norway", "VAT", "0.25"),
    "RS": ("Serbia", "VAT", "0.20"),
    "TR": ("Turkey", "VAT", "0.20"),
    "UA": ("Ukraine", "VAT", "0.20"),
    # Americas
    "AR": ("Argentina", "IVA", "0.21"),
    "BR": ("Brazil", "ICMS", "0.18"),
    "CA": ("Canada", "GST", "0.05"),
    "CL": ("Chile", "IVA", "0.19"),
    "CO": ("Colombia", "IVA", "0.19"),
    "CR": ("Costa Rica", "IVA", "0.13"),
    "DO": ("Dominican Republic", "ITBIS", "0.18"),
    "EC": ("Ecuador", "IVA", "0.15"),
    "GT": ("Guatemala", "IVA", "0.12"),
    "MX": ("Mexico", "IVA", "0.16"),
    "PA": ("Panama", "ITBMS", "0.07"),
    "PE": ("Peru", "IGV", "0.18"),
    "PY": ("Paraguay", "IVA", "0.10"),
    "UY": ("Uruguay", "IVA", "0.22"),
    # Middle East and Africa
    "AE": ("United Arab Emirates", "VAT", "0.05"),
    "BH": ("Bahrain", "VAT", "0.10"),
    "EG": ("Egypt", "VAT", "0.14"),
    "IL": ("Israel", "VAT", "0.18"),
    "KE": ("Kenya", "VAT", "0.16"),
    "MA": ("Morocco", "VAT", "0.20"),
    "NG": ("Nigeria", "VAT", "0.075"),
    "OM": ("Oman", "VAT", "0.05"),
    "SA": ("Saudi Arabia", "VAT", "0.15"),
    "TN": ("Tunisia", "VAT", "0.19"),
    "ZA": ("South Africa", "VAT", "0.15"),
    # Asia-Pacific
    "AU": ("Australia", "GST", "0.10"),
    "CN": ("China", "VAT", "0.13"),
    "ID": ("Indonesia", "VAT", "0.12"),
    "IN": ("India", "GST", "0.18"),
    "JP": ("Japan", "Consumption Tax", "0.10"),
    "KR": ("South Korea", "VAT", "0.10"),
    "KZ": ("Kazakhstan", "VAT", "0.16"),
    "MY": ("Malaysia", "Sales Tax", "0.10"),
    "NZ": ("New Zealand", "GST", "0.15"),
    "PH": ("Philippines", "VAT", "0.12"),
    "SG": ("Singapore", "GST", "0.09"),
    "TH": ("Thailand", "VAT", "0.07"),
    "TW": ("Taiwan", "Business Tax", "0.05"),
    "VN": ("Vietnam", "VAT", "0.10"),
}

RATES: dict[str, Rate] = {
    code: Rate(f"{name} {tax}", Decimal(rate)) for code, (name, tax, rate) in _TABLE.items()
}

_CENT = Decimal("0.01")


# a reduced rate for some countries (simulator data: one of each country's published reduced rates)
_REDUCED: dict[str, str] = {
    "AT": "0.10",
    "BE": "0.06",
    "DE": "0.07",
    "ES": "0.10",
    "FR": "0.055",
    "IT": "0.10",
    "NL": "0.09",
    "PL": "0.08",
    "PT": "0.06",
    "SE": "0.12",
    "GB": "0.05",
}
EU = frozenset(EU_MEMBER_STATES)
REDUCED_PRODUCT = "GOLIVE-REDUCED"
EXEMPT_PRODUCT = "GOLIVE-EXEMPT"
Treatment = str  # "taxable", "reduced", "exempt", "reverse_charge", "export"


def reduced_rate(country: str) -> Rate | None:
    if country not in _REDUCED or country not in RATES:
        return None
    return Rate(RATES[country].authority, Decimal(_REDUCED[country]))


def treatment_of(
    ship_from: str | None, ship_to: str, product_code: str | None, customer_type: str | None
) -> tuple[Rate, Treatment]:
    """The rate and treatment of one line, as the sandbox decides them (simulator rules)."""
    origin = ship_from or ship_to
    if origin != ship_to and not (origin in EU and ship_to in EU):
        return Rate(rate_for(origin).authority, Decimal(0)), "export"
    if origin != ship_to and (customer_type or "").upper() == "B2B":
        return Rate(rate_for(ship_to).authority, Decimal(0)), "reverse_charge"
    standard = rate_for(ship_to)
    if product_code == EXEMPT_PRODUCT:
        return Rate(standard.authority, Decimal(0)), "exempt"
    if product_code == REDUCED_PRODUCT:
        reduced = reduced_rate(ship_to)
        if reduced is not None:
            return reduced, "reduced"
    return standard, "taxable"


def rate_for(country: str) -> Rate:
    """The standard rate of a country; rate 0 with authority UNKNOWN when it is not in the table."""
    return RATES.get(country, UNKNOWN)


def tax_on(amount: Decimal, rate: Rate) -> Decimal:
    """Tax on one line, rounded half-up to the cent."""
    return (amount * rate.rate).quantize(_CENT, rounding=ROUND_HALF_UP)
