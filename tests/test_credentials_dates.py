"""Issue 12: credential dates are checked. Expiry before the day they were obtained, or obtained
in the future, is refused by the model: located in a session file, inline in the wizard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from tests.tui_fixtures import (
    SIZE,
    app_for,
    field_errors,
    field_input,
    make_session,
    type_into,
    wait_for_screen,
)

from golive.session.model import CredentialsSetup
from golive.session.store import SessionFile
from session_factory import make_session as make_plain_session

NOW = "2026-11-05T12:00:00+00:00"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", NOW)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def test_expiry_before_obtained_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"before they were obtained \(2026-10-01\)"):
        CredentialsSetup(obtained_on=date(2026, 10, 1), expires_on=date(2026, 9, 30))
    credentials = CredentialsSetup(obtained_on=date(2026, 10, 1), expires_on=date(2027, 10, 1))
    with pytest.raises(ValidationError, match="before they were obtained") as refused:
        credentials.expires_on = date(2026, 1, 1)
    assert refused.value.errors()[0]["loc"] == ("expires_on",)
    assert credentials.expires_on == date(2027, 10, 1), "nothing was changed"
    old = CredentialsSetup(obtained_on=date(2025, 1, 1), expires_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match=r"after they expire \(2026-01-01\)"):
        old.obtained_on = date(2026, 2, 1)
    assert old.obtained_on == date(2025, 1, 1)


def test_obtained_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError, match="2026-12-01 is in the future"):
        CredentialsSetup(obtained_on=date(2026, 12, 1))
    assert CredentialsSetup(obtained_on=date(2026, 11, 5)).obtained_on == date(2026, 11, 5)


def test_a_session_file_with_expiry_before_obtained_is_refused_with_its_place(
    run_golive, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "acme.toml"
    SessionFile.create(path, make_plain_session(("DE",)))
    text = path.read_text()
    text = text.replace(
        "[credentials]\n", "[credentials]\nobtained_on = 2026-10-01\nexpires_on = 2026-09-01\n", 1
    )
    path.write_text(text)
    shown = run_golive("status", str(path), env={"GOLIVE_NOW": NOW})
    assert shown.returncode == 2
    assert "credentials.expires_on" in shown.stderr and "before they were obtained" in shown.stderr
    assert "Traceback" not in shown.stderr


async def test_the_wizard_shows_the_date_error_at_the_field() -> None:
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")
        await type_into(pilot, field_input(app, "credentials.obtained_on"), "2026-10-01")
        assert field_errors(app, "credentials.obtained_on") == ""
        await type_into(pilot, field_input(app, "credentials.expires_on"), "2026-09-01")
        assert "before they were obtained" in field_errors(app, "credentials.expires_on")
        assert app.session.credentials.expires_on is None
        await type_into(pilot, field_input(app, "credentials.obtained_on"), "2027-01-01")
        assert "in the future" in field_errors(app, "credentials.obtained_on")
