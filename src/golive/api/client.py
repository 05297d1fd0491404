# Over 400 lines because the operations, the token cache and the retry loop share one client state.
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
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from golive import __version__
from golive.api import diagnosis, tokens, wire
from golive.api.bodies import (
    IDT_MEDIA_TYPE,
    JSON_MEDIA_TYPE,
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    AnswerProblem,
    Sleep,
    call_deadline,
    parse_json,
    redact_headers,
    stage_deadline,
)
from golive.api.calls import (
    AccessToken,
    ApiAnswer,
    Auth,
    Call,
    RetryNotice,
    Sent,
    einvoicing_secret_missing,
    with_correlation,
)
from golive.api.endpoints import Endpoints
from golive.api.errors import (
    ApiError,
    Operation,
)
from golive.api.exchange import exchange
from golive.api.retry import decide
from golive.api.tls import tls_context
from golive.api.trace import HarTrace
from golive.secrets.redaction import register_secret
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings

log = logging.getLogger("golive.api")

__all__ = [  # the client's names as they were before the split (tests and callers use them)
    "IDT_MEDIA_TYPE",
    "MAX_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "AccessToken",
    "ApiAnswer",
    "OnesourceClient",
    "RetryNotice",
    "call_deadline",
    "einvoicing_secret_missing",
    "redact_headers",
    "stage_deadline",
]


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
        self._auths = tokens.product_auths(settings, environment, client_secret, einvoicing_secret)
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
        call = Call(
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
        return with_correlation(answer, correlation)

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
        call = Call(
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
            raise diagnosis.bad_answer(call, answer, "has no documentId")
        return with_correlation(answer, correlation)

    async def document_status(self, document_id: str) -> ApiAnswer:
        """The clearance status of a submitted document (safe to repeat)."""
        call = Call(
            Operation.STATUS,
            "GET",
            self.endpoints.status_url(document_id),
            safe_to_repeat=True,
            product="einvoicing",
        )
        answer = await self._authorized(call)
        if not isinstance(answer.body.get("status"), str):
            raise diagnosis.bad_answer(call, answer, "has no status")
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
        call = Call(Operation.PING, "GET", self.endpoints.ping_url, safe_to_repeat=True)
        sent = await self._send(call)
        body: dict[str, Any] = {}
        try:
            parsed = parse_json(sent.response.content)
        except (ValueError, AnswerProblem):
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

    async def _fetch_token(self, auth: Auth) -> AccessToken:
        call = tokens.token_call(auth, self.settings)
        return tokens.token_of(call, self._answer(call, await self._send(call)))

    async def _authorized(self, call: Call) -> ApiAnswer:
        """A call with the bearer token; a 401 on a cached token fetches a new one once."""
        token = await self.token(product=call.product)
        call.headers["Authorization"] = f"Bearer {token.value.get_secret_value()}"
        sent = await self._send(call)
        if sent.response.status_code == 401 and call.safe_to_repeat:
            token = await self.token(refresh=True, product=call.product)
            call.headers["Authorization"] = f"Bearer {token.value.get_secret_value()}"
            again = await self._send(call)
            sent = Sent(
                again.response,
                sent.attempts + again.attempts,
                sent.elapsed_s + again.elapsed_s,
                again.gave_up,
                again.request_id,
            )
        return self._answer(call, sent)

    # Long because the retry loop, its deadline and each retry's notice belong together.
    async def _send(self, call: Call) -> Sent:
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
                failure, message, advice, tls_problem = diagnosis.describe_transport(
                    call, error, self.settings
                )
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
                raise diagnosis.redirect_error(
                    call, response, attempt, time.perf_counter() - started
                )
            if status < 400:
                return Sent(response, attempt, time.perf_counter() - started, "", request_id)
            decision = decide(
                policy,
                attempt=attempt,
                safe_to_repeat=call.safe_to_repeat,
                rng=self._rng,
                status_code=status,
                retry_after=response.headers.get("retry-after"),
            )
            if not decision.retry:
                return Sent(
                    response, attempt, time.perf_counter() - started, decision.reason, request_id
                )
            self._notify(call, attempt, decision.delay_s, f"HTTP {status}", decision.reason)
            await self._sleep(decision.delay_s)

    async def _exchange(
        self, call: Call, attempt: int, started: float, request: httpx.Request
    ) -> httpx.Response:
        return await exchange(self._http, call, attempt, started, request, self.settings.timeouts)

    def _notify(self, call: Call, attempt: int, delay: float, cause: str, reason: str) -> None:
        log.info("%s %s: %s, retry %d in %.2f s", call.method, call.url, cause, attempt, delay)
        if self.on_retry is not None:
            self.on_retry(RetryNotice(call.operation, call.url, attempt, delay, cause, reason))

    def _answer(self, call: Call, sent: Sent) -> ApiAnswer:
        """The JSON answer of a successful call, or ApiError saying what the answer means (and
        naming the X-API-REQUEST-ID of the request it answered)."""
        try:
            return self._answer_of(call, sent)
        except ApiError as error:
            error.request_id = error.request_id or sent.request_id
            raise

    def _answer_of(self, call: Call, sent: Sent) -> ApiAnswer:
        if sent.response.status_code >= 400:
            raise diagnosis.status_error(
                call,
                sent,
                environment=self.environment,
                host=self.endpoints.host,
                settings=self.settings,
                auths=self._auths,
            )
        return diagnosis.answer_of(call, sent)
