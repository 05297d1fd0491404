"""Deploys to staging and production, and the side-by-side check of their settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from golive.ops.gates import gate_passed_by, override_words, pass_gate
from golive.session.checklist import default_actor
from golive.session.clock import now
from golive.session.errors import BadInputError
from golive.session.evidence import EvidenceRecord, record
from golive.session.model import EnvironmentSettings, ItemStatus, Session
from golive.session.sections import Deployment
from golive.session.store import evidence_path

Environment = Literal["staging", "production"]
# host names that suggest a test machine (UAT, sandbox and loopback hosts are decided by
# golive.api.endpoints.is_rehearsal, the one place that knows them)
NOT_PRODUCTION_HOST = re.compile(
    r"(^|[.-])(uat|sandbox|sbx|test|testing|qa|dev|stage|staging|stg|preprod|demo)([.-]|\d|$)"
    r"|^localhost$|^127\.|^::1$|\.local$|\.internal$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DeployRecorded:
    environment: str
    deployment: Deployment
    item: str
    previous: str
    evidence_id: str
    warnings: tuple[str, ...] = ()


def record_deploy(
    session: Session,
    session_path: Path,
    environment: str,
    version: str,
    *,
    at: datetime | None = None,
    by: str | None = None,
    override: str | None = None,
) -> DeployRecorded:
    # Long because the checks of a deploy and its record belong together.
    """Record the version or commit deployed to staging or production (staging.deploy,
    production.deploy done), with an evidence record so the history shows every deploy.

    A production deploy acts past the production gate: held (and not overridden) it raises
    GoliveError naming what it waits for; `override` is a reason to go ahead, recorded."""
    if environment not in ("staging", "production"):
        raise BadInputError(
            f"{environment!r} is not an environment",
            where="deploys.environment",
            advice="use staging or production",
        )
    version = version.strip()
    if not version or len(version) > 200 or any(ord(c) < 32 for c in version):
        raise BadInputError(
            "the version is empty, too long or holds control characters",
            where="deploys.version",
            advice="give the release tag or commit, e.g. v2.4.1 or 3f9c2e1",
        )
    actor = by or default_actor(session)
    gate = (
        pass_gate(session, "production", override=override, by=actor, session_path=session_path)
        if environment == "production"
        else None
    )
    moment = at or now()
    target = session.staging if environment == "staging" else session.production
    previous = target.deploy.version
    target.deploy = Deployment(version=version, deployed_at=moment, by=actor)
    item = f"{environment}.deploy"
    summary = f"{version} deployed to {environment}" + (
        f" (was {previous})" if previous and previous != version else ""
    )
    if environment == "production" and session.staging.deploy.version not in ("", version):
        summary += f"; staging has {session.staging.deploy.version}"
    passed_by = override_words(gate) if gate is not None else ""
    if passed_by:
        summary += f"; {passed_by}"
    evidence = EvidenceRecord(
        kind="deploy",
        environment=environment,
        host=getattr(session.environments, environment).host(),
        started=moment,
        ended=moment,
        outcome="info",
        summary=summary,
        figures={"version": version, "previous": previous},
        diagnosis=gate_passed_by(gate) if gate is not None else {},
        items=[item],
        by=actor,
    )
    record(session, evidence_path(session_path), evidence, {item: ItemStatus.DONE}, by=actor)
    return DeployRecorded(
        environment,
        target.deploy,
        item,
        previous,
        evidence.id,
        (passed_by,) if passed_by else (),
    )


# --- staging and production side by side --------------------------------------------------------


@dataclass(frozen=True)
class SettingRow:
    key: str
    staging: str
    production: str
    expected_to_differ: bool

    @property
    def differs(self) -> bool:
        return self.staging != self.production


@dataclass(frozen=True)
class Finding:
    severity: Literal["problem", "warning"]
    key: str
    message: str


@dataclass
class ConfigComparison:
    rows: list[SettingRow]
    findings: list[Finding] = field(default_factory=list)
    evidence_id: str = ""

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "problem"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "rows": [
                {
                    "key": r.key,
                    "staging": r.staging,
                    "production": r.production,
                    "differs": r.differs,
                    "expected_to_differ": r.expected_to_differ,
                }
                for r in self.rows
            ],
            "findings": [
                {"severity": f.severity, "key": f.key, "message": f.message} for f in self.findings
            ],
        }


# settings that normally differ between staging and production
EXPECTED_TO_DIFFER = frozenset(
    {
        "preset",
        "base_url",
        "token_url",
        "client_id",
        "external_company_id",
        "company_id",
        "ca_bundle",
    }
)


def _flatten(settings: EnvironmentSettings) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in settings.model_dump(mode="json").items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                flat[f"{key}.{sub}"] = _shown(inner)
        else:
            flat[key] = _shown(value)
    flat["token_url"] = settings.resolved_token_url()
    return flat


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def compare_settings(session: Session) -> ConfigComparison:
    # Long because one comparison per setting that must match between staging and production.
    """Staging and production settings side by side, and what looks wrong in them."""
    staging = session.environments.staging
    production = session.environments.production
    left, right = _flatten(staging), _flatten(production)
    rows = [
        SettingRow(
            key, left.get(key, ""), right.get(key, ""), key.split(".")[0] in EXPECTED_TO_DIFFER
        )
        for key in left
    ]
    findings: list[Finding] = []
    target = session.targets.response_time_p95_s

    def problem(key: str, message: str) -> None:
        findings.append(Finding("problem", key, message))

    def warning(key: str, message: str) -> None:
        findings.append(Finding("warning", key, message))

    for key, words in (
        ("base_url", "API endpoint"),
        ("client_id", "client id"),
        ("external_company_id", "externalCompanyId"),
    ):
        if not getattr(production, key):
            problem(f"production.{key}", f"the production {words} is not set")
    from golive.api.endpoints import is_rehearsal

    rehearsal = is_rehearsal(production)
    # the demo's production is the sandbox by design: said as a warning, not failed
    on_sandbox = warning if session.is_demo() else problem
    for key in ("base_url", "token_url"):
        host = _host(right.get(key, ""))
        if not host:
            continue
        alone = production.model_copy(
            update={"preset": "", "base_url": right[key], "token_url": ""}
        )
        if is_rehearsal(alone):
            on_sandbox(
                f"production.{key}",
                f"production points at {host}, which looks like a UAT, sandbox or local host",
            )
        elif NOT_PRODUCTION_HOST.search(host):
            warning(
                f"production.{key}",
                f"production points at {host}, whose name looks like a test or staging host",
            )
    if rehearsal and production.preset in ("onesource-uat", "sandbox"):
        on_sandbox("production.preset", f"production uses the {production.preset} preset")
    if production.base_url and production.base_url == staging.base_url:
        on_sandbox(
            "production.base_url",
            "staging and production use the same API endpoint: staging tests would hit production "
            "(or production is not production)",
        )
    staging_host = _host(staging.base_url)
    if (
        staging_host
        and not NOT_PRODUCTION_HOST.search(staging_host)
        and staging_host == _host(production.base_url)
    ):
        warning("staging.base_url", f"staging points at the production host {staging_host}")
    if production.client_id and production.client_id == staging.client_id:
        warning(
            "production.client_id",
            "staging and production use the same client id; Thomson Reuters issues separate "
            "production credentials",
        )
    if (
        production.external_company_id
        and production.external_company_id == staging.external_company_id
    ):
        warning(
            "production.external_company_id",
            "staging and production send the same externalCompanyId; check it is the production company",
        )
    read = production.timeouts.read
    if read <= target:
        problem(
            "production.timeouts.read",
            f"the read timeout ({read:g} s) is not above the {target:g} s response-time target: "
            "slow but valid answers would be cut off",
        )
    elif read < 2 * target:
        warning(
            "production.timeouts.read",
            f"the read timeout ({read:g} s) leaves little room above the {target:g} s target "
            f"(at least {2 * target:g} s is usual)",
        )
    if production.timeouts.connect < 1:
        warning(
            "production.timeouts.connect",
            f"a connect timeout of {production.timeouts.connect:g} s fails on a slow network",
        )
    retry = production.retry
    if not retry.enabled or retry.max_attempts < 2:
        problem(
            "production.retry",
            "retries are off in production: a dropped connection, a 429 or a 503 fails the call "
            "outright",
        )
    elif retry.max_delay < retry.base_delay:
        warning("production.retry.max_delay", "the longest delay is shorter than the first one")
    for key in ("scope", "calculate_path", "einvoice_submit_path", "einvoice_status_path"):
        if left.get(key) != right.get(key):
            warning(
                f"production.{key}",
                f"{key} differs from staging ({left.get(key)!r} vs {right.get(key)!r}): "
                "what was tested is not what will run",
            )
    if production.ca_bundle and not staging.ca_bundle:
        warning(
            "production.ca_bundle",
            "production uses a CA bundle that staging does not: TLS was not tested the same way",
        )
    if (
        session.staging.deploy.version
        and session.production.deploy.version
        and (session.staging.deploy.version != session.production.deploy.version)
    ):
        warning(
            "production.deploy",
            f"production runs {session.production.deploy.version}, staging "
            f"{session.staging.deploy.version}",
        )
    return ConfigComparison(rows, findings)


def _findings_words(findings: list[Finding]) -> str:
    """Findings said once each, with every setting they are about: "X (production.base_url,
    production.token_url); Y (production.preset)"."""
    keys: dict[str, list[str]] = {}
    for finding in findings:
        keys.setdefault(finding.message, []).append(finding.key)
    return "; ".join(f"{message} ({', '.join(k)})" for message, k in keys.items())


def verify_config(
    session: Session, session_path: Path, *, by: str | None = None
) -> ConfigComparison:
    """staging.verify_config: compare the settings and record the outcome as evidence."""
    comparison = compare_settings(session)
    differing = [r.key for r in comparison.rows if r.differs]
    if comparison.passed:
        summary = f"staging and production compared: {len(differing)} setting(s) differ"
        summary += f" ({', '.join(differing)})" if differing else ""
        if comparison.warnings:
            summary += f"; {len(comparison.warnings)} warning(s): " + _findings_words(
                comparison.warnings
            )
    else:
        summary = "; ".join(f.message for f in comparison.problems)
    evidence = EvidenceRecord(
        kind="verify_config",
        outcome="failed" if comparison.problems else "warning" if comparison.warnings else "passed",
        summary=summary,
        figures={"differing": differing, "problems": len(comparison.problems)},
        diagnosis={"findings": comparison.to_json()["findings"]},
        items=["staging.verify_config"],
        by=by or default_actor(session),  # who ran it: the record stands alone
    )
    status = ItemStatus.DONE if comparison.passed else ItemStatus.FAILED
    record(
        session,
        evidence_path(session_path),
        evidence,
        {"staging.verify_config": status},
        by=by,
    )
    comparison.evidence_id = evidence.id
    return comparison


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") if url else ""
