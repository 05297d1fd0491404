"""The sandbox's own routes: health, ping and metrics (no auth), the admin API (faults, tokens,
with the admin token), and the OpenAPI note for routes that read their body by hand.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ValidationError

from golive import __version__
from golive.sandbox import metrics as metrics_text
from golive.sandbox.faults import Faults
from golive.sandbox.state import (
    AdminDep,
    ApiError,
    StateDep,
    _bearer_token,
)
from golive.sandbox.wire import (
    HEALTH_PATH,
    METRICS_PATH,
    PING_PATH,
    Health,
    Ping,
    problems_of,
)

DOCUMENTED_BODIES: list[type[BaseModel]] = []


def route_doc(
    body: type[BaseModel] | None = None,
    media_types: tuple[str, ...] = ("application/json",),
    security: str | None = "bearerAuth",
) -> dict[str, Any]:
    """OpenAPI for a route whose body we read by hand (so authentication comes first)."""
    extra: dict[str, Any] = {}
    if body is not None:
        DOCUMENTED_BODIES.append(body)
        ref = {"$ref": f"#/components/schemas/{body.__name__}"}
        extra["requestBody"] = {
            "required": True,
            "content": {media: {"schema": ref} for media in media_types},
        }
    if security:
        extra["security"] = [{security: []}]
    return extra


router = APIRouter()


@router.get(HEALTH_PATH, tags=["service"], response_model=Health, summary="Liveness (no auth)")
async def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get(PING_PATH, tags=["service"], response_model=Ping, summary="Is my token good? (no auth)")
async def ping(request: Request, state: StateDep) -> Ping:
    token = _bearer_token(request)
    authenticated = token is not None and state.tokens.check(token) == "valid"
    return Ping(authenticated=authenticated, version=__version__)


@router.get(
    METRICS_PATH,
    tags=["service"],
    response_class=PlainTextResponse,
    summary="Prometheus metrics (text format 0.0.4)",
)
async def metrics(state: StateDep) -> PlainTextResponse:
    return PlainTextResponse(state.metrics.exposition(), media_type=metrics_text.CONTENT_TYPE)


@router.get(
    "/admin/faults",
    tags=["sandbox admin"],
    response_model=Faults,
    dependencies=[AdminDep],
    openapi_extra=route_doc(security="adminToken"),
)
async def get_faults(state: StateDep) -> Faults:
    return state.faults.current


@router.put(
    "/admin/faults",
    tags=["sandbox admin"],
    response_model=Faults,
    dependencies=[AdminDep],
    summary="Change some faults (a partial update; the rest stay)",
    openapi_extra=route_doc(Faults, security="adminToken"),
)
async def put_faults(request: Request, state: StateDep) -> Faults:
    try:
        changes = json.loads(await request.body())
    except ValueError as error:
        raise ApiError.one(
            400, "VALIDATION_ERROR", f"the body is not valid JSON ({error})"
        ) from None
    if not isinstance(changes, dict):
        raise ApiError.one(400, "VALIDATION_ERROR", "send a JSON object of fault settings")
    try:
        return state.faults.update(changes)
    except ValidationError as error:
        raise ApiError(400, problems_of(error.errors(include_url=False))) from None


@router.post(
    "/admin/reset",
    tags=["sandbox admin"],
    response_model=Faults,
    dependencies=[AdminDep],
    summary="Back to the faults the run started with",
    openapi_extra=route_doc(security="adminToken"),
)
async def reset_faults(state: StateDep) -> Faults:
    return state.faults.reset()


@router.post(
    "/admin/tokens/revoke",
    tags=["sandbox admin"],
    dependencies=[AdminDep],
    summary="Revoke every issued access token (the client must re-authenticate)",
    openapi_extra=route_doc(security="adminToken"),
)
async def revoke_tokens(state: StateDep) -> dict[str, int]:
    return {"revoked": state.tokens.revoke_all()}
