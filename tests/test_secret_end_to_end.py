"""End to end: set a secret, run a live check against the sandbox with it, save, export, then
search every file golive wrote (session, backup, evidence, logs, reports, temp files) and every
command's output for the secret's bytes: none.

The real commands run as subprocesses, against the real Secret Service (`tests/with-keyring.sh`)
and the sandbox on loopback.
"""

from __future__ import annotations

import base64
import json
import os
import secrets as random
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from golive.secrets import KeyringStatus

pytest_plugins = ["keyring_fixtures"]
pytestmark = pytest.mark.keyring

RunGolive = Callable[..., subprocess.CompletedProcess[str]]

# The live check as the CLI will take it (see the design: `golive check` -> checks.run_suite).
CHECK_COMMAND = ("check", "e2e", "--env", "staging", "--suite", "smoke")


def _has_command(name: str) -> bool:
    from golive.cli import build_parser

    parser = build_parser()
    return name in parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]


def _forms(secret: str, client_id: str) -> list[bytes]:
    """The secret as it could leak: itself, URL-encoded, in an HTTP Basic header."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode())
    return [secret.encode(), quote(secret, safe="").encode(), basic]


def _run_end_to_end(run_golive: RunGolive, golive_home: Path, tmp_path: Path) -> None:
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings
    from golive.session.store import SessionFile, load
    from keyring_fixtures import remove_entries

    secret = "e2e-" + random.token_urlsafe(18)  # pragma: allowlist secret
    # Everything a golive process could write lands under these folders.
    scratch = tmp_path / "scratch"
    env = {
        "XDG_STATE_HOME": str(scratch / "state"),
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "TMPDIR": str(scratch / "tmp"),
        "GOLIVE_LOG_LEVEL": "DEBUG",
    }
    for folder in ("state", "cache", "config", "tmp"):
        (scratch / folder).mkdir(parents=True)
    outputs: list[subprocess.CompletedProcess[str]] = []

    def golive(*args: str, stdin: str = "", ok: tuple[int, ...] = (0,)) -> str:
        result = run_golive(*args, input=stdin, env=env, cwd=scratch)
        outputs.append(result)
        assert result.returncode in ok, (args, result.stdout, result.stderr)
        return result.stdout

    settings = SandboxSettings(client_secret=SecretStr(secret))
    with SandboxServer(settings) as server:
        golive("new", "e2e", "--no-tui", "--countries", "DE")
        path = golive_home / "sessions" / "e2e.toml"
        try:
            handle = SessionFile.open(path)
            staging = handle.session.environments.staging
            staging.preset = "sandbox"
            staging.base_url = server.url
            staging.client_id = server.client_id
            staging.external_company_id = server.company
            handle.save()

            golive("secret", "set", "e2e", "--env", "staging", stdin=secret + "\n")
            status = json.loads(golive("secret", "status", "e2e", "--json"))
            assert status["secrets"][0]["used_from"] == "keyring"
            # the check authenticates with the keyring's secret: a wrong one would fail it
            checked = golive(*CHECK_COMMAND)
            assert "from the OS keyring" in outputs[-1].stderr + checked, outputs[-1].stderr
            evidence = (golive_home / "sessions" / "e2e.evidence.jsonl").read_text()
            assert '"outcome":"passed"' in evidence, evidence
            clean = tmp_path / "integration"
            clean.mkdir()
            (clean / "app.py").write_text("import os\nSECRET = os.environ['SECRET']\n")
            golive("secret", "scan", "e2e", str(clean))
            reports = tmp_path / "reports"
            reports.mkdir()
            for fmt in ("md", "html", "json"):
                golive("export", "e2e", "--format", fmt, "-o", str(reports))
        finally:
            remove_entries(load(path))

    written = [p for root in (golive_home, scratch, tmp_path / "reports") for p in root.rglob("*")]
    files = [p for p in written if p.is_file()]
    names = {p.name for p in files}
    assert {"e2e.toml", "e2e.toml.bak", "e2e.evidence.jsonl"} <= names
    assert any(name.startswith("e2e.report") for name in names)
    forms = _forms(secret, server.client_id)
    for file in files:
        data = file.read_bytes()
        for form in forms:
            assert form not in data, f"{file} holds the secret"
    for result in outputs:
        for form in forms:
            assert form.decode() not in result.stdout + result.stderr, result.args
    # and never on a command line: set reads it from standard input
    for result in outputs:
        assert all(secret not in str(arg) for arg in result.args)
    assert os.environ.get("GOLIVE_STAGING_CLIENT_SECRET") is None


def test_set_check_save_export_then_no_secret_anywhere(
    real_keyring: KeyringStatus, run_golive: RunGolive, golive_home: Path, tmp_path: Path
) -> None:
    missing = [f"`golive {c}`" for c in ("check", "export") if not _has_command(c)]
    if missing:
        pytest.skip(f"not there yet: {', '.join(missing)}")
    _run_end_to_end(run_golive, golive_home, tmp_path)
