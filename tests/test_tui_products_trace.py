"""The wizard's part of issue 15: the Environment step's per-product settings with the guessed
wire shapes marked, and "Trace to file" on a live test writing NAME.<suite>.<time>.har beside
the session (real sandbox on loopback, Textual Pilot)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.tui_fixtures import (
    SIZE,
    app_for,
    environment_for,
    field_input,
    make_session,
    reload,
    type_into,
    unfold,
    wait_for,
    wait_for_screen,
)
from textual.widgets import Checkbox, Label, RichLog, Select

from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.tui.widgets.check_panel import CheckPanel
from golive.tui.widgets.field import ModelField


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(tls="valid", clearance_step_s=0.02)) as server:
        yield server


@pytest.fixture(autouse=True)
def _secrets(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", sandbox.client_secret.get_secret_value())


async def test_environment_step_sets_einvoicing_and_marks_guesses() -> None:
    file = make_session(step="environment")
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "EnvironmentScreen")
        # the E-Invoicing and Determination details are folded, and say what they hold
        fold = app.screen.query_one("#fold-einvoicing-staging .fold-header")
        assert "Shares the Determination credentials: on · 6 empty" in str(fold.render())
        await unfold(pilot, app, "fold-einvoicing-staging")
        await unfold(pilot, app, "fold-details-staging")
        await type_into(
            pilot,
            field_input(app, "environments.staging.einvoicing.base_url"),
            "https://api-emea.onesourcetax.com",
        )
        await type_into(
            pilot, field_input(app, "environments.staging.einvoicing.client_id"), "einv-client"
        )
        fields = {f.spec.path: f for f in app.screen.query(ModelField)}
        calculate = fields["environments.staging.calculate_path"]
        assert "guessed: one unofficial sample" in calculate.spec.help
        assert "guessed" not in fields["environments.staging.client_id"].spec.help
        shown = " ".join(str(label.render()) for label in calculate.query(Label))
        assert "Calculate path (guessed)" in shown  # the user sees it next to the field
        client = fields["environments.staging.client_id"]
        assert "guessed" not in " ".join(str(label.render()) for label in client.query(Label))
        # the E-Invoicing preset fills its host in, and says there is no public EMEA UAT
        tabs = app.screen.query_one("#env-tabs")
        tabs.active = "tab-production"  # type: ignore[attr-defined]
        await pilot.pause()
        await unfold(pilot, app, "fold-einvoicing-production")
        preset = app.screen.query_one("#einv-preset-production", Select)
        preset.value = "onesource-emea"
        await pilot.pause()
        assert field_input(app, "environments.production.einvoicing.base_url").value == (
            "https://api-emea.onesourcetax.com"
        )
        notes = " ".join(str(n.render()) for n in app.screen.query(".field-help"))
        assert "no EMEA UAT host is publicly documented" in notes
        app.save_now()
    production = reload(file).environments.production
    assert production.einvoicing.base_url == "https://api-emea.onesourcetax.com"
    assert production.einvoicing.preset == "onesource-emea"
    staging = reload(file).environments.staging
    assert staging.einvoicing.base_url == "https://api-emea.onesourcetax.com"
    assert staging.einvoicing_token_url() == "https://api-emea.onesourcetax.com/oauth2/v1/token"
    assert staging.einvoicing.client_id == "einv-client"


async def test_trace_to_file_writes_a_har_beside_the_session(sandbox: SandboxServer) -> None:
    file = make_session(step="staging", countries={"DE": "DE136695976"}, demo=True)
    file.session.environments.staging = environment_for(
        sandbox.url, sandbox.company, str(sandbox.ca_bundle)
    )
    file.save()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "StagingScreen")
        panel = app.screen.query_one(CheckPanel)
        panel.query_one("#trace-toggle", Checkbox).value = True
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.last_result is not None, 60, "the smoke tests")
        await app.workers.wait_for_complete()
        log = "\n".join(line.text for line in panel.query_one(RichLog).lines)
    (trace,) = sorted(file.path.parent.glob("acme.smoke.*.har"))
    assert trace.name in log
    document = json.loads(trace.read_text())
    assert document["log"]["version"] == "1.2"
    assert document["log"]["entries"]
    assert sandbox.client_secret.get_secret_value() not in trace.read_text()
