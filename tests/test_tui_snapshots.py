"""What each step looks like at 100x40 and at 80x24, with the clock frozen (SVG snapshots in __snapshots__/).

Regenerate after a deliberate change: `env -u NO_COLOR pytest tests/test_tui_snapshots.py
--snapshot-update`, then look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.tui_fixtures import FROZEN_NOW, SIZE, app_for, make_session, wait_for_screen
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from golive.session.model import EnvironmentSettings, ItemStatus
from golive.session.store import SessionFile
from golive.tui.app import SessionSource, WizardApp

STEPS = [
    ("credentials", "CredentialsScreen"),
    ("environment", "EnvironmentScreen"),
    ("compliance", "ComplianceScreen"),
    ("monitoring", "MonitoringScreen"),
    ("staging", "StagingScreen"),
    ("production", "ProductionScreen"),
    ("golive", "GoLiveScreen"),
    ("post", "PostDeploymentScreen"),
    ("rollback", "RollbackScreen"),
    ("support", "SupportScreen"),
    ("review", "ReviewScreen"),
]


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOLIVE_NOW", FROZEN_NOW)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("NO_COLOR", raising=False)
    # the variable is read only when keyring first picks a backend: an earlier test in the same
    # run may have picked one already, so set the "no keyring" backend outright
    import keyring
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def snapshot_session(step: str) -> SessionFile:
    """A session half-way through: some values, a draft, items in every state."""
    file = make_session(
        step=step, countries={"DE": "DE136695976", "IT": "IT00743110157", "MX": "MAB9307148T4"}
    )
    session = file.session
    session.meta.engineer = "Ada Tester"
    session.environments.staging = EnvironmentSettings(
        preset="onesource-uat",
        base_url="https://api-uat.onesourcetax.com",
        client_id="acme-uat",
        external_company_id="ACME-DE",
    )
    session.environments.production = EnvironmentSettings(
        preset="onesource-emea",
        base_url="https://api-emea.onesourcetax.com",
        client_id="acme-prod",
        external_company_id="ACME-DE",
    )
    session.credentials.vault.product = "HashiCorp Vault"
    session.drafts = {"credentials.expires_on": "next spring"}
    from golive.session.checklist import set_item_status

    set_item_status(session, "credentials.obtained", ItemStatus.DONE, note="issued by TR")
    set_item_status(session, "environment.endpoint", ItemStatus.IN_PROGRESS)
    set_item_status(session, "compliance.DE.tax_id", ItemStatus.DONE, attestation="checked")
    set_item_status(
        session, "compliance.IT.platform", ItemStatus.BLOCKED, reason="SdI channel not approved"
    )
    set_item_status(session, "staging.smoke_tests", ItemStatus.FAILED, note="auth failed")
    file.save()
    return file


async def settle(pilot: Pilot[Any], screen: str) -> None:
    await wait_for_screen(pilot, screen)
    await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize(("step", "screen"), STEPS, ids=[s for s, _ in STEPS])
def test_step_snapshot(snap_compare: Any, step: str, screen: str) -> None:
    app = app_for(snapshot_session(step))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize(("step", "screen"), STEPS, ids=[s for s, _ in STEPS])
def test_step_snapshot_80x24(snap_compare: Any, step: str, screen: str) -> None:
    """Every step at 80x24: every label whole, the footer's keys all there."""
    app = app_for(snapshot_session(step))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_start_screen_snapshot(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # the screen names the sessions folder: make it the same path on every run
    import shutil
    from pathlib import Path

    home = Path(tmp_path_factory.getbasetemp().root) / "tmp" / "golive-snapshot-home"
    shutil.rmtree(home, ignore_errors=True)
    monkeypatch.setenv("GOLIVE_HOME", str(home))
    snapshot_session("support")
    app = WizardApp(SessionSource(kind="start"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "StartScreen")
        table = pilot.app.screen.query_one("#recent")
        while not table.row_count:  # type: ignore[attr-defined]
            await pilot.pause(0.05)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_country_detail_snapshot(snap_compare: Any) -> None:
    app = app_for(snapshot_session("compliance"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "ComplianceScreen")
        await pilot.press("tab", "tab")
        pilot.app.screen.query_one("#countries").focus()
        await pilot.press("enter")
        await settle(pilot, "CountryScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_small_terminal_snapshot(snap_compare: Any) -> None:
    """Usable at 80x24: the sidebar, the fields and the footer all fit."""
    app = app_for(snapshot_session("environment"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "EnvironmentScreen")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
