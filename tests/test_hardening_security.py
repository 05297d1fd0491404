"""The security review (docs/security-review.md), as tests: TLS verification cannot be turned
off, http:// is refused for production, the sandbox binds loopback and guards its admin
endpoint, files are never written through a planted symlink, no secret on a command line, the
HTML export escapes everything, and bandit has no unexplained finding.

The end-to-end secret scan of every written file and output lives in
tests/test_secret_end_to_end.py (keyring) and tests/test_hardening_faults.py (every fault)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import RunGolive
from golive.cli import build_parser
from golive.session import evidence, lock, store
from golive.session.errors import BadInputError, SaveError
from golive.session.evidence import EvidenceRecord
from golive.session.model import Session
from session_factory import make_session

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "golive"

# --- TLS verification ---------------------------------------------------------------------------

TLS_OFF = re.compile(
    r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context"
    r"|ssl\._create_default_https_context"
)
# The sandbox's own readiness probe of the server it just started (its test variants carry bad
# certificates on purpose); never a client call golive makes to an API.
TLS_OFF_ALLOWED = {"golive/sandbox/runner.py"}


def test_no_code_turns_tls_verification_off() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if TLS_OFF.search(code):
                found.append(f"{path.relative_to(SRC.parent)}:{number}: {line.strip()}")
    unexpected = [f for f in found if f.split(":")[0] not in TLS_OFF_ALLOWED]
    assert not unexpected, unexpected
    assert len(found) == 1, found  # the sandbox probe, and nothing more there


def test_no_command_has_an_option_to_skip_verification() -> None:
    words = re.compile(r"insecure|no-verify|skip-verify|verify|no-tls-check", re.IGNORECASE)
    options: list[str] = []

    def walk(parser: object) -> None:
        import argparse

        assert isinstance(parser, argparse.ArgumentParser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)
            options.extend(action.option_strings)

    walk(build_parser())
    assert len(options) > 50
    assert not [o for o in options if words.search(o)], options


def test_the_client_tls_context_always_verifies() -> None:
    """With or without a CA bundle (for a TLS-intercepting proxy), verification stays on."""
    import ssl

    import certifi

    from golive.api.tls import tls_context

    for context in (tls_context(), tls_context(certifi.where())):
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname is True


# --- http:// is refused for production ------------------------------------------------------


def test_http_is_refused_for_production_in_the_file_the_wizard_and_the_api(
    run_golive: RunGolive, golive_home: Path
) -> None:
    assert run_golive("new", "acme", "--no-tui").returncode == 0
    path = golive_home / "sessions" / "acme.toml"
    text = path.read_text().replace(
        '[environments.production]\npreset = ""\nbase_url = ""',
        '[environments.production]\npreset = ""\nbase_url = "http://api.onesourcetax.com"',
    )
    path.write_text(text)
    refused = run_golive("validate", "acme")
    assert refused.returncode == 2 and "https" in refused.stdout + refused.stderr

    # the wizard's field validation (the whole session is validated as the user types)
    from golive.tui.widgets.field import validate_value

    errors, candidate = validate_value(
        make_session(), "environments.production.base_url", "http://api.onesourcetax.com"
    )
    assert candidate is None and any("https" in e for e in errors), errors

    # and the API layer, for a session changed in memory past the model's checks
    from golive.checks.suites import plan_suite

    session = make_session()
    session.environments.production.base_url = "http://api.onesourcetax.com"
    with pytest.raises(BadInputError, match="https"):
        plan_suite(session, "production", "connectivity")


# --- the sandbox --------------------------------------------------------------------------------


def test_the_sandbox_binds_loopback_by_default_and_guards_its_admin_endpoint() -> None:
    from golive.sandbox.runner import SandboxServer

    assert "default 127.0.0.1" in subprocess.run(
        [sys.executable, "-m", "golive", "sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\n", " ").replace("  ", " ")
    with SandboxServer() as server:
        assert server.address[0] == "127.0.0.1"
        admin = f"{server.url}/admin/faults"
        with httpx.Client(timeout=5) as client:
            missing = client.put(admin, json={"fail_auth": True})
            wrong = client.put(admin, json={"fail_auth": True}, headers={"X-Admin-Token": "guess"})
            reading = client.get(admin)
            assert (missing.status_code, wrong.status_code, reading.status_code) == (
                401,
                403,
                401,
            )
            assert server.faults.fail_auth is False  # nothing changed
            right = client.put(
                admin, json={"fail_auth": True}, headers={"X-Admin-Token": server.admin_token}
            )
            assert right.status_code == 200 and server.faults.fail_auth is True
    assert len(server.admin_token) >= 24  # random per run


# --- no symlink is ever followed when writing -------------------------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file an attacker would like golive to overwrite through a planted symlink."""
    target = tmp_path / "victim" / "authorized_keys"
    target.parent.mkdir()
    target.write_text("precious\n")
    return target


def _plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def test_a_symlink_at_the_backup_path_is_refused_not_followed(tmp_path: Path, victim: Path) -> None:
    """Changed deliberately with issue 12: a link at NAME.toml.bak is refused (it was replaced)."""
    path = tmp_path / "s" / "acme.toml"
    path.parent.mkdir()
    store.SessionFile.create(path, make_session())
    _plant(store.backup_path(path), victim)
    handle = store.SessionFile.open(path)
    handle.session.meta.title = "changed"
    with pytest.raises(
        BadInputError, match=re.escape("backup file acme.toml.bak is a symbolic link")
    ):
        handle.save()
    assert victim.read_text() == "precious\n"
    assert store.load(path).meta.title == make_session().meta.title  # nothing saved


def test_a_symlink_at_a_temp_file_name_is_not_followed(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "acme.toml"
    handle = store.SessionFile.create(path, make_session())
    monkeypatch.setattr("secrets.token_hex", lambda _n: "deadbeef")  # a predictable name
    _plant(path.parent / f".acme.toml.{os.getpid()}.deadbeef.tmp", victim)
    handle.session.meta.title = "changed"
    with pytest.raises(SaveError, match="exists"):
        handle.save()
    assert victim.read_text() == "precious\n"
    assert store.load(path).meta.title == make_session().meta.title


def test_a_symlink_at_the_lock_or_the_evidence_log_is_refused(tmp_path: Path, victim: Path) -> None:
    path = tmp_path / "acme.toml"
    handle = store.SessionFile.create(path, make_session())
    _plant(lock.lock_path(path), victim)
    # issue 12: refused as untrusted files (exit 2) before anything is opened
    with pytest.raises(
        BadInputError, match=re.escape("lock file acme.toml.lock is a symbolic link")
    ):
        lock.SessionLock(path).acquire()
    _plant(handle.evidence_path, victim)
    with pytest.raises(
        BadInputError, match=re.escape("evidence log acme.evidence.jsonl is a symbolic link")
    ):
        evidence.append(handle.evidence_path, EvidenceRecord(kind="probe", outcome="passed"))
    assert victim.read_text() == "precious\n"


def test_a_symlink_as_the_session_file_itself_is_refused(tmp_path: Path, victim: Path) -> None:
    """Changed deliberately with issue 12: golive refuses a link as its session file (it used
    to replace the link with the saved file); neither the link nor its target changes."""
    real = tmp_path / "real.toml"
    store.SessionFile.create(real, make_session())
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    with pytest.raises(BadInputError, match=re.escape("session file link.toml is a symbolic link")):
        store.SessionFile.open(link)
    assert link.is_symlink() and store.load(real).meta.title == make_session().meta.title


def test_reports_and_junit_files_never_write_through_a_symlink(
    run_golive: RunGolive, golive_home: Path, tmp_path: Path, victim: Path
) -> None:
    assert run_golive("new", "acme", "--no-tui").returncode == 0
    out = tmp_path / "out"
    for fmt in ("md", "html", "json"):
        _plant(out / f"report.{fmt}", victim)
        result = run_golive("export", "acme", "--format", fmt, "-o", str(out / f"report.{fmt}"))
        assert result.returncode == 0, result.stderr
        assert not (out / f"report.{fmt}").is_symlink()
    assert victim.read_text() == "precious\n"


def test_what_golive_writes_about_a_session_is_private_from_the_start(
    run_golive: RunGolive, golive_home: Path
) -> None:
    import stat

    assert run_golive("new", "acme", "--no-tui").returncode == 0
    assert run_golive("item", "acme", "credentials.vault", "--status", "done").returncode == 0
    assert run_golive("export", "acme", "--format", "html").returncode == 0
    folder = golive_home / "sessions"
    path = folder / "acme.toml"
    evidence.append(store.evidence_path(path), EvidenceRecord(kind="probe", outcome="passed"))
    with lock.SessionLock(path):
        files = [
            path,
            store.backup_path(path),
            store.evidence_path(path),
            lock.lock_path(path),
            folder / "acme.report.html",
        ]
        modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
    assert set(modes.values()) == {"0o600"}, modes
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# --- no secret on a command line --------------------------------------------------------------


def test_no_secret_in_the_arguments_of_a_running_golive(golive_home: Path) -> None:
    """While `golive check` waits on a hanging server, its command line (what `ps` shows to
    every user) and its children's hold no secret: secrets come from the environment or the
    keyring, never arguments."""
    from fault_table import SECRET, sandbox, session_for

    with sandbox("valid") as server:
        server.set_faults(hang_s=6, endpoints=("ping",))
        path = golive_home / "sessions" / "ps.toml"
        store.SessionFile.create(path, session_for(server, server.url, trust_ca=True))
        env = {**os.environ, "GOLIVE_STAGING_CLIENT_SECRET": SECRET}
        proc = subprocess.Popen(
            [sys.executable, "-m", "golive", "check", "ps", "--env", "staging", "--suite", "smoke"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            seen = []
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline and proc.poll() is None:
                for pid_dir in Path("/proc").glob("[0-9]*"):
                    try:
                        cmdline = (pid_dir / "cmdline").read_bytes()
                    except OSError:
                        continue
                    if b"golive" in cmdline:
                        seen.append(cmdline)
                        assert SECRET.encode() not in cmdline
                time.sleep(0.2)
            assert any(b"check\0ps" in c for c in seen), "the running check was not seen"
        finally:
            proc.kill()
            proc.communicate()


# --- the HTML export escapes everything -------------------------------------------------------

HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>{{7*7}}"


def _hostile_session() -> Session:
    from golive.session.checklist import set_item_status
    from golive.session.model import Person

    session = make_session(("DE", "MX"))
    for field in ("title", "customer", "partner", "engineer"):
        setattr(session.meta, field, f"{field} {HOSTILE}")
    session.credentials.vault.product = HOSTILE
    session.credentials.vault.path = HOSTILE
    session.credentials.vault.access = [HOSTILE]
    # (the e-mail field now refuses what is no address: the hostile text goes in the phone)
    session.credentials.authorized_people = [Person(name=HOSTILE, phone=HOSTILE, role=HOSTILE)]
    session.countries["DE"].tax_id = HOSTILE
    session.countries["MX"].platform_account = HOSTILE
    session.monitoring.api_usage.dashboard = HOSTILE
    session.monitoring.api_usage.notes = HOSTILE
    session.rollback.manual_steps = HOSTILE
    session.drafts = {"meta.title": HOSTILE}
    for item_id in ("credentials.vault", "support.first_line", "compliance.DE.tax_id"):
        set_item_status(session, item_id, "blocked", by=HOSTILE, note=HOSTILE, reason=HOSTILE)
    return session


def test_the_html_export_escapes_every_user_text(tmp_path: Path, run_golive: RunGolive) -> None:
    path = tmp_path / "hostile.toml"
    handle = store.SessionFile.create(path, _hostile_session())
    evidence.append(
        handle.evidence_path,
        EvidenceRecord(
            kind="check.smoke",
            outcome="failed",
            summary=HOSTILE,
            host=HOSTILE,
            diagnosis={"message": HOSTILE, "advice": HOSTILE},
            items=["credentials.vault"],
        ),
    )
    out = tmp_path / "report.html"
    result = run_golive("export", str(path), "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    assert "<script>" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert html.count(escaped) >= 10, html.count(escaped)  # the text is shown, escaped
    assert "{{7*7}}" in html and ">49<" not in html  # no template evaluation of user text
    document = json.loads(run_golive("export", str(path), "--format", "json", "-o", "-").stdout)
    assert HOSTILE in _strings(document)  # JSON keeps it verbatim


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --- bandit ------------------------------------------------------------------------------------


def _explained_findings() -> set[tuple[str, str, str]]:
    """(test id, file, flagged code) of every row of the bandit table in the review."""
    review = (ROOT / "docs" / "security-review.md").read_text("utf-8")
    rows = set()
    for line in review.splitlines():
        match = re.match(r"\|\s*(B\d{3})\s*\|\s*`([^`]+)`\s*\|\s*`(.+?)`\s*\|", line)
        if match:
            rows.add((match.group(1), match.group(2), match.group(3).replace("\\|", "|")))
    return rows


def _code_key(line: str) -> str:
    return line.split("  #", 1)[0].split(" # ", 1)[0].strip()


def test_bandit_has_no_unexplained_finding(tmp_path: Path) -> None:
    # every finding counts here, the ones CI's config skips and `# nosec` silences included:
    # each must be explained in the review
    config = tmp_path / "bandit.toml"
    config.write_text('[tool.bandit]\nexclude_dirs = ["tests", "benchmarks"]\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "--ignore-nosec",
            "-c",
            str(config),
            "-r",
            "src",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    report = json.loads(result.stdout)
    explained = _explained_findings()
    assert explained, "docs/security-review.md has no bandit table"
    unexplained = []
    for finding in report["results"]:
        file = finding["filename"]
        line = Path(ROOT / file).read_text("utf-8").splitlines()[finding["line_number"] - 1]
        key = (finding["test_id"], file, _code_key(line))
        if key not in explained:
            unexplained.append(f"| {key[0]} | `{key[1]}` | `{key[2]}` | {finding['issue_text']}")
    assert not unexplained, "explain (or fix) in docs/security-review.md:\n" + "\n".join(
        unexplained
    )
    assert not report["errors"], report["errors"]
