"""Core check errors name what is wrong in words the wizard can show; the CLI spells the flag."""

from __future__ import annotations

import pytest

from golive.checks.suites import plan_suite
from golive.cli.flags import for_cli
from golive.secrets import client_secret_name
from golive.session.errors import BadInputError
from golive.session.model import Session


@pytest.mark.parametrize(
    ("call", "where", "flag"),
    [
        (lambda s: plan_suite(s, "qa", "smoke"), "check.environment", "--env"),
        (lambda s: plan_suite(s, "staging", "nope"), "check.suite", "--suite"),
        (
            lambda s: plan_suite(s, "staging", "smoke", concurrency=0),
            "check.concurrency",
            "--concurrency",
        ),
        (
            lambda s: plan_suite(s, "staging", "probe", probe_count=0),
            "check.probe_count",
            "--count",
        ),
        (
            lambda s: plan_suite(s, "staging", "smoke", countries=["ZZ"]),
            "check.countries",
            "--country",
        ),
        (lambda s: client_secret_name("staging", "nope"), "secret.product", "--product"),
    ],
)
def test_core_check_errors_name_the_field_and_the_cli_the_flag(call, where, flag) -> None:  # type: ignore[no-untyped-def]
    session = Session()
    session.environments.staging.base_url = "https://uat.example.test"
    session.environments.staging.client_id = "client"
    session.environments.staging.external_company_id = "ACME"
    with pytest.raises(BadInputError) as caught:
        call(session)
    assert caught.value.where == where
    assert "--" not in caught.value.where
    assert flag in for_cli(caught.value)
