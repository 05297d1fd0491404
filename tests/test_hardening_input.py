"""Bad and unusual input, through the real `golive` command: session names that are paths,
escapes, control characters or 500 characters long; URLs with credentials in them; non-ASCII in
customer names, notes and file paths."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import RunGolive
from golive.cli import build_parser
from golive.session import store
from golive.session.model import EnvironmentSettings

BAD_NAMES = {
    "slash": "acme/eu",
    "dot-dot": "../escape",
    "just dot-dot": "..",
    "escape sequence": "acme\x1b[31mred",
    "bell and newline": "acme\x07\nx",
    "500 characters": "x" * 500,
    "500 characters path": "y" * 500 + ".toml",
    "a folder": "/tmp/",
    "empty": "",
}


def _fill(action: argparse.Action) -> list[str]:
    if action.choices:
        return [next(iter(action.choices))]
    return ["x"]


def commands_taking_a_session() -> list[list[str]]:
    """Every command (and sub-command) with a SESSION argument, as argv with SESSION = {S}
    and its other required arguments filled in. New commands are picked up on their own."""
    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        positionals: list[str] = []
        required: list[str] = []
        has_session = False
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*prefix, name])
                continue
            if not action.option_strings:
                if action.dest in ("session", "sessions"):
                    has_session = True
                    positionals.append("{S}")
                else:
                    positionals += _fill(action)
            elif action.required:
                required += [action.option_strings[0], *_fill(action)]
        if has_session:
            found.append([*prefix, *positionals, *required])

    walk(build_parser(), [])
    return found


def _run(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOLIVE_HOME": str(home), "COLUMNS": "200"}
    env.pop("GOLIVE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "golive", *argv],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _refusal_problems(argv: list[str], result: subprocess.CompletedProcess[str]) -> list[str]:
    said = result.stdout + result.stderr
    problems = []
    if result.returncode != 2:
        problems.append(f"exit {result.returncode}, not 2")
    if "Traceback" in said or "internal error" in said:
        problems.append("a traceback / internal error")
    if ("\x1b" in said or "\x07" in said) and argv[0] != "validate":  # see the test below
        problems.append("control characters of the name echoed raw to the terminal")
    if not any(w in said for w in ("session name", "SESSION", "file name", "not a session file")):
        problems.append("no clear message about the session name")
    return [f"{argv[0]} {argv[1:]!r:.120}: {p}: {said.strip()[:300]!r}" for p in problems]


def _assert_refused_cleanly(argv: list[str], result: subprocess.CompletedProcess[str]) -> None:
    problems = _refusal_problems(argv, result)
    assert not problems, "\n".join(problems)


def test_the_command_list_is_found() -> None:
    names = {argv[0] for argv in commands_taking_a_session()}
    assert {"new", "status", "item", "validate", "countries"} <= names


def test_every_command_refuses_bad_session_names_with_exit_2(golive_home: Path) -> None:
    """Every command gets a name holding an escape sequence (it must never reach the terminal
    raw); status, validate, new and resume get every bad name."""
    runs: list[list[str]] = []
    for template in commands_taking_a_session():
        names = (
            BAD_NAMES.values()
            if template[0] in ("status", "validate", "new", "resume")
            else [BAD_NAMES["escape sequence"]]
        )
        runs += [[name if a == "{S}" else a for a in template] for name in names]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda argv: _run(argv, golive_home), runs))
    problems = [
        p
        for argv, result in zip(runs, results, strict=True)
        for p in _refusal_problems(argv, result)
    ]
    assert not problems, f"{len(problems)} of {len(runs)} runs:\n" + "\n".join(problems)
    sessions = golive_home / "sessions"
    assert not sessions.exists() or not list(sessions.iterdir())  # nothing was created


def test_validate_never_echoes_control_characters(run_golive: RunGolive) -> None:
    result = run_golive("validate", BAD_NAMES["escape sequence"])
    assert result.returncode == 2
    assert "\x1b" not in result.stdout + result.stderr


def test_a_session_path_that_is_a_folder_or_too_long_is_bad_input(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    folder = tmp_path / "looks-like.toml"
    folder.mkdir()
    for reference in (str(folder), str(tmp_path / ("z" * 300 + ".toml"))):
        result = run_golive("status", reference)
        _assert_refused_cleanly(["status", reference], result)


# --- URLs with credentials ---------------------------------------------------------------------

SECRET_IN_URL = "hunter2-do-not-print"  # pragma: allowlist secret


@pytest.mark.parametrize(
    "url",
    [
        f"https://ada:{SECRET_IN_URL}@api.onesourcetax.com",
        f"https://{SECRET_IN_URL}@api.onesourcetax.com",
        f"https://ada:{SECRET_IN_URL}@api.onesourcetax.com:8443/path?q=1",
        f"ftp://ada:{SECRET_IN_URL}@api.onesourcetax.com",
        f"https://ada:{SECRET_IN_URL}@",
    ],
)
def test_a_url_with_credentials_is_refused_with_keyring_advice_and_never_echoed(
    url: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        EnvironmentSettings(base_url=url)
    messages = " ".join(e["msg"] for e in caught.value.errors())  # what golive shows
    assert SECRET_IN_URL not in messages, messages
    assert "keyring" in messages, messages


def test_a_session_file_with_credentials_in_a_url_is_refused_by_every_reader(
    run_golive: RunGolive, golive_home: Path
) -> None:
    assert run_golive("new", "acme", "--no-tui").returncode == 0
    path = golive_home / "sessions" / "acme.toml"
    text = path.read_text()
    text = text.replace(
        '[environments.staging]\npreset = ""\nbase_url = ""',
        f'[environments.staging]\npreset = ""\nbase_url = "https://ada:{SECRET_IN_URL}@uat.example"',
    )
    assert SECRET_IN_URL in text
    path.write_text(text)
    for argv in (["validate", "acme"], ["status", "acme"]):
        result = run_golive(*argv)
        said = result.stdout + result.stderr
        assert result.returncode == 2, said
        assert "keyring" in said and "environments.staging.base_url" in said, said
        assert SECRET_IN_URL not in said, said


@pytest.mark.parametrize(
    "argv",
    [
        ["monitoring", "acme", "--metrics", "prometheus", "--prometheus-url", "{U}"],
        ["monitoring", "acme", "--alert", "pagerduty", "--pagerduty-url", "{U}"],
        ["rollback", "acme", "--flag-url", "{U}"],
        ["watch", "acme", "--prometheus", "{U}"],
    ],
)
def test_cli_options_taking_a_url_refuse_credentials(
    run_golive: RunGolive, golive_home: Path, argv: list[str]
) -> None:
    assert run_golive("new", "acme", "--no-tui").returncode == 0
    before = (golive_home / "sessions" / "acme.toml").read_bytes()
    url = f"https://ada:{SECRET_IN_URL}@prom.example.com"
    result = run_golive(*[url if a == "{U}" else a for a in argv])
    said = result.stdout + result.stderr
    assert result.returncode == 2, said
    assert "keyring" in said, said
    assert SECRET_IN_URL not in said, said
    assert "Traceback" not in said
    assert SECRET_IN_URL.encode() not in (golive_home / "sessions" / "acme.toml").read_bytes()
    assert (golive_home / "sessions" / "acme.toml").read_bytes() == before


# --- non-ASCII everywhere ----------------------------------------------------------------------

CUSTOMER = "Müller & Söhne GmbH — 東京支店 — Ελληνικά — עברית — 🚀"
NOTE = "Vault-Pfad geprüft; 経理部の承認済み; «ok» \u202eRTL\u202c"


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_non_ascii_names_notes_and_paths_round_trip(
    run_golive: RunGolive, tmp_path: Path, locale: str
) -> None:
    folder = tmp_path / "Société Générale" / "東京"
    folder.mkdir(parents=True)
    session = str(folder / "ünï-セッション.toml")
    env = {"LC_ALL": locale, "LANG": locale}
    created = run_golive(
        "new",
        session,
        "--no-tui",
        "--customer",
        CUSTOMER,
        "--title",
        "Déploiement 東京",
        "--countries",
        "DE,JP",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    item = run_golive(
        "item", session, "credentials.vault", "--status", "done", "--note", NOTE, env=env
    )
    assert item.returncode == 0, item.stderr
    loaded = store.load(Path(session))
    assert loaded.meta.customer == CUSTOMER
    assert loaded.items["credentials.vault"].note == NOTE

    status = run_golive("status", session, env=env)
    assert status.returncode == 0, status.stderr
    assert "Déploiement 東京" in status.stdout and CUSTOMER in status.stdout
    document = json.loads(run_golive("status", session, "--json", env=env).stdout)
    assert document["customer"] == CUSTOMER

    validated = run_golive("validate", session, env=env)
    assert validated.returncode == 0 and "ünï-セッション.toml" in validated.stdout

    for fmt in ("md", "html", "json"):
        out = tmp_path / f"report-ü.{fmt}"
        exported = run_golive("export", session, "--format", fmt, "--output", str(out), env=env)
        assert exported.returncode == 0, exported.stderr
        text = out.read_text("utf-8")
        shown = CUSTOMER.replace("&", "&amp;") if fmt == "html" else CUSTOMER
        assert shown in text or CUSTOMER in text, (fmt, text[:500])
        assert "Vault-Pfad geprüft" in text, fmt
