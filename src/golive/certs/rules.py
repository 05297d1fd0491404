"""The country rules golive knows: Mexico's RFC and CSD versus e.firma, Brazil's ICP-Brasil
e-CNPJ, Ecuador's Digital Signature key usage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from golive.certs.findings import DEMO_CA_ORGANIZATION, ICP_BRASIL_CNPJ_OID, SAT_NAME, _Findings

if TYPE_CHECKING:
    from cryptography import x509


def _country_code(country: str) -> str:
    from golive.countries import normalise_code

    return normalise_code(country)


def _country_rules(
    found: _Findings,
    cc: str,
    cert: x509.Certificate,
    key_usage: tuple[str, ...],
    extended: tuple[str, ...],
    tax_id: str | None,
    *,
    demo: bool = False,
) -> None:
    from golive.countries import country, country_name

    facts = country(cc)
    name = facts.name if facts else country_name(cc)
    if facts is not None and not facts.certificate_required:
        found.info(f"golive's catalog: {name} needs no certificate ({facts.certificate_reason})")
    if cc == "MX":
        _mexico(found, cert, extended, tax_id, demo=demo)
    elif cc == "BR":
        _brazil(found, cert, tax_id)
    elif cc == "EC":
        if "digitalSignature" not in key_usage:
            found.fail(
                "SRI rejects signatures from certificates without the Digital Signature key "
                "usage (enforced since 8 Jan 2020): get a firma electrónica that has it"
            )
    elif tax_id:
        found.info(
            f"the tax ID was not compared: golive does not know where {name} certificates hold it"
        )


def _compact_id(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value).upper()


# Long because each SAT rule on the certificate is checked and worded separately.
def _mexico(
    found: _Findings,
    cert: x509.Certificate,
    extended: tuple[str, ...],
    tax_id: str | None,
    *,
    demo: bool = False,
) -> None:
    from cryptography.x509.oid import NameOID

    subject, issuer = cert.subject, cert.issuer
    issuer_org = [str(a.value) for a in issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    if demo and DEMO_CA_ORGANIZATION in issuer_org:
        found.warn(
            "issued by golive's demo CA, which stands in for SAT in this demo session: fine for "
            "the demo; production PACs accept only a CSD issued by SAT"
        )
    elif DEMO_CA_ORGANIZATION in issuer_org:
        found.fail(
            "golive's demo certificate, not issued by SAT: it is for the demo session only; "
            "CFDI invoices must be sealed with a CSD from SAT"
        )
    elif SAT_NAME not in issuer_org:
        found.fail(
            "not issued by SAT (Servicio de Administración Tributaria): CFDI invoices must be "
            "sealed with a CSD from SAT"
        )
    issuer_text = cert.issuer.rfc4514_string().lower()
    if "pruebas" in issuer_text:
        found.fail(
            "issued by SAT's test CA ('de pruebas'): a test certificate that production PACs "
            "reject; install the production CSD"
        )
    identifiers = subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    if not identifiers:
        found.fail(
            "no RFC in the subject (x500UniqueIdentifier): this is not a SAT certificate for a "
            "taxpayer"
        )
        return
    text = _text(identifiers[0].value)
    parts = [part.strip() for part in text.split("/") if part.strip()]
    rfc = parts[0].upper() if parts else ""
    found.details.append(("RFC", rfc))
    if len(parts) > 1:
        found.details.append(("legal representative RFC", parts[1].upper()))
    number = _sat_certificate_number(cert.serial_number)
    if number:
        found.details.append(("SAT certificate number (noCertificado)", number))

    if {"clientAuth", "emailProtection"} & set(extended):
        found.kind = "e.firma (FIEL) — not for sealing invoices"
        found.fail(
            "this is an e.firma (FIEL), the taxpayer's signing certificate for SAT procedures; "
            "CFDI invoices must be sealed with a CSD: request one with the e.firma (SAT's "
            "Certifica tool) and install the CSD instead"
        )
    elif not extended:
        found.kind = "CSD (Certificado de Sello Digital)"
        units = subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        branch = f" ({_text(units[0].value)})" if units else ""
        found.info(f"a CSD{branch}: the certificate CFDI invoices are sealed with")
    else:
        found.warn(
            "cannot tell a CSD from an e.firma: unexpected extended key usage "
            + ", ".join(extended)
        )

    if tax_id:
        expected = _compact_id(tax_id)
        if expected == rfc:
            found.info(f"the RFC in the certificate ({rfc}) matches the tax ID")
        else:
            found.fail(
                f"the certificate belongs to RFC {rfc}, not {expected} (the tax ID given): "
                f"install the CSD issued to {expected}"
            )


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _sat_certificate_number(serial: int) -> str:
    """SAT's 20-digit certificate number is the serial number's bytes read as ASCII digits."""
    raw = serial.to_bytes((serial.bit_length() + 7) // 8 or 1, "big")
    text = raw.decode("ascii", "replace")
    return text if text.isdigit() else ""


def _brazil(found: _Findings, cert: x509.Certificate, tax_id: str | None) -> None:
    from cryptography import x509

    cnpj = ""
    try:
        alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        alternative = None
    for other in alternative.get_values_for_type(x509.OtherName) if alternative else []:
        if other.type_id.dotted_string == ICP_BRASIL_CNPJ_OID:
            match = re.search(rb"[0-9A-Z]{12}[0-9]{2}", other.value)
            cnpj = match.group(0).decode("ascii") if match else ""
    if not cnpj:
        found.fail(
            f"no CNPJ in the certificate (ICP-Brasil OID {ICP_BRASIL_CNPJ_OID}): NF-e needs an "
            "ICP-Brasil e-CNPJ (A1 file or A3 token)"
        )
        return
    found.kind = "ICP-Brasil e-CNPJ"
    found.details.append(("CNPJ", cnpj))
    if tax_id:
        expected = _compact_id(tax_id)
        if expected == cnpj:
            found.info(f"the CNPJ in the certificate ({cnpj}) matches the tax ID")
        else:
            found.fail(
                f"the certificate belongs to CNPJ {cnpj}, not {expected} (the tax ID given): "
                f"install the e-CNPJ issued to {expected}"
            )
