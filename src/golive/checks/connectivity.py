"""Connectivity, stage by stage, each timed: DNS -> TCP -> TLS -> HTTP -> authentication -> company.

DNS, TCP and TLS are done here with asyncio (the same TLS context as the client, CA bundle
included), so each is timed on its own and the certificate's expiry can be read. HTTP,
authentication and the company quote go through the API client. The first failure names its stage
and says what to do; the stages after it are reported as not run.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import urllib.request
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from golive.api.client import OnesourceClient, stage_deadline
from golive.api.errors import (
    ApiError,
    connect_timeout_text,
    dns_failure_text,
    refused_text,
    tls_failure_text,
    tls_problem_of,
)
from golive.api.tls import tls_context
from golive.checks.documents import quote_request
from golive.checks.events import EventSink
from golive.checks.results import CheckResult, CheckStage
from golive.checks.stages import StageRecorder
from golive.session.clock import now

CERTIFICATE_WARNING_DAYS = 14
CONNECTIVITY_STAGES = (
    CheckStage.DNS,
    CheckStage.TCP,
    CheckStage.TLS,
    CheckStage.HTTP,
    CheckStage.AUTH,
    CheckStage.COMPANY,
)


def proxy_for(url: str) -> str | None:
    """The proxy the client will use for `url` (HTTPS_PROXY, ALL_PROXY; NO_PROXY respected)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    host = parts.hostname or ""
    if not host or urllib.request.proxy_bypass(host):
        return None
    return proxies.get(parts.scheme) or proxies.get("all") or None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return str(common[0].value)
    return name.rfc4514_string()


def certificate_facts(der: bytes) -> dict[str, Any]:
    """Subject, issuer, names, expiry and days to expiry of a DER certificate."""
    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc
    names: list[str] = []
    with contextlib.suppress(x509.ExtensionNotFound):
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        if isinstance(san, x509.SubjectAlternativeName):
            names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
            names += [str(n) for n in san.get_values_for_type(x509.IPAddress)]
    moment = now()
    return {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "names": names,
        "not_after": not_after.astimezone(UTC).isoformat(),
        "days_to_expiry": int((not_after - moment).total_seconds() // 86400),
    }


async def check_connectivity(
    client: OnesourceClient,
    *,
    company: str,
    country: str,
    emit: EventSink,
    check_id: str = "connectivity",
) -> CheckResult:
    """DNS -> TCP -> TLS -> HTTP -> AUTH -> COMPANY against the client's environment; the first
    stage that fails ends the check (the later ones are skipped, saying why)."""
    endpoints, settings = client.endpoints, client.settings
    host, port = endpoints.host, endpoints.port
    recorder = StageRecorder(check_id, f"Connectivity to {host}", emit)
    recorder.details.update({"host": host, "port": port, "base_url": endpoints.base_url})
    connect_timeout = settings.timeouts.connect

    proxy = proxy_for(endpoints.base_url)
    target_host, target_port = host, port
    if proxy:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        target_host = parts.hostname or host
        target_port = parts.port or (443 if parts.scheme == "https" else 80)
        recorder.details["proxy"] = f"{target_host}:{target_port}"
    via = f" (the proxy {target_host}:{target_port})" if proxy else ""

    def not_run(after: CheckStage) -> CheckResult:
        later = CONNECTIVITY_STAGES[CONNECTIVITY_STAGES.index(after) + 1 :]
        for stage in later:
            recorder.skip(stage, f"not run: the {after.label} stage failed")
        return recorder.result()

    addresses = await _dns_stage(recorder, target_host, target_port, via, connect_timeout)
    if addresses is None:
        return not_run(CheckStage.DNS)
    writer = await _tcp_stage(recorder, addresses, target_host, target_port, via, connect_timeout)
    if writer is None:
        return not_run(CheckStage.TCP)
    try:
        if endpoints.scheme != "https":
            recorder.skip(
                CheckStage.TLS, f"not used: {endpoints.base_url} is plain http (staging only)"
            )
        elif proxy:
            recorder.skip(
                CheckStage.TLS,
                f"checked through the proxy {target_host}:{target_port} by the HTTP stage",
            )
        elif not await _tls_stage(recorder, writer, host, settings.ca_bundle, connect_timeout):
            return not_run(CheckStage.TLS)
    finally:
        await _close(writer, connect_timeout)
    deadline = stage_deadline(settings.timeouts, settings.retry)
    if not await _http_stage(client, recorder, deadline):
        return not_run(CheckStage.HTTP)
    if not await _auth_stage(client, recorder, deadline):
        return not_run(CheckStage.AUTH)
    await _company_stage(client, recorder, deadline, company, country)
    return recorder.result()


async def _dns_stage(
    recorder: StageRecorder, target_host: str, target_port: int, via: str, connect_timeout: float
) -> list[tuple[Any, ...]] | None:
    """Resolve the host (or the proxy): its addresses, or None when the stage failed."""
    recorder.start(CheckStage.DNS, f"resolving {target_host}{via}")
    try:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(connect_timeout):
            infos = await loop.getaddrinfo(target_host, target_port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        message, advice = dns_failure_text(target_host, error)
        recorder.finish("failed", message + via, advice=advice)
        return None
    except TimeoutError:
        recorder.finish(
            "failed",
            f"no DNS answer for {target_host} within {connect_timeout:g} s",
            advice="check this machine's DNS servers (and VPN); the name server does not answer",
        )
        return None
    addresses = [info[4] for info in infos]
    unique = list(dict.fromkeys(str(a[0]) for a in addresses))
    what = (
        "an IP address, nothing to resolve" if _is_ip(target_host) else f"{len(unique)} address(es)"
    )
    recorder.finish(
        "passed",
        f"{target_host}{via}: {what} ({', '.join(unique[:4])})",
        details={"addresses": unique},
    )
    return addresses


async def _tcp_stage(
    recorder: StageRecorder,
    addresses: list[tuple[Any, ...]],
    target_host: str,
    target_port: int,
    via: str,
    connect_timeout: float,
) -> asyncio.StreamWriter | None:
    """Connect to the first address that answers: the open connection, or None."""
    recorder.start(CheckStage.TCP, f"connecting to {target_host}:{target_port}")
    failure: tuple[str, str] | None = None
    for address in addresses:
        try:
            async with asyncio.timeout(connect_timeout):
                _reader, writer = await asyncio.open_connection(address[0], target_port)
        except ConnectionRefusedError:
            failure = refused_text(target_host, target_port)
        except TimeoutError:
            failure = connect_timeout_text(target_host, target_port, connect_timeout)
        except OSError as error:
            failure = (
                f"cannot reach {target_host}:{target_port} ({error.strerror or error})",
                "check the network route (VPN, firewall, security groups) to the host",
            )
        else:
            recorder.details["address"] = str(address[0])
            recorder.finish("passed", f"connected to {target_host}:{target_port}{via}")
            return writer
    message, advice = failure or (f"no address to connect to for {target_host}", "")
    recorder.finish("failed", message + via, advice=advice)
    return None


async def _http_stage(client: OnesourceClient, recorder: StageRecorder, deadline: float) -> bool:
    endpoints = client.endpoints
    recorder.start(CheckStage.HTTP, f"GET {endpoints.ping_url}")
    try:
        async with asyncio.timeout(deadline):
            answer = await client.ping()
    except ApiError as error:
        recorder.fail_with(error, CheckStage.HTTP)
        return False
    except TimeoutError:
        _past_deadline(recorder, endpoints.ping_url, deadline)
        return False
    if answer.status_code >= 500:
        recorder.finish(
            "failed",
            f"{endpoints.ping_url} answered {answer.status_code}: the service is failing or unavailable",
            advice="try again later; if it persists contact Thomson Reuters support",
            details={"status": answer.status_code, "attempts": answer.attempts},
        )
        return False
    recorder.finish(
        "passed",
        f"{endpoints.host} answered HTTP {answer.status_code} in {answer.elapsed_s * 1000:.0f} ms",
        details={"status": answer.status_code, "request_id": answer.request_id},
    )
    return True


async def _auth_stage(client: OnesourceClient, recorder: StageRecorder, deadline: float) -> bool:
    token_url = client.endpoints.token_url
    recorder.start(CheckStage.AUTH, f"token from {token_url}")
    try:
        async with asyncio.timeout(deadline):
            token = await client.token(refresh=True)
    except ApiError as error:
        recorder.fail_with(error, CheckStage.AUTH)
        return False
    except TimeoutError:
        _past_deadline(recorder, token_url, deadline)
        return False
    recorder.finish(
        "passed",
        f"token issued by {token_url}, valid {token.expires_in:g} s",
        details={
            "expires_in": token.expires_in,
            "scope": token.scope,
            "request_id": token.request_id,
        },
    )
    return True


async def _company_stage(
    client: OnesourceClient, recorder: StageRecorder, deadline: float, company: str, country: str
) -> None:
    recorder.start(CheckStage.COMPANY, f"a quote for company {company!r} (nothing committed)")
    try:
        async with asyncio.timeout(deadline):
            quote = await client.calculate(
                quote_request(company, client.settings.company_role, country)
            )
    except ApiError as error:
        recorder.fail_with(error, CheckStage.COMPANY)
        return
    except TimeoutError:
        _past_deadline(recorder, client.endpoints.calculate_url, deadline)
        return
    recorder.finish(
        "passed",
        f"a quote for company {company!r} was accepted ({quote.elapsed_s * 1000:.0f} ms)",
        details={
            "correlation_id": quote.correlation_id,
            "country": country,
            "request_id": quote.request_id,
        },
    )


def _past_deadline(recorder: StageRecorder, url: str, deadline: float) -> None:
    """End the current stage as failed: it ran past its deadline (its calls and their retries)."""
    recorder.finish(
        "failed",
        f"{url} gave no usable answer within the stage's deadline of {deadline:g} s (every "
        "attempt and retry included)",
        advice="the service is slow or hanging: try again later; the deadline comes from the "
        "environment's timeouts and retry policy",
    )


async def _close(writer: asyncio.StreamWriter, within: float) -> None:
    """Close the stage's connection; a peer that never answers the close is cut off (no hang)."""
    writer.close()
    try:
        async with asyncio.timeout(within):
            await writer.wait_closed()
    except TimeoutError:
        writer.transport.abort()
    except Exception:  # (the stage's verdict is already given: cut the connection off)
        writer.transport.abort()


# Long because the handshake, the certificate's facts and each refusal's advice are one stage.
async def _tls_stage(
    recorder: StageRecorder,
    writer: asyncio.StreamWriter,
    host: str,
    ca_bundle: str,
    handshake_s: float,
) -> bool:
    recorder.start(CheckStage.TLS, f"TLS handshake with {host}")
    try:
        context = tls_context(ca_bundle)
        async with asyncio.timeout(handshake_s):
            await writer.start_tls(context, server_hostname=host, ssl_handshake_timeout=handshake_s)
    except ssl.SSLCertVerificationError as error:
        message, advice = tls_failure_text(host, error, ca_bundle)
        recorder.finish(
            "failed", message, advice=advice, details={"tls_problem": tls_problem_of(error)}
        )
        return False
    except ssl.SSLError as error:
        recorder.finish(
            "failed",
            f"the TLS handshake with {host} failed ({error.reason or error})",
            advice="check the scheme and port (https:// to a plain-http port fails like this) and "
            "whether a proxy interferes with TLS",
        )
        return False
    except TimeoutError:
        recorder.finish(
            "failed",
            f"no TLS handshake with {host} within {handshake_s:g} s",
            advice="something accepts the connection but does not speak TLS: check the port and "
            "any proxy or firewall doing inspection",
        )
        return False
    except (ConnectionError, OSError) as error:
        recorder.finish(
            "failed",
            f"{host} closed the connection during the TLS handshake ({error})",
            advice="check the port speaks https, and whether a firewall or proxy cuts TLS",
        )
        return False
    ssl_object = writer.get_extra_info("ssl_object")
    details: dict[str, Any] = {}
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    if der:
        details = certificate_facts(der)
    if ssl_object is not None:
        details["version"] = ssl_object.version()
        cipher = ssl_object.cipher()
        details["cipher"] = cipher[0] if cipher else ""
    days = details.get("days_to_expiry")
    issuer = details.get("issuer", "?")
    message = (
        f"{host}: certificate trusted (issuer {issuer}), host name matches, "
        f"{details.get('version', 'TLS')}"
    )
    if isinstance(days, int) and days < CERTIFICATE_WARNING_DAYS:
        recorder.finish(
            "warning",
            # said against the check: the words are kept in the evidence and read later
            f"the certificate of {host} expires {days} day(s) after this check "
            f"({details.get('not_after', '')})",
            advice=f"tell the operator of {host} (Thomson Reuters support for a ONESOURCE host); "
            "calls will fail once it has expired",
            details=details,
        )
        return True
    if isinstance(days, int):
        message += f", expires {days} days after this check"
    recorder.finish("passed", message, details=details)
    return True
