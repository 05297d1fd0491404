"""Issue 16: plain validation words, stricter URLs and e-mails, and a session file without its end line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w
from pydantic import ValidationError

from golive.countries import normalise_code
from golive.session import sections, store
from golive.session.errors import BadInputError, SessionLoadError
from golive.session.model import Person, Session, _country_code
from golive.session.plain_errors import field_path, plain_message, plain_problems, plain_text
from golive.session.sections import Contact, PostDeploymentRecord
from session_factory import make_session

# --- plain words ----------------------------------------------------------------------------


def test_plain_words_name_the_field_and_hide_validator_text() -> None:
    session = make_session()
    data = session.model_dump(mode="json")
    data["targets"]["pilot_max"] = "three"
    data["meta"]["created"] = "yesterday"
    with pytest.raises(ValidationError) as caught:
        Session.model_validate(data)
    problems = dict(plain_problems(caught.value))
    assert problems["targets.pilot_max"] == "not a whole number"
    assert problems["meta.created"].startswith("not a date and time")
    text = plain_text(caught.value)
    assert "Input should" not in text and "valid date or datetime" not in text


def test_plain_message_for_unknown_kinds_and_own_words() -> None:
    assert plain_message({"type": "no_such_kind", "msg": "Input should be jargon"}) == (
        "not a value golive can use here"
    )
    assert plain_message({"type": "value_error", "msg": "Value error, bad port"}) == "bad port"
    assert "production, golive" in plain_message(
        {"type": "literal_error", "msg": "x", "ctx": {"expected": "production, golive"}}
    )
    assert field_path(("countries", "DE", "[key]", "ids", 2)) == "countries.DE.ids[2]"


def test_the_loader_never_shows_raw_validator_text(tmp_path: Path) -> None:
    text = store.dumps(make_session()).decode()
    text = text.replace("pilot_max = 3", 'pilot_max = "three"')
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(SessionLoadError) as caught:
        store.SessionFile.open(path)
    shown = " ".join(str(p) for p in caught.value.problems)
    assert "targets.pilot_max" in shown and "not a whole number" in shown
    assert "Input should" not in shown


# --- URLs and e-mails -----------------------------------------------------------------------


def test_a_second_port_is_refused_in_every_url_field() -> None:
    with pytest.raises(ValidationError):
        PostDeploymentRecord(prometheus_url="https://127.0.0.1:40963:99999")
    with pytest.raises(ValidationError):
        sections.MetricsSetup(prometheus_url="https://127.0.0.1:40963:99999")
    with pytest.raises(ValidationError):
        sections.FlagCall(url="https://flags.example:1:2/off")
    assert PostDeploymentRecord(prometheus_url="http://127.0.0.1:9090/").prometheus_url == (
        "http://127.0.0.1:9090"
    )


@pytest.mark.parametrize(
    "address", ["not-an-email", "sam@partner", "sam@@partner.example", "a b@c.example"]
)
def test_addresses_that_are_not_emails_are_refused(address: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Contact(name="Sam", email=address)
    assert "e-mail" in plain_text(caught.value) or "dot" in plain_text(caught.value)
    with pytest.raises(ValidationError):
        Person(name="Sam", email=address)
    with pytest.raises(ValidationError):
        sections.AlertingSetup(email_recipients=[address])


@pytest.mark.parametrize("address", ["sam@partner.example", "ada@example.com", "a@b.test", ""])
def test_real_and_test_addresses_pass(address: str) -> None:
    assert Contact(name="Sam", email=address).email == address


# --- one place for country codes and moments -----------------------------------------------


def test_country_codes_are_normalised_in_one_place() -> None:
    assert _country_code(" el ") == "GR" == normalise_code("el")
    with pytest.raises(ValueError):
        _country_code("XX")
    with pytest.raises(BadInputError):
        normalise_code("XX")


def test_sections_and_model_share_the_strict_base_and_moments() -> None:
    from golive.session import model

    assert sections._Strict is model.Strict
    assert sections.Moment is model.Moment


# --- the end line ---------------------------------------------------------------------------


def _without_marker(tmp_path: Path) -> Path:
    data = tomllib.loads(store.dumps(make_session()).decode())
    path = tmp_path / "scripted.toml"
    path.write_text(tomli_w.dumps(data))  # what a user's script writes: no end line
    return path


def test_a_file_written_by_a_toml_library_loads_with_a_warning(tmp_path: Path) -> None:
    handle = store.SessionFile.open(_without_marker(tmp_path))
    (warning,) = handle.warnings
    assert store.END_MARKER in warning and "cut off" in warning


def test_the_next_save_writes_the_end_line_back(tmp_path: Path) -> None:
    path = _without_marker(tmp_path)
    handle = store.SessionFile.open(path)
    assert handle.save()
    assert path.read_text().rstrip().splitlines()[-1] == store.END_MARKER
    assert store.SessionFile.open(path).warnings == []


def test_a_file_with_the_end_line_has_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "whole.toml"
    path.write_bytes(store.dumps(make_session()))
    assert store.SessionFile.open(path).warnings == []


def test_a_file_cut_mid_way_is_still_refused(tmp_path: Path) -> None:
    text = store.dumps(make_session()).decode()
    path = tmp_path / "cut.toml"
    path.write_text(text[: text.index("api.onesourcetax.com") + 5])
    with pytest.raises(SessionLoadError) as caught:
        store.SessionFile.open(path)
    assert any(p.line for p in caught.value.problems)
    path.write_text(text[: text.index("[meta]")])
    with pytest.raises(SessionLoadError):
        store.SessionFile.open(path)


def test_a_golive_file_cut_at_a_table_edge_is_refused(tmp_path: Path) -> None:
    text = store.dumps(make_session()).decode()
    path = tmp_path / "cut.toml"
    path.write_text(text[: text.index("[targets]")])  # still validates: golive's header says cut
    with pytest.raises(SessionLoadError) as caught:
        store.SessionFile.open(path)
    assert any("cut short" in str(p) for p in caught.value.problems)


# --- core errors name session fields; the CLI spells them as flags --------------------------


def test_core_errors_name_fields_and_the_cli_names_the_flag() -> None:
    from golive.cli.flags import for_cli
    from golive.session.checklist import override_gate, set_item_status

    session = make_session()
    with pytest.raises(BadInputError) as status:
        set_item_status(session, "credentials.vault", "finished")
    assert status.value.where == "items.status" and "--status" in for_cli(status.value)
    with pytest.raises(BadInputError) as attest:
        set_item_status(session, "credentials.vault", "done", attestation="two\nlines")
    assert attest.value.where == "items.attestation" and "--attest" in for_cli(attest.value)
    with pytest.raises(BadInputError) as override:
        override_gate(session, "production", " ")
    assert override.value.where == "gate_overrides.reason"
    assert "--override" in for_cli(override.value)
