"""`golive secret scan`: real files with a fake AWS key, a private key, the session's own secret,
and a clean folder. Findings name file and line, never the value nor any part of it.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from golive.secrets import KeyringStatus
from golive.session.evidence import read
from golive.session.model import IntegrationVault, Person
from golive.session.store import SessionFile
from keyring_fixtures import NO_KEYRING_ENV

pytest_plugins = ["keyring_fixtures"]

RunGolive = Callable[..., subprocess.CompletedProcess[str]]
SECRET = "scan-me-Staging-Secret-4d2e8b"  # pragma: allowlist secret
# Built at run time so this test file itself holds no credential-shaped string.
FAKE_AWS_KEY = "AKIA" + "Z7Q2M5XH4RBN3VQP"
PRIVATE_KEY_HEADER = "-----BEGIN " + "RSA PRIVATE KEY-----"
ENV = {**NO_KEYRING_ENV, "GOLIVE_STAGING_CLIENT_SECRET": SECRET}


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


@pytest.fixture
def session_path(run_golive: RunGolive, golive_home: Path) -> Path:
    made = run_golive("new", "acme", "--no-tui")
    assert made.returncode == 0, made.stderr
    return golive_home / "sessions" / "acme.toml"


def _clean_repo(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "client.py").write_text(
        "import os\n\nSECRET = os.environ['ONESOURCE_CLIENT_SECRET']\n"
    )
    (root / "config.yaml").write_text("base_url: https://api.example.com\nretries: 3\n")
    (root / "README.md").write_text("# integration\nThe secret comes from the vault.\n")
    return root


def _dirty_repo(root: Path) -> Path:
    _clean_repo(root)
    (root / "settings.ini").write_text(
        f"[aws]\nregion = eu-west-1\naws_access_key_id = {FAKE_AWS_KEY}\n"
    )
    (root / "deploy").mkdir()
    (root / "deploy" / "signing.pem").write_text(f"{PRIVATE_KEY_HEADER}\nMIIEow\n-----END\n")
    (root / "src" / "settings.py").write_text(f"TIMEOUT = 5\n\nCLIENT_SECRET = {SECRET!r}\n")
    return root


def _assert_never_shown(*texts: str) -> None:
    for text in texts:
        for value in (SECRET, FAKE_AWS_KEY):
            assert value not in text
            assert value[:6] not in text  # not even a prefix
        assert "MIIEow" not in text


def _evidence(path: Path) -> list[dict[str, object]]:
    log = read(path.with_name("acme.evidence.jsonl"))
    assert log.chain_ok
    return [r.model_dump(mode="json") for r in log.records]


def _item(path: Path, item_id: str) -> dict[str, object]:
    return dict(tomllib.loads(path.read_text())["items"][item_id])


def test_a_clean_folder(run_golive: RunGolive, session_path: Path, tmp_path: Path) -> None:
    repo = _clean_repo(tmp_path / "repo")
    result = run_golive("secret", "scan", "acme", str(repo), env=ENV)
    assert result.returncode == 0, result.stderr
    assert "3 file(s) scanned; 1 of the session's secrets compared byte for byte" in result.stdout
    assert "production.client_secret: not available without asking" in result.stdout
    assert "clean: no credentials found" in result.stdout
    [record] = _evidence(session_path)
    assert record["kind"] == "secret_scan"
    assert record["outcome"] == "passed"
    figures = record["figures"]
    assert isinstance(figures, dict)
    assert figures["files_scanned"] == 3 and figures["findings"] == 0
    # clean, but the vault is not recorded yet: not done, and the note says what is missing
    item = _item(session_path, "credentials.vault")
    assert item["status"] == "in_progress"
    assert "vault entry is still missing" in str(item["note"])
    assert item["evidence"] == [record["id"]]


def test_a_clean_folder_with_the_vault_recorded_is_done(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    handle = SessionFile.open(session_path)
    handle.session.credentials.vault = IntegrationVault(
        product="HashiCorp Vault", path="secret/onesource/prod", access=["ops"]
    )
    handle.session.credentials.authorized_people = [Person(name="Ada Lovelace")]
    handle.save()
    repo = _clean_repo(tmp_path / "repo")
    result = run_golive("secret", "scan", "acme", str(repo), env=ENV)
    assert result.returncode == 0, result.stderr
    assert _item(session_path, "credentials.vault")["status"] == "done"
    access = _item(session_path, "credentials.access")
    assert access["status"] == "done"
    assert access["note"] == "1 authorised: Ada Lovelace"


def test_findings_name_file_and_line_never_the_value(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    repo = _dirty_repo(tmp_path / "repo")
    # places that are not scanned: version control, dependencies
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text(f"token = {SECRET}\n")
    (repo / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "node_modules" / "pkg" / "index.js").write_text(f"const k = '{FAKE_AWS_KEY}'\n")
    result = run_golive("secret", "scan", "acme", str(repo), env=ENV)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert f"{repo}/settings.ini:3: looks like an AWS Access Key" in out
    assert f"{repo}/deploy/signing.pem:1: looks like a Private Key" in out
    assert f"{repo}/src/settings.py:3: matches the session's staging client secret" in out
    assert ".git" not in out and "node_modules" not in out
    assert "credentials.vault is failed" in out
    _assert_never_shown(result.stdout, result.stderr)

    [record] = _evidence(session_path)
    assert record["outcome"] == "failed"
    item = _item(session_path, "credentials.vault")
    assert item["status"] == "failed"
    note = str(item["note"])
    assert "settings.ini" in note and "signing.pem" in note and "settings.py" in note
    # nothing golive wrote holds the secret
    for written in session_path.parent.iterdir():
        _assert_never_shown(written.read_text(errors="replace"))


def test_json_output(run_golive: RunGolive, session_path: Path, tmp_path: Path) -> None:
    repo = _dirty_repo(tmp_path / "repo")
    result = run_golive("secret", "scan", "acme", str(repo), "--json", env=ENV)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["clean"] is False
    found = {(Path(f["file"]).name, f["line"], f["kind"], f["what"]) for f in document["findings"]}
    assert found == {
        ("settings.ini", 3, "detector", "AWS Access Key"),
        ("signing.pem", 1, "detector", "Private Key"),
        ("settings.py", 3, "session_secret", "the session's staging client secret"),
    }
    assert document["secrets_compared"] == ["staging.client_secret"]
    _assert_never_shown(result.stdout)


def test_encoded_and_binary_copies_of_the_secret(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    secret = "p@ss/word+with=odd&chars"  # pragma: allowlist secret
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "request.txt").write_text(
        "grant=client_credentials\nbody=p%40ss%2Fword%2Bwith%3Dodd%26chars\n"
    )
    (repo / "blob.bin").write_bytes(b"\x00\x01\x02" + secret.encode() + b"\x00")
    env = {**NO_KEYRING_ENV, "GOLIVE_STAGING_CLIENT_SECRET": secret}
    result = run_golive("secret", "scan", "acme", str(repo), "--json", env=env)
    assert result.returncode == 1
    found = {(Path(f["file"]).name, f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("request.txt", 2), ("blob.bin", None)}
    assert secret not in result.stdout and "p%40ss" not in result.stdout


def test_an_allowlisted_line_is_accepted(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "example.py").write_text(
        f"EXAMPLE_KEY = '{FAKE_AWS_KEY}'  # pragma: allowlist secret\n"
    )
    result = run_golive("secret", "scan", "acme", str(repo), env=NO_KEYRING_ENV)
    assert result.returncode == 0, result.stdout


def test_the_sessions_own_files_are_not_scanned(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    folder = session_path.parent
    first = run_golive("secret", "scan", "acme", str(folder), "--json", env=ENV)
    second = run_golive("secret", "scan", "acme", str(folder), "--json", env=ENV)
    assert first.returncode == 0 and second.returncode == 0
    assert json.loads(second.stdout)["figures"]["files_scanned"] == 0
    assert {p.name for p in folder.iterdir()} >= {
        "acme.toml",
        "acme.toml.bak",
        "acme.evidence.jsonl",
    }


def test_a_missing_path_is_bad_input(
    run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    result = run_golive("secret", "scan", "acme", str(tmp_path / "nope"), env=NO_KEYRING_ENV)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.keyring
def test_the_secret_kept_in_the_keyring_is_searched_for(
    real_keyring: KeyringStatus, run_golive: RunGolive, session_path: Path, tmp_path: Path
) -> None:
    from golive.session.store import load
    from keyring_fixtures import remove_entries

    stored = run_golive("secret", "set", "acme", "--env", "production", input=SECRET)
    assert stored.returncode == 0, stored.stderr
    try:
        repo = tmp_path / "repo"
        repo.mkdir()
        (repo / ".env").write_text(f"A=1\nB=2\nONESOURCE_SECRET={SECRET}\n")
        result = run_golive("secret", "scan", "acme", str(repo))
        assert result.returncode == 1
        assert f"{repo}/.env:3: matches the session's production client secret" in result.stdout
        _assert_never_shown(result.stdout, result.stderr)
    finally:
        remove_entries(load(session_path))
