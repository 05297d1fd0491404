"""Which certificates a Prometheus server is checked against, and its failures in words.

Verification is always on. A Prometheus at the host:port of the session's staging or production
API (the demo's sandbox serves both) is checked against that environment's `ca_bundle` as well;
any other against the system's trust store (golive.api.tls). A failure is said in words, never
as a raw `CERTIFICATE_VERIFY_FAILED`.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from golive.api.errors import (
    causes,
    dns_failure_text,
    refused_text,
    tls_failure_text,
    tls_problem_of,
)
from golive.api.tls import tls_context
from golive.session.environments import ca_bundle_serving, host_port
from golive.session.errors import GoliveError
from golive.session.model import Session


@dataclass(frozen=True)
class PrometheusTrust:
    """The TLS context for one Prometheus URL and the CA bundle it adds ("" for none)."""

    context: ssl.SSLContext
    ca_bundle: str = ""
    environment: str = ""  # "staging" or "production" when its ca_bundle is trusted


def prometheus_trust(session: Session, url: str) -> PrometheusTrust:
    """The environment's CA bundle when Prometheus shares its API's host:port, else the system's."""
    name, bundle = ca_bundle_serving(session.environments, url)
    if bundle:
        return PrometheusTrust(tls_context(bundle), bundle, name)
    return PrometheusTrust(tls_context())


def trust_or_words(session: Session, url: str) -> tuple[PrometheusTrust | None, str]:
    """The trust for `url`, or (None, why not) when the environment's CA bundle is unusable."""
    try:
        return prometheus_trust(session, url), ""
    except GoliveError as error:
        return None, f"{error.message}: {error.advice}" if error.advice else error.message


def failure_words(url: str, error: BaseException, trust: PrometheusTrust | None) -> str:
    """What went wrong talking to Prometheus, and what to do, in words."""
    parts = urlsplit(url)
    host = parts.hostname or url
    bundle = trust.ca_bundle if trust else ""
    for cause in causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            message, advice = tls_failure_text(host, cause, bundle)
            if tls_problem_of(cause) == "untrusted":
                advice = (
                    "golive checks a Prometheus server against the system's trust store, or "
                    "against an environment's CA bundle when it answers at that environment's "
                    "host and port (as the demo's sandbox does); give it a certificate from a "
                    "trusted CA, or check the URL. golive never turns verification off"
                )
            return f"{message}: {advice}"
    for cause in causes(error):
        if isinstance(cause, ssl.SSLError):
            reason = cause.reason or cause.strerror or "no reason given"
            return (
                f"the TLS handshake with {host} failed ({reason}): check that the URL's scheme "
                "and port are those of the Prometheus server"
            )
        if isinstance(cause, socket.gaierror):
            return "{}: {}".format(*dns_failure_text(host, cause))
        if isinstance(cause, ConnectionRefusedError):
            port = host_port(url)[1]
            return "{}: {}".format(*refused_text(host, port))
    return f"{type(error).__name__}: {error}"
