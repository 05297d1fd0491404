"""Monitoring setup: the test alert against a real local webhook receiver (Slack, Teams, PagerDuty,
generic JSON), the log location on the real file system, and the records that cannot be checked."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from golive.ops import monitoring
from golive.session.checklist import build_checklist
from golive.session.errors import BadInputError, GoliveError
from golive.session.evidence import read
from golive.session.store import SessionFile, evidence_path
from session_factory import make_session

pytest_plugins = ["keyring_fixtures"]

SECRET_ENV = "GOLIVE_SECRET_ALERTING_WEBHOOK"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    answer: bytes = b"ok"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback: keeps every request, answers `status`."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers), json.loads(raw)))
            self.send_response(state.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def session_file(tmp_path: Path) -> SessionFile:
    return SessionFile.create(tmp_path / "acme.toml", make_session(("DE", "MX")))


def alerting_to(handle: SessionFile, channel: str, **options: Any) -> None:
    monitoring.set_alerting(
        handle.session, channel=channel, webhook_secret="alerting_webhook", **options
    )


def status_of(handle: SessionFile, item: str) -> str:
    return build_checklist(handle.session)[item].status.value


def test_slack_test_alert_is_a_text_message(
    receiver: Receiver, session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, f"{receiver.url}/services/T000/B000/XXXX")
    alerting_to(session_file, "slack")
    assert status_of(session_file, "monitoring.alerting") == "in_progress"
    result = monitoring.send_test_alert(session_file.session, session_file.path)
    assert result.passed
    assert "environment" in result.secret_notice
    [request] = receiver.requests
    assert request.path == "/services/T000/B000/XXXX"
    assert set(request.body) == {"text"}
    assert "golive test alert: ACME Corp" in request.body["text"]
    assert status_of(session_file, "monitoring.alerting") == "done"
    [evidence] = read(evidence_path(session_file.path)).records
    assert evidence.kind == "test_alert"
    assert evidence.outcome == "passed"
    assert evidence.figures["status"] == 200
    assert "XXXX" not in evidence.model_dump_json(), "the webhook URL is a secret"
    assert "XXXX" not in session_file.path.read_text() + json.dumps(
        session_file.session.model_dump(mode="json")
    )


def test_teams_adaptive_card_and_message_card(
    receiver: Receiver, session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, f"{receiver.url}/workflows/abc")
    alerting_to(session_file, "teams")
    assert monitoring.send_test_alert(session_file.session, session_file.path).passed
    card = receiver.requests[-1].body
    assert card["type"] == "message"
    [attachment] = card["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"
    assert attachment["content"]["body"][0]["text"].startswith("golive test alert")
    alerting_to(session_file, "teams", teams_card="messagecard")
    assert monitoring.send_test_alert(session_file.session, session_file.path).passed
    legacy = receiver.requests[-1].body
    assert legacy["@type"] == "MessageCard"
    assert legacy["@context"] == "https://schema.org/extensions"
    assert legacy["title"].startswith("golive test alert") and legacy["text"]


def test_pagerduty_events_v2_trigger_then_resolve(
    receiver: Receiver, session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    routing_key = "R0UT1NGKEY0123456789abcdefabcdef"
    monkeypatch.setenv(SECRET_ENV, routing_key)
    receiver.status, receiver.answer = 202, b'{"status":"success","message":"Event processed"}'
    alerting_to(session_file, "pagerduty", pagerduty_url=f"{receiver.url}/v2/enqueue")
    result = monitoring.send_test_alert(session_file.session, session_file.path)
    assert result.passed
    trigger, resolve = (r.body for r in receiver.requests)
    assert trigger["routing_key"] == routing_key
    assert trigger["event_action"] == "trigger"
    assert trigger["payload"]["severity"] == "info"
    assert trigger["payload"]["source"] == "golive"
    assert trigger["payload"]["summary"].startswith("golive test alert")
    assert resolve["event_action"] == "resolve"
    assert resolve["dedup_key"] == trigger["dedup_key"]
    assert all(r.path == "/v2/enqueue" for r in receiver.requests)
    evidence = read(evidence_path(session_file.path)).records[-1]
    assert routing_key not in evidence.model_dump_json()


def test_generic_webhook_refusal_fails_the_item(
    receiver: Receiver, session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, f"{receiver.url}/hook")
    receiver.status, receiver.answer = 403, b"invalid token"
    alerting_to(session_file, "webhook")
    result = monitoring.send_test_alert(session_file.session, session_file.path)
    assert not result.passed
    body = receiver.requests[0].body
    assert body["kind"] == "test_alert" and body["source"] == "golive" and body["text"]
    assert "HTTP 403 invalid token" in result.summary
    assert status_of(session_file, "monitoring.alerting") == "failed"


def test_an_unreachable_webhook_fails_without_showing_the_url(
    session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(SECRET_ENV, f"http://127.0.0.1:{port}/hooks/SECRETPART")
    alerting_to(session_file, "slack")
    result = monitoring.send_test_alert(session_file.session, session_file.path, timeout=2)
    assert not result.passed
    assert "not delivered" in result.summary
    assert "SECRETPART" not in result.summary
    assert status_of(session_file, "monitoring.alerting") == "failed"


def test_a_secret_that_is_not_a_url_is_bad_input(
    session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "not a url")
    alerting_to(session_file, "slack")
    with pytest.raises(BadInputError, match="does not hold an http"):
        monitoring.send_test_alert(session_file.session, session_file.path)


def test_no_secret_anywhere_says_how_to_give_it(session_file: SessionFile) -> None:
    os.environ.pop(SECRET_ENV, None)
    alerting_to(session_file, "slack")
    with pytest.raises(GoliveError, match=SECRET_ENV):
        monitoring.send_test_alert(session_file.session, session_file.path)


@pytest.mark.keyring
def test_webhook_url_from_the_real_keyring(
    real_keyring: Any, receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    from golive.secrets import store_secret
    from keyring_fixtures import remove_entries

    monkeypatch.delenv(SECRET_ENV, raising=False)
    handle = SessionFile.create(tmp_path / "kr.toml", make_session(("DE",)))
    try:
        store_secret(handle.session, "alerting_webhook", SecretStr(f"{receiver.url}/kr"))
        alerting_to(handle, "slack")
        result = monitoring.send_test_alert(handle.session, handle.path)
        assert result.passed
        assert "keyring" in result.secret_notice
        assert receiver.requests[0].path == "/kr"
    finally:
        remove_entries(handle.session, ["alerting_webhook"])


def test_email_alerting_cannot_be_sent_but_can_be_confirmed(session_file: SessionFile) -> None:
    session = session_file.session
    recorded = monitoring.set_alerting(
        session, channel="email", email_recipients=["ops@acme.example", "ops@acme.example"]
    )
    assert "golive cannot send e-mail" in recorded.note
    assert session.monitoring.alerting.email_recipients == ["ops@acme.example"]
    with pytest.raises(BadInputError, match="cannot send e-mail"):
        monitoring.send_test_alert(session, session_file.path)
    monitoring.confirm_alert_received(session, "arrived in ops@ at 10:42")
    assert status_of(session_file, "monitoring.alerting") == "done"
    with pytest.raises(BadInputError):
        monitoring.set_alerting(session, email_recipients=["not-an-address"])


def test_log_folder_exists_and_is_writable(tmp_path: Path, session_file: SessionFile) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    monitoring.set_logging(session_file.session, location=str(folder), format="json", level="INFO")
    assert session_file.session.monitoring.logging.level == "info"
    assert status_of(session_file, "monitoring.logging") == "in_progress"
    check = monitoring.check_log_location(session_file.session, session_file.path)
    assert check.passed and check.kind == "folder"
    assert list(folder.iterdir()) == [], "the write probe is removed"
    assert status_of(session_file, "monitoring.logging") == "done"


def test_log_file_is_opened_for_append_only_and_sampled(
    tmp_path: Path, session_file: SessionFile
) -> None:
    log = tmp_path / "app.log"
    content = '{"level":"info","msg":"a"}\nnot json\n{"level":"error","msg":"b"}\n'
    log.write_text(content)
    monitoring.set_logging(session_file.session, location=str(log), format="json", level="info")
    check = monitoring.check_log_location(session_file.session, session_file.path)
    assert check.passed and check.kind == "file"
    assert (check.json_lines, check.lines_sampled) == (2, 3)
    assert log.read_text() == content


def test_a_missing_location_fails(tmp_path: Path, session_file: SessionFile) -> None:
    monitoring.set_logging(session_file.session, location=str(tmp_path / "nope"))
    check = monitoring.check_log_location(session_file.session, session_file.path)
    assert not check.passed and check.kind == "missing"
    assert status_of(session_file, "monitoring.logging") == "failed"


def test_a_read_only_location_fails(tmp_path: Path, session_file: SessionFile) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    mounted = False
    if os.geteuid() == 0:  # root ignores file modes: make the folder read-only for real
        bind = subprocess.run(["mount", "--bind", str(locked), str(locked)], capture_output=True)
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(locked)], capture_output=True)
        mounted = bind.returncode == 0
        if bind.returncode or ro.returncode:
            if mounted:
                subprocess.run(["umount", str(locked)], check=False)
            pytest.skip("root, and a read-only bind mount is not permitted here")
    else:
        locked.chmod(0o500)
    try:
        monitoring.set_logging(session_file.session, location=str(locked))
        check = monitoring.check_log_location(session_file.session, session_file.path)
        assert not check.passed and "cannot be written" in check.summary
    finally:
        if mounted:
            subprocess.run(["umount", str(locked)], check=False)
        locked.chmod(0o700)


def test_metrics_tools_golive_cannot_query_are_recorded_as_such(session_file: SessionFile) -> None:
    recorded = monitoring.set_metrics(
        session_file.session, "api_usage", tool="datadog", dashboard="https://app.datadoghq.eu/d/x"
    )
    assert recorded.status.value == "done"
    assert "golive cannot query datadog" in recorded.note
    recorded = monitoring.set_metrics(session_file.session, "performance", tool="prometheus")
    assert recorded.status.value == "in_progress"
    with pytest.raises(BadInputError):
        monitoring.set_metrics(session_file.session, "performance", prometheus_url="ftp://x")


def test_cli_records_and_tests_alerting(run_golive, receiver: Receiver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "acme.toml"
    SessionFile.create(path, make_session(("DE",)))
    env = {SECRET_ENV: f"{receiver.url}/hook"}
    result = run_golive(
        "monitoring",
        str(path),
        "--alert",
        "slack",
        "--webhook-secret",
        "alerting_webhook",
        "--test-alert",
        "--log-location",
        str(tmp_path),
        "--log-format",
        "json",
        "--log-level",
        "info",
        "--check-log-location",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "test alert: passed" in result.stdout
    assert "log location: passed" in result.stdout
    assert receiver.requests[0].body["text"]
    receiver.status = 500
    failed = run_golive("monitoring", str(path), "--test-alert", env=env)
    assert failed.returncode == 1
    assert "test alert: FAILED" in failed.stdout
    bad = run_golive("monitoring", str(path), "--alert", "carrier-pigeon")
    assert bad.returncode == 2


def test_an_alert_not_delivered_leaves_alerting_not_done(
    receiver: Receiver, session_file: SessionFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 12: a Teams connector may answer HTTP 200 and say the delivery failed
    monkeypatch.setenv(SECRET_ENV, f"{receiver.url}/webhookb2/abc")
    alerting_to(session_file, "teams", teams_card="messagecard")
    assert status_of(session_file, "monitoring.alerting") == "in_progress", "configured, untested"
    receiver.answer = b"Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429"
    result = monitoring.send_test_alert(session_file.session, session_file.path)
    assert not result.passed
    assert "not delivered: HTTP 200 but the receiver answered" in result.summary
    assert status_of(session_file, "monitoring.alerting") == "failed"
    [evidence] = read(evidence_path(session_file.path)).records
    assert evidence.outcome == "failed"
    assert "delivery failed" in evidence.figures["answers"][0]["body"]
    # Slack says "ok" when it delivered; anything else in a 200 is not a delivery
    monkeypatch.setenv(SECRET_ENV, f"{receiver.url}/services/T/B/X")
    alerting_to(session_file, "slack")
    receiver.answer = b"no_service"
    assert not monitoring.send_test_alert(session_file.session, session_file.path).passed
    assert status_of(session_file, "monitoring.alerting") == "failed"
    receiver.answer = b"ok"
    assert monitoring.send_test_alert(session_file.session, session_file.path).passed
    item = build_checklist(session_file.session)["monitoring.alerting"]
    assert item.status.value == "done"
    assert item.state.evidence[-1] == read(evidence_path(session_file.path)).records[-1].id


def test_alerting_attested_by_cli_says_so(run_golive, session_file: SessionFile) -> None:  # type: ignore[no-untyped-def]
    path = str(session_file.path)
    configured = run_golive("monitoring", path, "--alert", "email", "--alert-email", "o@a.example")
    assert configured.returncode == 0, configured.stderr
    assert "monitoring.alerting: in_progress" in configured.stdout
    attested = run_golive("monitoring", path, "--attest", "test mail seen by ops at 10:42")
    assert attested.returncode == 0, attested.stderr
    assert "monitoring.alerting: done (attested: test mail seen by ops at 10:42)" in attested.stdout
    item = build_checklist(SessionFile.open(path).session)["monitoring.alerting"]
    assert item.status.value == "done" and "attested" in item.note
    assert run_golive("monitoring", path, "--attest", " ").returncode == 2
