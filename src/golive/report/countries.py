"""A country of the deployment in the report: its requirements, tax ID check and certificate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

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


def _dated_requirement_facts(session: Session, setup: CountrySetup) -> list[Fact]:
    """A snapshot with dated obligations (issue 13): the route and its proof, and the rules in
    force on the go-live date with their source and confidence, the upcoming ones, the answers."""
    from golive.session.obligations import describe, go_live_date, judge, upcoming

    req = setup.requirements
    when = go_live_date(session)
    name = req.name or "the country"

    def verdict(kind: str) -> str:
        found = judge(setup, name, kind, when)
        if found.required is None:
            return f"asked: {found.what}" if found.what else "asked: the catalog states no rule"
        return ("required: " if found.required else "not required: ") + found.what

    test = {True: "yes", False: "no", None: "unknown"}[req.test_environment]
    kinds = ("einvoicing", "reporting", "certificate", "platform")
    current = [o for o in req.obligations if o.in_force(when.start, when.end)]
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
        ("In force", " | ".join(describe(o, req.source) for o in current)),
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
        ("Source of these requirements", req.source),
        ("Requirements last reviewed", date_text(req.reviewed) if req.reviewed else ""),
        (
            "Earlier rule snapshots kept",
            str(len(setup.earlier_requirements)) if setup.earlier_requirements else "",
        ),
    )
    return facts


def _requirement_facts(setup: CountrySetup, session: Session | None = None) -> list[Fact]:
    req = setup.requirements
    if req.obligations and session is not None:
        return _dated_requirement_facts(session, setup)

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
    return CountryBlock(
        code=code,
        name=country_name(session, code),
        requirements=_requirement_facts(setup, session),
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
        items=[entries[i.id] for i in items],
    )
