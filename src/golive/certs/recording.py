"""Keeping an inspection as the evidence for `compliance.CC.certificate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from golive.certs.findings import CertificateInspection
from golive.session.errors import BadInputError

if TYPE_CHECKING:
    from golive.session.evidence import EvidenceRecord, Outcome
    from golive.session.model import Session


def record_certificate(
    session: Session,
    evidence_log: Path,
    country: str,
    result: CertificateInspection,
    *,
    by: str | None = None,
) -> EvidenceRecord:
    """Keep an inspection as the evidence for `compliance.CC.certificate` (in memory; the caller
    saves): the country's certificate record (no key material), an evidence record, and the item
    done (usable, or usable with a warning) or failed (not usable).
    """
    from golive.countries import normalise_code
    from golive.session import evidence
    from golive.session.checklist import default_actor
    from golive.session.model import ItemStatus

    cc = normalise_code(country)
    setup = session.countries.get(cc)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{cc} is not a country of this session",
            where=f"countries.{cc}",
            advice=f"add {cc} to the session first (`golive countries SESSION add {cc}`)",
        )
    setup.certificate = result.to_record()
    verdicts: dict[str, tuple[Outcome, ItemStatus]] = {
        "usable": ("passed", ItemStatus.DONE),
        "warning": ("warning", ItemStatus.DONE),
        "not_usable": ("failed", ItemStatus.FAILED),
    }
    outcome, status = verdicts[result.verdict]
    summary = f"{cc} certificate {Path(result.file).name}: {result.verdict}"
    summary += f" ({result.kind})" if result.kind else ""
    summary += f"; {result.messages[0]}" if result.messages else ""
    item = f"compliance.{cc}.certificate"
    record = evidence.EvidenceRecord(
        kind="certificate",
        started=result.inspected_at,
        ended=result.inspected_at,
        outcome=outcome,
        summary=summary,
        figures={
            "country": cc,
            "file": result.file,
            "fingerprint_sha256": result.fingerprint_sha256,
            "not_after": result.not_after.isoformat(),
            "kind": result.kind,
            "verdict": result.verdict,
        },
        items=[item],
        by=by or default_actor(session),
    )
    evidence.record(session, evidence_log, record, {item: status})
    return record
