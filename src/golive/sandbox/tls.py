"""A throw-away CA and server certificates for the sandbox's HTTPS, in a private temp folder.

The variants let a rehearsal show each TLS failure a partner meets in production: a certificate
from an authority the client does not trust, an expired one, one for another host name.
Certificates use the real wall clock, not golive's (possibly frozen) clock: TLS stacks check
validity against real time.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from golive.sandbox.settings import TlsVariant

WRONG_HOST = "wrong.example"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
_VALIDITY = timedelta(days=30)


@dataclass(frozen=True)
class TlsFiles:
    """Where the files are. `ca_bundle_path` is what a client must trust."""

    variant: TlsVariant
    directory: Path
    ca_bundle_path: Path
    certfile: Path
    keyfile: Path

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


# Long because the CA, the server certificate and each TLS variant's twist are built in one place.
def create_tls_files(
    variant: TlsVariant = "valid",
    *,
    hosts: tuple[str, ...] = (),
    directory: Path | None = None,
) -> TlsFiles:
    """A CA and a server certificate of `variant` for localhost, 127.0.0.1, ::1 and `hosts`.

    Written to `directory` or a new private temp folder (mode 0700); keys are mode 0600.
    """
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="golive-sandbox-tls-"))  # mkdtemp: mode 0700
    else:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = datetime.now(UTC)  # the real clock on purpose, see the module docstring

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "golive sandbox throw-away CA")])
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now - timedelta(hours=1), now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )

    names = _unique((*LOCAL_NAMES, *hosts)) if variant != "wrong-host" else (WRONG_HOST,)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    not_before, not_after = now - timedelta(hours=1), now + _VALIDITY
    if variant == "expired":
        not_before, not_after = now - timedelta(days=60), now - timedelta(days=1)
    self_signed = variant == "self-signed"
    issuer, signing_key = (server_name, server_key) if self_signed else (ca_name, ca_key)
    builder = (
        _builder(server_name, issuer, server_key.public_key(), not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), False)
    )
    if not self_signed:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
    server_cert = builder.sign(signing_key, hashes.SHA256())

    pem = serialization.Encoding.PEM
    files = TlsFiles(
        variant=variant,
        directory=directory,
        ca_bundle_path=directory / "ca.pem",
        certfile=directory / "server.pem",
        keyfile=directory / "server-key.pem",
    )
    _write(files.ca_bundle_path, ca_cert.public_bytes(pem), 0o644)
    _write(files.certfile, server_cert.public_bytes(pem), 0o644)
    key_bytes = server_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(files.keyfile, key_bytes, 0o600)
    return files


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def is_unspecified(host: str) -> bool:
    """A wildcard bind address (all interfaces), or none given."""
    if not host:
        return True
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    # a wildcard address is no name a client connects to: keep it out of the certificate
    return tuple(dict.fromkeys(n for n in names if not is_unspecified(n)))


def _write(path: Path, data: bytes, mode: int) -> None:
    # Created with its final mode: a private key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
