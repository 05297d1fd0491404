"""The rollback: the plan, the preview, and the run with a real shell-free command, a real HTTP
feature-flag call to a local receiver, notification drafts and a verified log archive."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from golive.ops.rollback import (
    DEFAULT_TEMPLATE,
    parse_customer,
    preview_rollback,
    record_step,
    run_rollback,
    set_plan,
)
from golive.ops.support import set_escalation_level
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError
from golive.session.evidence import read
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

NOW = "2026-11-03T04:05:06+00:00"
PLACEHOLDER = re.compile(r"\$(\{?[A-Za-z_])")
WRITE_FLAG = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text('off'); print('flag off', sys.argv[2:])"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """An error-log folder with a sub-folder, and symlinks that point out of it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not a log")
    folder = tmp_path / "logs"
    (folder / "old").mkdir(parents=True)
    (folder / "app.log").write_text('{"level":"error","msg":"boom"}\n' * 100)
    (folder / "old" / "app.log.1").write_bytes(b"\x00\x01 binary-ish\n" * 10)
    (folder / "escape.log").symlink_to(outside / "secret.txt")
    (folder / "outside-dir").symlink_to(outside)
    return folder


@pytest.fixture
def handle(tmp_path: Path, logs: Path) -> SessionFile:
    session = make_session(("DE", "MX"))
    set_escalation_level(session, 1, name="Bob Support", email="support@partner.example")
    handle = SessionFile.create(tmp_path / "acme.toml", session)
    (tmp_path / "single.log").write_text("one file\n")
    set_plan(
        handle.session,
        command=[sys.executable, "-c", WRITE_FLAG, str(tmp_path / "flag"), "$(touch pwned)", "; x"],
        notify=[
            parse_customer("ACME Corp,Jane Doe,jane@acme.example,+49 30 123456"),
            parse_customer("Cash $ Carry GmbH,,"),
        ],
        log_locations=[str(logs), str(tmp_path / "single.log")],
        session_path=handle.path,
    )
    handle.save()
    return handle


def status(handle: SessionFile, item: str) -> str:
    return build_checklist(handle.session)[item].status.value


def test_the_plan_says_what_is_missing_until_complete(tmp_path: Path) -> None:
    session = make_session(("DE",))
    path = tmp_path / "acme.toml"
    plan = set_plan(
        session, manual_steps="switch ONESOURCE off in the admin console", session_path=path
    )
    assert not plan.ready
    assert plan.missing == [
        "the affected customers to notify",
        "where the error logs are",
    ]
    assert build_checklist(session)["rollback.plan"].status.value == "in_progress"
    plan = set_plan(
        session, notify=[parse_customer("ACME")], log_locations=[str(tmp_path)], session_path=path
    )
    assert plan.ready
    assert build_checklist(session)["rollback.plan"].status.value == "done"
    # done on the evidence of a recorded plan check (issue 12)
    [*_, check] = read(evidence_path(path)).records
    assert check.kind == "rollback_plan_check" and check.outcome == "passed"
    assert build_checklist(session)["rollback.plan"].state.evidence[-1] == check.id
    with pytest.raises(BadInputError, match=r"unknown placeholder\(s\): \$ticket"):
        set_plan(session, template="Dear $contact, ticket $ticket")
    with pytest.raises(BadInputError):
        set_plan(session, command=[])
    with pytest.raises(BadInputError):
        set_plan(session, flag_url="ftp://flags.example")
    with pytest.raises(BadInputError):
        parse_customer(",Jane")


def test_before_a_rollback_its_execution_items_do_not_apply(handle: SessionFile) -> None:
    checklist = build_checklist(handle.session)
    assert checklist["rollback.plan"].status.value == "done"
    assert checklist["rollback.disable_flag"].status.value == "not_applicable"
    assert checklist["rollback.disable_flag"].derived
    with pytest.raises(BadInputError, match="no rollback was started"):
        record_step(handle.session, "root_cause", "done", "found it")


def test_the_preview_says_exactly_what_will_happen(handle: SessionFile) -> None:
    preview = preview_rollback(handle.session, handle.path, reason="5xx above 10 %")
    assert preview.can_run
    text = "\n".join(preview.actions)
    assert "reason: 5xx above 10 %" in text
    assert f"running {sys.executable} -c" in text
    assert "'$(touch pwned)'" in text, "arguments are shown as they will be passed"
    assert "(no shell, timeout 120 s)" in text
    assert "notify-acme-corp.txt (ACME Corp, to jane@acme.example)" in text
    assert "notify-cash-carry-gmbh.txt" in text
    assert preview.folder.name == "acme.rollback-20261103T040506Z"
    assert "logs-20261103T040506Z.tar.gz" in text
    assert not preview.folder.exists(), "a preview does nothing"
    assert preview_rollback(handle.session, handle.path, reason=" ").problems


def test_running_it_disables_notifies_archives_and_opens_the_investigation(
    handle: SessionFile, tmp_path: Path, logs: Path
) -> None:
    # a location gone since the plan was checked: the run still goes ahead and says so
    handle.session.rollback.log_locations.append(str(tmp_path / "missing"))
    result = run_rollback(handle.session, handle.path, reason="5xx above 10 %")
    handle.save()
    # 1. the command ran, without a shell: its arguments arrived as they were
    assert (tmp_path / "flag").read_text() == "off"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert result.disable.ok and result.disable.exit_code == 0
    assert "flag off ['$(touch pwned)', '; x']" in result.disable.output
    assert (result.folder / "disable-output.txt").read_text().startswith("flag off")
    # 2. a draft per affected customer, no placeholder left
    assert [p.name for p in result.drafts] == ["notify-acme-corp.txt", "notify-cash-carry-gmbh.txt"]
    acme = result.drafts[0].read_text()
    assert acme.startswith("To: Jane Doe <jane@acme.example>\n")
    assert "Dear Jane Doe," in acme
    assert "2026-11-03 04:05 UTC" in acme and "5xx above 10 %" in acme
    assert "Bob Support (support@partner.example)" in acme
    assert "Partner GmbH" in acme
    cash = result.drafts[1].read_text()
    assert "Dear Cash $ Carry GmbH team," in cash
    for draft in result.drafts:
        assert not PLACEHOLDER.search(draft.read_text().replace("Cash $ Carry", "")), draft
    # 3. the archive: every regular file, no symlink followed, a manifest that verifies
    archive = result.archive
    assert archive.path is not None and archive.files == 3
    assert archive.missing == [str(tmp_path / "missing")]
    assert any("escape.log (a symlink" in s for s in archive.skipped)
    assert any("outside-dir (a symlink" in s for s in archive.skipped)
    with tarfile.open(archive.path) as tar:
        names = tar.getnames()
        assert sorted(names) == [
            "MANIFEST.sha256",
            "logs/app.log",
            "logs/old/app.log.1",
            "single.log",
        ]
        manifest = tar.extractfile("MANIFEST.sha256").read().decode()  # type: ignore[union-attr]
        for line in manifest.splitlines():
            digest, name = line.split("  ", 1)
            content = tar.extractfile(name).read()  # type: ignore[union-attr]
            assert hashlib.sha256(content).hexdigest() == digest
        assert tar.extractfile("logs/app.log").read() == (logs / "app.log").read_bytes()  # type: ignore[union-attr]
    assert (result.folder / "MANIFEST.sha256").read_text() == manifest
    assert hashlib.sha256(archive.path.read_bytes()).hexdigest() == archive.sha256
    assert (result.folder / f"{archive.path.name}.sha256").read_text().startswith(archive.sha256)
    # 4. the items, each with its note and time
    checklist = build_checklist(handle.session)
    assert checklist["rollback.disable_flag"].status.value == "done"
    assert checklist["rollback.notify"].status.value == "in_progress"
    assert checklist["rollback.preserve_logs"].status.value == "done"
    for item in (
        "review_logs",
        "root_cause",
        "fix_timeline",
        "fix_staging",
        "verify_fix",
        "redeploy",
        "reenable",
    ):
        state = checklist[f"rollback.{item}"]
        assert state.status.value == "todo" and not state.derived
        assert state.note and state.state.changed_at is not None
    assert str(archive.path) in checklist["rollback.review_logs"].note
    assert handle.session.rollback.started_at is not None
    assert handle.session.rollback.run_folder == str(result.folder)
    record = read(evidence_path(handle.path)).by_id()[result.evidence_id]
    assert record.kind == "rollback" and record.outcome == "passed"
    assert record.figures["exit_code"] == 0 and record.figures["archived_files"] == 3
    assert (
        record_step(handle.session, "root_cause", "done", "a bad mapping of vatId").value == "done"
    )
    assert build_checklist(handle.session)["rollback.root_cause"].note == "a bad mapping of vatId"
    with pytest.raises(BadInputError):
        record_step(handle.session, "celebrate", "done", "x")


def test_a_failing_command_is_recorded_and_the_rest_still_happens(handle: SessionFile) -> None:
    set_plan(
        handle.session, command=[sys.executable, "-c", "import sys; print('nope'); sys.exit(3)"]
    )
    result = run_rollback(handle.session, handle.path, reason="test")
    assert not result.ok
    assert result.disable.exit_code == 3
    assert status(handle, "rollback.disable_flag") == "failed"
    assert "exited with 3" in build_checklist(handle.session)["rollback.disable_flag"].note
    assert status(handle, "rollback.preserve_logs") == "done"
    assert result.drafts


def test_a_hanging_or_missing_command_fails_cleanly(handle: SessionFile) -> None:
    set_plan(
        handle.session,
        command=[sys.executable, "-c", "import time; print('waiting', flush=True); time.sleep(30)"],
        timeout_s=0.5,
    )
    result = run_rollback(handle.session, handle.path, reason="test")
    assert result.disable.exit_code is None
    assert "timed out after 0.5 s" in result.disable.error
    set_plan(handle.session, command=["/nonexistent/flagctl", "off"])
    from golive.session.clock import now

    later = now().replace(second=59)
    result = run_rollback(handle.session, handle.path, reason="again", at=later)
    assert "was not found" in result.disable.error


@pytest.fixture
def flag_service() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"requests": [], "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state["requests"].append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length).decode(),
                }
            )
            answer = b'{"flag":"onesource","enabled":false}'
            self.send_response(state["status"])
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_PUT = do_POST = do_PATCH = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_a_feature_flag_call_with_a_bearer_token_from_the_secrets(
    handle: SessionFile, flag_service: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "flag-token-0123456789abcdef"  # pragma: allowlist secret
    monkeypatch.setenv("GOLIVE_SECRET_FLAG_TOKEN", token)
    set_plan(
        handle.session,
        flag_url=f"{flag_service['url']}/api/flags/onesource",
        flag_method="PUT",
        flag_body='{"enabled": false}',
        flag_token_secret="flag_token",
    )
    assert handle.session.rollback.disable_method == "http"
    preview = preview_rollback(handle.session, handle.path, reason="x")
    assert "with the bearer token from the secret 'flag_token'" in "\n".join(preview.actions)
    assert token not in "\n".join(preview.actions)
    result = run_rollback(handle.session, handle.path, reason="errors")
    assert result.disable.ok and result.disable.http_status == 200
    [request] = flag_service["requests"]
    assert request["method"] == "PUT" and request["path"] == "/api/flags/onesource"
    assert request["headers"]["Authorization"] == f"Bearer {token}"
    assert json.loads(request["body"]) == {"enabled": False}
    assert request["headers"]["Content-Type"] == "application/json"
    assert token not in evidence_path(handle.path).read_text()
    assert token not in handle.path.read_text() + json.dumps(handle.session.model_dump(mode="json"))
    flag_service["status"] = 503
    later = result.started_at.replace(second=result.started_at.second + 1)
    failed = run_rollback(handle.session, handle.path, reason="again", at=later)
    assert not failed.disable.ok and failed.disable.http_status == 503


def test_manual_steps_stay_in_progress(handle: SessionFile) -> None:
    set_plan(handle.session, manual_steps="Admin console > Integrations > ONESOURCE > Off")
    result = run_rollback(handle.session, handle.path, reason="manual")
    assert result.disable.manual and result.ok
    item = build_checklist(handle.session)["rollback.disable_flag"]
    assert item.status.value == "in_progress"
    assert "Admin console > Integrations" in item.note


def test_a_template_with_an_unknown_placeholder_never_shows_it(handle: SessionFile) -> None:
    handle.session.rollback.notification_template = (
        "Hello ${contact} at $customer, price $$5, ref $ticket.\n"  # hand-edited in the TOML
    )
    result = run_rollback(handle.session, handle.path, reason="x")
    text = result.drafts[0].read_text()
    assert "Hello Jane Doe at ACME Corp, price $5, ref ." in text
    assert "$ticket" not in text
    assert any("$ticket" in w for w in result.warnings)
    for name in re.findall(r"\$(\w+)", DEFAULT_TEMPLATE):
        assert name in {
            "customer",
            "contact",
            "email",
            "started_at",
            "reason",
            "partner",
            "support",
            "integration",
            "subject",
            "what_happened",
            "steps",
        }


def test_cli_rollback_previews_confirms_and_runs(
    run_golive, handle: SessionFile, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = str(handle.path)
    env = {"GOLIVE_NOW": NOW}
    dry = run_golive("rollback", path, "--dry-run", "--reason", "errors", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "golive rollback will:" in dry.stdout and "notify-acme-corp.txt" in dry.stdout
    assert not (tmp_path / "flag").exists()
    unconfirmed = run_golive("rollback", path, "run", "--reason", "errors", env=env)
    assert unconfirmed.returncode == 2
    assert "needs confirmation" in unconfirmed.stderr
    assert SessionFile.open(handle.path).session.rollback.started_at is None
    done = run_golive("rollback", path, "run", "--reason", "errors", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "flag").read_text() == "off"
    assert "rollback.disable_flag: done" in done.stdout
    assert "rollback.reenable: todo" in done.stdout
    step = run_golive(
        "rollback", path, "--step", "fix_staging", "--status", "done", "--note", "v2.4.2", env=env
    )
    assert step.returncode == 0, step.stderr
    assert "rollback.fix_staging: done" in step.stdout
    planned = run_golive(
        "rollback", path, "--command", "flagctl off 'the integration'", "--logs", str(tmp_path)
    )
    assert planned.returncode == 0, planned.stderr
    assert SessionFile.open(handle.path).session.rollback.disable_command == [
        "flagctl",
        "off",
        "the integration",
    ]
