"""Input hygiene (issue 15): no text reaches the terminal with control characters or bidi
overrides; a base URL `validate` accepts never crashes `check`; a CA bundle or a certificate that
is a FIFO or a device is refused at once. Each is exit 2 with a located message.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from tests.hostile_server import HOSTILE_TEXT, HostileServer

from conftest import RunGolive
from golive.api.tls import tls_context
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings
from golive.session.text import is_unsafe, printable

SECRET = "hygiene-test-secret-5d21"  # pragma: allowlist secret
UNSAFE_CHARS = ["\x1b", "\x07", "\r", "\x9b", "\x00", "\x7f"] + [
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
]


@pytest.mark.parametrize("char", UNSAFE_CHARS)
def test_printable_escapes_every_control_and_bidi_character(char: str) -> None:
    shown = printable(f"before{char}after")
    assert char not in shown
    assert shown.startswith("before\\") and shown.endswith("after")
    assert not is_unsafe(shown)


def test_printable_keeps_ordinary_text_and_newlines_when_asked() -> None:
    text = "Müller & Söhne — 東京支店 — עברית 🚀"
    assert printable(text) == text
    assert printable("one\ntwo", multiline=True) == "one\ntwo"
    assert printable("one\ntwo") == "one\\x0atwo"
    assert printable("a\r\nb", multiline=True) == "a\\x0d\nb"  # CR never passes
    assert printable("\u202eexe.txt") == "\\u202eexe.txt"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://127.0.0.1:40963:99999", "port"),
        ("https://api.example.com:99999", "port"),
        ("https://api.example.com:0", "port 0"),
        ("https://api.example.com:", "empty port"),
        ("https://api..example.com", "empty part"),
        ("https://.example.com", "empty part"),
        ("https://api.example.com\r\nX-Evil: 1", "control character"),
        ("https://api.exa mple.com", "space"),
        ("https://api.example.com/\u202eevil", "bidi"),
        ("https://[::1", "IPv6"),
        ("https://256.1.1.1", "HTTP client"),
        ("https://xn--zz.example.com", "HTTP client"),
        ("https://ex%41mple.com", "characters"),
    ],
)
def test_the_url_validator_catches_what_would_crash_a_check(url: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EnvironmentSettings(base_url=url)
    message = " ".join(str(e["msg"]) for e in caught.value.errors())
    assert words in message, message
    assert not is_unsafe(message), message


@pytest.mark.parametrize(
    "url",
    [
        "https://api.onesourcetax.com",
        "http://127.0.0.1:8765",
        "https://[::1]:8443",
        "https://münchen.example",
    ],
)
def test_ordinary_urls_still_pass(url: str) -> None:
    assert EnvironmentSettings(base_url=url).base_url == url


def session_file(run_golive: RunGolive, golive_home: Path, **staging: str) -> Path:
    """A new session whose staging environment has these values, written into its TOML."""
    assert run_golive("new", "acme", "--no-tui").returncode == 0
    path = golive_home / "sessions" / "acme.toml"
    text = path.read_text()
    start = text.index("[environments.staging]\n")
    head, section = text[:start], text[start:]
    for key, value in staging.items():
        section = re.sub(
            rf"^{key} = .*$", f"{key} = {json.dumps(value)}", section, count=1, flags=re.M
        )
    path.write_text(head + section)
    return path


def test_validate_and_check_refuse_a_url_with_two_ports_with_exit_2(
    run_golive: RunGolive, golive_home: Path
) -> None:
    session_file(run_golive, golive_home, base_url="https://127.0.0.1:40963:99999")
    for argv in (["validate", "acme"], ["check", "acme", "--env", "staging", "--suite", "smoke"]):
        result = run_golive(*argv, env={"GOLIVE_STAGING_CLIENT_SECRET": SECRET})
        said = result.stdout + result.stderr
        assert result.returncode == 2, said
        assert "environments.staging.base_url" in said and "port" in said, said
        assert "internal error" not in said and "Traceback" not in said


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.pem"
    os.mkfifo(path)
    return path


def test_a_fifo_as_ca_bundle_is_refused_by_the_model_and_the_tls_context(fifo: Path) -> None:
    with pytest.raises(ValidationError, match="named pipe"):
        EnvironmentSettings(base_url="https://api.example.com", ca_bundle=str(fifo))
    started = time.monotonic()
    with pytest.raises(BadInputError, match="named pipe") as caught:
        tls_context(str(fifo))  # never opened: this would block on a FIFO
    assert caught.value.where == "ca_bundle"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("special", ["/dev/null", "/dev/zero", "folder"])
def test_a_device_or_a_folder_as_ca_bundle_is_refused(tmp_path: Path, special: str) -> None:
    path = tmp_path if special == "folder" else Path(special)
    if not path.exists():
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(BadInputError, match=r"device|directory") as caught:
        tls_context(str(path))
    assert caught.value.where == "ca_bundle"


def test_validate_refuses_a_fifo_as_ca_bundle_with_exit_2(
    run_golive: RunGolive, golive_home: Path, fifo: Path
) -> None:
    session_file(run_golive, golive_home, base_url="https://api.example.com", ca_bundle=str(fifo))
    result = run_golive("validate", "acme", timeout=60)
    said = result.stdout + result.stderr
    assert result.returncode == 2, said
    assert "ca_bundle" in said and "named pipe" in said, said


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_cert_inspect_refuses_a_special_file_at_once(
    run_golive: RunGolive, tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        path = tmp_path / "seal.cer"
        os.mkfifo(path)
    else:
        path = Path(kind)
    result = run_golive("cert", "inspect", str(path), timeout=60)  # a read would never end
    said = result.stdout + result.stderr
    assert result.returncode == 2, said
    assert str(path) in said and ("named pipe" in said or "device" in said), said


def test_the_error_printer_escapes_control_characters(run_golive: RunGolive) -> None:
    result = run_golive("cert", "inspect", "/nonexistent/seal\x1b]0;pwned\x07\u202e.cer")
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert not is_unsafe(said.replace("\n", "")), repr(said)
    assert "\\x1b" in said and "\\u202e" in said, said  # shown escaped, not dropped


def test_check_shows_a_hostile_servers_words_escaped(
    run_golive: RunGolive, golive_home: Path
) -> None:
    with HostileServer(lifetime_s=120) as hostile:
        session_file(
            run_golive,
            golive_home,
            base_url=hostile.url("hostile_errors"),
            client_id="hostile",
            external_company_id="ACME",
        )
        result = run_golive(
            "check",
            "acme",
            "--env",
            "staging",
            "--suite",
            "connectivity",
            env={"GOLIVE_STAGING_CLIENT_SECRET": SECRET},
        )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "DENIED" in said, said
    assert not is_unsafe(said.replace("\n", "")), repr(said)
    assert HOSTILE_TEXT not in said


def test_status_shows_a_hostile_title_escaped_and_markup_literal(run_golive: RunGolive) -> None:
    title = "ACME\x1b[31m red \u202eevil [bold]x"
    created = run_golive("new", "acme", "--no-tui", "--title", title, "--customer", "Cust\x07")
    assert created.returncode == 0, created.stderr
    result = run_golive("status", "acme")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "ACME\\x1b[31m red \\u202eevil [bold]x for Cust\\x07", first
    assert not is_unsafe(result.stdout.replace("\n", ""))
    document = json.loads(run_golive("status", "acme", "--json").stdout)  # JSON stays JSON
    assert document["session"] == title
