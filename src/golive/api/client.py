"""The ONESOURCE API client: OAuth2 client-credentials token, tax calculation (always a quote),
e-invoice test documents and their clearance status.

Built on httpx.AsyncClient: timeouts and the retry policy come from the session's environment
settings; TLS verification is always on (system store + certifi + an optional CA bundle); the usual
proxy variables (HTTPS_PROXY, NO_PROXY) are respected; http:// is refused for production. The client
secret is a SecretStr that is read only to build the token request; it never reaches a log line,
an error text or a repr. Authorization headers are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
import random
import socket
import ssl
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from golive import __version__
from golive.api import wire
from golive.api.endpoints import Endpoints
from golive.api.errors import (
    ApiError,
    ApiProblem,
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
from golive.api.retry import RETRYABLE_STATUSES, decide
from golive.api.tls import tls_context
from golive.api.trace import HarTrace
from golive.secrets.redaction import redact, register_secret
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings, RetryPolicy, Timeouts
from golive.session.text import printable

log = logging.getLogger("golive.api")

IDT_MEDIA_TYPE = "application/vnd.tri.onesource.idt+json"
JSON_MEDIA_TYPE = "application/json"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

Sleep = Callable[[float], Awaitable[None]]

# What one answer may cost golive, the one place these limits live: the body as sent and as
# decompressed (a gzip bomb stops here), how deep its JSON may nest, and the longest token life
# golive believes.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_EXPIRES_IN_S = 366 * 24 * 3600.0
READ_CHUNK_BYTES = 64 * 1024
ACCEPTED_ENCODINGS = "gzip, deflate"  # the ones golive decompresses itself, counting the bytes
SERVER_TEXT_CHARS = 300  # the most of a server's own text (a Location, an error message) kept


def call_deadline(timeouts: Timeouts) -> float:
    """The longest one attempt of a call may take, connection to the last byte of the answer.

    The per-read timeouts alone let a server that trickles a byte at a time hold a call forever;
    this bounds the whole exchange: connect + write + read.
    """
    return timeouts.connect + timeouts.write + timeouts.read


def stage_deadline(timeouts: Timeouts, retry: RetryPolicy) -> float:
    """The longest one call may take with its retries (each attempt and the waits between)."""
    attempts = retry.max_attempts if retry.enabled else 1
    waits = (attempts - 1) * max(retry.max_delay, retry.retry_after_cap)
    # a 401 on a cached token is tried once more with a fresh token: two calls and a token call
    return 3 * attempts * call_deadline(timeouts) + 3 * waits


def server_text(value: str) -> str:
    """A server's own words as golive repeats them: escaped, redacted, cut short."""
    text = printable(redact(value))
    if len(text) > SERVER_TEXT_CHARS:
        text = text[:SERVER_TEXT_CHARS] + f"... ({len(text) - SERVER_TEXT_CHARS} more characters)"
    return text


class _AnswerProblem(Exception):
    """An answer golive refuses to read further (too large, an unknown encoding, a bad JSON)."""

    def __init__(self, failure: Failure, message: str, advice: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.advice = advice


_TOO_LARGE_ADVICE = (
    "the API's answers are small JSON documents: something else is answering (a proxy, a "
    "download, the wrong base URL or path); check the base URL and paths"
)


class _Decoder:
    """The Content-Encoding of an answer undone chunk by chunk, never past a byte limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        name = encoding.strip().lower()
        self.limit = limit
        self.size = 0
        self._zlib: Any = None
        if name in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
        elif name not in ("", "identity"):
            raise _AnswerProblem(
                Failure.PROTOCOL,
                f"the answer is encoded as {server_text(encoding)!r}, which golive does not read "
                f"(it asks for {ACCEPTED_ENCODINGS})",
                "a proxy or the wrong server is answering: check the base URL and any proxy",
            )

    def _grow(self, produced: int) -> None:
        self.size += produced
        if self.size > self.limit:
            raise _AnswerProblem(
                Failure.TOO_LARGE,
                f"the answer is larger than golive reads ({self.limit // 1024} KiB "
                f"{'decompressed' if self._zlib is not None else 'in all'}); reading stopped there",
                _TOO_LARGE_ADVICE,
            )

    def feed(self, chunk: bytes, out: bytearray) -> None:
        if self._zlib is None:
            self._grow(len(chunk))
            out += chunk
            return
        data = chunk
        try:
            while data:
                piece = self._zlib.decompress(data, self.limit - self.size + 1)
                self._grow(len(piece))
                out += piece
                data = self._zlib.unconsumed_tail
        except zlib.error as error:
            raise _AnswerProblem(
                Failure.PROTOCOL,
                f"the compressed answer could not be decompressed ({error})",
                "the answer was cut short or mangled on the way: run again, and check any proxy",
            ) from None


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The answer's bytes as they arrive, still encoded; nothing for an answer already read."""
    if response.is_stream_consumed:
        return
    async for chunk in response.aiter_raw(READ_CHUNK_BYTES):
        yield chunk


def parse_json(body: bytes) -> Any:
    """JSON as the API sends it: no NaN or Infinity, at most MAX_JSON_DEPTH deep.

    Raises ValueError (not JSON) or _AnswerProblem (JSON golive will not take).
    """

    def no_constant(name: str) -> Any:
        raise _AnswerProblem(
            Failure.BAD_ANSWER,
            f"the answer holds {name}, which is not a JSON number (no value golive can use)",
            "the endpoint does not answer like the ONESOURCE API: check the base URL and paths",
        )

    _check_depth(body)
    return json.loads(body, parse_constant=no_constant)


def _check_depth(body: bytes) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH before parsing it (no RecursionError)."""
    opens = body.count(b"[") + body.count(b"{")
    if opens <= MAX_JSON_DEPTH:
        return
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _AnswerProblem(
                    Failure.BAD_ANSWER,
                    f"the answer is JSON nested more than {MAX_JSON_DEPTH} levels deep",
                    "the API's answers are a few levels deep: something else is answering; check "
                    "the base URL and paths",
                )
        elif byte in (0x5D, 0x7D):
            depth -= 1


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers fit for a log line or an error text: credentials masked."""
    return {k: ("***" if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it stops being used (shortly before it expires)."""

    value: SecretStr
    token_type: str
    scope: str
    expires_in: float
    obtained_at: float  # time.monotonic()
    request_id: str = ""  # the X-API-REQUEST-ID of the token request

    @property
    def refresh_at(self) -> float:
        margin = min(60.0, self.expires_in * 0.1)
        return self.obtained_at + self.expires_in - margin

    def fresh(self, at: float | None = None) -> bool:
        return (time.monotonic() if at is None else at) < self.refresh_at


@dataclass(frozen=True)
class ApiAnswer:
    """One call's answer: status, JSON body, the time it took (retries included) and its ids."""

    operation: Operation
    url: str
    status_code: int
    body: dict[str, Any]
    elapsed_s: float
    attempts: int
    correlation_id: str = ""
    request_id: str = ""  # the X-API-REQUEST-ID of the last attempt


@dataclass(frozen=True)
class RetryNotice:
    """Said before a retry: which call, the attempt that failed, how long golive waits, and why."""

    operation: Operation
    url: str
    attempt: int
    delay_s: float
    cause: str
    reason: str


@dataclass(frozen=True)
class _Sent:
    response: httpx.Response
    attempts: int
    elapsed_s: float
    gave_up: str = ""  # why the last error status was not retried
    request_id: str = ""  # the X-API-REQUEST-ID of the last attempt


@dataclass
class _Call:
    operation: Operation
    method: str
    url: str
    safe_to_repeat: bool
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    form: dict[str, str] | None = None
    subject: str = ""  # e.g. the company, for messages
    product: str = "determination"  # or "einvoicing": which credentials a token call used


@dataclass(frozen=True)
class _Auth:
    """How one product gets its token: endpoint, client, scope, request shape, secret."""

    product: str
    token_url: str
    client_id: str
    scope: str
    shape: str  # the token request: form, json or json-assertion
    secret: SecretStr = field(compare=False)
    secret_name: str = field(default="", compare=False)

    def key(self) -> tuple[str, str, str, str, str]:
        """Two products with the same key share one token."""
        return (
            self.token_url,
            self.client_id,
            self.scope,
            self.shape,
            self.secret.get_secret_value(),
        )


def einvoicing_secret_missing(environment: str) -> BadInputError:
    """The error of an e-invoice call when E-Invoicing has its own credentials but no secret."""
    variable = f"GOLIVE_{environment.upper()}_EINVOICING_CLIENT_SECRET"
    return BadInputError(
        f"the {environment} E-Invoicing client secret is empty",
        where=f"{environment}.einvoicing.client_secret",
        advice=f"set {variable} or store it with `golive secret set SESSION --env "
        f"{environment} --product einvoicing`",
    )


class OnesourceClient:
    """An async client for one environment. Use it as an async context manager."""

    def __init__(
        self,
        settings: EnvironmentSettings,
        *,
        environment: str,
        client_secret: SecretStr,
        max_connections: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        einvoicing_secret: SecretStr | None = None,
        trace: HarTrace | None = None,
    ) -> None:
        self.settings = settings
        self.trace = trace
        self.environment = environment
        self.endpoints = Endpoints.of(settings, environment)
        if not settings.client_id:
            raise BadInputError(
                f"the {environment} environment has no client id",
                where=f"environments.{environment}.client_id",
                advice="enter the client id Thomson Reuters issued for this environment",
            )
        if not client_secret.get_secret_value():
            raise BadInputError(
                f"the {environment} client secret is empty",
                where=f"{environment}.client_secret",
                advice=f"set GOLIVE_{environment.upper()}_CLIENT_SECRET or store it with "
                "`golive secret set`",
            )
        register_secret(client_secret)
        self._secret = client_secret
        self._auths = self._product_auths(settings, environment, client_secret, einvoicing_secret)
        self._tokens: dict[tuple[str, str, str, str, str], AccessToken] = {}
        self._token_locks: dict[tuple[str, str, str, str, str], asyncio.Lock] = {}
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311  # (retry jitter, not cryptography)  # nosec B311
        self.on_retry = on_retry
        timeouts = settings.timeouts
        self._timeout = httpx.Timeout(
            connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
        )
        # Verification is always on; there is deliberately no way to pass verify=False.
        verify = tls_context(settings.ca_bundle)
        self._http = httpx.AsyncClient(
            verify=verify,
            timeout=self._timeout,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            trust_env=True,  # HTTPS_PROXY, NO_PROXY, ALL_PROXY
            follow_redirects=False,
            headers={"User-Agent": f"golive/{__version__}", "Accept": JSON_MEDIA_TYPE},
            transport=transport,
        )

    def __repr__(self) -> str:
        return (
            f"OnesourceClient(environment={self.environment!r}, base_url="
            f"{self.endpoints.base_url!r}, client_id={self.settings.client_id!r})"
        )

    async def __aenter__(self) -> OnesourceClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the calls ------------------------------------------------------------------------------

    @staticmethod
    def _product_auths(
        settings: EnvironmentSettings,
        environment: str,
        secret: SecretStr,
        einvoicing_secret: SecretStr | None,
    ) -> dict[str, _Auth]:
        determination = _Auth(
            "determination",
            settings.resolved_token_url(),
            settings.client_id,
            settings.scope,
            settings.token_format,
            secret,
            f"{environment}.client_secret",
        )
        own = not settings.einvoicing.shares_credentials
        if own and not settings.einvoicing.client_id:
            raise BadInputError(
                f"the {environment} E-Invoicing product has its own credentials but no client id",
                where=f"environments.{environment}.einvoicing.client_id",
                advice="enter the E-Invoicing client id, or say it shares the Determination "
                f"credentials (`golive env SESSION --env {environment} --product einvoicing "
                "--shares-credentials`)",
            )
        # Without its secret, E-Invoicing's calls are refused when made (see token()); a run that
        # sends no e-invoice does not need it (golive.checks.suites checks a run up front).
        chosen = einvoicing_secret if own and einvoicing_secret is not None else secret
        if own and einvoicing_secret is None:
            chosen = SecretStr("")
        register_secret(chosen)
        einvoicing = _Auth(
            "einvoicing",
            settings.einvoicing_token_url(),
            settings.einvoicing_client_id(),
            settings.einvoicing_scope(),
            settings.einvoicing_token_format(),
            chosen,
            f"{environment}.einvoicing.client_secret" if own else f"{environment}.client_secret",
        )
        return {"determination": determination, "einvoicing": einvoicing}

    async def token(self, *, refresh: bool = False, product: str = "determination") -> AccessToken:
        """The product's cached bearer token, fetched again shortly before it expires (or when
        asked). Determination and E-Invoicing share one token when they share everything."""
        auth = self._auths[product]
        if not auth.secret.get_secret_value():
            raise einvoicing_secret_missing(self.environment)
        key = auth.key()
        current = self._tokens.get(key)
        if current is not None and not refresh and current.fresh():
            return current
        lock = self._token_locks.setdefault(key, asyncio.Lock())
        async with lock:
            latest = self._tokens.get(key)
            if latest is not None and latest is not current and latest.fresh():
                return latest  # another task fetched it while we waited
            fetched = await self._fetch_token(auth)
            self._tokens[key] = fetched
            return fetched

    async def calculate(
        self, request: Mapping[str, Any], *, correlation_id: str | None = None
    ) -> ApiAnswer:
        """A tax calculation, always as a quote: isAudited is forced to false, nothing is committed."""
        body = {
            **self._audit_keys(request),
            **request,
            wire.value(self.settings, "commit_flag"): False,
        }
        correlation = correlation_id or str(uuid.uuid4())
        call = _Call(
            Operation.CALCULATE,
            "POST",
            self.endpoints.calculate_url,
            safe_to_repeat=True,
            headers={
                "Content-Type": wire.value(self.settings, "idt_media_type"),
                wire.value(self.settings, "correlation_header"): correlation,
            },
            json_body=body,
            subject=str(body.get("externalCompanyId", "")),
        )
        answer = await self._authorized(call)
        return _with_correlation(answer, correlation)

    def _audit_keys(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The audit keys the calculate request takes (hostSystem, callingSystemNumber,
        uniqueDocumentNumber) and the stored internal company id, where the session has them."""
        keys: dict[str, Any] = {}
        if self.settings.host_system:
            keys["hostSystem"] = self.settings.host_system
        if self.settings.calling_system_number:
            keys["callingSystemNumber"] = self.settings.calling_system_number
        if request.get("documentNumber"):
            keys["uniqueDocumentNumber"] = request["documentNumber"]
        if self.settings.company_id is not None:
            keys[wire.value(self.settings, "company_id_field")] = self.settings.company_id
        return keys

    async def submit_document(self, document: Mapping[str, Any]) -> ApiAnswer:
        """Submit an e-invoice. Never repeated: a document is never submitted twice."""
        correlation = str(uuid.uuid4())
        body = dict(document)
        einvoicing = self.settings.einvoicing
        if einvoicing.external_company_id and body.get("externalCompanyId") == (
            self.settings.external_company_id
        ):
            # E-Invoicing knows the company by its own id (a country's own id is kept)
            body["externalCompanyId"] = einvoicing.external_company_id
        call = _Call(
            Operation.SUBMIT,
            "POST",
            self.endpoints.submit_url,
            safe_to_repeat=False,
            headers={
                "Content-Type": JSON_MEDIA_TYPE,
                wire.value(self.settings, "correlation_header"): correlation,
            },
            json_body=body,
            subject=str(body.get("externalCompanyId", "")),
            product="einvoicing",
        )
        answer = await self._authorized(call)
        if not isinstance(answer.body.get("documentId"), str) or not answer.body["documentId"]:
            raise self._bad_answer(call, answer, "has no documentId")
        return _with_correlation(answer, correlation)

    async def document_status(self, document_id: str) -> ApiAnswer:
        """The clearance status of a submitted document (safe to repeat)."""
        call = _Call(
            Operation.STATUS,
            "GET",
            self.endpoints.status_url(document_id),
            safe_to_repeat=True,
            product="einvoicing",
        )
        answer = await self._authorized(call)
        if not isinstance(answer.body.get("status"), str):
            raise self._bad_answer(call, answer, "has no status")
        names = wire.status_names(self.settings)
        said = answer.body["status"]
        if said in names and names[said] != said:  # the session maps the server's names
            body = {**answer.body, "status": names[said], "serverStatus": said}
            return ApiAnswer(
                answer.operation,
                answer.url,
                answer.status_code,
                body,
                answer.elapsed_s,
                answer.attempts,
                answer.correlation_id,
                answer.request_id,
            )
        return answer

    async def ping(self) -> ApiAnswer:
        """GET {base}/ping without credentials; any HTTP answer is returned, whatever its status."""
        call = _Call(Operation.PING, "GET", self.endpoints.ping_url, safe_to_repeat=True)
        sent = await self._send(call)
        body: dict[str, Any] = {}
        try:
            parsed = parse_json(sent.response.content)
        except (ValueError, _AnswerProblem):
            parsed = None
        if isinstance(parsed, dict):
            body = parsed
        return ApiAnswer(
            call.operation,
            call.url,
            sent.response.status_code,
            body,
            sent.elapsed_s,
            sent.attempts,
            request_id=sent.request_id,
        )

    # --- machinery ------------------------------------------------------------------------------

    def _token_call(self, auth: _Auth) -> _Call:
        """The token request in the shape the environment asks for: an OAuth2 form (the
        standard), JSON, or JSON with the credentials in an assertion header."""
        secret = auth.secret.get_secret_value()
        call = _Call(
            Operation.TOKEN,
            "POST",
            auth.token_url,
            safe_to_repeat=True,
            subject=auth.client_id,
            product=auth.product,
        )
        if auth.shape == "form":
            form = {
                "grant_type": "client_credentials",
                "client_id": auth.client_id,
                "client_secret": secret,
            }
            if auth.scope:
                form["scope"] = auth.scope
            call.form = form
            return call
        body: dict[str, str] = {"grant_type": "client_credentials"}
        if auth.shape == "json":
            body.update(client_id=auth.client_id, client_secret=secret)
        else:  # json-assertion
            pair = base64.b64encode(f"{auth.client_id}:{secret}".encode()).decode("ascii")
            register_secret(pair)
            call.headers[wire.value(self.settings, "token_assertion_header")] = f"Basic {pair}"
        if auth.scope:
            body[wire.value(self.settings, "token_json_scope_field")] = auth.scope
        call.headers["Content-Type"] = JSON_MEDIA_TYPE
        call.json_body = body
        return call

    async def _fetch_token(self, auth: _Auth) -> AccessToken:
        call = self._token_call(auth)
        answer = self._answer(call, await self._send(call))
        body = answer.body
        value = body.get("access_token")
        token_type = body.get("token_type", "")
        expires_in = body.get("expires_in")
        if not isinstance(value, str) or not value:
            raise self._bad_answer(call, answer, "has no access_token")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise self._bad_answer(
                call, answer, f"gives a {token_type!r} token, not a Bearer token"
            )
        if (
            isinstance(expires_in, bool)
            or not isinstance(expires_in, int | float)
            or not math.isfinite(expires_in)
            or expires_in <= 0
        ):
            raise self._bad_answer(call, answer, "has no positive expires_in")
        if expires_in > MAX_EXPIRES_IN_S:
            raise self._bad_answer(
                call, answer, f"gives an expires_in of {expires_in:g} s, longer than a year"
            )
        register_secret(value)
        return AccessToken(
            value=SecretStr(value),
            token_type="Bearer",  # noqa: S106  # (the token kind, not a secret)  # nosec B106
            scope=str(body.get("scope", "")),
            expires_in=float(expires_in),
            obtained_at=time.monotonic() - answer.elapsed_s,
            request_id=answer.request_id,
        )

    async def _authorized(self, call: _Call) -> ApiAnswer:
        """A call with the bearer token; a 401 on a cached token fetches a new one once."""
        token = await self.token(product=call.product)
        call.headers["Authorization"] = f"Bearer {token.value.get_secret_value()}"
        sent = await self._send(call)
        if sent.response.status_code == 401 and call.safe_to_repeat:
            token = await self.token(refresh=True, product=call.product)
            call.headers["Authorization"] = f"Bearer {token.value.get_secret_value()}"
            again = await self._send(call)
            sent = _Sent(
                again.response,
                sent.attempts + again.attempts,
                sent.elapsed_s + again.elapsed_s,
                again.gave_up,
                again.request_id,
            )
        return self._answer(call, sent)

    async def _send(self, call: _Call) -> _Sent:
        """Send with the retry policy. Returns the last response; raises ApiError on no answer."""
        policy = self.settings.retry
        started = time.perf_counter()
        attempt = 0
        request_id_header = wire.value(self.settings, "request_id_header")
        while True:
            attempt += 1
            request_id = str(uuid.uuid4())  # a fresh X-API-REQUEST-ID for every request sent
            headers = {**call.headers, request_id_header: request_id}
            request = self._http.build_request(
                call.method, call.url, headers=headers, json=call.json_body, data=call.form
            )
            sent_at = self.trace.started() if self.trace is not None else None
            sent_clock = time.perf_counter()
            try:
                response = await self._exchange(call, attempt, started, request)
            except httpx.TransportError as error:
                if self.trace is not None and sent_at is not None:
                    self.trace.record(
                        request,
                        None,
                        started=sent_at,
                        elapsed_s=time.perf_counter() - sent_clock,
                        error=f"{type(error).__name__}: {error}",
                        request_id=request_id,
                    )
                failure, message, advice, tls_problem = self._describe_transport(call, error)
                decision = decide(
                    policy,
                    attempt=attempt,
                    safe_to_repeat=call.safe_to_repeat,
                    rng=self._rng,
                    failure=failure,
                )
                if decision.retry:
                    self._notify(call, attempt, decision.delay_s, failure.value, decision.reason)
                    await self._sleep(decision.delay_s)
                    continue
                elapsed = time.perf_counter() - started
                if attempt > 1:
                    message = f"{message} ({decision.reason})"
                raise ApiError(
                    message,
                    failure=failure,
                    operation=call.operation,
                    url=call.url,
                    advice=advice,
                    tls_problem=tls_problem,
                    attempts=attempt,
                    elapsed_s=elapsed,
                    request_id=request_id,
                ) from None
            if self.trace is not None and sent_at is not None:
                self.trace.record(
                    request,
                    response,
                    started=sent_at,
                    elapsed_s=time.perf_counter() - sent_clock,
                    request_id=request_id,
                )
            status = response.status_code
            log.debug(
                "%s %s -> %d (attempt %d, request id %s)",
                call.method,
                call.url,
                status,
                attempt,
                request_id,
            )
            if 300 <= status < 400:
                raise self._redirect_error(call, response, attempt, time.perf_counter() - started)
            if status < 400:
                return _Sent(response, attempt, time.perf_counter() - started, "", request_id)
            decision = decide(
                policy,
                attempt=attempt,
                safe_to_repeat=call.safe_to_repeat,
                rng=self._rng,
                status_code=status,
                retry_after=response.headers.get("retry-after"),
            )
            if not decision.retry:
                return _Sent(
                    response, attempt, time.perf_counter() - started, decision.reason, request_id
                )
            self._notify(call, attempt, decision.delay_s, f"HTTP {status}", decision.reason)
            await self._sleep(decision.delay_s)

    async def _exchange(
        self, call: _Call, attempt: int, started: float, request: httpx.Request
    ) -> httpx.Response:
        """One attempt: the request sent and the whole answer read, within the call's deadline and
        the size limit. The answer comes back decoded, as a response whose content is in memory."""
        request.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
        deadline = call_deadline(self.settings.timeouts)
        phase = "waiting for the answer's status line and headers"
        received = 0
        try:
            async with asyncio.timeout(deadline):
                response = await self._http.send(request, stream=True)
                try:
                    phase = f"reading the answer (HTTP {response.status_code})"
                    body = bytearray()
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                        raise _AnswerProblem(
                            Failure.TOO_LARGE,
                            f"the answer announces {int(declared)} bytes, more than golive reads "
                            f"({MAX_BODY_BYTES // 1024} KiB); it was not read",
                            _TOO_LARGE_ADVICE,
                        )
                    decoder = _Decoder(response.headers.get("content-encoding", ""), MAX_BODY_BYTES)
                    if response.is_stream_consumed:  # an answer already in memory (a mock
                        decoder = _Decoder("identity", MAX_BODY_BYTES)  # transport), decoded
                        decoder.feed(response.content, body)
                    async for chunk in _raw_chunks(response):
                        received += len(chunk)
                        if received > MAX_BODY_BYTES:
                            raise _AnswerProblem(
                                Failure.TOO_LARGE,
                                f"the answer is larger than golive reads ({MAX_BODY_BYTES // 1024} "
                                "KiB as sent); reading stopped there",
                                _TOO_LARGE_ADVICE,
                            )
                        decoder.feed(chunk, body)
                finally:
                    await response.aclose()
        except TimeoutError:
            so_far = f", {received} bytes of it so far" if received else ""
            raise ApiError(
                f"no whole answer from {call.url} within {deadline:g} s (the call's deadline: "
                f"connect + write + read timeouts); golive was {phase}{so_far}",
                failure=Failure.TIMEOUT,
                operation=call.operation,
                url=call.url,
                advice="the server accepts the connection but answers too slowly or not at all "
                "(a byte at a time, or never): check the host and port, and any proxy or firewall "
                "doing inspection; raise the timeouts only if answers are slow but valid",
                attempts=attempt,
                elapsed_s=time.perf_counter() - started,
            ) from None
        except _AnswerProblem as problem:
            if problem.failure is Failure.TOO_LARGE and response.status_code >= 400:
                body = bytearray()  # an error status all the same: its body is not needed
            else:
                raise ApiError(
                    f"{call.url}: {problem.message}",
                    failure=problem.failure,
                    operation=call.operation,
                    url=call.url,
                    advice=problem.advice,
                    status_code=response.status_code,
                    attempts=attempt,
                    elapsed_s=time.perf_counter() - started,
                ) from None
        kept = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=kept, content=bytes(body), request=request
        )

    def _redirect_error(
        self, call: _Call, response: httpx.Response, attempts: int, elapsed: float
    ) -> ApiError:
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

    def _notify(self, call: _Call, attempt: int, delay: float, cause: str, reason: str) -> None:
        log.info("%s %s: %s, retry %d in %.2f s", call.method, call.url, cause, attempt, delay)
        if self.on_retry is not None:
            self.on_retry(RetryNotice(call.operation, call.url, attempt, delay, cause, reason))

    def _answer(self, call: _Call, sent: _Sent) -> ApiAnswer:
        """The JSON answer of a successful call, or ApiError saying what the answer means (and
        naming the X-API-REQUEST-ID of the request it answered)."""
        try:
            return self._answer_of(call, sent)
        except ApiError as error:
            error.request_id = error.request_id or sent.request_id
            raise

    def _answer_of(self, call: _Call, sent: _Sent) -> ApiAnswer:
        response, attempts, elapsed = sent.response, sent.attempts, sent.elapsed_s
        if response.status_code >= 400:
            raise self._status_error(call, sent)
        try:
            body = parse_json(response.content)
        except _AnswerProblem as problem:
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

    def _bad_answer(self, call: _Call, answer: ApiAnswer, what: str) -> ApiError:
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

    def _describe_transport(
        self, call: _Call, error: httpx.TransportError
    ) -> tuple[Failure, str, str, TlsProblem | None]:
        host = httpx.URL(call.url).host
        port = httpx.URL(call.url).port or (443 if call.url.startswith("https") else 80)
        timeouts = self.settings.timeouts
        for cause in causes(error):
            if isinstance(cause, ssl.SSLCertVerificationError):
                message, advice = tls_failure_text(host, cause, self.settings.ca_bundle)
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

    def _status_error(self, call: _Call, sent: _Sent) -> ApiError:
        response, attempts, elapsed = sent.response, sent.attempts, sent.elapsed_s
        status = response.status_code
        problems = _problems_of(response)
        first = problems[0] if problems else None
        code = first.code if first else ""
        said = f" ({first})" if first else ""  # "answered 403 (CODE at path: message)"
        inner = f" {first}" if first else ""  # "(403 CODE at path: message)"
        gave_up = f"; {sent.gave_up}" if status in RETRYABLE_STATUSES and sent.gave_up else ""
        env = self.environment
        host = self.endpoints.host
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
                if self._auths["einvoicing"].secret_name.endswith("einvoicing.client_secret")
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
                    f"{self._auths[call.product].scope!r} is not granted to this client"
                )
                advice = "check the environment's scope; Thomson Reuters grants scopes per client"
            elif status in (404, 405):
                message = f"the token endpoint {call.url} answered {status}: there is no token endpoint there"
                advice = (
                    "check the token URL (empty means {base_url}/oauth2/v1/token) and the base URL"
                )
            elif status < 500 and status != 429:
                message = f"the token endpoint {call.url} answered {status}{said}"
                advice = "check the client id, the scope and the token URL for this environment"
        elif status == 401:
            message = f"{call.url} refused the access token ({status}{inner})"
            advice = (
                "the client may not be entitled to this API: ask Thomson Reuters to check the "
                "client's subscriptions and scope; check this machine's clock too"
            )
        elif status == 403 and code == wire.value(self.settings, "company_not_found_code"):
            company_not_found = True
            message = f"the company {call.subject!r} is not known to {host} ({status}{inner})"
            advice = (
                f"check externalCompanyId for the {env} environment: companies are set up "
                "separately in UAT and production (the external company id in ONESOURCE "
                "Determination)"
            )
        elif status == 403:
            message = f"{call.url} answered 403{said}: this client may not do this"
            advice = "ask your ONESOURCE administrator to grant the client access to this company and API"
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


def _problems_of(response: httpx.Response) -> tuple[ApiProblem, ...]:
    """The problems an error body names: {"errors": [...]} or OAuth's {"error", "error_description"}."""
    try:
        body = parse_json(response.content)
    except (ValueError, _AnswerProblem):
        return ()
    if not isinstance(body, dict):
        return ()
    problems: list[ApiProblem] = []
    errors = body.get("errors")
    if isinstance(errors, list):
        for entry in errors[:20]:
            if isinstance(entry, dict) and entry.get("code"):
                problems.append(
                    ApiProblem(
                        code=server_text(str(entry.get("code", ""))),
                        message=server_text(str(entry.get("message", ""))),
                        path=server_text(str(entry.get("path", "") or "")),
                    )
                )
    elif isinstance(body.get("error"), str):
        problems.append(
            ApiProblem(
                code=server_text(body["error"]),
                message=server_text(str(body.get("error_description", "") or "")),
            )
        )
    return tuple(problems)


def _with_correlation(answer: ApiAnswer, correlation: str) -> ApiAnswer:
    echoed = answer.body.get("correlationId")
    value = echoed if isinstance(echoed, str) and echoed else correlation
    return ApiAnswer(
        answer.operation,
        answer.url,
        answer.status_code,
        answer.body,
        answer.elapsed_s,
        answer.attempts,
        value,
        answer.request_id,
    )
