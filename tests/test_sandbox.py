"""The sandbox on loopback, driven by a real httpx client: the wire contract, faults, metrics, runner."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from golive.sandbox import Faults, SandboxSettings
from golive.sandbox.clearance import ClearanceDesk
from golive.sandbox.runner import SandboxServer
from golive.sandbox.state import TokenStore
from golive.session.errors import GoliveError

TOKEN = "/oauth2/v1/token"
CALC = "/indirect-tax-determination/taxes/v1/calculate"
DOCS = "/einvoicing/document/v1/documents"
IDT = "application/vnd.tri.onesource.idt+json"
DEMO_FORM = {
    "grant_type": "client_credentials",
    "client_id": "golive-demo",
    "client_secret": "golive-demo-secret",
}
FINAL = {"Approved", "Warning", "Rejected"}
# One context for every client: building httpx's default one costs ~50 ms each time.
TRUST = ssl.create_default_context()


class SteppedClock:
    """A monotonic clock for the sandbox's desks that moves only when the test sets `now`."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def client_for(server: SandboxServer, **options: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, verify=TRUST, **options)


def calc_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "externalCompanyId": "DEMO-001",
        "companyRole": "S",
        "documentNumber": "INV-1",
        "documentDate": "2026-01-02",
        "currencyCode": "EUR",
        "isAudited": False,
        "lines": [
            {
                "lineNumber": 1,
                "amount": 100.0,
                "productCode": "P-1",
                "shipFrom": {"country": "DE"},
                "shipTo": {"country": "DE"},
            }
        ],
    }
    body.update(changes)
    return body


def doc_body(country: str = "MX", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "externalCompanyId": "DEMO-001",
        "country": country,
        "sendType": "Test",
        "documentNumber": "F-1",
        "issueDate": "2026-01-02",
        "currencyCode": "MXN",
        "totalAmount": 116.0,
        "lines": [{"lineNumber": 1, "amount": 100.0, "taxId": "EKU9003173C9"}],
    }
    body.update(changes)
    return body


def bearer(client: httpx.Client) -> dict[str, str]:
    response = client.post(TOKEN, data=DEMO_FORM)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def calculate(client: httpx.Client, body: dict[str, Any], **headers: str) -> httpx.Response:
    return client.post(CALC, json=body, headers={"Content-Type": IDT, **headers})


def poll_until_final(client: httpx.Client, document_id: str, auth: dict[str, str]) -> list[str]:
    """Every status seen until a final one (the state machine moves in ~0.05 s steps here)."""
    seen: list[str] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        answer = client.get(f"{DOCS}/{document_id}/status", headers=auth)
        assert answer.status_code == 200, answer.text
        status = answer.json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in FINAL:
            return seen
        time.sleep(0.01)
    raise AssertionError(f"never final: {seen}")


def final_status(client: httpx.Client, auth: dict[str, str], country: str) -> dict[str, Any]:
    submitted = client.post(DOCS, json=doc_body(country), headers=auth)
    assert submitted.status_code == 202, submitted.text
    document_id = submitted.json()["documentId"]
    poll_until_final(client, document_id, auth)
    answer: dict[str, Any] = client.get(f"{DOCS}/{document_id}/status", headers=auth).json()
    return answer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(extra_companies=("DEMO-MX",), clearance_step_s=0.05)
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    sandbox.reset_faults()
    with client_for(sandbox, timeout=5) as client:
        yield client
    sandbox.reset_faults()


# Token


def test_token_is_issued_for_the_demo_credentials(api: httpx.Client) -> None:
    answer = api.post(TOKEN, data=DEMO_FORM)
    assert answer.status_code == 200
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "urn:tr:onesource:auth:api:IndirectTaxDetermination"
    assert len(token["access_token"]) >= 32
    assert answer.headers["cache-control"] == "no-store"
    assert api.post(TOKEN, data=DEMO_FORM).json()["access_token"] != token["access_token"]


def test_token_accepts_json_with_scopes_and_http_basic(api: httpx.Client) -> None:
    as_json = api.post(TOKEN, json={**DEMO_FORM, "scopes": "urn:custom:scope"})
    assert as_json.status_code == 200 and as_json.json()["scope"] == "urn:custom:scope"
    basic = api.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        auth=("golive-demo", "golive-demo-secret"),
    )
    assert basic.status_code == 200 and basic.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    "form",
    [
        {**DEMO_FORM, "client_secret": "wrong"},
        {**DEMO_FORM, "client_id": "someone-else"},
        {"grant_type": "client_credentials"},
    ],
    ids=["wrong-secret", "wrong-id", "no-credentials"],
)
def test_token_refuses_bad_credentials(api: httpx.Client, form: dict[str, str]) -> None:
    answer = api.post(TOKEN, data=form)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client" and answer.json()["error_description"]


def test_token_refusal_with_basic_auth_challenges_basic(api: httpx.Client) -> None:
    answer = api.post(TOKEN, data={"grant_type": "client_credentials"}, auth=("golive-demo", "x"))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_token_refuses_other_grants(api: httpx.Client) -> None:
    other = api.post(TOKEN, data={**DEMO_FORM, "grant_type": "password"})
    assert other.status_code == 400 and other.json()["error"] == "unsupported_grant_type"
    missing = api.post(TOKEN, data={k: v for k, v in DEMO_FORM.items() if k != "grant_type"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_token_expires() -> None:
    # the token store reads the test's clock: the token is still valid for the first calls
    # however long they take, and expired once the test moves the clock past its lifetime
    clock = SteppedClock()
    server = SandboxServer(SandboxSettings(token_ttl_s=0.3))
    server.state.tokens = TokenStore(clock=clock)
    with server, client_for(server) as client:
        issued = client.post(TOKEN, data=DEMO_FORM).json()
        assert issued["expires_in"] == 1
        auth = {"Authorization": f"Bearer {issued['access_token']}"}
        assert calculate(client, calc_body(), **auth).status_code == 200
        assert client.get("/ping", headers=auth).json()["authenticated"] is True
        clock.now = 0.35
        expired = calculate(client, calc_body(), **auth)
        assert expired.status_code == 401
        assert "expired" in expired.json()["errors"][0]["message"]
        assert expired.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/ping", headers=auth).json()["authenticated"] is False


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic Zm9vOmJhcg=="}],
    ids=["missing", "unknown", "wrong-scheme"],
)
def test_api_endpoints_refuse_without_a_valid_token(
    api: httpx.Client, headers: dict[str, str]
) -> None:
    for answer in (
        calculate(api, calc_body(), **headers),
        api.post(DOCS, json=doc_body(), headers=headers),
        api.get(f"{DOCS}/whatever/status", headers=headers),
    ):
        assert answer.status_code == 401
        assert answer.json()["errors"][0]["code"] == "UNAUTHORIZED"
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_authentication_comes_before_reading_the_body(api: httpx.Client) -> None:
    answer = api.post(CALC, content=b"{not json", headers={"Content-Type": IDT})
    assert answer.status_code == 401


def test_revoked_tokens_are_refused(sandbox: SandboxServer, api: httpx.Client) -> None:
    auth = bearer(api)
    revoked = api.post("/admin/tokens/revoke", headers={"X-Admin-Token": sandbox.admin_token})
    assert revoked.status_code == 200 and revoked.json()["revoked"] >= 1
    assert calculate(api, calc_body(), **auth).status_code == 401
    assert calculate(api, calc_body(), **bearer(api)).status_code == 200


# Calculate


def test_calculate_applies_each_countrys_rate_and_echoes_the_request(api: httpx.Client) -> None:
    lines = [
        {
            "lineNumber": 1,
            "amount": 100.0,
            "shipFrom": {"country": "DE"},
            "shipTo": {"country": "DE"},
        },
        {"lineNumber": 2, "amount": 50, "shipTo": {"country": "MX"}},
        {"lineNumber": 3, "amount": 10.05, "shipTo": {"country": "FR"}},
        {"lineNumber": 4, "amount": 80.0, "shipTo": {"country": "XX"}},
    ]
    body = calc_body(companyRole="B", documentNumber="INV-42", lines=lines)
    answer = calculate(api, body, **bearer(api), **{"Correlation-Id": "corr-123"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["correlation-id"] == "corr-123"
    result = answer.json()
    assert result["correlationId"] == "corr-123"
    assert (result["externalCompanyId"], result["companyRole"]) == ("DEMO-001", "B")
    assert result["documentNumber"] == "INV-42" and result["isAudited"] is False
    taxes = {line["lineNumber"]: line["taxes"][0] for line in result["lines"]}
    assert taxes[1] == {
        "authorityName": "Germany VAT",
        "taxRate": 0.19,
        "taxableBasis": 100.0,
        "taxAmount": 19.0,
        "taxTreatment": "taxable",  # named since the parity scenarios (issue 17)
    }
    assert (taxes[2]["authorityName"], taxes[2]["taxRate"], taxes[2]["taxAmount"]) == (
        "Mexico IVA",
        0.16,
        8.0,
    )
    assert taxes[3]["taxAmount"] == 2.01  # 10.05 x 0.20 = 2.01, rounded half-up to the cent
    assert (taxes[4]["authorityName"], taxes[4]["taxRate"], taxes[4]["taxAmount"]) == (
        "UNKNOWN",
        0.0,
        0.0,
    )
    assert result["totalTaxAmount"] == pytest.approx(19.0 + 8.0 + 2.01)


def test_calculate_accepts_plain_json_and_makes_a_correlation_id(api: httpx.Client) -> None:
    answer = api.post(CALC, json=calc_body(), headers=bearer(api))
    assert answer.status_code == 200
    generated = answer.headers["correlation-id"]
    assert len(generated) == 36 and answer.json()["correlationId"] == generated


def test_calculate_refuses_other_media_types(api: httpx.Client) -> None:
    answer = api.post(
        CALC,
        content=json.dumps(calc_body()),
        headers={**bearer(api), "Content-Type": "text/plain"},
    )
    assert answer.status_code == 415
    assert answer.json()["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_calculate_400_lists_one_error_per_problem(api: httpx.Client) -> None:
    lines = [
        {"lineNumber": 1, "amount": -5, "shipTo": {"country": "de"}},
        {"lineNumber": 2, "amount": "100", "shipTo": {"country": "DE"}},
    ]
    answer = calculate(api, calc_body(companyRole="X", lines=lines), **bearer(api))
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert {e["code"] for e in errors} == {"VALIDATION_ERROR"}
    assert sorted(e["path"] for e in errors) == [
        "companyRole",
        "lines[0].amount",
        "lines[0].shipTo.country",
        "lines[1].amount",
    ]
    country = next(e for e in errors if e["path"] == "lines[0].shipTo.country")
    assert "two-letter" in country["message"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (calc_body(lines=[]), "lines"),
        ({k: v for k, v in calc_body().items() if k != "lines"}, "lines"),
        (calc_body(lines=[{"lineNumber": 1, "amount": 1.0}]), "lines[0].shipTo"),
        (calc_body(documentDate="02/01/2026"), "documentDate"),
        (calc_body(currencyCode="euro"), "currencyCode"),
    ],
    ids=["empty-lines", "no-lines", "no-ship-to", "bad-date", "bad-currency"],
)
def test_calculate_400_names_the_field(api: httpx.Client, body: dict[str, Any], path: str) -> None:
    answer = calculate(api, body, **bearer(api))
    assert answer.status_code == 400
    assert [e["path"] for e in answer.json()["errors"]] == [path]


def test_calculate_400_for_a_body_that_is_not_json(api: httpx.Client) -> None:
    answer = api.post(CALC, content=b"{", headers={**bearer(api), "Content-Type": IDT})
    assert answer.status_code == 400
    assert "not valid JSON" in answer.json()["errors"][0]["message"]


def test_calculate_403_for_an_unknown_company(api: httpx.Client) -> None:
    auth = bearer(api)
    answer = calculate(api, calc_body(externalCompanyId="NOBODY"), **auth)
    assert answer.status_code == 403
    (error,) = answer.json()["errors"]
    assert (error["code"], error["path"]) == ("COMPANY_NOT_FOUND", "externalCompanyId")
    assert calculate(api, calc_body(externalCompanyId="DEMO-MX"), **auth).status_code == 200


# E-invoicing clearance


def test_clearance_goes_new_delivered_approved() -> None:
    # the clearance desk reads the test's clock: each status is read at a moment the test chose,
    # however slowly the requests travel on a loaded machine
    clock = SteppedClock()
    server = SandboxServer(SandboxSettings(clearance_step_s=0.2))
    server.state.clearance = ClearanceDesk(0.2, server.state.metrics, clock=clock)
    with server, client_for(server) as client:
        auth = bearer(client)
        submitted = client.post(DOCS, json=doc_body("IT", sendType="Prod"), headers=auth)
        assert submitted.status_code == 202
        accepted = submitted.json()
        assert accepted["status"] == "New" and accepted["sendType"] == "Prod"
        status_url = f"{DOCS}/{accepted['documentId']}/status"
        statuses = [client.get(status_url, headers=auth).json()["status"]]
        clock.now = 0.3
        statuses.append(client.get(status_url, headers=auth).json()["status"])
        clock.now = 0.5
        final = client.get(status_url, headers=auth).json()
        statuses.append(final["status"])
        assert statuses == ["New", "Delivered", "Approved"]
        assert final["documentId"] == accepted["documentId"] and final["country"] == "IT"
        assert final["messages"] == []


def test_clearance_warning_and_rejection_come_with_code_and_path() -> None:
    faults = Faults(reject_countries=("MX", "IT"), warn_countries=("BR",))
    with (
        SandboxServer(SandboxSettings(clearance_step_s=0.02, faults=faults)) as server,
        client_for(server) as client,
    ):
        auth = bearer(client)
        mexico = final_status(client, auth, "MX")
        assert mexico["status"] == "Rejected"
        assert mexico["messages"][0]["code"] == "CFDI40147"
        assert mexico["messages"][0]["path"] == "lines[0].taxId"
        italy = final_status(client, auth, "IT")
        assert (italy["status"], italy["messages"][0]["code"]) == ("Rejected", "REJ-001")
        brazil = final_status(client, auth, "BR")
        assert brazil["status"] == "Warning" and brazil["messages"][0]["code"] == "WARN-001"
        assert final_status(client, auth, "DE")["status"] == "Approved"
        exposition = client.get("/metrics").text
        assert 'golive_sandbox_clearance_outcomes_total{country="MX",outcome="Rejected"} 1' in (
            exposition
        )
        assert 'golive_sandbox_documents_submitted_total{country="BR"} 1' in exposition


def test_clearance_outcome_is_fixed_at_submission(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    auth = bearer(api)
    document_id = api.post(DOCS, json=doc_body("MX"), headers=auth).json()["documentId"]
    sandbox.set_faults(reject_countries=["MX"])
    assert poll_until_final(api, document_id, auth)[-1] == "Approved"


def test_unknown_document_is_404(api: httpx.Client) -> None:
    answer = api.get(f"{DOCS}/00000000-0000-0000-0000-000000000000/status", headers=bearer(api))
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["code"] == "DOCUMENT_NOT_FOUND"


def test_document_submission_is_validated(api: httpx.Client) -> None:
    auth = bearer(api)
    bad = api.post(DOCS, json=doc_body("MEX", sendType="Live", lines=[]), headers=auth)
    assert bad.status_code == 400
    assert sorted(e["path"] for e in bad.json()["errors"]) == ["country", "lines", "sendType"]
    unknown = api.post(DOCS, json=doc_body(externalCompanyId="NOBODY"), headers=auth)
    assert unknown.status_code == 403


# Service endpoints


def test_health_and_ping_need_no_token(api: httpx.Client) -> None:
    health = api.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["version"]
    assert api.get("/ping").json()["authenticated"] is False
    assert api.get("/ping", headers=bearer(api)).json()["authenticated"] is True


def test_openapi_document_describes_the_api(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (TOKEN, CALC, DOCS, DOCS + "/{document_id}/status", "/health", "/ping", "/metrics"):
        assert path in paths, path
    body = paths[CALC]["post"]["requestBody"]["content"]
    assert {IDT, "application/json"} <= set(body)
    assert paths[CALC]["post"]["security"] == [{"bearerAuth": []}]
    schemas = document["components"]["schemas"]
    assert {"lines", "externalCompanyId", "companyRole"} <= set(
        schemas["CalculateRequest"]["properties"]
    )
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document))
    assert refs and all(ref in schemas for ref in refs)


SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    r'(?:\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})?'
    r" (?P<value>[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf)|NaN)$"
)


def parse_exposition(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Parse text format 0.0.4 strictly enough to catch what promtool would reject."""
    assert text.endswith("\n")
    types: dict[str, str] = {}
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in types, f"TYPE twice: {name}"
            assert kind in {"counter", "gauge", "histogram", "summary", "untyped"}
            types[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name = match["name"]
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        assert family in types, f"sample before its TYPE: {line!r}"
        labels = dict(
            re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', match["labels"] or "")
        )
        samples.setdefault(name, []).append((labels, float(match["value"])))
    return samples


def test_metrics_count_requests_in_prometheus_text_format(api: httpx.Client) -> None:
    def calls(samples: dict[str, list[tuple[dict[str, str], float]]], status: str) -> float:
        return sum(
            value
            for labels, value in samples.get("golive_sandbox_requests_total", [])
            if labels == {"endpoint": "calculate", "status": status}
        )

    before = parse_exposition(api.get("/metrics").text)
    auth = bearer(api)
    for _ in range(3):
        calculate(api, calc_body(), **auth)
    calculate(api, calc_body(externalCompanyId="NOBODY"), **auth)
    answer = api.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    after = parse_exposition(answer.text)
    assert calls(after, "200") - calls(before, "200") == 3
    assert calls(after, "403") - calls(before, "403") == 1
    buckets = [
        (labels["le"], value)
        for labels, value in after["golive_sandbox_request_duration_seconds_bucket"]
        if labels["endpoint"] == "calculate"
    ]
    counts = [value for _, value in buckets]
    assert counts == sorted(counts) and buckets[-1][0] == "+Inf"
    (count,) = [
        value
        for labels, value in after["golive_sandbox_request_duration_seconds_count"]
        if labels["endpoint"] == "calculate"
    ]
    assert buckets[-1][1] == count >= 4


def test_a_request_is_counted_by_the_time_its_answer_arrives(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    before = sandbox.state.metrics.requests("ping", 200)
    for done in range(1, 31):
        api.get("/ping")
        assert sandbox.state.metrics.requests("ping", 200) == before + done


def test_answers_come_without_a_nagle_delay(api: httpx.Client) -> None:
    # A pre-bound socket without TCP_NODELAY added ~40 ms to every answer: latency checks lied.
    durations = []
    for _ in range(20):
        started = time.perf_counter()
        api.get("/health")
        durations.append(time.perf_counter() - started)
    assert statistics.median(durations) < 0.02


def test_unknown_paths_answer_in_the_api_error_shape(api: httpx.Client) -> None:
    answer = api.get("/no/such/thing")
    assert answer.status_code == 404 and answer.json()["errors"][0]["code"] == "NOT_FOUND"


# Admin


def test_admin_refuses_a_missing_or_wrong_token(sandbox: SandboxServer, api: httpx.Client) -> None:
    for method, path in (
        ("GET", "/admin/faults"),
        ("PUT", "/admin/faults"),
        ("POST", "/admin/reset"),
    ):
        missing = api.request(method, path, json={"error_rate": 1})
        assert missing.status_code == 401, path
        wrong = api.request(method, path, json={"error_rate": 1}, headers={"X-Admin-Token": "x"})
        assert wrong.status_code == 403, path
    assert sandbox.faults.error_rate == 0


def test_admin_updates_faults_partially_and_validates(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    admin = {"X-Admin-Token": sandbox.admin_token}
    changed = api.put(
        "/admin/faults", json={"latency_ms": 5, "reject_countries": ["mx"]}, headers=admin
    )
    assert changed.status_code == 200
    assert changed.json()["latency_ms"] == 5 and changed.json()["reject_countries"] == ["MX"]
    again = api.put("/admin/faults", json={"jitter_ms": 2}, headers=admin).json()
    assert (again["latency_ms"], again["jitter_ms"]) == (5, 2)
    bad = api.put("/admin/faults", json={"error_rate": 2, "no_such_fault": True}, headers=admin)
    assert bad.status_code == 400
    assert sorted(e["path"] for e in bad.json()["errors"]) == ["error_rate", "no_such_fault"]
    assert api.get("/admin/faults", headers=admin).json() == again
    assert api.put("/admin/faults", content=b"[1]", headers=admin).status_code == 400


def test_admin_reset_restores_the_start_faults() -> None:
    with (
        SandboxServer(SandboxSettings(faults=Faults(latency_ms=1))) as server,
        client_for(server) as client,
    ):
        admin = {"X-Admin-Token": server.admin_token}
        client.put("/admin/faults", json={"error_rate": 1, "latency_ms": 0}, headers=admin)
        assert client.get("/ping").status_code == 503
        reset = client.post("/admin/reset", headers=admin).json()
        assert (reset["latency_ms"], reset["error_rate"]) == (1, 0)
        assert client.get("/ping").status_code == 200


def test_faults_never_touch_health_metrics_openapi_or_admin() -> None:
    faults = Faults(error_rate=1, rate_limit=100, malformed=True)
    with (
        SandboxServer(SandboxSettings(faults=faults)) as server,
        client_for(server) as client,
    ):
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/metrics").status_code == 200
        assert client.get("/openapi.json").json()["paths"]
        assert client.get("/admin/faults", headers={"X-Admin-Token": server.admin_token}).json()


# Every fault, set at start and changed at run time


def check_latency(server: SandboxServer, client: httpx.Client) -> None:
    started = time.monotonic()
    assert client.get("/ping").status_code == 200
    assert time.monotonic() - started >= 1.5  # the fault's latency is a lower bound
    started = time.monotonic()
    client.post(TOKEN, data=DEMO_FORM)  # not in the fault's endpoints
    # far below the 1.5 s latency even on a loaded machine
    assert time.monotonic() - started < 1.0


def check_jitter(server: SandboxServer, client: httpx.Client) -> None:
    durations = []
    for _ in range(6):
        started = time.monotonic()
        client.get("/ping")
        durations.append(time.monotonic() - started)
    assert min(durations) >= 0.02 and max(durations) < 0.5
    assert max(durations) - min(durations) > 0.005  # it does vary


def check_error_rate(server: SandboxServer, client: httpx.Client) -> None:
    answer = client.get("/ping")
    assert answer.status_code == 503
    assert answer.json()["errors"][0]["code"] == "SERVICE_UNAVAILABLE"


def check_transient_503(server: SandboxServer, client: httpx.Client) -> None:
    assert [client.get("/ping").status_code for _ in range(4)] == [503, 503, 200, 200]
    assert server.faults.transient_503 == 0


def check_rate_limit(server: SandboxServer, client: httpx.Client) -> None:
    limited = client.get("/ping", headers={"Correlation-Id": "c-9"})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert limited.headers["correlation-id"] == "c-9"
    assert limited.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
    assert client.get("/ping").status_code == 200


def check_fail_auth(server: SandboxServer, client: httpx.Client) -> None:
    answer = client.post(TOKEN, data=DEMO_FORM)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def check_unknown_companies(server: SandboxServer, client: httpx.Client) -> None:
    answer = calculate(client, calc_body(), **bearer(client))
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "COMPANY_NOT_FOUND"


def check_reject(server: SandboxServer, client: httpx.Client) -> None:
    status = final_status(client, bearer(client), "MX")
    assert status["status"] == "Rejected" and status["messages"][0]["code"] == "CFDI40147"


def check_warn(server: SandboxServer, client: httpx.Client) -> None:
    assert final_status(client, bearer(client), "PL")["status"] == "Warning"


def check_malformed(server: SandboxServer, client: httpx.Client) -> None:
    auth = bearer(client)  # the token endpoint is not in the fault's endpoints
    answer = calculate(client, calc_body(), **auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert int(answer.headers["content-length"]) == len(answer.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)


def check_slow_body(server: SandboxServer, client: httpx.Client) -> None:
    started = time.monotonic()
    with client.stream("GET", "/ping") as answer:
        headers_after = time.monotonic() - started
        body = answer.read()
    total = time.monotonic() - started
    # the headers come at once, the body trickles for the fault's 1.5 s (margins a loaded
    # machine cannot eat: the lower bound is what the fault guarantees)
    assert headers_after < 1.0 and total >= 1.4
    assert json.loads(body)["authenticated"] is False


def check_hang(server: SandboxServer, client: httpx.Client) -> None:
    auth = bearer(client)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post(CALC, json=calc_body(), headers={**auth, "Content-Type": IDT}, timeout=0.2)
    assert time.monotonic() - started < 1.0
    # The server noticed the client giving up: "client closed request" in the metrics.
    deadline = time.monotonic() + 2
    while server.state.metrics.requests("calculate", 499) == 0:
        assert time.monotonic() < deadline, "the hung request was never counted"
        time.sleep(0.02)


def check_endpoints(server: SandboxServer, client: httpx.Client) -> None:
    auth = bearer(client)
    assert calculate(client, calc_body(), **auth).status_code == 503
    assert client.get("/ping").status_code == 200


FAULT_CASES: dict[str, tuple[dict[str, Any], Callable[[SandboxServer, httpx.Client], None]]] = {
    "latency": ({"latency_ms": 1500, "endpoints": ["ping"]}, check_latency),
    "jitter": ({"latency_ms": 20, "jitter_ms": 60, "endpoints": ["ping"]}, check_jitter),
    "error_rate": ({"error_rate": 1.0}, check_error_rate),
    "transient_503": ({"transient_503": 2}, check_transient_503),
    "rate_limit": ({"rate_limit": 1, "retry_after_s": 7}, check_rate_limit),
    "fail_auth": ({"fail_auth": True}, check_fail_auth),
    "unknown_companies": ({"unknown_companies": ["DEMO-001"]}, check_unknown_companies),
    "reject_countries": ({"reject_countries": ["MX"]}, check_reject),
    "warn_countries": ({"warn_countries": ["PL"]}, check_warn),
    "malformed": ({"malformed": True, "endpoints": ["calculate"]}, check_malformed),
    "slow_body": ({"slow_body_ms": 1500, "endpoints": ["ping"]}, check_slow_body),
    "hang": ({"hang_s": 5, "endpoints": ["calculate"]}, check_hang),
    "endpoints": ({"error_rate": 1.0, "endpoints": ["calculate"]}, check_endpoints),
}


@pytest.mark.parametrize("when", ["at-start", "at-run-time"])
@pytest.mark.parametrize("fault", sorted(FAULT_CASES))
def test_fault(fault: str, when: str) -> None:
    faults, check = FAULT_CASES[fault]
    start_faults = Faults(**faults) if when == "at-start" else Faults()
    settings = SandboxSettings(faults=start_faults, clearance_step_s=0.02)
    with SandboxServer(settings) as server, client_for(server, timeout=5) as client:
        if when == "at-run-time":
            changed = client.put(
                "/admin/faults", json=faults, headers={"X-Admin-Token": server.admin_token}
            )
            assert changed.status_code == 200, changed.text
        check(server, client)


def test_error_rate_is_reproducible_with_a_seed() -> None:
    def statuses(server: SandboxServer) -> list[int]:
        with client_for(server) as client:
            return [client.get("/ping").status_code for _ in range(30)]

    faults = Faults(error_rate=0.5, seed=7)
    with SandboxServer(SandboxSettings(faults=faults)) as first:
        expected = statuses(first)
    assert {200, 503} == set(expected)
    with SandboxServer() as second:
        second.set_faults(error_rate=0.5, seed=7)
        assert statuses(second) == expected


# Runner


def test_runner_binds_loopback_on_a_free_port_by_default(sandbox: SandboxServer) -> None:
    assert sandbox.address[0] == "127.0.0.1" and sandbox.address[1] == sandbox.port > 0
    assert sandbox.url == f"http://127.0.0.1:{sandbox.port}"
    assert sandbox.ca_bundle is None
    assert (sandbox.client_id, sandbox.company) == ("golive-demo", "DEMO-001")
    assert sandbox.client_secret.get_secret_value() == "golive-demo-secret"
    assert len(sandbox.admin_token) >= 24


def test_runner_takes_credentials_and_admin_token_from_settings() -> None:
    settings = SandboxSettings(
        client_id="acme", client_secret="s3cret-value", company="ACME-1", admin_token="adm-tok"
    )
    with SandboxServer(settings) as server, client_for(server) as client:
        form = {
            "grant_type": "client_credentials",
            "client_id": "acme",
            "client_secret": "s3cret-value",
        }
        auth = {"Authorization": f"Bearer {client.post(TOKEN, data=form).json()['access_token']}"}
        assert calculate(client, calc_body(externalCompanyId="ACME-1"), **auth).status_code == 200
        assert calculate(client, calc_body(), **auth).status_code == 403
        assert client.get("/admin/faults", headers={"X-Admin-Token": "adm-tok"}).status_code == 200


def test_runner_stop_frees_the_port_and_leaves_no_thread() -> None:
    threads_before = set(threading.enumerate())
    server = SandboxServer().start()
    port, url = server.port, server.url
    assert any(t.name == f"golive-sandbox-{port}" for t in threading.enumerate())
    with httpx.Client(
        verify=TRUST
    ) as client:  # a kept-alive connection must not hold the server up
        assert client.get(f"{url}/health").status_code == 200
        server.stop()
    assert not server.running
    assert set(threading.enumerate()) == threads_before
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # fails with EADDRINUSE while anything still listens
    server.stop()  # twice is fine


def test_runner_stops_promptly_with_a_request_hanging() -> None:
    server = SandboxServer(SandboxSettings(faults=Faults(hang_s=30, endpoints=("ping",)))).start()
    client = httpx.Client(timeout=30, verify=TRUST)
    hanging = threading.Thread(target=lambda: _swallow(client.get, f"{server.url}/ping"))
    hanging.start()
    # the request is hanging inside the server (arrived, never answered) before the stop
    deadline = time.monotonic() + 30
    while server.state.metrics.arrivals("ping") == 0:
        assert time.monotonic() < deadline, "the request never reached the sandbox"
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    hanging.join(5)
    client.close()
    assert not hanging.is_alive()


def _swallow(call: Callable[..., Any], *args: Any) -> None:
    with contextlib.suppress(httpx.HTTPError):
        call(*args)


def test_runner_reports_a_busy_port(sandbox: SandboxServer) -> None:
    with pytest.raises(GoliveError, match="cannot listen") as raised:
        SandboxServer(SandboxSettings(port=sandbox.port)).start()
    assert "--port" in raised.value.advice


def test_set_faults_validates_and_changes_nothing_when_invalid(sandbox: SandboxServer) -> None:
    sandbox.reset_faults()
    with pytest.raises(ValidationError):
        sandbox.set_faults(error_rate=3)
    with pytest.raises(ValidationError):
        sandbox.set_faults(endpoints=["everything"])
    assert sandbox.faults == Faults()
    assert sandbox.set_faults(latency_ms=1).latency_ms == 1
    sandbox.reset_faults()


async def test_usable_from_async_tests(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, verify=TRUST) as client:
        token = (await client.post(TOKEN, data=DEMO_FORM)).json()["access_token"]
        answer = await client.post(
            CALC,
            json=calc_body(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": IDT},
        )
    assert answer.status_code == 200 and answer.json()["totalTaxAmount"] == 19.0
