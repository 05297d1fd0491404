"""Issue 16: a custom notification template reads `{customer}` as well as `$customer`, always
carries the rollback's reason, and the wizard can show the syntax, the placeholders and the
default template from one core constant."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from golive.ops.rollback import (
    DEFAULT_TEMPLATE,
    PLACEHOLDERS,
    check_template,
    parse_customer,
    run_rollback,
    set_plan,
    template_help,
    template_placeholders,
)
from golive.session.errors import BadInputError
from golive.session.store import SessionFile
from session_factory import make_session

NOW = "2026-11-03T04:05:06+00:00"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)


@pytest.fixture
def handle(tmp_path: Path) -> SessionFile:
    session = make_session(("DE",))
    handle = SessionFile.create(tmp_path / "acme.toml", session)
    set_plan(
        handle.session,
        command=[sys.executable, "-c", "print('flag off')"],
        notify=[parse_customer("ACME Corp,Jane Doe,jane@acme.example")],
        session_path=handle.path,
    )
    handle.save()
    return handle


def test_braces_are_placeholders_too(handle: SessionFile) -> None:
    handle.session.rollback.notification_template = (
        "Subject: {integration} for {customer}\n\nHello {contact}: {reason}. Price $$5.\n"
    )
    result = run_rollback(handle.session, handle.path, reason="too many errors")
    letter = result.drafts[0].read_text()
    assert "Subject: ONESOURCE tax integration for ACME Corp" in letter
    assert "Hello Jane Doe: too many errors. Price $5." in letter
    assert "{customer}" not in letter and "{reason}" not in letter
    assert not result.warnings


def test_a_template_without_the_reason_still_says_it(handle: SessionFile) -> None:
    handle.session.rollback.notification_template = "Hello $contact, we are on it.\n"
    result = run_rollback(handle.session, handle.path, reason="clearance rejected")
    letter = result.drafts[0].read_text()
    assert "The problem: clearance rejected" in letter


def test_an_unknown_braced_placeholder_is_refused_like_a_dollar_one() -> None:
    assert template_placeholders("Hi {customer} and ${contact}") == ["customer", "contact"]
    with pytest.raises(BadInputError, match="ticket"):
        check_template("Ref {ticket}")


def test_the_wizard_can_show_syntax_placeholders_and_default() -> None:
    text = template_help()
    assert "{customer}" in text and "$customer" in text
    for name in PLACEHOLDERS:
        assert f"${name}" in text
    assert DEFAULT_TEMPLATE in text
