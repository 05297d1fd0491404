"""Scenario parity against the sandbox on loopback: it passes as configured, and fails, naming the
scenario, line, jurisdiction and both figures, under --zero-tax and --rate-drift; a user scenario
file with a bad field gives a located error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from golive.checks.parity import builtin_scenarios, load_scenarios
from golive.countries import requirements_for
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.model import CountrySetup, RetryPolicy, Session, Timeouts
from golive.session.store import SessionFile

SECRET = "parity-test-secret-abcdef0123456789"  # pragma: allowlist secret
PRODUCTION_COMPANY = "PROD-001"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(
        tls="valid", client_secret=SecretStr(SECRET), extra_companies=(PRODUCTION_COMPANY,)
    )
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.reset_faults()


@pytest.fixture
def session_path(sandbox: SandboxServer, golive_home: Path) -> Path:
    session = Session()
    session.meta.engineer = "Ada"
    session.countries = {
        cc: CountrySetup(requirements=requirements_for(cc)) for cc in ("DE", "IT", "MX")
    }
    for name, company in (("staging", sandbox.company), ("production", PRODUCTION_COMPANY)):
        env = getattr(session.environments, name)
        env.preset = "sandbox"  # the built-ins use the sandbox's reduced and exempt products
        env.base_url = sandbox.url
        env.client_id = sandbox.client_id
        env.external_company_id = company
        env.ca_bundle = str(sandbox.ca_bundle)
        env.timeouts = Timeouts(connect=2, read=5, write=2, pool=2)
        env.retry = RetryPolicy(max_attempts=1)
    return SessionFile.create("acme", session).path


@pytest.fixture
def golive(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`golive ...` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "250")
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


def parity_json(golive: Any, *extra: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    code, out, err = golive("check", "acme", "--suite", "parity", "--json", "--yes", *extra)
    assert out.startswith("{"), err
    return code, json.loads(out)


def failures(document: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["message"] for c in document["checks"] if c["outcome"] == "failed"}


def test_builtin_scenarios_per_country() -> None:
    names = [s.name for s in builtin_scenarios(["DE", "MX"])]
    assert names == [
        "DE domestic B2B, standard rate",
        "DE domestic B2B, reduced rate",
        "DE domestic B2B, exempt line",
        "DE intra-EU B2B to FR, reverse charge",
        "DE export to US",
        "DE domestic B2C",
        "MX domestic B2B, standard rate",
        "MX domestic B2B, reduced rate",
        "MX domestic B2B, exempt line",
        "MX export to US",
        "MX domestic B2C",
    ]


def test_parity_passes_on_the_sandbox_and_records_its_evidence(
    golive: Any, session_path: Path
) -> None:
    code, document = parity_json(golive, "--env", "both")
    assert code == 0, failures(document)
    assert document["suite"] == "parity" and document["environment"] == "production"
    assert len(document["checks"]) == 6 + 6 + 5
    assert all(c["outcome"] == "passed" for c in document["checks"])
    reverse = next(
        c for c in document["checks"] if c["id"] == "parity.it-intra-eu-b2b-to-fr-reverse-charge"
    )
    assert "staging line 1: 0.00 % (tax 0.00)" in reverse["message"]
    records = read(session_path.with_name("acme.evidence.jsonl")).records
    assert records[-1].kind == "check.parity"
    assert records[-1].items == ["staging.verify_config", "environment.company_id"]


def test_zero_tax_for_a_country_fails_naming_scenario_line_and_jurisdiction(
    golive: Any, session_path: Path, sandbox: SandboxServer
) -> None:
    sandbox.set_faults(zero_tax=["DE"])
    code, document = parity_json(golive, "--env", "staging")
    assert code == 1
    failed = failures(document)
    assert set(failed) == {
        "parity.de-domestic-b2b-standard-rate",
        "parity.de-domestic-b2b-reduced-rate",
        "parity.de-domestic-b2c",
    }
    assert failed["parity.de-domestic-b2b-standard-rate"] == (
        "DE domestic B2B, standard rate: staging: line 1: unexpected zero: a taxable line "
        "answered with no jurisdiction at all (expected tax in DE)"
    )


def test_a_rate_drift_in_production_fails_with_both_figures(
    golive: Any, session_path: Path, sandbox: SandboxServer
) -> None:
    sandbox.set_faults(rate_drift={"IT": 2}, drift_companies=[PRODUCTION_COMPANY])
    code, document = parity_json(golive, "--env", "both")
    assert code == 1
    failed = failures(document)
    assert set(failed) == {
        "parity.it-domestic-b2b-standard-rate",
        "parity.it-domestic-b2b-reduced-rate",
        "parity.it-domestic-b2c",
    }
    assert failed["parity.it-domestic-b2b-standard-rate"] == (
        "IT domestic B2B, standard rate: staging and production differ: line 1, Italy VAT: "
        "staging 22.00 % (tax 22.00), production 24.00 % (tax 24.00)"
    )
    # staging alone has nothing to compare with: it passes
    code, _ = parity_json(golive, "--env", "staging")
    assert code == 0


SCENARIOS = """\
tolerance = 0.01

[[scenario]]
name = "IT books"
ship_from = "IT"
ship_to = "IT"
[[scenario.lines]]
amount = 200.0
product_code = "GOLIVE-REDUCED"
expect = "rate"
rate = 0.10
[[scenario.lines]]
amount = 50.0
expect = "amount"
tax_amount = 11.0
jurisdiction = "Italy"

[[scenario]]
name = "DE wrong on purpose"
ship_from = "DE"
ship_to = "DE"
buyer = "B2C"
[[scenario.lines]]
amount = 100.0
expect = "rate"
rate = 0.16
"""


def test_a_users_scenarios_are_held_against_their_rates_and_amounts(
    golive: Any, session_path: Path, tmp_path: Path
) -> None:
    own = tmp_path / "scenarios.toml"
    own.write_text(SCENARIOS)
    code, document = parity_json(golive, "--env", "staging", "--scenarios", str(own))
    assert code == 1
    assert len(document["checks"]) == 17 + 2
    assert failures(document) == {
        "parity.de-wrong-on-purpose": "DE wrong on purpose: staging: line 1, Germany VAT: "
        "rate 19.00 %, expected 16.00 %"
    }


def test_a_bad_field_in_a_scenario_file_is_located(
    golive: Any, session_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SCENARIOS.replace('expect = "amount"', 'expect = "ammount"').replace(
            'buyer = "B2C"', 'buyer = "B2C"\ncolour = "red"'
        )
    )
    with pytest.raises(BadInputError) as raised:
        load_scenarios(bad)
    message = str(raised.value)
    assert f"{bad}:14: scenario.0.lines.1.expect: Input should be 'taxed', 'rate'" in message
    assert f"{bad}:23: scenario.1.colour: unknown key" in message
    code, _out, err = golive(
        "check", "acme", "--suite", "parity", "--env", "staging", "--scenarios", str(bad)
    )
    assert code == 2
    assert f"{bad}:14: scenario.0.lines.1.expect" in err
    assert "Traceback" not in err


def test_schema_of_scenarios(golive: Any) -> None:
    code, out, _ = golive("schema", "scenarios")
    assert code == 0
    schema = json.loads(out)
    assert "scenario" in schema["properties"]
    assert "expect" in schema["$defs"]["ScenarioLine"]["properties"]


def test_sandbox_flags_for_parity_failures() -> None:
    from golive.cli import build_parser
    from golive.cli.sandbox_commands import settings_from_args

    parser = build_parser()
    args = parser.parse_args(
        ["sandbox", "--zero-tax", "DE", "--rate-drift", "IT=2", "--extra-company", "PROD-001"]
    )
    settings = settings_from_args(args, {})
    assert settings.faults.zero_tax == ("DE",)
    assert settings.faults.rate_drift == {"IT": 2.0}
    assert settings.faults.drift_companies == ("PROD-001",)
    lonely = parser.parse_args(["sandbox", "--rate-drift", "IT=2"])
    with pytest.raises(BadInputError, match="no company to drift"):
        settings_from_args(lonely, {})
    with pytest.raises(BadInputError, match="is not CC=POINTS"):
        settings_from_args(parser.parse_args(["sandbox", "--rate-drift", "IT"]), {})


def test_against_a_host_that_is_not_the_sandbox_reduced_and_exempt_need_product_codes(
    golive: Any, session_path: Path, tmp_path: Path
) -> None:
    handle = SessionFile.open(session_path)
    handle.session.environments.staging.preset = ""
    handle.save()
    code, document = parity_json(golive, "--env", "staging")
    assert code == 0  # a warning passes, and says what it did not run
    warning = next(c for c in document["checks"] if c["id"] == "parity.not-run")
    assert warning["outcome"] == "warning"
    assert "the reduced-rate line of each country (no product code" in warning["message"]
    assert "the intra-EU B2B reverse charge (set reverse_charge = true" in warning["message"]
    assert len(document["checks"]) == 1 + 17 - 6 - 2
    own = tmp_path / "products.toml"
    own.write_text(
        'reduced_product = "GOLIVE-REDUCED"\nexempt_product = "GOLIVE-EXEMPT"\n'
        "reverse_charge = true\n"
    )
    code, document = parity_json(golive, "--env", "staging", "--scenarios", str(own))
    assert code == 0 and len(document["checks"]) == 17
