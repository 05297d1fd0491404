"""The sandbox's alert webhook stand-in: POST /alerts/webhook answers 200 and keeps what it got,
so a demo session's test alert has somewhere real to go. Not a real alerting service."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from golive.sandbox.state import StateDep

ALERT_WEBHOOK_PATH = "/alerts/webhook"

router = APIRouter()


@router.post(ALERT_WEBHOOK_PATH, tags=["service"], summary="Alert webhook stand-in (no auth)")
async def alert_webhook(request: Request, state: StateDep) -> dict[str, Any]:
    body = await request.body()
    try:
        payload: Any = json.loads(body) if body else None
    except ValueError:
        payload = body.decode("utf-8", "replace")
    state.alerts.keep(payload)
    return {"received": True, "count": len(state.alerts.received())}
