"""The sandbox's FastAPI app: the ONESOURCE-style endpoints the client uses, plus its own admin.

`create_app(settings)` builds one; `SandboxState` is everything a run remembers (tokens,
documents, faults, metrics). Every handler is `async` so nothing runs in a thread pool: the
runner can then stop the server and leave no thread behind.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from golive import __version__
from golive.sandbox import admin, alerts, prometheus
from golive.sandbox.admin import DOCUMENTED_BODIES, route_doc
from golive.sandbox.faults import FaultInjector, drifted
from golive.sandbox.metrics import RequestMetrics
from golive.sandbox.rates import tax_on, treatment_of
from golive.sandbox.settings import SandboxSettings
from golive.sandbox.state import (
    _NO_STORE,
    ApiError,
    OAuthError,
    SandboxState,
    StateDep,
    TokenDep,
)
from golive.sandbox.wire import (
    CALCULATE_PATH,
    DEFAULT_SCOPE,
    DOCUMENT_STATUS_PATH,
    DOCUMENTS_PATH,
    IDT_MEDIA_TYPE,
    TOKEN_PATH,
    CalculatedLine,
    CalculateRequest,
    CalculateResponse,
    DocumentAccepted,
    DocumentRequest,
    DocumentStatus,
    TaxLine,
    TokenResponse,
    error_body,
    problems_of,
)

_Model = TypeVar("_Model", bound=BaseModel)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _json_payload(request: Request, model: type[_Model]) -> _Model:
    """The body validated against `model`; 415 for a non-JSON type, 400 with every problem."""
    content_type = request.headers.get("content-type", "")
    if not _is_json(content_type):
        raise ApiError.one(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send JSON ({IDT_MEDIA_TYPE} or application/json), not {content_type or 'no type'}",
        )
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as error:
        raise ApiError(400, problems_of(error.errors(include_url=False))) from None


def _require_company(state: SandboxState, company_id: str) -> None:
    if not state.company_known(company_id):
        raise ApiError.one(
            403,
            "COMPANY_NOT_FOUND",
            f"externalCompanyId {company_id!r} is not a company these credentials may use",
            "externalCompanyId",
        )


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "invalid request: one error per problem"},
    401: {"description": "missing, unknown or expired bearer token"},
    403: {"description": "unknown externalCompanyId"},
    429: {"description": "rate limited; see Retry-After"},
    503: {"description": "temporarily unavailable"},
}

__all__ = ["SandboxState", "create_app"]

router = APIRouter()


@router.post(
    TOKEN_PATH,
    tags=["authentication"],
    response_model=TokenResponse,
    summary="Issue an access token (OAuth2 client credentials)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                            "scope": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
    responses={400: {"description": "unsupported grant"}, 401: {"description": "invalid client"}},
)
async def issue_token(request: Request, state: StateDep) -> JSONResponse:
    fields = _token_fields(await request.body(), request.headers.get("content-type", ""))
    client_id, client_secret = fields.get("client_id", ""), fields.get("client_secret", "")
    used_basic = False
    if not client_id and not client_secret:
        client_id, client_secret = _basic_credentials(request.headers.get("authorization", ""))
        used_basic = bool(client_id)
    challenge = {"www-authenticate": 'Basic realm="golive-sandbox"'} if used_basic else {}
    if state.faults.current.fail_auth:
        raise OAuthError(
            401, "invalid_client", "sandbox fault fail_auth: every client is refused", challenge
        )
    if not client_id or not client_secret:
        raise OAuthError(
            401,
            "invalid_client",
            "no client credentials: send client_id and client_secret, or HTTP Basic",
            challenge,
        )
    expected = state.settings
    id_ok = hmac.compare_digest(client_id.encode(), expected.client_id.encode())
    secret_ok = hmac.compare_digest(
        client_secret.encode(), expected.client_secret.get_secret_value().encode()
    )
    if not (id_ok and secret_ok):
        raise OAuthError(
            401, "invalid_client", "unknown client_id or wrong client_secret", challenge
        )
    grant = fields.get("grant_type")
    if not grant:
        raise OAuthError(400, "invalid_request", "grant_type is missing (use client_credentials)")
    if grant != "client_credentials":
        raise OAuthError(
            400, "unsupported_grant_type", f"grant_type {grant!r} is not supported here"
        )
    ttl = expected.token_ttl_s
    answer = TokenResponse(
        access_token=state.tokens.issue(ttl),
        token_type="Bearer",  # noqa: S106  (the token type, not a password)
        expires_in=max(1, math.ceil(ttl)),
        scope=fields.get("scope") or fields.get("scopes") or DEFAULT_SCOPE,
    )
    return JSONResponse(answer.model_dump(), headers=_NO_STORE)


def _token_fields(body: bytes, content_type: str) -> dict[str, str]:
    """The token request's fields, form-encoded (the standard) or JSON (what some clients send)."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
        if _is_json(content_type):
            data = json.loads(text) if text.strip() else {}
            if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                raise ValueError("not an object of strings")
            return {str(k): v for k, v in data.items()}
        if media in {"", "application/x-www-form-urlencoded"}:
            return dict(parse_qsl(text, keep_blank_values=True))
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise OAuthError(400, "invalid_request", f"unreadable token request: {error}") from None
    raise OAuthError(400, "invalid_request", f"send the token request form-encoded, not as {media}")


def _basic_credentials(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(401, "invalid_client", "unreadable HTTP Basic credentials") from None
    client_id, _, client_secret = decoded.partition(":")
    # RFC 6749 2.3.1: both parts are form-encoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(client_secret)


@router.post(
    CALCULATE_PATH,
    tags=["tax determination"],
    response_model=CalculateResponse,
    summary="Calculate the taxes of a document",
    openapi_extra=route_doc(CalculateRequest, (IDT_MEDIA_TYPE, "application/json")),
    responses=_ERRORS,
)
async def calculate(request: Request, state: StateDep, _token: TokenDep) -> CalculateResponse:
    payload = await _json_payload(request, CalculateRequest)
    _require_company(state, payload.externalCompanyId)
    lines: list[CalculatedLine] = []
    total = Decimal(0)
    faults = state.faults.current
    for index, line in enumerate(payload.lines):
        rate, treatment = treatment_of(
            line.shipFrom.country if line.shipFrom else None,
            line.shipTo.country,
            line.productCode,
            payload.customerType,
        )
        rate = drifted(rate, line.shipTo.country, payload.externalCompanyId, faults)
        amount = Decimal(str(line.amount))
        tax = tax_on(amount, rate)
        total += tax
        taxes = [
            TaxLine(
                authorityName=rate.authority,
                taxRate=float(rate.rate),
                taxableBasis=float(amount),
                taxAmount=float(tax),
                taxTreatment=treatment,
            )
        ]
        if line.shipTo.country in faults.zero_tax:  # an unconfigured jurisdiction: no tax at all
            total -= tax
            taxes = []
        lines.append(CalculatedLine(lineNumber=line.lineNumber or index + 1, taxes=taxes))
    return CalculateResponse(
        correlationId=request.state.correlation_id,
        externalCompanyId=payload.externalCompanyId,
        companyRole=payload.companyRole,
        documentNumber=payload.documentNumber,
        documentDate=payload.documentDate,
        currencyCode=payload.currencyCode,
        isAudited=payload.isAudited,
        totalTaxAmount=float(total),
        lines=lines,
    )


@router.post(
    DOCUMENTS_PATH,
    tags=["e-invoicing"],
    status_code=202,
    response_model=DocumentAccepted,
    summary="Submit an e-invoice for clearance",
    openapi_extra=route_doc(DocumentRequest),
    responses=_ERRORS,
)
async def submit_document(request: Request, state: StateDep, _token: TokenDep) -> DocumentAccepted:
    payload = await _json_payload(request, DocumentRequest)
    _require_company(state, payload.externalCompanyId)
    document_id = state.clearance.submit(payload, state.faults.current)
    return DocumentAccepted(documentId=document_id, status="New", sendType=payload.sendType)


@router.get(
    DOCUMENT_STATUS_PATH,
    tags=["e-invoicing"],
    response_model=DocumentStatus,
    summary="Clearance status of a submitted e-invoice",
    openapi_extra=route_doc(),
    responses={**_ERRORS, 404: {"description": "unknown documentId"}},
)
async def document_status(document_id: str, state: StateDep, _token: TokenDep) -> DocumentStatus:
    status = state.clearance.status(document_id)
    if status is None:
        raise ApiError.one(404, "DOCUMENT_NOT_FOUND", f"no document {document_id!r}", "documentId")
    return status


class _SandboxApi(FastAPI):
    def openapi(self) -> dict[str, Any]:
        # Bodies are read by hand (authentication before parsing), so add their schemas here.
        if self.openapi_schema is None:
            schema = get_openapi(
                title=self.title,
                version=self.version,
                description=self.description,
                routes=self.routes,
            )
            components = schema.setdefault("components", {})
            schemas = components.setdefault("schemas", {})
            for model in DOCUMENTED_BODIES:
                model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(model_schema.pop("$defs", {}))
                schemas[model.__name__] = model_schema
            components["securitySchemes"] = {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "adminToken": {"type": "apiKey", "in": "header", "name": "X-Admin-Token"},
            }
            self.openapi_schema = schema
        return self.openapi_schema


def create_app(
    settings: SandboxSettings | None = None, state: SandboxState | None = None
) -> FastAPI:
    """A sandbox app; pass `state` to share it with a runner (faults, tokens, metrics)."""
    state = state or SandboxState(settings or SandboxSettings())
    app = _SandboxApi(
        title="golive ONESOURCE sandbox",
        version=__version__,
        description="A local stand-in for the ONESOURCE tax determination and e-invoicing APIs, "
        "with fault injection. Not the real service: rates and clearance answers are simulated.",
        redoc_url=None,
    )
    app.state.sandbox = state
    app.include_router(router)
    app.include_router(admin.router)
    app.include_router(prometheus.router)
    app.include_router(alerts.router)
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(OAuthError, _oauth_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    # Added last = outermost: metrics time everything, faults included.
    app.add_middleware(FaultInjector, board=state.faults)
    app.add_middleware(RequestMetrics, metrics=state.metrics)
    return app


async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
    return JSONResponse({"errors": error.errors}, status_code=error.status, headers=error.headers)


async def _oauth_error(_request: Request, error: OAuthError) -> JSONResponse:
    body = {"error": error.error, "error_description": error.description}
    return JSONResponse(body, status_code=error.status, headers={**_NO_STORE, **error.headers})


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    # Only path and query parameters get here (bodies are validated by hand).
    problems = problems_of([{**e, "loc": tuple(e["loc"])[1:]} for e in error.errors()])
    return JSONResponse({"errors": problems}, status_code=400)


_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


async def _http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(error.status_code, "HTTP_ERROR")
    return JSONResponse(
        error_body(code, str(error.detail)),
        status_code=error.status_code,
        headers=dict(error.headers or {}),
    )
