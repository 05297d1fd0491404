"""A stand-in for Prometheus's HTTP query API at `/prometheus`, so the demo can go all green.

`GET /prometheus/api/v1/query?query=...&time=...` answers in Prometheus's JSON
(`{"status": "success", "data": {"resultType": "vector", "result": [...]}}`) from the sandbox's
own request metrics (sandbox/promql.py); `/prometheus/api/v1/status/buildinfo` names it. No
authentication and no transport faults; the `prometheus_down` fault makes it answer 503, as a
Prometheus that is down would.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from golive import __version__
from golive.sandbox.promql import QueryError, evaluate, number
from golive.sandbox.wire import PROMETHEUS_PREFIX
from golive.session import clock

router = APIRouter(prefix=PROMETHEUS_PREFIX + "/api/v1", tags=["prometheus stand-in"])


def _error(message: str) -> JSONResponse:
    body = {"status": "error", "errorType": "bad_data", "error": message}
    return JSONResponse(body, status_code=400)


def _down(request: Request) -> JSONResponse | None:
    if not request.app.state.sandbox.faults.current.prometheus_down:
        return None
    body = {"status": "error", "errorType": "unavailable", "error": "sandbox fault prometheus_down"}
    return JSONResponse(body, status_code=503)


@router.get("/query", summary="An instant query over the sandbox's request metrics")
async def query(request: Request) -> JSONResponse:
    down = _down(request)
    if down is not None:
        return down
    text = request.query_params.get("query", "")
    if not text.strip():
        return _error("the query is empty (give ?query=PROMQL)")
    stamp = request.query_params.get("time")
    try:
        at = float(stamp) if stamp else clock.now().timestamp()
    except ValueError:
        return _error(f"cannot parse {(stamp or '')[:50]!r} to a valid timestamp")
    host = request.url.netloc
    try:
        samples = evaluate(text, at, request.app.state.sandbox.metrics, host)
    except QueryError as problem:
        return _error(str(problem))
    result: list[dict[str, Any]] = [
        {"metric": sample.labels, "value": [at, number(sample.value)]} for sample in samples
    ]
    return JSONResponse({"status": "success", "data": {"resultType": "vector", "result": result}})


@router.get("/status/buildinfo", summary="Which Prometheus this is: the sandbox's stand-in")
async def buildinfo(request: Request) -> JSONResponse:
    down = _down(request)
    if down is not None:
        return down
    data = {"version": f"golive-sandbox-{__version__}", "branch": "stand-in", "revision": ""}
    return JSONResponse({"status": "success", "data": data})
