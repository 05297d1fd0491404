"""The core of a field edit (golive.session.fields): typed text is validated against the whole
model; what does not validate is kept as a draft, never lost, and the session stays valid."""

from __future__ import annotations

from golive.session import fields
from golive.session.model import Session


def test_typed_text_that_validates_is_set_and_drops_its_draft() -> None:
    session = Session()
    session.drafts = {"environments.production.base_url": "http://x"}
    errors = fields.apply_text(
        session, "environments.production.base_url", "text", "https://api.example.com"
    )
    assert errors == []
    assert session.environments.production.base_url == "https://api.example.com"
    assert session.drafts == {}


def test_typed_text_that_does_not_validate_is_a_draft_and_the_session_keeps_its_value() -> None:
    session = Session()
    errors = fields.apply_text(
        session, "environments.production.base_url", "text", "http://api.example.com"
    )
    assert errors and "https" in " ".join(errors)
    assert session.environments.production.base_url == ""
    assert session.drafts == {"environments.production.base_url": "http://api.example.com"}
    # asking again changes nothing
    assert (
        fields.errors_for_text(
            session, "environments.production.base_url", "text", "http://api.example.com"
        )
        == errors
    )


def test_text_kinds_are_read_as_the_model_takes_them() -> None:
    assert fields.from_text(" a, b,,c ", "list") == ["a", "b", "c"]
    assert fields.from_text("run 'two words'", "argv") == ["run", "two words"]
    assert fields.from_text("  ", "optional") is None
    assert fields.to_text(["run", "two words"], "argv") == "run 'two words'"


def test_field_errors_are_worded_as_the_loader_words_them() -> None:
    session = Session()
    (bad_date,) = fields.errors_for_text(session, "credentials.obtained_on", "text", "2025-13-01")
    assert bad_date.startswith("not a date (month is outside") and "YYYY-MM-DD" in bad_date
    (too_small,) = fields.errors_for_text(session, "targets.pilot_max", "text", "0")
    assert too_small == "too small: it must be greater than or equal to 1"
    (not_number,) = fields.errors_for_text(session, "targets.pilot_max", "text", "three")
    assert not_number == "not a whole number"
