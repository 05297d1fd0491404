"""Saying what a failed call means: a transport error, a redirect, an error status, an odd answer.

Each becomes an ApiError whose message names the host or URL and whose advice says what to do.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping

import httpx

from golive.api import wire
from golive.api.bodies import AnswerProblem, parse_json, problems_of, server_text
from golive.api.calls import ApiAnswer, Auth, Call, Sent
from golive.api.errors import (
    ApiError,
    Failure,
    Operation,
    TlsProblem,
    causes,
    connect_timeout_text,
    dns_failure_text,
    refused_text,
    tls_failure_text,
    tls_problem_of,
)
from golive.api.retry import RETRYABLE_STATUSES
from golive.secrets.redaction import redact
from golive.session.model import EnvironmentSettings


def redirect_error(call: Call, response: httpx.Response, attempts: int, elapsed: float) -> ApiError:
    location = response.headers.get("location", "")
    where = f" to {server_text(location)}" if location else " (with no Location)"
    return ApiError(
        f"{call.url} answered {response.status_code}, a redirect{where}; golive does not "
        "follow redirects",
        failure=Failure.REDIRECT,
        operation=call.operation,
        url=call.url,
        advice="the API does not redirect: if the new address is the API's, put it in the "
        "environment's base URL (or token URL); a redirect to a login page means a proxy or "
        "the wrong host is answering",
        status_code=response.status_code,
        attempts=attempts,
        elapsed_s=elapsed,
    )


def bad_answer(call: Call, answer: ApiAnswer, what: str) -> ApiError:
    return ApiError(
        f"the answer from {call.url} {what}",
        failure=Failure.BAD_ANSWER,
        operation=call.operation,
        url=call.url,
        advice="the endpoint does not answer like the ONESOURCE API: check the base URL and the "
        "paths in the environment settings",
        status_code=answer.status_code,
        attempts=answer.attempts,
        elapsed_s=answer.elapsed_s,
        request_id=answer.request_id,
    )


# Long because each transport failure gets its own words and advice, in one ordered list.
def describe_transport(
    call: Call, error: httpx.TransportError, settings: EnvironmentSettings
) -> tuple[Failure, str, str, TlsProblem | None]:
    host = httpx.URL(call.url).host
    port = httpx.URL(call.url).port or (443 if call.url.startswith("https") else 80)
    timeouts = settings.timeouts
    for cause in causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            message, advice = tls_failure_text(host, cause, settings.ca_bundle)
            return Failure.TLS, message, advice, tls_problem_of(cause)
    for cause in causes(error):
        if isinstance(cause, socket.gaierror):
            message, advice = dns_failure_text(host, cause)
            return Failure.DNS, message, advice, None
        if isinstance(cause, ConnectionRefusedError):
            message, advice = refused_text(host, port)
            return Failure.REFUSED, message, advice, None
    if isinstance(error, httpx.ConnectTimeout):
        message, advice = connect_timeout_text(
            host, port, timeouts.connect, with_tls=call.url.startswith("https")
        )
        return Failure.CONNECT, message, advice, None
    if isinstance(error, httpx.PoolTimeout):
        return (
            Failure.TIMEOUT,
            f"no free connection to {host} within the pool timeout of {timeouts.pool:g} s",
            "run with fewer parallel requests (--concurrency) or raise the pool timeout",
            None,
        )
    if isinstance(error, httpx.ReadTimeout | httpx.WriteTimeout):
        limit = timeouts.read if isinstance(error, httpx.ReadTimeout) else timeouts.write
        return (
            Failure.TIMEOUT,
            f"no answer from {call.url} within {limit:g} s",
            "the service is slow or hanging: try again later; raise the read timeout only if "
            "answers are slow but valid (the response-time target is 2 s)",
            None,
        )
    if isinstance(error, httpx.ProxyError):
        return (
            Failure.CONNECT,
            f"the proxy refused to connect to {host} ({redact(str(error))})",
            "check HTTPS_PROXY / NO_PROXY and the proxy's credentials and allow list",
            None,
        )
    for cause in causes(error):
        if isinstance(cause, ssl.SSLError):
            reason = cause.reason or str(cause)
            return (
                Failure.TLS,
                f"the TLS handshake with {host}:{port} failed ({reason})",
                "check the scheme and port (https:// to a plain-http port fails like this) "
                "and whether a proxy interferes with TLS",
                "other",
            )
    if isinstance(error, httpx.ConnectError):
        return (
            Failure.CONNECT,
            f"no connection to {host}:{port} ({redact(str(error)) or type(error).__name__})",
            "check the host and port, the network route and any firewall or proxy "
            "(HTTPS_PROXY) between this machine and the host",
            None,
        )
    return (
        Failure.PROTOCOL,
        f"the connection to {host} broke before a whole answer arrived "
        f"({redact(str(error)) or type(error).__name__})",
        "a proxy or load balancer may be cutting connections; run again, and if it persists "
        "check the network path to the host",
        None,
    )


# Long because each answer status gets its own message and advice, side by side.
def status_error(
    call: Call,
    sent: Sent,
    *,
    environment: str,
    host: str,
    settings: EnvironmentSettings,
    auths: Mapping[str, Auth],
) -> ApiError:
    """The ApiError of an error status: what the status means here, and what to do."""
    response, attempts, elapsed = sent.response, sent.attempts, sent.elapsed_s
    status = response.status_code
    problems = problems_of(response)
    first = problems[0] if problems else None
    code = first.code if first else ""
    said = f" ({first})" if first else ""  # "answered 403 (CODE at path: message)"
    inner = f" {first}" if first else ""  # "(403 CODE at path: message)"
    gave_up = f"; {sent.gave_up}" if status in RETRYABLE_STATUSES and sent.gave_up else ""
    env = environment
    host = host
    message = f"{call.url} answered {status}{said}{gave_up}"  # the default
    company_not_found = False
    advice = (
        "the request was refused; run again, and if it persists contact Thomson Reuters "
        "support with the correlation id from the evidence log"
    )
    if call.operation is Operation.TOKEN:
        product = "E-Invoicing " if call.product == "einvoicing" else ""
        variable = (
            f"GOLIVE_{env.upper()}_EINVOICING_CLIENT_SECRET"
            if auths["einvoicing"].secret_name.endswith("einvoicing.client_secret")
            and call.product == "einvoicing"
            else f"GOLIVE_{env.upper()}_CLIENT_SECRET"
        )
        if status == 401 or code == "invalid_client":
            message = (
                f"the token endpoint {call.url} answered {status}{said}: the client id or "
                "secret is wrong for this environment"
            )
            advice = (
                f"check the {env} {product}client id in the session and the {env} "
                f"{product}client secret ({variable} or the keyring); UAT and production "
                "have different credentials; if the host wants the token request as JSON, "
                f"set the token format (`golive env SESSION --env {env} --token-format json`)"
            )
        elif code == "invalid_scope":
            message = (
                f"the token endpoint {call.url} answered {status}{said}: the scope "
                f"{auths[call.product].scope!r} is not granted to this client"
            )
            advice = "check the environment's scope; Thomson Reuters grants scopes per client"
        elif status in (404, 405):
            message = (
                f"the token endpoint {call.url} answered {status}: there is no token endpoint there"
            )
            advice = "check the token URL (empty means {base_url}/oauth2/v1/token) and the base URL"
        elif status < 500 and status != 429:
            message = f"the token endpoint {call.url} answered {status}{said}"
            advice = "check the client id, the scope and the token URL for this environment"
    elif status == 401:
        message = f"{call.url} refused the access token ({status}{inner})"
        advice = (
            "the client may not be entitled to this API: ask Thomson Reuters to check the "
            "client's subscriptions and scope; check this machine's clock too"
        )
    elif status == 403 and code == wire.value(settings, "company_not_found_code"):
        company_not_found = True
        message = f"the company {call.subject!r} is not known to {host} ({status}{inner})"
        advice = (
            f"check externalCompanyId for the {env} environment: companies are set up "
            "separately in UAT and production (the external company id in ONESOURCE "
            "Determination)"
        )
    elif status == 403:
        message = f"{call.url} answered 403{said}: this client may not do this"
        advice = (
            "ask your ONESOURCE administrator to grant the client access to this company and API"
        )
    elif status == 400 or status == 422:
        message = f"{call.url} refused the request as invalid ({status}{inner})"
        advice = (
            "the request does not match what this endpoint expects: check the paths in the "
            "environment settings; if they are right, report it with the evidence record"
        )
    elif status == 404:
        message = f"{call.url} answered 404: no such endpoint or document"
        advice = "check the base URL and the path settings of the environment"
    if status == 429:
        message = f"{call.url} answered 429 (too many requests){gave_up}"
        advice = (
            "wait a little and run again with fewer parallel requests (--concurrency); if it "
            "persists ask Thomson Reuters about the client's rate limit"
        )
    elif status >= 500:
        advice = (
            "the service is failing or unavailable: try again later; if it persists contact "
            "Thomson Reuters support with the time of the run and the correlation id"
        )
    error = ApiError(
        redact(message),
        failure=Failure.STATUS,
        operation=call.operation,
        url=call.url,
        advice=advice,
        status_code=status,
        problems=problems,
        attempts=attempts,
        elapsed_s=elapsed,
    )
    error.company_not_found = company_not_found
    return error


def answer_of(call: Call, sent: Sent) -> ApiAnswer:
    """The JSON object a successful call answered, or ApiError saying what the answer is."""
    response, attempts, elapsed = sent.response, sent.attempts, sent.elapsed_s
    try:
        body = parse_json(response.content)
    except AnswerProblem as problem:
        raise ApiError(
            f"{call.url}: {problem.message}",
            failure=problem.failure,
            operation=call.operation,
            url=call.url,
            advice=problem.advice,
            status_code=response.status_code,
            attempts=attempts,
            elapsed_s=elapsed,
        ) from None
    except ValueError:  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
        kind = server_text(response.headers.get("content-type", "no content type"))
        raise ApiError(
            f"the answer from {call.url} was not JSON (HTTP {response.status_code}, {kind}, "
            f"{len(response.content)} bytes)",
            failure=Failure.NOT_JSON,
            operation=call.operation,
            url=call.url,
            advice="something other than the API may be answering (a proxy, a login page, the "
            "wrong base URL or path), or the answer was cut short: check the base URL and paths, "
            "then run again",
            status_code=response.status_code,
            attempts=attempts,
            elapsed_s=elapsed,
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            f"the answer from {call.url} is JSON but not an object",
            failure=Failure.BAD_ANSWER,
            operation=call.operation,
            url=call.url,
            advice="check the base URL and paths point at the ONESOURCE API",
            status_code=response.status_code,
            attempts=attempts,
            elapsed_s=elapsed,
        )
    return ApiAnswer(
        call.operation,
        call.url,
        response.status_code,
        body,
        elapsed,
        attempts,
        request_id=sent.request_id,
    )
