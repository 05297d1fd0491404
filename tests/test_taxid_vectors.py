"""golive's tax-ID verdicts agree with python-stdnum's own test vectors.

The vectors are python-stdnum 2.2's `tests/*.doctest` files (tests/data/stdnum/, LGPL-2.1+): every
number a doctest shows as valid (`validate(...)` returning, or a `numbers = '''...'''` list that
`is_valid` accepts) must be accepted by `golive taxid`, and every number shown as invalid
(`validate(...)` raising InvalidChecksum, InvalidFormat, InvalidLength, InvalidComponent, or a list
that `is_valid` / `caught(x, Invalid...)` rejects) must be rejected — except where golive
deliberately differs, and then the verdict must say so: a Mexican RFC whose check digit fails is a
warning, not a rejection (SAT issues such RFCs).
"""

from __future__ import annotations

import ast
import doctest
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golive.countries import catalog
from golive.countries.taxid import verify_tax_id
from golive.countries.vies import VIES_CODES
from golive.session.errors import BadInputError

VECTORS = Path(__file__).resolve().parent / "data" / "stdnum"
_IMPORT = re.compile(r"from stdnum\.([\w.]+) import (.+)")
_VALIDATE = re.compile(r"(\w+)\.validate\((.*)\)\s*(#.*)?$", re.S)
_ES_CHECK = re.compile(r"check\((.*)\)\s*(#.*)?$", re.S)
_LISTED = re.compile(
    r"\[x for x in numbers\.splitlines\(\) if x and (not )?"
    r"(?:(\w+)\.is_valid\(x(.*)\)|caught\(x, (\w+)\))\]"
)


@dataclass(frozen=True)
class Vector:
    file: str
    line: int
    module: str  # the python-stdnum module the doctest calls, e.g. "mx.rfc" or "eu.vat"
    number: str
    valid: bool
    error: str = ""  # the exception the doctest expects, for an invalid number
    options: dict[str, object] = field(default_factory=dict, hash=False)

    @property
    def country(self) -> str | None:
        """The catalog country whose verdict this vector tests, or None (not in the catalog)."""
        if self.module == "eu.vat":
            prefix = re.sub(r"[\s\-./]", "", self.number).upper()[:2]
            by_prefix = {p: c for c, p in VIES_CODES.items()}
            code = by_prefix.get(prefix)
            return code if code in catalog() else None
        for code, facts in catalog().items():
            if facts.stdnum_module == self.module:
                return code
        return None


def _options(text: str) -> dict[str, object]:
    call = ast.parse(f"f({text})", mode="eval").body
    assert isinstance(call, ast.Call)
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}


def _first_argument(text: str) -> str:
    call = ast.parse(f"f({text})", mode="eval").body
    assert isinstance(call, ast.Call)
    value = ast.literal_eval(call.args[0])
    assert isinstance(value, str)
    return value


def _error(want: str) -> str:
    last = want.strip().splitlines()[-1]
    return last.split(":")[0].strip()


def vectors_in(path: Path) -> list[Vector]:
    examples = doctest.DocTestParser().get_examples(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    numbers: list[str] = []
    found: list[Vector] = []
    for example in examples:
        source = example.source.strip()
        line = example.lineno + 1
        if imported := _IMPORT.fullmatch(source):
            for name in imported.group(2).split(","):
                aliases[name.strip()] = f"{imported.group(1)}.{name.strip()}"
        elif source.startswith("numbers = "):
            numbers = [n for n in ast.literal_eval(source[len("numbers = ") :]).splitlines() if n]
        elif (listed := _LISTED.fullmatch(source)) and example.want.strip() == "[]":
            negated, alias, extra, caught = listed.groups()
            module = aliases["vat"] if caught else aliases[alias]
            # `not is_valid` == [] : all valid; `is_valid` == [] or `not caught(...)` == [] : invalid
            valid = bool(negated) and not caught
            options = _options(extra.lstrip(", ")) if extra else {}
            found += [
                Vector(path.name, line, module, n, valid, caught or "", options) for n in numbers
            ]
        elif (call := _VALIDATE.fullmatch(source)) and call.group(1) in aliases:
            number = _first_argument(call.group(2))
            raised = example.want.startswith("Traceback")
            found.append(
                Vector(
                    path.name,
                    line,
                    aliases[call.group(1)],
                    number,
                    not raised,
                    _error(example.want) if raised else "",
                    _options(call.group(2)),
                )
            )
        elif (check := _ES_CHECK.fullmatch(source)) and "nif" in aliases:
            number = _first_argument(check.group(1))
            found.append(Vector(path.name, line, "es.nif", number, "'nif'" in example.want))
    return found


ALL = [v for path in sorted(VECTORS.glob("test_*.doctest")) for v in vectors_in(path)]
IN_CATALOG = [v for v in ALL if v.country is not None]


def test_the_vectors_cover_every_catalog_country_with_a_python_stdnum_validator() -> None:
    covered = {v.country for v in IN_CATALOG}
    with_validator = {code for code, facts in catalog().items() if facts.stdnum_module}
    # python-stdnum 2.2 has no doctest for in_.gstin, and test_eu_vat holds no Croatian number
    assert with_validator - covered == {"IN", "HR"}
    # 3,990 vectors (192 of them invalid numbers) with the catalog of December 2026
    assert len(IN_CATALOG) > 3900, len(IN_CATALOG)
    assert sum(not v.valid for v in IN_CATALOG) > 180


def _verdict(vector: Vector) -> tuple[str, str]:
    assert vector.country is not None
    try:
        result = verify_tax_id(vector.country, vector.number)
    except BadInputError as error:
        return "invalid", error.message
    return result.outcome, result.message


def _mexican_check_digit_warning(vector: Vector) -> bool:
    """An RFC python-stdnum accepts by default but rejects once its check digits are checked."""
    return (
        vector.module == "mx.rfc"
        and bool(vector.options.get("validate_check_digits"))
        and vector.error in ("InvalidChecksum", "InvalidComponent")
    )


@pytest.mark.parametrize("path", sorted(VECTORS.glob("test_*.doctest")), ids=lambda p: p.stem)
def test_golive_agrees_with_the_vectors_of(path: Path) -> None:
    disagreements: list[str] = []
    for vector in (v for v in vectors_in(path) if v.country is not None):
        outcome, message = _verdict(vector)
        where = f"{vector.file}:{vector.line} {vector.country} {vector.number!r}"
        if vector.valid and outcome not in ("valid", "format_only"):
            disagreements.append(f"{where}: python-stdnum accepts it, golive says {outcome}")
        elif _mexican_check_digit_warning(vector):
            if outcome != "format_only" or not message.startswith("warning:"):
                disagreements.append(f"{where}: wanted the check-digit warning, got {outcome}")
        elif not vector.valid and outcome != "invalid":
            disagreements.append(
                f"{where}: python-stdnum raises {vector.error or 'a rejection'}, golive says "
                f"{outcome}"
            )
    assert not disagreements, "\n".join(disagreements[:40])
