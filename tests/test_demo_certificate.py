"""The demo's Mexican CSD: golive's demo CA stands in for SAT in the demo session, with a warning
that says so, and nowhere else. SAT's own test CSD stays refused everywhere (it expired in 2021
and comes from SAT's test CA)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from tests.tui_fixtures import SIZE, app_for, make_session, text_of, wait_for, wait_for_screen

from conftest import RunGolive
from golive.certs import inspect_certificate
from golive.sandbox.demo import (
    DEMO_COUNTRIES,
    DEMO_PRODUCTION_COMPANY,
    demo_certificate,
    demo_file_on,
    demo_files_dir,
)
from golive.sandbox.demo_certificate import write_demo_csd
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.clock import now
from golive.session.evidence import read
from golive.session.model import ItemStatus
from golive.session.store import SessionFile, evidence_path

SAT_TEST_CSD = Path(__file__).with_name("data") / "sat-mx" / "CSD01_AAA010101AAA.cer.pem"
RFC = DEMO_COUNTRIES["MX"]


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(
        SandboxSettings(tls="valid", extra_companies=(DEMO_PRODUCTION_COMPANY,))
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def _secrets_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    # the demo puts its secrets in this process's environment: undo them after the test
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "")
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", "")


def demo(sandbox: SandboxServer) -> SessionFile:
    return demo_file_on(sandbox)


def test_the_demo_csd_is_usable_with_a_warning_in_a_demo_only(tmp_path: Path) -> None:
    path = write_demo_csd(tmp_path, RFC, "DEMO CUSTOMER MEXICO SA DE CV")
    assert b"PRIVATE KEY" not in path.read_bytes()  # the certificate only: nothing secret
    in_demo = inspect_certificate(path, country="MX", tax_id=RFC, demo=True)
    assert in_demo.verdict == "warning"
    assert in_demo.kind.startswith("CSD")
    assert any("golive's demo CA, which stands in for SAT" in m for m in in_demo.messages)
    assert any("production PACs accept only a CSD issued by SAT" in m for m in in_demo.messages)
    elsewhere = inspect_certificate(path, country="MX", tax_id=RFC)
    assert elsewhere.verdict == "not_usable"
    assert any("golive's demo certificate, not issued by SAT" in m for m in elsewhere.messages)


def test_sats_own_test_csd_is_not_made_green_by_a_demo() -> None:
    result = inspect_certificate(SAT_TEST_CSD, country="MX", tax_id="AAA010101AAA", demo=True)
    assert result.verdict == "not_usable"
    assert any("SAT's test CA" in m for m in result.messages)


def test_the_demo_csd_is_renewed_before_it_nears_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_demo_csd(tmp_path, RFC, "DEMO")
    ends = x509.load_pem_x509_certificate(first.read_bytes()).not_valid_after_utc
    assert write_demo_csd(tmp_path, RFC, "DEMO").read_bytes() == first.read_bytes()  # kept
    monkeypatch.setenv("GOLIVE_NOW", (now() + timedelta(days=720)).isoformat())
    renewed = write_demo_csd(tmp_path, RFC, "DEMO")
    assert x509.load_pem_x509_certificate(renewed.read_bytes()).not_valid_after_utc > ends


def test_cli_inspect_of_the_demo_csd_ticks_mexico_in_the_demo_and_fails_elsewhere(
    sandbox: SandboxServer, run_golive: RunGolive
) -> None:
    file = demo(sandbox)
    path = demo_certificate(file.session, "MX")
    assert path is not None and path.parent == demo_files_dir()
    done = run_golive("cert", "inspect", str(path), "--country", "MX", "--session", "demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "USABLE, WITH A WARNING" in done.stdout
    assert "compliance.MX.certificate is done" in done.stdout
    session = SessionFile.open(file.path).session
    assert session.items["compliance.MX.certificate"].status is ItemStatus.DONE
    [*_, record] = read(evidence_path(file.path)).records
    assert record.kind == "certificate" and record.outcome == "warning"
    assert "golive's demo CA" in " ".join(session.countries["MX"].certificate.messages)  # type: ignore[union-attr]

    make_session("acme", countries={"MX": RFC})
    refused = run_golive("cert", "inspect", str(path), "--country", "MX", "--session", "acme")
    assert refused.returncode == 1
    assert "golive's demo certificate, not issued by SAT" in refused.stdout
    acme = SessionFile.open("acme").session
    assert acme.items["compliance.MX.certificate"].status is ItemStatus.FAILED


async def test_the_demo_country_screen_offers_the_demo_csd_and_inspecting_it_ticks_the_item(
    sandbox: SandboxServer,
) -> None:
    from textual.widgets import Input

    file = demo(sandbox)
    file.session.meta.current_step = "compliance"
    file.save()
    expected = demo_certificate(file.session, "MX")
    app = app_for(file.path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "ComplianceScreen")
        codes = app.session.active_countries()
        app.screen.query_one("#countries").move_cursor(row=codes.index("MX"))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for_screen(pilot, "CountryScreen")
        assert app.screen.query_one("#cert-path", Input).value == str(expected)
        assert "The demo's CSD, issued by golive's demo CA" in text_of(app, "#cert-state")
        await pilot.click("#inspect-cert")
        await wait_for(
            pilot, lambda: app.session.countries["MX"].certificate is not None, what="inspection"
        )
        assert "warning" in text_of(app, "#cert-state")
        assert app.checklist()["compliance.MX.certificate"].status is ItemStatus.DONE
