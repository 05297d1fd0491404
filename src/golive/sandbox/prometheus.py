"""A stand-in for Prometheus's HTTP query API at `/prometheus`, so the demo can go all green.

`GET /prometheus/api/v1/query?query=...&time=...` answers in Prometheus's JSON
(`{"status": "success", "data": {"resultType": "vector", "result": [...]}}`) from the sandbox's
own request metrics (sandbox/promql.py); `/prometheus/api/v1/status/buildinfo` names it. No
authentication, no faults: like /metrics, the monitoring side can always be observed.
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


@router.get("/query", summary="An instant query over the sandbox's request metrics")
async def query(request: Request) -> JSONResponse:
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
async def buildinfo() -> JSONResponse:
    data = {"version": f"golive-sandbox-{__version__}", "branch": "stand-in", "revision": ""}
    return JSONResponse({"status": "success", "data": data})
