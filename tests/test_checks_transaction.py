"""A single transaction per country, against the sandbox: quote, test document, clearance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from golive.checks import CheckStage, SuiteResult, run_suite
from golive.checks.documents import (
    clearance_test_document,
    currency_of,
    invalid_request,
    quote_request,
)
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.errors import BadInputError
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts

DEMO_SECRET = SecretStr("golive-demo-secret")  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", clearance_step_s=0.03, extra_companies=("ACME-MX",))
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


def session_for(server: SandboxServer, countries: tuple[str, ...] = ("IT", "DE", "MX")) -> Session:
    session = Session()
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in countries}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = server.url
        env.client_id = server.client_id
        env.external_company_id = server.company
        env.ca_bundle = str(server.ca_bundle)
        env.timeouts = Timeouts(connect=1, read=1, write=1, pool=1)
        env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    return session


async def transaction(session: Session, *countries: str, **kwargs: Any) -> SuiteResult:
    kwargs.setdefault("poll_interval", 0.02)
    return await run_suite(
        session, "staging", "transaction", secret=DEMO_SECRET, countries=countries or None, **kwargs
    )


def test_the_requests_golive_sends() -> None:
    quote = quote_request("ACME", "S", "MX")
    assert quote["isAudited"] is False and quote["currencyCode"] == "MXN"
    assert quote["documentNumber"].startswith("GOLIVE-QUOTE-")
    assert quote["lines"][0]["shipTo"] == {"country": "MX"}
    document = clearance_test_document("ACME", "IT", 22.0)
    assert document["sendType"] == "Test" and document["totalAmount"] == 122.0
    assert invalid_request("ACME", "S")["lines"] == []
    assert (currency_of("DE"), currency_of("BR"), currency_of("ZZ")) == ("EUR", "BRL", "USD")
    # the catalog's currency (Bulgaria: the euro since 2026), else CLDR's for the country
    assert (currency_of("BG"), currency_of("JP"), currency_of("CH")) == ("EUR", "JPY", "CHF")


async def test_default_is_one_clearance_country_with_its_test_document(
    sandbox: SandboxServer,
) -> None:
    result = await transaction(session_for(sandbox))
    assert [c.id for c in result.checks] == ["transaction.IT"]
    check = result.checks[0]
    assert check.passed, check.message
    assert [s.stage for s in check.stages] == [CheckStage.TRANSACTION, CheckStage.CLEARANCE]
    clearance = check.stages[1]
    assert clearance.details["send_type"] == "Test"
    assert clearance.details["history"][-1] == "Approved"
    assert clearance.details["history"][0] == "New"
    assert check.details["clearance"] == "Approved"
    assert check.details["correlation_id"]


async def test_a_non_clearance_country_gets_only_a_quote(sandbox: SandboxServer) -> None:
    result = await transaction(session_for(sandbox), "DE")
    check = result.checks[0]
    assert check.passed
    assert [s.stage for s in check.stages] == [CheckStage.TRANSACTION]
    assert check.details["total_tax"] == pytest.approx(19.0)
    assert "Germany" in check.message


async def test_a_rejected_clearance_shows_its_code_and_path(sandbox: SandboxServer) -> None:
    sandbox.set_faults(reject_countries=("MX",))
    result = await transaction(session_for(sandbox), "MX")
    check = result.checks[0]
    assert check.outcome == "failed" and check.stage is CheckStage.CLEARANCE
    assert "was rejected" in check.message
    assert "CFDI40147 at lines[0].taxId" in check.message
    assert "lines[0].taxId" in check.advice
    messages = check.stages[-1].details["messages"]
    assert messages[0]["code"] == "CFDI40147" and messages[0]["path"] == "lines[0].taxId"
    assert not result.passed


async def test_a_warning_passes_as_a_warning(sandbox: SandboxServer) -> None:
    sandbox.set_faults(warn_countries=("IT",))
    result = await transaction(session_for(sandbox), "IT")
    check = result.checks[0]
    assert check.outcome == "warning" and check.passed
    assert "WARN-001 at lines[0].description" in check.message
    assert result.passed and result.outcome == "warning"


async def test_clearance_is_bounded_by_a_timeout() -> None:
    with SandboxServer(SandboxSettings(clearance_step_s=30)) as slow:
        session = session_for(slow)
        for env in (session.environments.staging,):
            env.ca_bundle = ""
        result = await transaction(session, "IT", clearance_timeout=0.3)
    check = result.checks[0]
    assert check.stage is CheckStage.CLEARANCE and check.outcome == "failed"
    assert "no final clearance status within 0.3 s (last: New)" in check.message
    assert "--clearance-timeout" in check.advice


async def test_a_failed_quote_skips_the_document(sandbox: SandboxServer) -> None:
    sandbox.set_faults(malformed=True, endpoints=("calculate",))
    result = await transaction(session_for(sandbox), "IT")
    check = result.checks[0]
    assert check.stage is CheckStage.TRANSACTION
    assert "was not JSON" in check.message
    assert check.stages[-1].stage is CheckStage.CLEARANCE and check.stages[-1].outcome == "skipped"


async def test_per_country_company_is_used(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    session.countries["MX"].company_ids.staging = "ACME-MX"
    sandbox.set_faults(unknown_companies=(sandbox.company,))
    result = await transaction(session, "MX", "DE")
    by_id = {c.id: c for c in result.checks}
    assert by_id["transaction.MX"].passed
    assert by_id["transaction.DE"].stage is CheckStage.COMPANY


async def test_production_asks_for_confirmation_first(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    before = sandbox.state.metrics.requests("token", 200)
    for suite in ("transaction", "probe"):
        with pytest.raises(BadInputError, match="needs confirmation"):
            await run_suite(session, "production", suite, secret=DEMO_SECRET)
    assert sandbox.state.metrics.requests("token", 200) == before  # nothing was sent
    confirmed = await run_suite(
        session,
        "production",
        "transaction",
        secret=DEMO_SECRET,
        confirm_production=True,
        poll_interval=0.02,
    )
    assert confirmed.passed and confirmed.rehearsal
    sent = confirmed.checks[0].stages[-1].details
    assert sent["send_type"] == "Test"


async def test_smoke_tests_are_refused_against_production(sandbox: SandboxServer) -> None:
    with pytest.raises(BadInputError, match="against staging"):
        await run_suite(
            session_for(sandbox), "production", "smoke", secret=DEMO_SECRET, confirm_production=True
        )


async def test_bad_requests_are_refused_before_anything_is_sent(sandbox: SandboxServer) -> None:
    session = session_for(sandbox)
    with pytest.raises(BadInputError, match="not countries of this session: FR"):
        await transaction(session, "FR")
    with pytest.raises(BadInputError, match="not a check suite"):
        await run_suite(session, "staging", "soak", secret=DEMO_SECRET)
    with pytest.raises(BadInputError, match="not an environment"):
        await run_suite(session, "qa", "smoke", secret=DEMO_SECRET)
    empty = session_for(sandbox, countries=())
    with pytest.raises(BadInputError, match="no countries"):
        await transaction(empty)
    no_company = session_for(sandbox)
    no_company.environments.staging.external_company_id = ""
    with pytest.raises(BadInputError, match="externalCompanyId") as caught:
        await transaction(no_company, "DE")
    assert caught.value.where == "environments.staging.external_company_id"


def dated_session(server: SandboxServer, *countries: str) -> Session:
    from datetime import date

    session = session_for(server, countries)
    session.meta.go_live = date(2026, 12, 10)
    return session


@pytest.mark.parametrize(
    ("country", "proof_name"),
    [
        ("FR", "PA message id"),
        ("BE", "Peppol message id"),
        ("HR", "fiscalisation id"),
        ("GR", "MARK"),
        ("HU", "NAV transaction id"),
        ("ES", "AEAT CSV"),
    ],
)
async def test_mandatory_e_invoicing_countries_get_a_test_document_and_its_proof(
    sandbox: SandboxServer, country: str, proof_name: str
) -> None:
    # none of them is labelled "clearance": the dated obligations decide (issue 13)
    result = await transaction(dated_session(sandbox, country), country)
    check = result.checks[0]
    assert check.passed, check.message
    assert [s.stage for s in check.stages] == [CheckStage.TRANSACTION, CheckStage.CLEARANCE]
    proof = check.details["proof"]
    assert proof["name"] == proof_name and proof["value"]
    assert f"{proof_name} {proof['value']}" in check.stages[-1].message
    if country == "GR":
        assert len(proof["value"]) == 15 and proof["value"].isdigit()


async def test_the_proof_id_is_kept_as_evidence(sandbox: SandboxServer, tmp_path: Any) -> None:
    from golive.checks.recording import evidence_for

    result = await transaction(dated_session(sandbox, "GR"), "GR")
    evidence = evidence_for(result, by="Ada")
    text = evidence.model_dump_json()
    assert result.checks[0].details["proof"]["value"] in text and "MARK" in text


async def test_production_never_submits_where_the_authority_has_no_test_mode(
    sandbox: SandboxServer,
) -> None:
    session = dated_session(sandbox, "MX", "FR", "IT")
    before = sandbox.state.metrics.exposition()
    result = await run_suite(
        session,
        "production",
        "transaction",
        secret=DEMO_SECRET,
        confirm_production=True,
        countries=("MX", "FR", "IT"),
        poll_interval=0.02,
    )
    by_id = {c.id: c for c in result.checks}
    for cc, why in (("MX", "has no test mode"), ("FR", "may have no test mode")):
        check = by_id[f"transaction.{cc}"]
        assert check.passed, check.message
        stages = {s.stage: s for s in check.stages}
        assert stages[CheckStage.CLEARANCE].outcome == "skipped"
        assert why in stages[CheckStage.CLEARANCE].message
        assert "real fiscal document" in stages[CheckStage.CLEARANCE].message
        assert "document_id" not in check.details
    # Italy's SdI has a test mode: its test document goes, as before
    assert by_id["transaction.IT"].details["clearance"] == "Approved"
    after = sandbox.state.metrics.exposition()
    for cc in ("MX", "FR"):  # the sandbox received no document for them
        assert submitted_count(after, cc) == submitted_count(before, cc)
    assert submitted_count(after, "IT") == submitted_count(before, "IT") + 1


def submitted_count(exposition: str, country: str) -> float:
    for line in exposition.splitlines():
        if line.startswith("golive_sandbox_documents_submitted_total") and f'"{country}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_staging_tests_a_country_without_a_test_mode_too(sandbox: SandboxServer) -> None:
    result = await transaction(dated_session(sandbox, "MX"), "MX")
    assert result.checks[0].details["proof"]["name"] == "CFDI UUID"


async def test_an_unknown_country_company_names_the_countrys_override(
    sandbox: SandboxServer,
) -> None:
    session = session_for(sandbox)
    session.countries["MX"].company_ids.staging = "ACME-MX"
    sandbox.set_faults(unknown_companies=("ACME-MX",))
    result = await transaction(session, "MX", "DE")
    by_id = {c.id: c for c in result.checks}
    assert by_id["transaction.DE"].passed
    failed = by_id["transaction.MX"]
    assert failed.stage is CheckStage.COMPANY
    assert "check externalCompanyId of MX (countries.MX.company_ids.staging" in failed.advice
    assert "for the staging environment" not in failed.advice
