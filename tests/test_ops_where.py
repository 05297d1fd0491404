"""Issue 14: ops errors name the session field (or the thing), never a command-line flag; the CLI
maps each back to a flag it really has (cli/flags.py OPS_FLAGS)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import golive.ops
from golive.cli import build_parser
from golive.cli.flags import OPS_FLAGS, flag_for
from golive.ops.rollback import set_plan
from golive.session.errors import BadInputError
from golive.session.sections import AffectedCustomer
from session_factory import make_session

OPS = Path(golive.ops.__file__).parent


def _all_options(parser: argparse.ArgumentParser) -> set[str]:
    options: set[str] = set()
    for action in parser._actions:
        options.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= _all_options(sub)
    return options


def test_no_ops_module_names_a_flag_as_where() -> None:
    spelled = re.compile(r"""where(?:: str)?\s*=\s*["']-""")
    offenders = [
        f"{path.relative_to(OPS)}:{number}"
        for path in sorted(OPS.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if spelled.search(line)
    ]
    assert offenders == []


def test_each_mapped_flag_is_one_the_cli_has() -> None:
    options = _all_options(build_parser())
    flags = {flag for flag in OPS_FLAGS.values() if flag.startswith("-")}
    assert flags - options == set()


def test_a_core_error_names_the_field_and_the_cli_spells_the_flag() -> None:
    session = make_session(("DE",))
    try:
        set_plan(
            session,
            notify=[AffectedCustomer.model_construct(customer="ACME", email="not-an-email")],
        )
    except BadInputError as error:
        assert error.where == "rollback.notify"
        assert "--" not in error.message
        assert flag_for(error.where) == "--notify"
    else:
        raise AssertionError("an e-mail without @ was accepted")
