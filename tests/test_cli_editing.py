"""Session editing the wizard and the command line share lives in the core (issue 14), and the
command line's edits say plainly what happened (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from golive.cli import main
from golive.countries.editing import add_countries, country_codes
from golive.session import store
from golive.session.errors import BadInputError, SessionConflictError
from golive.session.figures import parse_figure, parse_figures
from golive.session.model import Session

SRC = Path(__file__).resolve().parent.parent / "src" / "golive"


def test_figures_are_name_equals_number_pairs() -> None:
    assert parse_figures("error_rate_pct=0.4, calls = 1200,") == {
        "error_rate_pct": 0.4,
        "calls": 1200.0,
    }
    assert parse_figure(" p95=1.5 ") == ("p95", 1.5)
    assert parse_figures("") == {}


@pytest.mark.parametrize(
    "text", ["calls", "=3", "calls=", "calls=many", "x=nan", "x=inf", "a=1,a=2"]
)
def test_figures_refuse_what_is_not_a_figure(text: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_figures(text)
    assert caught.value.where == "golive.checkpoints.figures"


def test_country_codes_and_adding_them_live_in_the_core() -> None:
    assert country_codes(["it, mx", "EL", "IT", ""]) == ["IT", "MX", "GR"]
    with pytest.raises(BadInputError):
        country_codes(["XX"])
    session = Session()
    assert add_countries(session, ["DE", "MX"]) == ["DE", "MX"]
    assert add_countries(session, ["DE"]) == []
    assert sorted(session.countries) == ["DE", "MX"]


def test_the_old_cli_names_still_resolve() -> None:
    from golive.cli import session_commands

    assert session_commands.add_countries is add_countries
    assert session_commands._country_codes is country_codes


def test_the_wizard_never_imports_the_command_line() -> None:
    for module in (SRC / "tui").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("golive.cli"), module
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("golive.cli") for a in node.names), module


def test_adding_an_empty_country_code_is_bad_input(
    golive_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "acme", "--countries", "DE", "--no-tui"]) == 0
    capsys.readouterr()
    assert main(["countries", "acme", "add", ""]) == 2
    err = capsys.readouterr().err
    assert "no country code" in err
    assert "golive countries SESSION add MX" in err


def test_a_failed_save_says_nothing_was_saved(
    golive_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["new", "acme", "--countries", "DE", "--no-tui"]) == 0
    capsys.readouterr()

    def conflict(self: store.SessionFile, *, force: bool = False) -> bool:
        raise SessionConflictError(
            "acme.toml was changed by someone else since this run loaded it",
            where=str(self.path),
            advice="your changes are still in memory; reload the file to see the other changes",
        )

    monkeypatch.setattr(store.SessionFile, "save", conflict)
    assert main(["countries", "acme", "add", "MX"]) == 1
    err = capsys.readouterr().err
    assert "still in memory" not in err
    assert "nothing was saved" in err
    assert "run the command again" in err
