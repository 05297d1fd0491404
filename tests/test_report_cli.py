"""`golive export` as a user runs it: formats, where files go, a broken chain, and no secret ever."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from conftest import RunGolive
from golive.report import report_json_schema
from golive.session.evidence import EvidenceRecord, append
from golive.session.store import evidence_path
from test_report_sessions import FROZEN_NOW, demo_session, rich_session

pytest_plugins = ["keyring_fixtures"]

FROZEN = {"GOLIVE_NOW": FROZEN_NOW}


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


def test_markdown_to_stdout_by_default(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    result = run_golive("export", str(path), env=FROZEN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Production go-live report: ACME EU and LATAM\n")
    assert result.stderr == ""
    assert not list(tmp_path.glob("*.report.*"))


def test_json_to_stdout(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    result = run_golive("export", str(path), "--format", "json", env=FROZEN)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["customer"] == "ACME Corp"
    assert data["generated_at"] == "2026-11-20T12:00:00Z"


def test_html_goes_next_to_the_session(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    result = run_golive("export", str(path), "--format", "html", env=FROZEN)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "acme.report.html"
    assert result.stdout == f"Report written to {written}\n"
    assert written.stat().st_mode & 0o777 == 0o600
    assert written.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_output_file_folder_and_stdout(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    out = tmp_path / "r.md"
    assert run_golive("export", str(path), "-o", str(out), env=FROZEN).returncode == 0
    assert out.read_text("utf-8").startswith("# Production")
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run_golive("export", str(path), "--format", "json", "-o", str(folder), env=FROZEN)
    assert result.returncode == 0
    assert (folder / "acme.report.json").is_file()
    result = run_golive("export", str(path), "--format", "html", "-o", "-", env=FROZEN)
    assert result.stdout.startswith("<!DOCTYPE html>")
    result = run_golive("export", str(path), "--format", "html", "--paper", "letter", "-o", "-")
    assert "size: letter;" in result.stdout


def test_the_cli_and_the_api_give_the_same_bytes(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    first = run_golive("export", str(path), "--format", "json", env=FROZEN).stdout
    second = run_golive("export", str(path), "--format", "json", env=FROZEN).stdout
    assert first == second


def test_a_session_by_name(golive_home: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    folder = golive_home / "sessions"
    folder.mkdir(parents=True)
    demo_session(folder)
    result = run_golive("export", "demo", env=FROZEN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("**DEMO SESSION")


def test_bad_input_exits_2(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    result = run_golive("export", str(path), "--format", "pdf")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run_golive("export", str(tmp_path / "missing.toml"))
    assert result.returncode == 2 and "no session file" in result.stderr
    for own in (path, path.with_name(path.name + ".lock"), path.with_name(path.name + ".bak")):
        result = run_golive("export", str(path), "-o", str(own))
        assert result.returncode == 2 and "overwrite" in result.stderr
    result = run_golive("export", str(path), "-o", str(tmp_path / "no" / "such" / "r.md"))
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_chain_exports_with_a_warning(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    log = evidence_path(path)
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([lines[0], *lines[2:]]))  # a record removed
    result = run_golive("export", str(path), "--format", "html", env=FROZEN)
    assert result.returncode == 0
    # wording changed with issue 12 (the first bad line, and the head the session keeps)
    assert "warning: the evidence log acme.evidence.jsonl does not verify (first bad line 2)" in (
        result.stderr
    )
    assert "acme.evidence.jsonl:2: record number 3 stands at place 2" in result.stderr
    html = (tmp_path / "acme.report.html").read_text("utf-8")
    assert "DOES NOT VERIFY at line 2" in html


def test_schema_report_is_the_report_schema(run_golive) -> None:  # type: ignore[no-untyped-def]
    result = run_golive("schema", "report")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == report_json_schema()


def test_export_never_imports_textual(tmp_path: Path) -> None:
    path = demo_session(tmp_path)
    probe = (
        "import sys\n"
        "from golive.cli import main\n"
        f"main(['export', {str(path)!r}, '--format', 'html', '-o', '-'])\n"
        "print('IMPORTED:' + ','.join(m for m in ('textual', 'golive.tui') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "IMPORTED:"


# --- no secret, ever ------------------------------------------------------------------------------

SECRET = "Zq7vX2kP9wLr4TnB8sYd3Hc6Jm5Qa1Ue"


def _exports(run_golive, path: Path, env: dict[str, str]) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    outputs = {}
    for fmt in ("md", "html", "json"):
        result = run_golive("export", str(path), "--format", fmt, "-o", "-", env={**FROZEN, **env})
        assert result.returncode == 0, result.stderr
        assert SECRET not in result.stderr
        outputs[fmt] = result.stdout.encode("utf-8")
    return outputs


def _assert_no_secret(outputs: dict[str, bytes], secret: str) -> None:
    raw = secret.encode("utf-8")
    for fmt, output in outputs.items():
        assert raw not in output, fmt
        # nor any long piece of it (a truncated or wrapped secret is still a leak)
        for start in range(len(raw) - 11):
            assert raw[start : start + 12] not in output, (fmt, raw[start : start + 12])


def test_no_secret_from_the_environment_in_any_export(tmp_path: Path, run_golive) -> None:  # type: ignore[no-untyped-def]
    path = rich_session(tmp_path)
    # a live run made while the secret was set leaves evidence; the secret must not follow it
    append(
        evidence_path(path),
        EvidenceRecord(kind="connectivity", outcome="passed", host="api.onesourcetax.com"),
    )
    env = {
        "GOLIVE_STAGING_CLIENT_SECRET": SECRET,
        "GOLIVE_PRODUCTION_CLIENT_SECRET": SECRET + "-prod",
        "GOLIVE_SECRET_ALERTING_WEBHOOK": "https://hooks.example/" + SECRET,
    }
    outputs = _exports(run_golive, path, env)
    _assert_no_secret(outputs, SECRET)
    for output in outputs.values():
        assert b"staging.client_secret" in output  # the reference is named, by name only


@pytest.mark.keyring
def test_no_secret_from_the_keyring_in_any_export(  # type: ignore[no-untyped-def]
    tmp_path: Path, run_golive, real_keyring, keyring_session
) -> None:
    import golive.secrets as secrets
    from golive.session.store import SessionFile

    path = tmp_path / "kr.toml"
    secrets.store_secret(keyring_session, "staging.client_secret", SecretStr(SECRET))
    secrets.store_secret(
        keyring_session, "alerting_webhook", SecretStr("https://h.example/" + SECRET)
    )
    keyring_session.monitoring.alerting.channel = "webhook"
    keyring_session.monitoring.alerting.webhook_secret = "alerting_webhook"
    SessionFile.create(path, keyring_session)
    outputs = _exports(run_golive, path, {})
    _assert_no_secret(outputs, SECRET)
