"""The house rules of CONTRIBUTING.md that a machine can check: no source module over 400 lines
without a first-line `# Over 400 lines because …` reason, and no function over 60 lines without a
`# Long because …` reason just above its def (or among its first lines)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def module_problems(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > MAX_MODULE_LINES and not lines[0].startswith("# Over 400 lines because"):
        return [f"{path.relative_to(SRC)}: {len(lines)} lines and no '# Over 400 lines because'"]
    return []


def function_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    problems = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        assert node.end_lineno is not None
        length = node.end_lineno - node.lineno + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        around = "\n".join(lines[max(0, start - 4) : min(node.lineno + 14, node.end_lineno)])
        where = f"{path.relative_to(SRC)}:{node.name}"
        if "long because" not in around.lower():
            problems.append(f"{where} is {length} lines and gives no '# Long because' reason")
    return problems


def test_every_long_module_says_why_on_its_first_line() -> None:
    problems = [p for path in _modules() for p in module_problems(path)]
    assert not problems, "\n".join(problems)


def test_every_long_function_says_why_at_its_top() -> None:
    problems = [p for path in _modules() for p in function_problems(path)]
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(70))
    long_function = tmp_path / "long.py"
    long_function.write_text(f"def f():\n{body}")
    explained = tmp_path / "explained.py"
    explained.write_text(f"# Long because it is a test.\ndef f():\n{body}")
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 401)
    global SRC
    saved, SRC = SRC, tmp_path
    try:
        assert function_problems(long_function) == [
            "long.py:f is 71 lines and gives no '# Long because' reason"
        ]
        assert function_problems(explained) == []
        assert module_problems(big) == ["big.py: 401 lines and no '# Over 400 lines because'"]
        big.write_text("# Over 400 lines because it is a test.\n" + "x = 1\n" * 401)
        assert module_problems(big) == []
    finally:
        SRC = saved
