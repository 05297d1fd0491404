"""The demo walked to a fully green Review: every item both gates wait for is ready and proven, by
the check that proves it or, for an item golive cannot test, by the demo engineer's recorded
word. No gate override, no attestation: `golive status demo --require golive` exits 0 and the
wizard's Review says both gates are open.

The walk is what a newcomer runs from the README against the demo's sandbox (in process here).
One sandbox fault turns it red again (the last test).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.test_tui_demo import STEP_SCREENS
from tests.tui_fixtures import SIZE, app_for, text_of, wait_for_screen

from conftest import RunGolive
from golive.sandbox.demo import DEMO_PRODUCTION_COMPANY, demo_certificate, demo_file_on
from golive.sandbox.runner import SandboxServer
from golive.sandbox.settings import SandboxSettings
from golive.session.checklist import BasisKind, build_checklist
from golive.session.store import SessionFile

# the outage rehearsal's phases, short enough for a test (the default plan also hangs a call
# past the read timeout, which takes the demo's ten-second read timeout times its attempts)
SHORT_PLAN = """\
[[phase]]
name = "one 503"
faults = { transient_503 = 1 }

[[phase]]
name = "429 with Retry-After"
faults = { rate_limit = 1, retry_after_s = 1 }

[[phase]]
name = "outage"
faults = { error_rate = 1.0 }

[[phase]]
name = "recovered"
"""

# items golive cannot test: a person's word is their only proof (the catalog has no proof rule)
BY_HAND = {
    "credentials.obtained": "client id and secret issued for the sandbox",
    "credentials.vault": "the demo secret lives in this process's environment only",
    "credentials.access": "only the demo engineer",
    "compliance.DE.vat_registration": "USt-IdNr registration on file",
    "compliance.IT.vat_registration": "Partita IVA registration on file",
    "compliance.MX.vat_registration": "RFC registration on file",
    "compliance.IT.platform": "SdI channel accredited",
    "compliance.MX.platform": "PAC contract signed",
}


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    settings = SandboxSettings(
        tls="valid", clearance_step_s=0.02, extra_companies=(DEMO_PRODUCTION_COMPANY,)
    )
    with SandboxServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def _secrets_undone(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # the demo puts its secrets in this process's environment: undo them after the test
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("GOLIVE_STAGING_CLIENT_SECRET", "")
    monkeypatch.setenv("GOLIVE_PRODUCTION_CLIENT_SECRET", "")
    yield
    sandbox.reset_faults()


def fresh_demo(sandbox: SandboxServer) -> SessionFile:
    return demo_file_on(sandbox, reset=True)


def walk(file: SessionFile, run_golive: RunGolive, tmp_path: Path, sandbox: SandboxServer) -> None:
    # Long because the walk is one newcomer's list of commands, in the order the README gives.
    logs = tmp_path / "integration-logs"
    logs.mkdir()
    plan = tmp_path / "short-plan.toml"
    plan.write_text(SHORT_PLAN)
    certificate = demo_certificate(file.session, "MX")
    assert certificate is not None, "the demo writes its Mexican CSD"
    steps: list[tuple[str, ...]] = [
        *(("item", "demo", item, "--status", "done", "--note", note) for item, note in BY_HAND.items()),
        ("check", "demo", "--env", "staging", "--suite", "connectivity"),
        ("rehearse", "demo", "--demo-integration", "--plan", str(plan)),
        ("taxid", "DE", "DE136695976", "--session", "demo"),
        ("taxid", "IT", "IT00743110157", "--session", "demo"),
        ("taxid", "MX", file.session.countries["MX"].tax_id, "--session", "demo"),
        ("countries", "demo", "answer", "IT", "certificate-b2g", "no"),
        ("cert", "inspect", str(certificate), "--country", "MX", "--session", "demo"),
        ("monitoring", "demo", "--log-location", str(logs), "--log-format", "json",
         "--log-level", "info", "--check-log-location"),
        ("monitoring", "demo", "--test-alert"),
        ("monitoring", "demo", "--check-prometheus"),
        ("deploy", "demo", "--env", "staging", "--version", "v1.0.0"),
        ("check", "demo", "--env", "staging", "--suite", "smoke"),
        ("verify-config", "demo"),
        ("check", "demo", "--env", "production", "--suite", "connectivity"),
        ("status", "demo", "--require", "production"),
        ("window", "demo", "--choose", "1"),
        ("deploy", "demo", "--env", "production", "--version", "v1.0.0"),
        ("check", "demo", "--env", "production", "--suite", "transaction", "--yes"),
        ("rollback", "demo", "plan", "--manual", "turn the integration off in the ERP",
         "--notify", "Demo Customer GmbH,Anna Roth,anna@example.com", "--logs", str(logs)),
        ("support", "demo", "--first-line", "partner"),
        ("support", "demo", "--level", "1", "--name", "Priya Shah", "--email", "priya@example.com"),
        ("support", "demo", "--level", "2", "--name", "Tom Berg", "--email", "tom@example.com"),
        ("support", "demo", "--level", "3", "--name", "TR Support", "--email", "tr@example.com"),
        ("support", "demo", "--level", "4", "--name", "TR Engineering", "--email", "eng@example.com"),
        *(("support", "demo", "--confirm", level) for level in ("1", "2", "3", "4")),
    ]  # fmt: skip
    for args in steps:
        result = run_golive(*args)
        assert result.returncode == 0, f"golive {' '.join(args)}:\n{result.stdout}{result.stderr}"


async def test_the_demo_walks_to_a_fully_green_review_with_no_override_and_no_attestation(
    sandbox: SandboxServer, run_golive: RunGolive, tmp_path: Path
) -> None:
    file = fresh_demo(sandbox)
    # golive's commands run their own event loop: in a thread, beside this test's
    await asyncio.to_thread(walk, file, run_golive, tmp_path, sandbox)

    final = run_golive("status", "demo", "--require", "golive")
    assert final.returncode == 0, final.stdout + final.stderr
    assert "ready for go-live: yes" in final.stdout
    session = SessionFile.open(file.path).session
    assert session.gate_overrides == []
    checklist = build_checklist(session)
    for gate in ("production", "golive"):
        status = checklist.gate(gate)
        assert status.open, (gate, status.missing_ids, status.holds)
        assert status.missing_ids == [] and status.attested_ids == [] and status.holds == []
    # every evidence-bound item is proven by evidence (or a catalog rule), never by a person
    for item in checklist.items:
        if item.readiness in ("production", "golive") and item.evidence_bound:
            assert item.basis.kind in (BasisKind.EVIDENCE, BasisKind.NOT_APPLICABLE_RULE), (
                item.id,
                item.basis.text,
            )
    assert not any(state.attestation for state in session.items.values())
    validate = run_golive("validate", str(file.path))
    assert validate.returncode == 0, validate.stdout + validate.stderr

    # the wizard, opened on the walked demo, says the same on its Review
    app = app_for(file.path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, STEP_SCREENS[0], 30)
        for name in STEP_SCREENS[1:]:  # ctrl+n through every step, as a user would
            await pilot.press("ctrl+n")
            await wait_for_screen(pilot, name, 30)
        readiness = text_of(app, "#readiness")
        assert "✓ Ready for production." in readiness
        assert "✓ Ready for go-live." in readiness
        assert "Not ready" not in readiness and "attested" not in readiness
        assert "overridden" not in text_of(app, "#review-notes")


def test_one_sandbox_fault_turns_the_walked_demo_red(
    sandbox: SandboxServer, run_golive: RunGolive, tmp_path: Path
) -> None:
    file = fresh_demo(sandbox)
    walk(file, run_golive, tmp_path, sandbox)
    sandbox.set_faults(fail_auth=True)
    again = run_golive("check", "demo", "--env", "production", "--suite", "connectivity")
    assert again.returncode == 1
    assert "authentication" in again.stdout
    final = run_golive("status", "demo", "--require", "golive")
    assert final.returncode == 1
    assert "production.connectivity" in final.stdout
