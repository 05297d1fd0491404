"""The sandbox's Prometheus stand-in: golive's own PromQL, answered from the sandbox's requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from golive.ops.watch import COUNTRY_QUERIES, DEFAULT_QUERIES
from golive.sandbox import SandboxSettings
from golive.sandbox.runner import SandboxServer

TOKEN = "/oauth2/v1/token"
CALC = "/indirect-tax-determination/taxes/v1/calculate"
FORM = {"grant_type": "client_credentials", "client_id": "golive-demo"}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings()) as running:
        yield running


def query(client: httpx.Client, promql: str) -> dict[str, Any]:
    answer = client.get("/prometheus/api/v1/query", params={"query": promql})
    document: dict[str, Any] = answer.json()
    return document


def value(document: dict[str, Any]) -> float:
    assert document["status"] == "success", document
    results = document["data"]["result"]
    assert len(results) == 1, results
    return float(results[0]["value"][1])


def test_every_query_golive_sends_is_answered(server: SandboxServer) -> None:
    secret = server.client_secret.get_secret_value()
    with httpx.Client(base_url=server.url) as client:
        for _ in range(3):
            assert client.post(TOKEN, data={**FORM, "client_secret": secret}).status_code == 200
        assert client.post(TOKEN, data={**FORM, "client_secret": "wrong"}).status_code == 401
        server.set_faults(transient_503=1)
        assert client.post(TOKEN, data={**FORM, "client_secret": secret}).status_code == 503
        server.reset_faults()
        up = query(client, "up")
        assert up["data"]["result"][0]["value"][1] == "1"
        info = client.get("/prometheus/api/v1/status/buildinfo").json()
        assert info["status"] == "success" and info["data"]["version"]
        for name, template in {**DEFAULT_QUERIES, **COUNTRY_QUERIES}.items():
            document = query(client, template.replace("{window}", "3600s"))
            assert document["status"] == "success", (name, document)
        window = {k: v.replace("{window}", "3600s") for k, v in DEFAULT_QUERIES.items()}
        assert value(query(client, window["calls"])) == 5
        assert value(query(client, window["errors"])) == 1
        assert value(query(client, window["client_errors"])) == 1
        assert value(query(client, window["error_rate_pct"])) == pytest.approx(20.0)
        assert 0 < value(query(client, window["response_time_p95_s"])) <= 10
        # the metrics' own requests are not counted as API calls
        assert value(query(client, window["calls"])) == 5


def test_a_query_it_does_not_understand_is_refused_as_prometheus_does(
    server: SandboxServer,
) -> None:
    with httpx.Client(base_url=server.url) as client:
        answer = client.get("/prometheus/api/v1/query", params={"query": "rate(nope[5m])"})
    assert answer.status_code == 400
    assert answer.json()["errorType"] == "bad_data"


def test_the_prometheus_down_fault_makes_it_answer_503(server: SandboxServer) -> None:
    server.set_faults(prometheus_down=True)
    try:
        with httpx.Client(base_url=server.url) as client:
            answer = client.get("/prometheus/api/v1/query", params={"query": "up"})
            assert client.get("/health").status_code == 200  # the API itself is fine
    finally:
        server.reset_faults()
    assert answer.status_code == 503
    assert answer.json()["status"] == "error"
