"""The Prometheus endpoint check: build info and a query, over TLS the session trusts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from golive.ops.monitoring.setup import DEFAULT_TIMEOUT, _url
from golive.ops.monitoring.trust import PrometheusTrust, failure_words, trust_or_words
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.item_changes import default_actor
from golive.session.model import ItemStatus, Session
from golive.session.store import evidence_path

# --- the Prometheus endpoint --------------------------------------------------------------------


@dataclass
class PrometheusCheck:
    url: str
    reachable: bool
    version: str
    targets_up: int | None
    passed: bool
    summary: str
    items: list[str] = field(default_factory=list)
    evidence_id: str = ""


def prometheus_url(session: Session) -> str:
    """The Prometheus server of this session: the watch's, else performance's, else API usage's."""
    return (
        session.post_deployment.prometheus_url
        or session.monitoring.performance.prometheus_url
        or session.monitoring.api_usage.prometheus_url
    )


def _ask_prometheus(
    target: str, trust: PrometheusTrust, timeout: float
) -> tuple[str, int | None, str]:
    """Build info and `up` from the query API: (version, targets up, the failure in words)."""
    import httpx

    version, up, error = "", None, ""
    try:
        with httpx.Client(timeout=timeout, verify=trust.context) as client:
            info = client.get(f"{target}/api/v1/status/buildinfo")
            if info.status_code == 200:
                version = str(info.json().get("data", {}).get("version", ""))
            answer = client.get(f"{target}/api/v1/query", params={"query": "up"})
            answer.raise_for_status()
            document = answer.json()
            if document.get("status") != "success":
                error = (
                    f"the query API answered {document.get('status')}: {document.get('error', '')}"
                )
            else:
                up = sum(1 for sample in document["data"]["result"] if sample["value"][1] == "1")
    except httpx.HTTPStatusError as problem:
        error = f"the query API answered HTTP {problem.response.status_code}"
    except httpx.TransportError as problem:
        error = failure_words(target, problem, trust)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as problem:
        error = (
            f"the answer is not the Prometheus query API's ({type(problem).__name__}: {problem})"
        )
    return version, up, error


def check_prometheus(
    session: Session,
    session_path: Path,
    *,
    url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    by: str | None = None,
) -> PrometheusCheck:
    """Query the Prometheus HTTP API (build info and `up`); marks the areas using Prometheus done."""
    target = _url(url, "monitoring.metrics.prometheus_url") if url else prometheus_url(session)
    if not target:
        raise BadInputError(
            "no Prometheus URL is recorded",
            where="monitoring",
            advice="give the Prometheus server's URL, e.g. http://host:9090",
        )
    version, up = "", None
    trust, error = trust_or_words(session, target)
    if trust is not None:
        version, up, error = _ask_prometheus(target, trust, timeout)
    passed = not error
    host = urlsplit(target).hostname or ""
    if passed:
        summary = f"Prometheus {version or '(version unknown)'} at {target} answers queries; {up} target(s) up"
        if trust is not None and trust.environment:
            summary += f" (its certificate checked against the {trust.environment} CA bundle)"
    else:
        summary = f"Prometheus at {target} did not answer a query: {error}"
    items = [
        f"monitoring.{area}"
        for area in ("api_usage", "performance")
        if getattr(session.monitoring, area).tool == "prometheus"
    ]
    if passed and not items:
        summary += " (no area records Prometheus as its tool, so no item changed)"
    evidence = EvidenceRecord(
        kind="prometheus_check",
        host=host,
        outcome="passed" if passed else "failed",
        summary=summary,
        figures={"version": version, "targets_up": up},
        items=items,
        by=by or default_actor(session),  # who ran it: the record stands alone
    )
    status = ItemStatus.DONE if passed else ItemStatus.FAILED
    record(session, evidence_path(session_path), evidence, dict.fromkeys(items, status), by=by)
    return PrometheusCheck(target, passed, version, up, passed, summary, items, evidence.id)
