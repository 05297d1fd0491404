"""Sessions for tests, built through the same API the product uses."""

from __future__ import annotations

from datetime import UTC, datetime

from golive.session.checklist import set_item_status
from golive.session.model import CountryRequirements, CountrySetup, Session

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def make_session(countries: tuple[str, ...] = ("DE", "MX")) -> Session:
    session = Session()
    session.meta.title = "ACME EU + LATAM"
    session.meta.customer = "ACME Corp"
    session.meta.partner = "Partner GmbH"
    session.meta.engineer = "Ada Lovelace"
    session.meta.created = WHEN
    session.meta.updated = WHEN
    session.countries = {
        code: CountrySetup(
            requirements=CountryRequirements(
                name=code,
                certificate_required=code == "MX",
                certificate_kind="CSD from SAT" if code == "MX" else "",
                certificate_reason="" if code == "MX" else "no certificate needed",
                platform_required=code == "MX",
                platform_registration="contract a PAC" if code == "MX" else "",
                platform_reason="" if code == "MX" else "no platform registration",
            )
        )
        for code in countries
    }
    session.environments.staging.base_url = "https://api-uat.onesourcetax.com"
    session.environments.production.base_url = "https://api.onesourcetax.com"
    session.environments.production.client_id = "acme-prod"
    session.environments.production.external_company_id = "ACME-001"
    set_item_status(
        session, "credentials.obtained", "done", by="Ada", note="from TR on 1 Nov", at=WHEN
    )
    return session
