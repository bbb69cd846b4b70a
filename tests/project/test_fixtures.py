"""The project's tests use one clock fixture (``clock``) and the sandbox fixture it ships (``wecom_sandbox``)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parents[1]


def _fixtures(tree: ast.AST) -> list[ast.FunctionDef]:
    return [
        node for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d).split("(")[0] in {"pytest.fixture", "fixture"} for d in node.decorator_list)
    ]


def test_one_clock_fixture() -> None:
    """``clock`` is the tests' one clock fixture; a directory may hand it on (``wecom_sandbox_clock`` returning
    ``clock``), or use the shipped ``wecom_sandbox_clock`` for WeCom's time. A second clock fixture (there was a
    ``wecom_clock``) is refused."""
    clock_fixtures = []
    for path in sorted(TESTS.rglob("*.py")):
        for fixture in _fixtures(ast.parse(path.read_text(encoding="utf-8"))):
            if fixture.returns is None or ast.unparse(fixture.returns) != "ManualClock":
                continue
            params = [a.arg for a in fixture.args.args]
            hands_on = params == ["clock"] and ast.unparse(fixture.body[-1]) == "return clock"
            if not hands_on:
                clock_fixtures.append(f"{path.relative_to(TESTS)}::{fixture.name}")
    assert clock_fixtures == ["conftest.py::clock"]


def test_fixtures_do_not_build_a_sandbox_the_shipped_one_would_do() -> None:
    """A fixture that starts its own ``Sandbox(`` says why on that line or the one above (real time, several at
    once, credentials fixed before it starts)."""
    unexplained = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.parts[-2] == "sandbox":
            continue  # the sandbox's own tests construct it on purpose: the class is what they test
        lines = path.read_text(encoding="utf-8").splitlines()
        for fixture in _fixtures(ast.parse("\n".join(lines))):
            for node in ast.walk(fixture):
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "Sandbox":
                    nearby = " ".join(lines[max(0, node.lineno - 3) : node.lineno])
                    if "#" not in nearby:
                        unexplained.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert unexplained == []
