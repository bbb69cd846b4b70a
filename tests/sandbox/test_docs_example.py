"""docs/sandbox.md's user-facing example, extracted from the document and run: what users read is what runs.

The block is a user's own test module using the ``wecom_sandbox`` fixtures of the shipped pytest plugin;
its test functions are called here with those fixtures, exactly as pytest would.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
HEADING = "## In your own tests: the `wecom_sandbox` fixture"


def doc_block(heading: str) -> str:
    """The first ```python block under ``heading`` in docs/sandbox.md."""
    text = DOC.read_text(encoding="utf-8")
    assert f"{heading}\n" in text, f"docs/sandbox.md lost its section {heading!r}"
    section = text.split(f"{heading}\n", 1)[1].split("\n## ", 1)[0]
    assert "```python\n" in section, f"no python example under {heading!r}"
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def example_tests() -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs_sandbox_example"}
    exec(compile(doc_block(HEADING), str(DOC), "exec"), namespace)  # noqa: S102 - our own document
    return {name: value for name, value in namespace.items() if name.startswith("test_") and callable(value)}


def test_the_docs_example_defines_a_test() -> None:
    assert list(example_tests()) == ["test_my_code_exchanges_an_auth_code"]


@pytest.mark.parametrize("name", sorted(example_tests()))
def test_docs_example_runs(name: str, request: pytest.FixtureRequest) -> None:
    test = example_tests()[name]
    fixtures = {param: request.getfixturevalue(param) for param in inspect.signature(test).parameters}
    assert set(fixtures) <= {"wecom_sandbox", "wecom_sandbox_clock"}, "the example may use only the plugin's fixtures"
    test(**fixtures)
