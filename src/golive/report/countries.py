"""A country of the deployment in the report: its requirements, tax ID check and certificate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from golive.report.facts import (
    fact_list,
    leftover_facts,
)
from golive.report.items import (
    progress_of,
)
from golive.report.masking import (
    scrub,
)
from golive.report.types import (
    CertificateSummary,
    CountryBlock,
    Fact,
    ItemEntry,
    TaxIdResult,
)
from golive.report.words import (
    country_name,
    date_text,
)
from golive.session.checklist import Checklist
from golive.session.model import (
    CountrySetup,
    Session,
)

if TYPE_CHECKING:
    from golive.session.obligations import Verdict


def judged_verdicts(session: Session, setup: CountrySetup) -> dict[str, Verdict]:
    """The certificate and platform verdicts on the go-live date, judged once for the country's
    facts and its items (empty for a snapshot from before dated obligations)."""
    from golive.session.obligations import go_live_date, judge

    if not setup.requirements.obligations:
        return {}
    when = go_live_date(session)
    name = setup.requirements.name or "the country"
    return {kind: judge(setup, name, kind, when) for kind in ("certificate", "platform")}


def _stated(verdicts: dict[str, Verdict]) -> dict[str, Verdict]:
    """The verdicts the country's facts state in full: the decided ones (an open question is
    asked by its item, in the item's words)."""
    return {kind: verdict for kind, verdict in verdicts.items() if verdict.required is not None}


def _dated_requirement_facts(
    session: Session, setup: CountrySetup, verdicts: dict[str, Verdict] | None = None
) -> list[Fact]:
    """A snapshot with dated obligations (issue 13): the route and its proof, and the rules in
    force on the go-live date with their source and confidence, the upcoming ones, the answers.
    Each rule is said once: the certificate and platform lines name the rules they rest on,
    "Also in force" the others."""
    # Long because a country's facts are one list a reader reads top to bottom, in that order.
    from golive.session.obligations import go_live_date, rule_words, source_words, upcoming

    req = setup.requirements
    when = go_live_date(session)
    judged = judged_verdicts(session, setup) if verdicts is None else verdicts
    stated = _stated(judged)

    def verdict(kind: str) -> str:
        if kind not in stated:
            found = judged[kind]
            return f"asked: {found.what}" if found.what else "asked: the catalog states no rule"
        found = stated[kind]
        rules = "; ".join(rule_words(o, req) for o in found.deciding) or found.what
        return ("required: " if found.required else "not required: ") + rules

    said = {id(o) for found in stated.values() for o in found.deciding}
    test = {True: "yes", False: "no", None: "unknown"}[req.test_environment]
    kinds = ("einvoicing", "reporting", "certificate", "platform")
    current = [o for o in req.obligations if o.in_force(when.start, when.end) and id(o) not in said]
    facts = fact_list(
        ("E-invoicing route", req.route),
        ("Platform", req.platform),
        ("Document format", req.document_format),
        ("Authority test mode", test),
        ("Proof of a document", req.proof_id),
        ("Currency", req.currency),
        ("Judged on", f"{when.start.isoformat()} ({when.source}) through {when.end.isoformat()}"),
        ("Certificate", verdict("certificate")),
        ("Platform registration", verdict("platform")),
        ("Also in force", " | ".join(rule_words(o, req) for o in current)),
        (
            "Upcoming within 90 days",
            " | ".join(f"{o.what} from {o.from_}" for o in upcoming(req.obligations, when, kinds)),
        ),
        (
            "Answers recorded",
            "; ".join(
                f"{rule}: {'applies' if a.applies else 'does not apply'} ({a.by}, "
                f"{a.at.date().isoformat()})"
                for rule, a in setup.answers.items()
            ),
        ),
        (
            "Tax ID",
            f"{req.tax_id_name}: {setup.tax_id}"
            if setup.tax_id and req.tax_id_name
            else setup.tax_id,
        ),
        ("externalCompanyId for this country (staging)", setup.company_ids.staging),
        ("externalCompanyId for this country (production)", setup.company_ids.production),
        ("Platform account", setup.platform_account),
        ("Source of these requirements", source_words(req.source)),
        ("Requirements last reviewed", date_text(req.reviewed) if req.reviewed else ""),
        (
            "Earlier rule snapshots kept",
            str(len(setup.earlier_requirements)) if setup.earlier_requirements else "",
        ),
    )
    return facts


def _requirement_facts(
    setup: CountrySetup,
    session: Session | None = None,
    verdicts: dict[str, Verdict] | None = None,
) -> list[Fact]:
    req = setup.requirements
    if req.obligations and session is not None:
        return _dated_requirement_facts(session, setup, verdicts)

    def required(flag: bool | None, what: str, why: str) -> str:
        if flag is None:
            return "unknown: not in golive's country catalog (the item records the answer)"
        if flag:
            return f"required: {what}" if what else "required"
        return f"not required: {why}" if why else "not required"

    facts = fact_list(
        ("E-invoicing model", req.model),
        ("Platform", req.platform),
        (
            "Certificate",
            required(req.certificate_required, req.certificate_kind, req.certificate_reason),
        ),
        ("Certificate reason", req.certificate_reason if req.certificate_required else ""),
        (
            "Platform registration",
            required(req.platform_required, req.platform_registration, req.platform_reason),
        ),
        ("Platform reason", req.platform_reason if req.platform_required else ""),
        (
            "Tax ID",
            f"{req.tax_id_name}: {setup.tax_id}"
            if setup.tax_id and req.tax_id_name
            else setup.tax_id,
        ),
        ("externalCompanyId for this country (staging)", setup.company_ids.staging),
        ("externalCompanyId for this country (production)", setup.company_ids.production),
        ("Platform account", setup.platform_account),
        ("Source of these requirements", req.source),
        ("Requirements last reviewed", date_text(req.reviewed) if req.reviewed else ""),
    )
    handled = {
        "name", "model", "platform", "certificate_required", "certificate_kind", "certificate_reason",
        "platform_required", "platform_registration", "platform_reason", "tax_id_name", "source", "reviewed",
    }  # fmt: skip
    facts += leftover_facts(req, handled)
    facts += leftover_facts(
        setup,
        {"tax_id", "company_ids", "requirements", "tax_id_verification", "certificate",
         "platform_account", "removed", "answers", "earlier_requirements"},
    )  # fmt: skip
    return facts


def country_block(
    session: Session,
    code: str,
    checklist: Checklist,
    entries: dict[str, ItemEntry],
    generated: datetime,
) -> CountryBlock:
    setup = session.countries[code]
    verification = setup.tax_id_verification
    certificate = setup.certificate
    items = [i for i in checklist.for_country(code) if i.section == "compliance"]
    verdicts = judged_verdicts(session, setup)
    stated = _stated(verdicts)
    return CountryBlock(
        code=code,
        name=country_name(session, code),
        requirements=_requirement_facts(setup, session, verdicts),
        tax_id_verification=(
            TaxIdResult(
                number=verification.number,
                method=verification.method,
                outcome=verification.outcome,
                message=scrub(verification.message),
                checked_at=verification.checked_at,
                vies=scrub(verification.vies),
            )
            if verification is not None
            else None
        ),
        certificate=(
            CertificateSummary(
                file=Path(certificate.file).name,
                subject=certificate.subject,
                issuer=certificate.issuer,
                serial=certificate.serial,
                not_before=certificate.not_before,
                not_after=certificate.not_after,
                days_to_expiry=(certificate.not_after - generated).days,
                fingerprint_sha256=certificate.fingerprint_sha256,
                kind=certificate.kind,
                verdict=certificate.verdict,
                messages=list(certificate.messages),
                inspected_at=certificate.inspected_at,
            )
            if certificate is not None
            else None
        ),
        progress=progress_of(checklist, items),
        items=[_said_above(entries[i.id], setup, stated) for i in items],
    )


def _said_above(entry: ItemEntry, setup: CountrySetup, stated: dict[str, Verdict]) -> ItemEntry:
    """The item with the country fact that already says its `detail` named (its line then
    points there instead of saying the rule again); unchanged when no fact says it."""
    kind = entry.id.rsplit(".", 1)[1]
    label = ""
    if kind in stated and entry.detail == stated[kind].detail:
        label = {"certificate": "Certificate", "platform": "Platform registration"}[kind]
    elif kind == "tax_id" and setup.tax_id and setup.requirements.tax_id_name:
        label = "Tax ID"  # the detail is "Germany: the USt-IdNr", the fact "Tax ID: USt-IdNr: ..."
    elif kind == "vat_registration" and entry.detail.endswith(": VAT/GST registration"):
        label = "the country's heading"  # the detail names only the country
    return entry.model_copy(update={"said_above": label}) if label else entry
