"""E-Invoicing's own client secret: its name, its variable, how golive says it, when it is asked
for; and old session files whose country company id was one value for both environments."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunGolive
from golive.secrets import (
    client_secret_name,
    describe,
    env_var_name,
    needs_einvoicing_secret,
    resolve_client_secret,
)
from golive.session.model import Session
from golive.session.store import SessionFile, dumps, load

SECRET = "einvoicing-own-secret-0123456789"  # pragma: allowlist secret


def test_names_variables_and_words() -> None:
    assert client_secret_name("staging") == "staging.client_secret"
    assert client_secret_name("staging", "einvoicing") == "staging.einvoicing.client_secret"
    assert env_var_name("staging.einvoicing.client_secret") == (
        "GOLIVE_STAGING_EINVOICING_CLIENT_SECRET"
    )
    assert env_var_name("production.client_secret") == "GOLIVE_PRODUCTION_CLIENT_SECRET"
    assert describe(None, "production.einvoicing.client_secret") == (
        "the production E-Invoicing client secret"
    )


def test_the_variable_gives_einvoicing_its_own_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session()
    assert not needs_einvoicing_secret(session, "staging")  # shares Determination's by default
    session.environments.staging.einvoicing.shares_credentials = False
    assert needs_einvoicing_secret(session, "staging")
    monkeypatch.setenv("GOLIVE_STAGING_EINVOICING_CLIENT_SECRET", SECRET)
    resolved = resolve_client_secret(session, "staging", product="einvoicing")
    assert resolved.value.get_secret_value() == SECRET
    assert "GOLIVE_STAGING_EINVOICING_CLIENT_SECRET" in resolved.notice


def test_secret_status_lists_einvoicing_only_when_it_has_its_own(
    run_golive: RunGolive, golive_home: Path
) -> None:
    session = Session()
    session.environments.production.einvoicing.shares_credentials = False
    SessionFile.create("acme", session)
    result = run_golive(
        "secret", "status", "acme", "--json",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "production.einvoicing.client_secret" in result.stdout
    assert "staging.einvoicing.client_secret" not in result.stdout
    assert "GOLIVE_PRODUCTION_EINVOICING_CLIENT_SECRET" in result.stdout


def test_product_without_env_is_bad_input(run_golive: RunGolive, golive_home: Path) -> None:
    SessionFile.create("acme", Session())
    result = run_golive("secret", "set", "acme", "hook", "--product", "einvoicing", input="x\n")
    assert result.returncode == 2
    assert "--product goes with --env" in result.stderr


def test_an_old_session_file_keeps_its_country_company_for_both_environments(
    tmp_path: Path,
) -> None:
    from golive.session.model import CountrySetup

    text = dumps(Session(countries={"MX": CountrySetup(tax_id="MAB9307148T4")})).decode()
    new_shape = '[countries.MX.company_ids]\nstaging = ""\nproduction = ""\n\n'
    assert new_shape in text
    old = text.replace(new_shape, "").replace(
        'tax_id = "MAB9307148T4"\n', 'tax_id = "MAB9307148T4"\nexternal_company_id = "ACME-MX"\n'
    )
    path = tmp_path / "old.toml"
    path.write_text(old)
    loaded = load(path)
    mx = loaded.countries["MX"]
    assert (mx.company_ids.staging, mx.company_ids.production) == ("ACME-MX", "ACME-MX")
    assert b"external_company_id" not in dumps(loaded).split(b"[countries.MX]")[1].split(b"\n[")[0]
