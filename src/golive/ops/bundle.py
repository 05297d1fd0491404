"""The support bundle: what Thomson Reuters support (level 3 of the escalation path) asks for when a
call to ONESOURCE fails, in one zip file, and nothing secret.

Contents: the redacted HTTP traces (``NAME.*.har`` beside the session), the evidence of the
failing live runs with their request ids and times, the environment settings of both products
(no secret: secrets are never in the session), versions (golive, Python, httpx, OS), the
verify-config comparison of staging and production, and a README.txt listing all of it with the
escalation address to send it to. Every text in the zip goes through golive.secrets.redaction
once more, with every secret golive can see registered first.
"""

from __future__ import annotations

import io
import json
import os
import platform
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive import __version__
from golive.session.clock import now
from golive.session.errors import BadInputError, SaveError
from golive.session.evidence import EvidenceRecord, read
from golive.session.model import Session

SUPPORT_LEVEL = 3  # Thomson Reuters support, in the escalation path
MAX_TRACE_BYTES = 20 * 1024 * 1024  # a trace larger than this is left out, and the README says so


@dataclass
class Bundle:
    """What went into a bundle, for the presenter to say."""

    path: Path
    members: list[tuple[str, str]] = field(default_factory=list)  # (name, what it is)
    left_out: list[str] = field(default_factory=list)
    send_to: str = ""
    failing_runs: int = 0


def _register_known_secrets(session: Session) -> None:
    """Register every secret value golive can see now, so the final redaction masks it even in a
    trace written by another tool. Reading them is only ever to remove them."""
    from golive.secrets import ENVIRONMENTS, client_secret_name, env_var_name, get_secret
    from golive.secrets.redaction import register_secret
    from golive.session.errors import GoliveError

    names = [
        client_secret_name(env, p) for env in ENVIRONMENTS for p in ("determination", "einvoicing")
    ]
    names += list(session.credentials.secrets)
    for name in dict.fromkeys(names):
        value = os.environ.get(env_var_name(name), "")
        if value:
            register_secret(value)
        try:
            stored = get_secret(session, name)  # registers the value it returns
        except GoliveError:
            continue  # no usable keyring here: nothing of it can be in the bundle either
        del stored


def escalation_address(session: Session) -> tuple[str, str]:
    """(who, address) of level 3 (Thomson Reuters support), or ("", "") when not recorded."""
    for level in session.support.escalation:
        if level.level == SUPPORT_LEVEL and level.contact is not None:
            contact = level.contact
            who = contact.name + (f" ({level.team})" if level.team else "")
            address = contact.email or contact.phone
            return who, address
    return "", ""


def versions() -> dict[str, str]:
    import httpx

    return {
        "golive": __version__,
        "python": sys.version.split()[0],
        "httpx": httpx.__version__,
        "os": platform.platform(),
    }


def _failing_runs(records: list[EvidenceRecord]) -> list[EvidenceRecord]:
    return [r for r in records if r.kind.startswith("check.") and r.outcome in ("failed",)]


def _run_text(record: EvidenceRecord) -> str:
    """One failing run in words: when, where, what failed, with the request ids."""
    lines = [
        f"{record.kind} against {record.environment} ({record.host})"
        + (" [rehearsal]" if record.rehearsal else ""),
        f"  started {record.started.isoformat()}  ended {record.ended.isoformat()}  "
        f"evidence id {record.id}",
        f"  {record.summary}",
    ]
    for failure in record.diagnosis.get("failures", []) or []:
        if not isinstance(failure, dict):
            continue
        lines.append(
            f"  FAILED {failure.get('check', '')} at {failure.get('stage', '')}: "
            f"{failure.get('message', '')}"
        )
        ids = failure.get("request_ids") or []
        if ids:
            lines.append(f"    X-API-REQUEST-ID: {', '.join(str(i) for i in ids)}")
        if failure.get("correlation_id"):
            lines.append(f"    Correlation-Id: {failure['correlation_id']}")
    return "\n".join(lines)


def environment_settings(session: Session) -> dict[str, Any]:
    """Both environments' settings, per product, with the wire entries in force (no secret)."""
    from golive.api import wire

    document: dict[str, Any] = {}
    for name in ("staging", "production"):
        settings = getattr(session.environments, name)
        document[name] = {
            "settings": settings.model_dump(mode="json"),
            "einvoicing_in_force": {
                "base_url": settings.einvoicing_base_url(),
                "token_url": settings.einvoicing_token_url(),
                "client_id": settings.einvoicing_client_id(),
                "scope": settings.einvoicing_scope(),
                "token_format": settings.einvoicing_token_format(),
                "external_company_id": settings.einvoicing_company(),
                "credentials": "shared with Determination"
                if settings.einvoicing.shares_credentials
                else "its own",
            },
            "country_company_ids": {
                code: session.countries[code].company_for(name)
                for code in session.active_countries()
            },
            "wire": [
                {
                    "name": row.entry.name,
                    "value": row.value,
                    "confidence": row.label(),
                    "source": row.entry.source,
                }
                for row in wire.in_force(settings)
            ],
        }
    return document


def traces_beside(session_path: Path) -> list[Path]:
    """The HAR traces beside the session: NAME.*.har (as the wizard names them) and NAME.har."""
    stem = session_path.name.removesuffix(".toml")
    folder = session_path.parent
    found = sorted(folder.glob(f"{stem}.*.har")) + sorted(folder.glob(f"{stem}.har"))
    return [p for p in dict.fromkeys(found) if p.is_file()]


def build_bundle(
    session: Session,
    session_path: Path,
    output: Path,
    *,
    extra_traces: list[Path] | None = None,
) -> Bundle:
    # Long because each file of the bundle is written and listed in turn.
    """Write the support bundle zip to `output` and say what is in it."""
    from golive.ops.deploys import compare_settings
    from golive.secrets.redaction import redact
    from golive.session.store import evidence_path, write_atomically

    _register_known_secrets(session)
    bundle = Bundle(output)
    files: dict[str, bytes] = {}

    def add(name: str, text: str, what: str) -> None:
        files[name] = redact(text).encode("utf-8")
        bundle.members.append((name, what))

    log = read(evidence_path(session_path))
    failing = _failing_runs(log.records)
    bundle.failing_runs = len(failing)
    add(
        "evidence/failing-runs.jsonl",
        "".join(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in failing),
        f"the evidence records of the {len(failing)} failing live run(s), request ids included",
    )
    add(
        "evidence/failing-runs.txt",
        "\n\n".join(_run_text(r) for r in failing) + "\n"
        if failing
        else "no live run of this session has failed\n",
        "the same runs in words: when, against which host, what failed, request ids",
    )
    if log.problems:
        add("evidence/chain-problems.txt", "\n".join(log.problems) + "\n",
            "what is wrong with the evidence log's chain")  # fmt: skip
    add(
        "settings/environments.json",
        json.dumps(environment_settings(session), indent=2, ensure_ascii=False) + "\n",
        "the staging and production settings per product, and the wire shapes in force",
    )
    add(
        "settings/verify-config.json",
        json.dumps(compare_settings(session).to_json(), indent=2, ensure_ascii=False) + "\n",
        "staging and production compared (golive verify-config)",
    )
    add("versions.json", json.dumps(versions(), indent=2) + "\n", "golive, Python, httpx, OS")
    for trace in [*traces_beside(session_path), *(extra_traces or [])]:
        name = f"traces/{trace.name}"
        if name in files:
            continue
        try:
            size = trace.stat().st_size
            if size > MAX_TRACE_BYTES:
                bundle.left_out.append(f"{trace.name} ({size} bytes, over {MAX_TRACE_BYTES})")
                continue
            text = trace.read_text("utf-8", errors="replace")
        except OSError as error:
            bundle.left_out.append(f"{trace.name} (unreadable: {error.strerror})")
            continue
        add(name, text, "an HTTP trace (HAR 1.2), secrets and tokens redacted")
    who, address = escalation_address(session)
    bundle.send_to = f"{who} <{address}>" if address else ""
    add("README.txt", _readme(session, bundle), "this list")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, files[name])
    try:
        write_atomically(output, buffer.getvalue(), mode=0o600)
    except SaveError as error:
        raise BadInputError(
            f"cannot write the support bundle {output}: {error.message}",
            where="bundle.output",
            advice="give a path in a writable folder",
        ) from None
    return bundle


def _readme(session: Session, bundle: Bundle) -> str:
    title = session.meta.title or session.meta.session_id
    lines = [
        f"golive support bundle: {title}",
        f"made {now().isoformat(timespec='seconds')} by golive {__version__}",
        "",
        "Send it to:",
    ]
    if bundle.send_to:
        lines.append(f"  {bundle.send_to} (level {SUPPORT_LEVEL} of the escalation path)")
    else:
        lines.append(
            f"  (no level {SUPPORT_LEVEL} contact is recorded: add Thomson Reuters support with "
            f"`golive support SESSION --level {SUPPORT_LEVEL} --team ... --email ...`)"
        )
    if session.is_demo():
        lines += ["", "This is a DEMO session against golive's sandbox, not ONESOURCE."]
    lines += [
        "",
        "Nothing secret is in this bundle: secrets are never in the session, and every text here",
        "was redacted (Authorization headers, client secrets, access tokens) before it was added.",
        "",
        "Contents:",
    ]
    lines += [f"  {name}: {what}" for name, what in bundle.members]
    lines.append("  README.txt: this list")
    if bundle.left_out:
        lines += ["", "Left out:"] + [f"  {entry}" for entry in bundle.left_out]
    return "\n".join(lines) + "\n"
