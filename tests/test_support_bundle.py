"""`golive check --trace`, `golive env`, `golive wire` and `golive support bundle` as a user runs
them, against the real sandbox on loopback: the HAR of a run opens with a HAR parser and holds
no secret; the bundle of a failed run holds the traces, the failing run with its request ids and
times, the settings, versions, the verify-config comparison and the address to send it to, and
nothing secret."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from haralyzer import HarParser
from pydantic import SecretStr

from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts
from golive.session.sections import Contact, EscalationLevel
from golive.session.store import SessionFile, load

SECRET = "bundle-test-secret-abcdef0123456789"  # pragma: allowlist secret
ESCALATION = "onesource-support@tr.example"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(tls="valid", clearance_step_s=0.02, client_secret=SecretStr(SECRET))
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


@pytest.fixture
def session_path(sandbox: SandboxServer, golive_home: Path) -> Path:
    session = Session()
    session.meta.title = "ACME EU"
    session.meta.engineer = "Ada"
    session.countries = {cc: CountrySetup(requirements=requirements_for(cc)) for cc in ("DE", "MX")}
    for name in ("staging", "production"):
        env = getattr(session.environments, name)
        env.base_url = sandbox.url
        env.client_id = sandbox.client_id
        env.external_company_id = sandbox.company
        env.ca_bundle = str(sandbox.ca_bundle)
        env.timeouts = Timeouts(connect=2, read=2, write=2, pool=2)
        env.retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
    session.support.escalation = [
        EscalationLevel(
            level=3, team="Thomson Reuters support", contact=Contact(name="TR L3", email=ESCALATION)
        )
    ]
    return SessionFile.create("acme", session).path


@pytest.fixture
def golive(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`golive ...` in this process (fast); returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", SECRET)

    def run(*args: str) -> tuple[int, str, str]:
        from golive.cli import main

        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def issued_tokens(server: SandboxServer) -> list[str]:
    return list(server.state.tokens._expiry)


def test_check_trace_writes_a_har_that_parses_and_holds_no_secret(
    golive, sandbox: SandboxServer, session_path: Path
) -> None:  # type: ignore[no-untyped-def]
    trace = session_path.with_name("acme.smoke.har")
    code, out, err = golive(
        "check", str(session_path), "--env", "staging", "--suite", "smoke", "--trace", str(trace)
    )
    assert code == 0, out + err
    assert f"written to {trace}" in err
    document = json.loads(trace.read_text())
    parser = HarParser(document)
    assert parser.har_data["version"] == "1.2"
    assert parser.creator == {"name": "golive", "version": document["log"]["creator"]["version"]}
    entries = document["log"]["entries"]
    urls = [e["request"]["url"] for e in entries]
    assert any(u.endswith("/oauth2/v1/token") for u in urls)
    assert any("/calculate" in u for u in urls) and any("/einvoicing/" in u for u in urls)
    for entry in entries:
        assert {"startedDateTime", "time", "request", "response", "timings"} <= set(entry)
        assert {"method", "url", "httpVersion", "headers", "queryString"} <= set(entry["request"])
        assert {"status", "statusText", "headers", "content"} <= set(entry["response"])
        names = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert "x-api-request-id" in names
        if "authorization" in names:
            assert names["authorization"] == "***"
    text = trace.read_text()
    tokens = issued_tokens(sandbox)
    assert tokens
    assert SECRET not in text
    assert not any(token in text for token in tokens)
    assert trace.stat().st_mode & 0o077 == 0


def test_the_bundle_of_a_failed_run(
    golive, sandbox: SandboxServer, session_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    passing = session_path.with_name("acme.connectivity.ok.har")
    assert golive(
        "check", str(session_path), "--env", "staging", "--suite", "connectivity",
        "--trace", str(passing),
    )[0] == 0  # fmt: skip
    sandbox.set_faults(fail_auth=True)
    failing = session_path.with_name("acme.connectivity.failed.har")
    code, out, err = golive(
        "check", str(session_path), "--env", "staging", "--suite", "connectivity",
        "--trace", str(failing),
    )  # fmt: skip
    assert code == 1, out + err
    assert "X-API-REQUEST-ID: " in out  # the failure names the request support can look up
    bundle = tmp_path / "acme-support.zip"
    code, out, err = golive("support", "bundle", str(session_path), "-o", str(bundle))
    assert code == 0, out + err
    assert f"send it to TR L3 (Thomson Reuters support) <{ESCALATION}>" in out
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    assert {
        "README.txt",
        "versions.json",
        "settings/environments.json",
        "settings/verify-config.json",
        "evidence/failing-runs.jsonl",
        "evidence/failing-runs.txt",
        f"traces/{passing.name}",
        f"traces/{failing.name}",
    } <= names
    readme = texts["README.txt"]
    assert ESCALATION in readme
    for name in names - {"README.txt"}:
        assert name in readme  # the README lists every member
    versions = json.loads(texts["versions.json"])
    assert {"golive", "python", "httpx", "os"} <= set(versions)
    settings = json.loads(texts["settings/environments.json"])
    assert settings["staging"]["settings"]["base_url"] == sandbox.url
    assert settings["staging"]["einvoicing_in_force"]["credentials"] == "shared with Determination"
    assert "rows" in json.loads(texts["settings/verify-config.json"])
    (run,) = [json.loads(line) for line in texts["evidence/failing-runs.jsonl"].splitlines()]
    assert run["kind"] == "check.connectivity" and run["outcome"] == "failed"
    (failure,) = run["diagnosis"]["failures"]
    assert failure["stage"] == "auth"
    request_id = failure["request_ids"][-1]
    # the request id in the evidence is the one the failing trace sent
    har = json.loads(texts[f"traces/{failing.name}"])
    sent = [
        h["value"]
        for e in har["log"]["entries"]
        for h in e["request"]["headers"]
        if h["name"].lower() == "x-api-request-id"
    ]
    assert request_id in sent
    id_line = next(
        line
        for line in texts["evidence/failing-runs.txt"].splitlines()
        if "X-API-REQUEST-ID" in line
    )
    assert request_id in id_line
    started = datetime.fromisoformat(run["started"].replace("Z", "+00:00"))
    assert f"started {started.isoformat()}" in texts["evidence/failing-runs.txt"]
    everything = "\n".join(texts.values())
    tokens = issued_tokens(sandbox)
    assert tokens
    assert SECRET not in everything
    assert not any(token in everything for token in tokens)


def test_support_bundle_is_also_a_command_of_its_own(
    golive, session_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = golive("support-bundle", str(session_path), "-o", str(tmp_path / "b.zip"))
    assert code == 0
    assert "evidence/failing-runs.txt" in out
    code, _, err = golive("support-bundle", str(session_path), "-o", str(tmp_path / "b.tar"))
    assert code == 2 and "what to do" in err


def test_env_sets_einvoicing_on_its_own_host(golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = golive(
        "env", str(session_path), "--env", "production", "--product", "einvoicing",
        "--preset", "emea", "--own-credentials", "--client-id", "einv-client",
        "--token-format", "json", "--company-id", "ACME-EINV",
    )  # fmt: skip
    assert code == 0, out + err
    assert "no EMEA UAT host is publicly documented" in out
    production = load(session_path).environments.production
    assert production.einvoicing.base_url == "https://api-emea.onesourcetax.com"
    assert production.einvoicing_token_url() == "https://api-emea.onesourcetax.com/oauth2/v1/token"
    assert production.einvoicing_client_id() == "einv-client"
    assert production.einvoicing_company() == "ACME-EINV"
    assert production.external_company_id != "ACME-EINV"  # Determination's is untouched
    code, out, _ = golive("env", str(session_path), "--env", "production", "--json")
    document = json.loads(out)
    rows = {r["setting"]: r for r in document["einvoicing"]}
    assert rows["client secret"]["value"] == (
        "keyring production.einvoicing.client_secret or GOLIVE_PRODUCTION_EINVOICING_CLIENT_SECRET"
    )
    calculate = {r["setting"]: r for r in document["determination"]}["calculate_path"]
    assert calculate["guessed"] == "one unofficial sample"


def test_env_sets_a_country_company_per_environment(golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = golive(
        "env", str(session_path), "--env", "staging", "--country", "MX", "--company-id", "UAT-MX"
    )
    assert code == 0, out + err
    setup = load(session_path).countries["MX"]
    assert (setup.company_ids.staging, setup.company_ids.production) == ("UAT-MX", "")


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["--preset", "custom"], "--base-url"),
        (["--base-url", "http://api.acme.example"], "environments.production"),
        (["--shares-credentials"], "--product"),
        (["--internal-company-id", "abc"], "--internal-company-id"),
        (["--path", "status=/einvoicing/x"], "environments.production.einvoice_status_path"),
        (["--path", "nope=/x"], "--path"),
    ],
)
def test_env_bad_input_exits_2(golive, session_path: Path, args: list[str], where: str) -> None:  # type: ignore[no-untyped-def]
    before = session_path.read_bytes()
    code, _, err = golive("env", str(session_path), "--env", "production", *args)
    assert code == 2, err
    assert "what to do" in err and where in err
    assert session_path.read_bytes() == before


def test_wire_lists_every_guess_with_its_source(golive) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = golive("wire", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["request_id_header"]["in_force"] == "confirmed"
    assert rows["commit_flag"]["in_force"] == "golive's guess"
    assert rows["calculate_path"]["in_force"] == "one unofficial sample"
    assert all(r["source"] for r in rows.values())


def test_env_sets_the_paths_of_both_products(golive, session_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = golive(
        "env", str(session_path), "--env", "staging",
        "--path", "calculate=/idt/v2/calculate", "--path", "submit=/einv/v2/documents",
    )  # fmt: skip
    assert code == 0, out + err
    staging = load(session_path).environments.staging
    assert (staging.calculate_path, staging.einvoice_submit_path) == (
        "/idt/v2/calculate",
        "/einv/v2/documents",
    )
    rows = {
        r["setting"]: r
        for r in json.loads(golive("env", str(session_path), "--env", "staging", "--json")[1])[
            "determination"
        ]
    }
    assert rows["calculate_path"]["guessed"] == ""  # the user's own value is no longer a guess
