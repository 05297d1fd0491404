"""Certificate inspection: is this the certificate the country needs, and can it sign today?

Reads PEM, DER and PKCS#12 with `cryptography`, shows the facts a go-live needs (subject,
issuer, serial, validity, key usage, whether a private key matches) and applies the country
rules golive knows: for Mexico the RFC in the subject and CSD versus e.firma (FIEL); for Brazil
the CNPJ of an ICP-Brasil e-CNPJ; for Ecuador the Digital Signature key usage SRI enforces.

The evidence kept is the SHA-256 fingerprint, the validity and the verdict: never key material,
never the password.
"""

from __future__ import annotations

from golive.certs.findings import (
    DEMO_CA_ORGANIZATION,
    EXPIRY_WARNING_DAYS,
    ICP_BRASIL_CNPJ_OID,
    SAT_NAME,
    CertificateInspection,
    PasswordRequiredError,
    Severity,
    Verdict,
)
from golive.certs.inspection import inspect_certificate
from golive.certs.reading import MAX_CERTIFICATE_FILE_BYTES
from golive.certs.recording import record_certificate

__all__ = [
    "DEMO_CA_ORGANIZATION",
    "EXPIRY_WARNING_DAYS",
    "ICP_BRASIL_CNPJ_OID",
    "MAX_CERTIFICATE_FILE_BYTES",
    "SAT_NAME",
    "CertificateInspection",
    "PasswordRequiredError",
    "Severity",
    "Verdict",
    "inspect_certificate",
    "record_certificate",
]
