"""The one TLS configuration of golive's API calls: verification always on.

The system's trust store, certifi's bundle, and optionally a CA bundle for a proxy that intercepts
TLS. There is no option to turn verification off. The connectivity check uses the same context for
its own TLS stage, so it accepts exactly what the client accepts.
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from pathlib import Path

import certifi

from golive.session.errors import BadInputError
from golive.session.model import special_file_kind
from golive.session.text import printable

MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024  # certifi's bundle is ~300 KB


@lru_cache(maxsize=8)
def _context(ca_bundle: str, stamp: float) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.load_verify_locations(cafile=certifi.where())
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (ssl.SSLError, ValueError) as error:
            raise BadInputError(
                f"the CA bundle {printable(ca_bundle)} holds no usable PEM certificate ({error})",
                where="ca_bundle",
                advice="give a PEM file with the CA certificate(s) of the proxy that intercepts TLS",
            ) from None
    # Never lowered anywhere: hostname checks and certificate verification stay on.
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """A verifying client context; with `ca_bundle`, its certificates are trusted as well."""
    stamp = 0.0
    if ca_bundle:
        path = Path(ca_bundle).expanduser()
        try:
            facts = path.stat()  # stat, never open: a FIFO would block the read
        except OSError as error:
            raise BadInputError(
                f"the CA bundle {printable(ca_bundle)} cannot be read ({error.strerror})",
                where="ca_bundle",
                advice="give the path of a PEM file with the proxy's CA certificate, or clear the setting",
            ) from None
        kind = special_file_kind(facts.st_mode)
        if kind or facts.st_size > MAX_CA_BUNDLE_BYTES:
            what = kind or f"{facts.st_size} bytes, more than a CA bundle holds"
            raise BadInputError(
                f"the CA bundle {printable(ca_bundle)} is {what}, not a PEM file",
                where="ca_bundle",
                advice="give the path of a PEM file with the proxy's CA certificate, or clear the setting",
            )
        stamp = facts.st_mtime
        ca_bundle = str(path)
    return _context(ca_bundle, stamp)
