"""Recording a country verdict (a tax ID, a certificate) in a session: open it for one of its
countries, record the evidence, save, and say which item changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from golive.cli.common import _open
from golive.session.errors import BadInputError

if TYPE_CHECKING:
    from golive.certs import CertificateInspection
    from golive.session.evidence import EvidenceRecord
    from golive.session.model import TaxIdVerification
    from golive.session.store import SessionFile


# --- recording in a session -------------------------------------------------------------------


def _open_session(reference: str, code: str) -> SessionFile:
    handle = _open(reference)
    setup = handle.session.countries.get(code)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{code} is not a country of the session {handle.name}",
            where=str(handle.path),
            advice=f"add it first: `golive countries {handle.name} add {code}`",
        )
    return handle


def _session_tax_id(handle: SessionFile, code: str) -> str:
    setup = handle.session.countries[code]
    if setup.tax_id:
        return setup.tax_id
    return setup.tax_id_verification.number if setup.tax_id_verification else ""


def _save(handle: SessionFile, record: Callable[[], EvidenceRecord]) -> str:
    """Record under the session's lock, then save; returns the evidence id."""
    from golive.session.lock import SessionLock

    with SessionLock(handle.path):
        evidence = record()
        handle.save()
    return evidence.id


def _record_tax_id(handle: SessionFile, code: str, result: TaxIdVerification) -> str:
    from golive.countries.taxid import record_tax_id

    return _save(handle, lambda: record_tax_id(handle.session, handle.evidence_path, code, result))


def _record_certificate(handle: SessionFile, code: str, result: CertificateInspection) -> str:
    from golive.certs import record_certificate

    return _save(
        handle, lambda: record_certificate(handle.session, handle.evidence_path, code, result)
    )
