"""Tax-ID verification: python-stdnum for format and check digits, VIES on request.

The verdict says exactly what was checked: check digits, the format only (python-stdnum's
kr.brn, eg.tn and ke.pin have nothing more to check), a regular expression where no validator
exists (SA, AE, PH, the Malaysian company TIN), or nothing for a country golive knows no rule for.
The result is the evidence for the checklist item `compliance.CC.tax_id`.

Failing safe: a verdict never claims more than was checked. A check-digit verdict is "valid"; a
format-only verdict ("format_only") names the authority's lookup that would confirm the number, and
leaves the item in progress until a person attests it. Where python-stdnum is stricter than the
authority (a Mexican RFC whose check digit fails: SAT has issued such RFCs), golive warns instead of
rejecting; national forms in use are accepted (HU 11-digit adószám, PH 5-digit branch code, VN
12-digit personal ID, Taiwan's 2023 check-digit rule, MyInvois TINs), and a number given with its
country prefix is checked without it, saying so. Generic numbers (SAT's XAXX010101000 and
XEXX010101000, LHDN's general TINs) are named: they are no company's tax ID.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.countries import country, normalise_code
from golive.countries.taxid.rows import (
    MAX_FILE_BYTES,
    RowVerdict,
    shown_safely,
    spreadsheet_safe,
    verify_tax_id_file,
)
from golive.countries.taxid.tables import _LOOKUP
from golive.countries.taxid.ways import _outside_catalog, _with_prefix_stripped, _with_vies
from golive.countries.vies import (
    DEFAULT_TIMEOUT,
    DEFAULT_VIES_URL,
    vies_code,
)
from golive.session.clock import now as clock_now
from golive.session.errors import BadInputError
from golive.session.model import TaxIdVerification

if TYPE_CHECKING:
    from golive.session.evidence import EvidenceRecord, Outcome
    from golive.session.model import Session

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_VIES_URL",
    "MAX_FILE_BYTES",
    "RowVerdict",
    "authority_lookup",
    "record_tax_id",
    "shown_safely",
    "spreadsheet_safe",
    "verify_tax_id",
    "verify_tax_id_file",
]


def verify_tax_id(
    country_code: str,
    number: str,
    *,
    vies: bool = False,
    vies_url: str = DEFAULT_VIES_URL,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> TaxIdVerification:
    """Check `number` as the tax ID of `country_code`.

    Raises BadInputError when the input is not a tax ID at all (empty, unknown country code);
    a number that fails its checks is a verdict (outcome "invalid"), not an error.
    """
    cc = normalise_code(country_code)
    raw = number.strip()
    if not raw:
        raise BadInputError(
            "the tax ID is empty",
            where="NUMBER",
            advice="give the number, for example `golive taxid MX MAB9307148T4`",
        )
    if len(raw) > 64 or any(ord(c) < 32 for c in raw):
        why = f"{len(raw)} characters, at most 64" if len(raw) > 64 else "control characters"
        raise BadInputError(
            f"{raw[:40]!r}... is not a tax ID ({why})",
            where="NUMBER",
            advice="give the tax ID alone, as printed on the registration certificate",
        )
    moment = now or clock_now()
    facts = country(cc)
    if facts is None:
        result = _outside_catalog(cc, raw, moment)
    else:
        result = _with_prefix_stripped(facts, raw, moment)
        if result.outcome == "format_only" and cc in _LOOKUP:
            result = result.model_copy(
                update={"message": f"{result.message}; confirm it with {_LOOKUP[cc]}"}
            )
    if not vies:
        return result
    return _with_vies(cc, facts, result, url=vies_url, timeout=timeout)


def authority_lookup(country_code: str) -> str:
    """Where a person confirms that a number of this country is registered."""
    cc = normalise_code(country_code)
    if cc in _LOOKUP:
        return _LOOKUP[cc]
    if vies_code(cc) is not None:
        return "EU VIES (`golive taxid --vies`)"
    return "the tax authority's taxpayer register, or the registration certificate"


# Long because the outcome decides the record, the item status and the note, written as one evidence record.
def record_tax_id(
    session: Session,
    evidence_log: Path,
    country_code: str,
    result: TaxIdVerification,
    *,
    by: str | None = None,
) -> EvidenceRecord:
    """Keep a verification as the evidence for `compliance.CC.tax_id` (in memory; the caller saves).

    The session's country gets the verification (and the normalised number when it passed); the
    evidence log gets a record; the item becomes done (valid), failed (invalid) or stays in
    progress (format only: the note names the authority's lookup, and a person attests the item
    once the number is confirmed there). An unverifiable number leaves the item as it was: only
    the user can vouch for it.
    """
    from golive.session import evidence
    from golive.session.checklist import default_actor
    from golive.session.model import ItemStatus

    cc = normalise_code(country_code)
    setup = _session_country(session, cc)
    setup.tax_id_verification = result
    if result.outcome in ("valid", "format_only"):
        setup.tax_id = result.number
    outcomes: dict[str, tuple[Outcome, ItemStatus | None]] = {
        "valid": ("passed", ItemStatus.DONE),
        "format_only": ("warning", ItemStatus.IN_PROGRESS),
        "invalid": ("failed", ItemStatus.FAILED),
        "unverifiable": ("info", None),
    }
    outcome, status = outcomes[result.outcome]
    summary = f"{cc} tax ID {result.number}: {result.outcome} ({result.method}); {result.message}"
    if result.vies:
        summary += f"; VIES: {result.vies}"
    item = f"compliance.{cc}.tax_id"
    record = evidence.EvidenceRecord(
        kind="tax_id",
        started=result.checked_at,
        ended=result.checked_at,
        outcome=outcome,
        summary=summary,
        figures={
            "country": cc,
            "number": result.number,
            "method": result.method,
            "outcome": result.outcome,
            "vies": result.vies,
        },
        items=[item],
        by=by or default_actor(session),
    )
    note = None
    if result.outcome == "format_only":
        note = (
            f"{summary}. Only the format was confirmed: check the number with "
            f"{authority_lookup(cc)}, then attest the item (`golive item SESSION {item} --status "
            "done --attest REASON`)"
        )
    evidence.record(session, evidence_log, record, {item: status} if status else {}, note=note)
    return record


def _session_country(session: Session, cc: str) -> Any:
    setup = session.countries.get(cc)
    if setup is None or setup.removed:
        raise BadInputError(
            f"{cc} is not a country of this session",
            where=f"countries.{cc}",
            advice=f"add {cc} to the session first (`golive countries SESSION add {cc}`)",
        )
    return setup
