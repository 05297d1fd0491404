"""`golive secret set/status/delete`, the real command in a subprocess, standard input piped."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from golive.secrets import KeyringStatus
from keyring_fixtures import NO_KEYRING_ENV

pytest_plugins = ["keyring_fixtures"]

RunGolive = Callable[..., subprocess.CompletedProcess[str]]
SECRET = "cli-staging-secret-7f3a9c"  # pragma: allowlist secret


@pytest.fixture
def new_session(run_golive: RunGolive, golive_home: Path) -> Iterator[Path]:
    """A session made by `golive new`; its keyring entries are removed afterwards."""
    made = run_golive("new", "acme", "--no-tui")
    assert made.returncode == 0, made.stderr
    path = golive_home / "sessions" / "acme.toml"
    yield path
    from golive.session.store import load
    from keyring_fixtures import remove_entries

    with contextlib.suppress(Exception):  # the file may be gone; cleanup is best effort
        remove_entries(load(path), ["alerting_webhook"])


def _session_id(path: Path) -> str:
    return str(tomllib.loads(path.read_text())["meta"]["session_id"])


def _written_files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def _assert_nowhere(home: Path, *results: subprocess.CompletedProcess[str]) -> None:
    for result in results:
        assert SECRET not in result.stdout and SECRET not in result.stderr
    for path in _written_files(home):
        assert SECRET.encode() not in path.read_bytes(), path


# --- with a real Secret Service ------------------------------------------------------------------


@pytest.mark.keyring
def test_set_status_delete(
    real_keyring: KeyringStatus, run_golive: RunGolive, new_session: Path, golive_home: Path
) -> None:
    import keyring

    set_ = run_golive("secret", "set", "acme", "--env", "staging", input=SECRET + "\n")
    assert set_.returncode == 0, set_.stderr
    assert "stored the staging client secret in the OS keyring" in set_.stdout
    service = f"golive:{_session_id(new_session)}"
    assert keyring.get_password(service, "staging.client_secret") == SECRET  # newline stripped
    data = tomllib.loads(new_session.read_text())
    assert data["credentials"]["secrets"]["staging.client_secret"] == {
        "store": "keyring",
        "description": "",
    }

    status = run_golive("secret", "status", "acme")
    assert status.returncode == 0
    assert "OS keyring: usable" in status.stdout
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert (
        "present" in lines["staging.client_secret"] and "keyring" in lines["staging.client_secret"]
    )
    assert "MISSING" in lines["production.client_secret"]

    as_json = run_golive("secret", "status", "acme", "--json")
    document = json.loads(as_json.stdout)
    assert document["keyring"]["usable"] is True
    assert document["keyring"]["service"] == service
    rows = {row["name"]: row for row in document["secrets"]}
    assert rows["staging.client_secret"]["keyring"] == "present"
    assert rows["staging.client_secret"]["used_from"] == "keyring"
    assert rows["production.client_secret"]["present"] is False

    delete = run_golive("secret", "delete", "acme", "--env", "staging")
    assert delete.returncode == 0, delete.stderr
    assert "deleted the staging client secret from the OS keyring" in delete.stdout
    assert keyring.get_password(service, "staging.client_secret") is None
    assert "secrets" not in tomllib.loads(new_session.read_text())["credentials"] or (
        "staging.client_secret"
        not in tomllib.loads(new_session.read_text())["credentials"]["secrets"]
    )
    _assert_nowhere(golive_home, set_, status, as_json, delete)


@pytest.mark.keyring
def test_named_secret_with_a_description(
    real_keyring: KeyringStatus, run_golive: RunGolive, new_session: Path
) -> None:
    webhook = "https://hooks.example/services/T000/B000/xoxo-token-123"
    result = run_golive(
        "secret",
        "set",
        "acme",
        "alerting_webhook",
        "--description",
        "alerting webhook",
        input=webhook,  # no trailing newline: one line all the same
    )
    assert result.returncode == 0, result.stderr
    status = run_golive("secret", "status", "acme")
    assert "alerting_webhook" in status.stdout
    assert webhook not in status.stdout and "xoxo" not in status.stdout
    data = tomllib.loads(new_session.read_text())
    assert data["credentials"]["secrets"]["alerting_webhook"]["description"] == "alerting webhook"
    assert webhook not in new_session.read_text()


@pytest.mark.keyring
def test_the_environment_variable_is_said_to_take_precedence(
    real_keyring: KeyringStatus, run_golive: RunGolive, new_session: Path
) -> None:
    env = {"GOLIVE_STAGING_CLIENT_SECRET": "from-env-value-1"}  # pragma: allowlist secret
    result = run_golive("secret", "set", "acme", "--env", "staging", input=SECRET, env=env)
    assert result.returncode == 0
    assert "GOLIVE_STAGING_CLIENT_SECRET is set here and takes precedence" in result.stdout
    status = json.loads(run_golive("secret", "status", "acme", "--json", env=env).stdout)
    row = next(r for r in status["secrets"] if r["name"] == "staging.client_secret")
    assert (row["used_from"], row["keyring"], row["env_var_set"]) == (
        "environment",
        "present",
        True,
    )


@pytest.mark.keyring
def test_empty_input_is_bad_input(
    real_keyring: KeyringStatus, run_golive: RunGolive, new_session: Path
) -> None:
    for given in ("", "\n"):
        result = run_golive("secret", "set", "acme", "--env", "production", input=given)
        assert result.returncode == 2, result.stderr
        assert "no value was given for the production client secret" in result.stderr
    assert "secrets" not in new_session.read_text().split("[credentials.vault]")[0]


@pytest.mark.keyring
def test_a_terminal_is_asked_without_echo(
    real_keyring: KeyringStatus, new_session: Path, golive_home: Path
) -> None:
    """On a terminal golive asks with getpass: what is typed is not echoed back."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "GOLIVE_HOME": str(golive_home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "golive", "secret", "set", "acme", "--env", "staging"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    seen = b""

    def read_until(marker: bytes, timeout: float = 20) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.1)
            if ready:
                try:
                    seen += os.read(primary, 4096)
                except OSError:
                    break

    read_until(b"(not shown): ")
    assert b"The staging client secret (not shown): " in seen
    os.write(primary, SECRET.encode() + b"\n")
    read_until(b"the session records the reference only")
    process.wait(timeout=20)
    os.close(primary)
    assert process.returncode == 0, seen
    assert SECRET.encode() not in seen  # not echoed
    import keyring

    assert (
        keyring.get_password(f"golive:{_session_id(new_session)}", "staging.client_secret")
        == SECRET
    )


# --- without a keyring (any machine) -------------------------------------------------------------


def test_set_without_a_keyring_explains_before_asking(
    run_golive: RunGolive, new_session: Path
) -> None:
    result = run_golive(
        "secret", "set", "acme", "--env", "staging", input=SECRET, env=NO_KEYRING_ENV
    )
    assert result.returncode == 1
    err = result.stderr
    assert "cannot store the staging client secret: no OS keyring is available" in err
    assert "start a Secret Service" in err and "README" in err
    assert "GOLIVE_STAGING_CLIENT_SECRET" in err
    assert "type it when golive asks" in err
    assert "Traceback" not in err
    assert SECRET not in new_session.read_text()


def test_status_without_a_keyring(run_golive: RunGolive, new_session: Path) -> None:
    result = run_golive(
        "secret",
        "status",
        "acme",
        env={**NO_KEYRING_ENV, "GOLIVE_PRODUCTION_CLIENT_SECRET": SECRET},
    )
    assert result.returncode == 0
    assert "OS keyring: NOT usable (keyring.backends.fail.Keyring)" in result.stdout
    assert "no OS keyring is available on this machine" in result.stdout
    lines = {
        line.split()[0]: line for line in result.stdout.splitlines() if "client_secret" in line
    }
    assert (
        "environment variable GOLIVE_PRODUCTION_CLIENT_SECRET set"
        in lines["production.client_secret"]
    )
    assert "MISSING" in lines["staging.client_secret"]
    assert "keyring not usable" in lines["staging.client_secret"]
    assert SECRET not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("secret", "set", "acme"),
        ("secret", "set", "acme", "--env", "staging", "alerting_webhook"),
        ("secret", "set", "acme", "--env", "staging", "--value", SECRET),
        ("secret", "set", "acme", "bad name!"),
        ("secret", "delete", "acme"),
    ],
)
def test_bad_arguments_exit_2(
    run_golive: RunGolive, new_session: Path, args: tuple[str, ...]
) -> None:
    result = run_golive(*args, input=SECRET, env=NO_KEYRING_ENV)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "what to do" in result.stderr


def test_no_option_takes_a_value() -> None:
    from golive.cli import build_parser

    parser = build_parser()
    actions = parser._subparsers._group_actions[0].choices["secret"]  # type: ignore[union-attr]
    set_parser = actions._subparsers._group_actions[0].choices["set"]
    options = {o for a in set_parser._actions for o in a.option_strings}
    assert options == {"-h", "--help", "--env", "--product", "--description"}
    # --env and --product only take names from a fixed list: never the secret's value
    for action in set_parser._actions:
        if {"--env", "--product"} & set(action.option_strings):
            assert action.choices is not None
