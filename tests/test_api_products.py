"""Per product, per environment, against the real sandbox on loopback: token request shapes,
X-API-REQUEST-ID on every request, the audit keys, E-Invoicing on a host with its own
credentials, wire overrides, and the HAR trace of it all (read back with haralyzer)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from haralyzer import HarParser
from pydantic import SecretStr

from golive.api import OnesourceClient, wire
from golive.api.endpoints import Endpoints
from golive.api.trace import HarTrace
from golive.checks.documents import clearance_test_document
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.errors import BadInputError
from golive.session.model import (
    CountrySetup,
    EInvoicingSettings,
    EnvironmentSettings,
    RetryPolicy,
    Session,
    Timeouts,
)

SECRET = "products-determination-secret-0123456789"  # pragma: allowlist secret
EINVOICING_SECRET = "products-einvoicing-secret-9876543210"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(client_secret=SecretStr(SECRET), clearance_step_s=0.02)
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(scope="module")
def einvoicing_sandbox() -> Iterator[SandboxServer]:
    """A second host standing in for E-Invoicing (EMEA) with credentials of its own."""
    settings = SandboxSettings(client_secret=SecretStr(EINVOICING_SECRET), clearance_step_s=0.02)
    with SandboxServer(settings) as server:
        yield server


def env_for(server: SandboxServer, **extra: Any) -> EnvironmentSettings:
    values: dict[str, Any] = {
        "base_url": server.url,
        "client_id": server.client_id,
        "external_company_id": server.company,
        "timeouts": Timeouts(connect=2, read=2, write=2, pool=2),
        "retry": RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02),
    }
    values.update(extra)
    return EnvironmentSettings(**values)


def quote(company: str) -> dict[str, Any]:
    return {
        "externalCompanyId": company,
        "companyRole": "S",
        "documentNumber": "GOLIVE-T-1",
        "documentDate": "2026-01-02",
        "currencyCode": "EUR",
        "lines": [{"lineNumber": 1, "amount": 100.0, "shipTo": {"country": "DE"}}],
    }


async def _quote_and_document(
    settings: EnvironmentSettings, trace: HarTrace, einvoicing_secret: SecretStr | None = None
) -> None:
    async with OnesourceClient(
        settings,
        environment="staging",
        client_secret=SecretStr(SECRET),
        einvoicing_secret=einvoicing_secret,
        trace=trace,
    ) as client:
        await client.calculate(quote(settings.external_company_id))
        accepted = await client.submit_document(
            clearance_test_document(settings.external_company_id, "MX", 16.0)
        )
        await client.document_status(str(accepted.body["documentId"]))


def headers_of(entry: dict[str, Any]) -> dict[str, str]:
    return {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}


def test_every_request_has_its_own_request_id_and_calculate_carries_the_audit_keys(
    sandbox: SandboxServer,
) -> None:
    trace = HarTrace()
    settings = env_for(sandbox, calling_system_number="ERP-7", company_id=4711)
    asyncio.run(_quote_and_document(settings, trace))
    entries = trace.document()["log"]["entries"]
    assert [e["request"]["method"] for e in entries] == ["POST", "POST", "POST", "GET"]
    ids = [headers_of(e)["x-api-request-id"] for e in entries]
    assert len(set(ids)) == len(ids)  # a fresh UUID per request
    assert all(len(i) == 36 for i in ids)
    calculate = next(e for e in entries if e["request"]["url"].endswith("/calculate"))
    body = json.loads(calculate["request"]["postData"]["text"])
    assert body["hostSystem"] == "golive"
    assert body["callingSystemNumber"] == "ERP-7"
    assert body["uniqueDocumentNumber"] == "GOLIVE-T-1"
    assert body["companyId"] == 4711
    assert body["isAudited"] is False
    assert calculate["comment"] == f"X-API-REQUEST-ID {ids[1]}"


@pytest.mark.parametrize("shape", ["form", "json", "json-assertion"])
def test_each_token_request_shape_gets_a_token(sandbox: SandboxServer, shape: str) -> None:
    trace = HarTrace()
    settings = env_for(sandbox, token_format=shape)

    async def run() -> None:
        async with OnesourceClient(
            settings, environment="staging", client_secret=SecretStr(SECRET), trace=trace
        ) as client:
            token = await client.token()
            assert token.request_id

    asyncio.run(run())
    (entry,) = trace.document()["log"]["entries"]
    post = entry["request"]["postData"]
    headers = headers_of(entry)
    if shape == "form":
        assert post["mimeType"] == "application/x-www-form-urlencoded"
        names = {p["name"]: p["value"] for p in post["params"]}
        assert names["client_secret"] == "***"
        assert names["scope"] == settings.scope
    else:
        assert post["mimeType"] == "application/json"
        body = json.loads(post["text"])
        assert body["scopes"] == settings.scope  # the one public sample's field name
        if shape == "json":
            assert body["client_secret"] == "***"
        else:
            assert "client_secret" not in body
            assert headers["authorization"] == "***"  # the assertion header, masked
    assert SECRET not in json.dumps(trace.document())


def test_einvoicing_on_its_own_host_with_its_own_credentials(
    sandbox: SandboxServer, einvoicing_sandbox: SandboxServer
) -> None:
    trace = HarTrace()
    settings = env_for(
        sandbox,
        einvoicing=EInvoicingSettings(
            base_url=einvoicing_sandbox.url,
            shares_credentials=False,
            client_id=einvoicing_sandbox.client_id,
            token_format="json",
        ),
    )
    asyncio.run(_quote_and_document(settings, trace, SecretStr(EINVOICING_SECRET)))
    urls = [
        (e["request"]["method"], e["request"]["url"]) for e in trace.document()["log"]["entries"]
    ]
    assert urls[0] == ("POST", f"{sandbox.url}/oauth2/v1/token")
    assert urls[1][1].startswith(f"{sandbox.url}/indirect-tax-determination/")
    assert urls[2] == ("POST", f"{einvoicing_sandbox.url}/oauth2/v1/token")
    assert all(url.startswith(einvoicing_sandbox.url) for _, url in urls[3:])
    text = json.dumps(trace.document())
    assert SECRET not in text and EINVOICING_SECRET not in text


def test_einvoicing_with_its_own_credentials_needs_its_secret(sandbox: SandboxServer) -> None:
    settings = env_for(
        sandbox, einvoicing=EInvoicingSettings(shares_credentials=False, client_id="einv")
    )

    async def run() -> None:
        async with OnesourceClient(
            settings, environment="staging", client_secret=SecretStr(SECRET)
        ) as client:
            await client.calculate(quote(settings.external_company_id))  # Determination works
            await client.submit_document(
                clearance_test_document(settings.external_company_id, "MX", 16.0)
            )

    with pytest.raises(BadInputError) as caught:
        asyncio.run(run())
    assert caught.value.where == "staging.einvoicing.client_secret"
    assert "GOLIVE_STAGING_EINVOICING_CLIENT_SECRET" in caught.value.advice


def test_a_run_that_sends_einvoices_asks_for_the_secret_before_sending(
    sandbox: SandboxServer,
) -> None:
    from golive.checks.suites import plan_suite, run_suite
    from golive.countries import requirements_for

    session = Session()
    session.countries = {"MX": CountrySetup(requirements=requirements_for("MX"))}
    session.environments.staging = env_for(
        sandbox, einvoicing=EInvoicingSettings(shares_credentials=False, client_id="einv")
    )
    assert plan_suite(session, "staging", "transaction").sends_einvoices
    assert not plan_suite(session, "staging", "connectivity").sends_einvoices
    trace = HarTrace()
    with pytest.raises(BadInputError) as caught:
        asyncio.run(
            run_suite(session, "staging", "transaction", secret=SecretStr(SECRET), trace=trace)
        )
    assert caught.value.where == "staging.einvoicing.client_secret"
    assert len(trace) == 0  # nothing was sent
    connectivity = asyncio.run(
        run_suite(session, "staging", "connectivity", secret=SecretStr(SECRET))
    )
    assert connectivity.passed  # no e-invoice, no E-Invoicing secret needed


def test_shared_credentials_share_one_token(sandbox: SandboxServer) -> None:
    trace = HarTrace()
    asyncio.run(_quote_and_document(env_for(sandbox), trace))
    tokens = [
        e for e in trace.document()["log"]["entries"] if e["request"]["url"].endswith("/token")
    ]
    assert len(tokens) == 1


def test_a_session_overrides_a_guessed_wire_shape(sandbox: SandboxServer) -> None:
    trace = HarTrace()
    settings = env_for(sandbox, wire={"correlation_header": "X-Correlation-Id"})
    asyncio.run(_quote_and_document(settings, trace))
    calculate = trace.document()["log"]["entries"][1]
    headers = headers_of(calculate)
    assert "x-correlation-id" in headers and "correlation-id" not in headers


def test_an_unknown_wire_override_is_bad_input() -> None:
    settings = EnvironmentSettings(base_url="https://h.example", wire={"corelation": "x"})
    with pytest.raises(BadInputError) as caught:
        Endpoints.of(settings, "staging")
    assert caught.value.where == "environments.staging.wire.corelation"


def test_every_wire_entry_says_how_sure_golive_is() -> None:
    entries = wire.entries()
    assert entries["request_id_header"].confidence == "confirmed"
    assert entries["calculate_path"].confidence == "one-sample"
    for name in (
        "commit_flag",
        "ping_path",
        "health_path",
        "correlation_header",
        "company_not_found_code",
        "einvoice_submit_path",
        "status_names",
        "error_body",
    ):
        assert entries[name].guessed and entries[name].confidence == "guess", name
    defaults = EnvironmentSettings()
    for entry in entries.values():  # the settings start from wire.toml's values
        if entry.setting and entry.setting != "token_url":
            assert str(getattr(defaults, entry.setting)) == entry.value, entry.name


def test_a_country_company_id_of_an_old_session_becomes_both_environments() -> None:
    setup = CountrySetup.model_validate({"external_company_id": "ACME-MX"})
    assert setup.company_for("staging") == setup.company_for("production") == "ACME-MX"
    kept = CountrySetup.model_validate(
        {"external_company_id": "OLD", "company_ids": {"production": "PROD-MX"}}
    )
    assert (kept.company_for("staging"), kept.company_for("production")) == ("OLD", "PROD-MX")
    assert (
        "external_company_id"
        not in Session(countries={"MX": setup}).model_dump()["countries"]["MX"]
    )


def test_the_har_parses_with_haralyzer(sandbox: SandboxServer) -> None:
    trace = HarTrace("test")
    asyncio.run(_quote_and_document(env_for(sandbox), trace))
    document = trace.document()
    parser = HarParser(document)
    assert parser.har_data["version"] == "1.2"
    assert parser.creator["name"] == "golive"
    page_entries = parser.har_data["entries"]
    assert len(page_entries) == 4
    for entry in page_entries:
        for key in ("startedDateTime", "time", "request", "response", "cache", "timings"):
            assert key in entry
        for key in ("method", "url", "httpVersion", "headers", "queryString", "cookies"):
            assert key in entry["request"]
        for key in ("status", "statusText", "headers", "content", "redirectURL"):
            assert key in entry["response"]
        assert {"size", "mimeType", "text"} <= set(entry["response"]["content"])
    token_answer = json.loads(page_entries[0]["response"]["content"]["text"])
    assert token_answer["access_token"] == "***"
    issued = list(sandbox.state.tokens._expiry)
    text = json.dumps(document)
    assert issued and not any(token in text for token in issued)


def test_status_names_map_the_servers_words_to_golives() -> None:
    settings = EnvironmentSettings(
        wire={"status_names": "Approved=CLEARED,Warning=CLEARED_WITH_WARNINGS,Rejected=REJECTED"}
    )
    assert wire.status_names(settings) == {
        "CLEARED": "Approved",
        "CLEARED_WITH_WARNINGS": "Warning",
        "REJECTED": "Rejected",
    }
    assert wire.status_names(EnvironmentSettings())["Approved"] == "Approved"


def test_a_descriptive_wire_entry_is_not_an_override() -> None:
    settings = EnvironmentSettings(base_url="https://h.example", wire={"error_body": "x"})
    with pytest.raises(BadInputError) as caught:
        Endpoints.of(settings, "staging")
    assert "cannot be overridden" in caught.value.message


def test_the_sandbox_echoes_the_request_id(sandbox: SandboxServer) -> None:
    trace = HarTrace()
    asyncio.run(_quote_and_document(env_for(sandbox), trace))
    for entry in trace.document()["log"]["entries"]:
        sent = headers_of(entry)["x-api-request-id"]
        answered = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
        if "/oauth2/" not in entry["request"]["url"]:
            assert answered["x-api-request-id"] == sent
