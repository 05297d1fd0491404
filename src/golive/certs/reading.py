"""Reading certificate and key files (PEM, DER, PKCS#12), refusing what is not a trusted regular file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from golive.certs.findings import PasswordRequiredError
from golive.session.errors import BadInputError
from golive.session.model import special_file_kind
from golive.session.text import printable

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


# --- reading files ----------------------------------------------------------------------------


MAX_CERTIFICATE_FILE_BYTES = 16 * 1024 * 1024  # a certificate or a .p12 is a few KB


def _read(path: Path, what: str) -> bytes:
    try:
        facts = path.stat()  # stat before open: a FIFO or a device is refused at once, never read
        kind = special_file_kind(facts.st_mode)
        if kind and kind != "a directory":
            raise BadInputError(
                f"{printable(path)} is {kind}, not a {what} file",
                where=printable(path),
                advice="give the file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
            )
        if not kind and facts.st_size > MAX_CERTIFICATE_FILE_BYTES:
            raise BadInputError(
                f"{printable(path)} is {facts.st_size} bytes, far more than a {what} file holds",
                where=printable(path),
                advice="give the certificate file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(
            f"no {what} file at {path}", where=str(path), advice="check the path and run again"
        ) from None
    except IsADirectoryError:
        raise BadInputError(
            f"{path} is a folder, not a {what} file",
            where=str(path),
            advice="give the file itself (.cer, .pem, .crt, .der, .p12 or .pfx)",
        ) from None
    except OSError as error:
        raise BadInputError(
            f"cannot read {path}: {error.strerror}",
            where=str(path),
            advice="check the file's permissions",
        ) from None


def _is_pkcs12(data: bytes) -> bool:
    """Whether `data` is a PKCS#12 PFX: a DER SEQUENCE whose first element is INTEGER 3.

    (A DER certificate's first element is a SEQUENCE, so the two cannot be confused.)
    """
    if len(data) < 8 or data[0] != 0x30:
        return False
    index = 1
    length = data[index]
    index += 1 + (length & 0x7F if length & 0x80 else 0)
    return data[index : index + 3] == b"\x02\x01\x03"


def _load_certificate(
    path: Path, password: bytes | None
) -> tuple[str, x509.Certificate, PrivateKeyTypes | None]:
    from cryptography import x509

    data = _read(path, "certificate")
    if b"-----BEGIN" in data:
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError:
            holds_key = b"PRIVATE KEY-----" in data
            raise BadInputError(
                f"{path.name} is a PEM file without a readable certificate"
                + (" (it holds a private key)" if holds_key else ""),
                where=str(path),
                advice="give the certificate file; a private key goes with --key",
            ) from None
        key = _pem_key_in(data, path, password) if b"PRIVATE KEY-----" in data else None
        return "PEM", certificates[0], key
    if _is_pkcs12(data):
        return _load_pkcs12(path, data, password)
    try:
        return "DER", x509.load_der_x509_certificate(data), None
    except ValueError:
        raise BadInputError(
            f"{path.name} is not a certificate golive can read (not PEM, DER or PKCS#12)",
            where=str(path),
            advice="export the certificate as .cer/.pem/.der, "
            "or the certificate and key as .p12/.pfx",
        ) from None


def _load_pkcs12(
    path: Path, data: bytes, password: bytes | None
) -> tuple[str, x509.Certificate, PrivateKeyTypes | None]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    attempts = [password] if password is not None else [None, b""]
    for attempt in attempts:
        try:
            key, cert, _others = pkcs12.load_key_and_certificates(data, attempt)
        except ValueError:
            continue
        if cert is None:
            raise BadInputError(
                f"the PKCS#12 file {path.name} holds no certificate",
                where=str(path),
                advice="export it again with the certificate included",
            )
        return "PKCS#12", cert, key
    if password is None:
        raise PasswordRequiredError(
            f"{path.name} is a PKCS#12 file protected by a password",
            where=str(path),
            advice="type the password when asked, or pipe it in with --password-stdin "
            "(never on the command line)",
        )
    raise BadInputError(
        f"wrong password for the PKCS#12 file {path.name} (or the file is damaged)",
        where=str(path),
        advice="check the password with whoever exported the file, then run again",
    )


def _pem_key_in(data: bytes, path: Path, password: bytes | None) -> PrivateKeyTypes:
    match = re.search(
        rb"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.+?-----END \1PRIVATE KEY-----", data, re.DOTALL
    )
    if match is None:
        raise BadInputError(
            f"{path.name} holds a damaged private-key block",
            where=str(path),
            advice="export the certificate and key again",
        )
    return _parse_key(match.group(0), path, password, pem=True)


def _load_private_key(path: Path, password: bytes | None) -> PrivateKeyTypes:
    data = _read(path, "private key")
    return _parse_key(data, path, password, pem=b"-----BEGIN" in data)


def _parse_key(data: bytes, path: Path, password: bytes | None, *, pem: bool) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives import serialization

    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        return load(data, password)
    except TypeError:
        if password is None:
            raise PasswordRequiredError(
                f"the private key {path.name} is encrypted",
                where=str(path),
                advice="type its password when asked, or pipe it in with --password-stdin",
            ) from None
        # a password given for a key that is not encrypted: read it without
        return load(data, None)
    except ValueError:
        if password is not None:
            raise BadInputError(
                f"cannot open the private key {path.name}: wrong password, or not a private key",
                where=str(path),
                advice="check the password and that the file is the key (for SAT: the .key file)",
            ) from None
        raise BadInputError(
            f"{path.name} is not a private key golive can read (PEM or DER, PKCS#1/PKCS#8)",
            where=str(path),
            advice="give the key file that belongs to the certificate",
        ) from None
