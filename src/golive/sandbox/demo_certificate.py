"""The demo's Mexican CSD: a certificate shaped like SAT's, issued by golive's demo CA.

Mexico's CFDI invoices are sealed with a CSD issued by SAT. SAT's public test CSD
(AAA010101AAA) expired in 2021 and comes from SAT's test CA, so golive rightly refuses it; the
demo would have no green certificate path. So the demo writes its own: the subject holds the demo
taxpayer's RFC the way SAT's do (x500UniqueIdentifier), no extended key usage (a CSD, not an
e.firma), valid from yesterday for two years; the issuer is `DEMO_CA_ORGANIZATION`, which
`golive.certs` accepts with a warning in a demo session only and fails anywhere else.

Only the certificate is written (no private key: nothing secret on disk). It is renewed when it
is within golive's expiry warning of its end, so a demo resumed a year later stays green.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from golive.certs import DEMO_CA_ORGANIZATION, EXPIRY_WARNING_DAYS
from golive.session.clock import now

DEMO_CERTIFICATE_DAYS = 730


def demo_certificate_path(folder: Path, country: str, tax_id: str) -> Path:
    """Where the demo's certificate for `country` lives in `folder`."""
    return folder / f"demo-{country}-CSD-{tax_id}.cer.pem"


def _still_good(path: Path, tax_id: str) -> bool:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return False
    holder = cert.subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    left = cert.not_valid_after_utc - now()
    return bool(holder) and holder[0].value == tax_id and left.days > EXPIRY_WARNING_DAYS


def write_demo_csd(folder: Path, tax_id: str, holder: str) -> Path:
    """The demo's CSD for RFC `tax_id` held by `holder`, written (or kept, while it is good)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    path = demo_certificate_path(folder, "MX", tax_id)
    if _still_good(path, tax_id):
        return path
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())  # both keys are thrown away
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "golive demo CA for CSDs"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_CA_ORGANIZATION),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, holder),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, holder),
            x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, tax_id),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "golive demo CSD"),
        ]
    )
    start = now() - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=DEMO_CERTIFICATE_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path
