"""Every `wecom-suite ...` command line the README and docs show is accepted as written.

Before, the README's `wecom-suite serve --config wecom-suite.toml` failed with "No such option '--config'".
Each line is parsed by the real command tree (with the commands' bodies switched off, since `serve`
would serve); the ones that finish by themselves (`--check`, `keygen`) are also run for real.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from wecom_suite.cli.main import cli
from wecom_suite.crypto import generate_encoding_aes_key

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`(wecom-suite [^`]+)`")
SYNOPSIS = re.compile(r"\.\.\.|[\[\]|…]|\\\||\bCORP_ID\b|\bFILE\b|\bNAME\b")  # usage summaries, not command lines


def documented_commands() -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        candidates = [line for block in FENCE.findall(text) for line in block.splitlines()]
        candidates += INLINE.findall(text)
        for candidate in candidates:
            line = candidate.split(" #", 1)[0].strip()
            if line.startswith("wecom-suite ") and not SYNOPSIS.search(line):
                found.setdefault(line, document.name)
    return sorted((line, where) for line, where in found.items())


COMMANDS = documented_commands()


def test_the_docs_show_command_lines() -> None:
    lines = [line for line, _ in COMMANDS]
    assert "wecom-suite serve --config wecom-suite.toml" in lines  # the README line that used to fail
    assert len(lines) >= 5, lines


@contextmanager
def bodies_switched_off() -> Iterator[list[str]]:
    """Every command's body replaced by one that records its name: parsing, option callbacks and all, stays."""
    called: list[str] = []
    saved: list[tuple[click.Command, object]] = []

    def walk(command: click.Command) -> Iterator[click.Command]:
        yield command
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from walk(sub)

    for command in walk(cli):
        saved.append((command, command.callback))
        command.callback = (lambda name: lambda *_a, **_k: called.append(name))(command.name or "")
    try:
        yield called
    finally:
        for command, callback in saved:
            command.callback = callback  # type: ignore[assignment]


def materialised(line: str, folder: Path) -> list[str]:
    """The line's arguments, with the files and folders it names made in ``folder`` (a valid suite config)."""
    args = shlex.split(line)[1:]
    for index, arg in enumerate(args):
        if arg.endswith(".toml"):
            config = folder / Path(arg).name
            config.write_text(
                f'suite_id = "wwdocs0000000001"\nsuite_secret = "docs-secret"\ntoken = "docs"\n'
                f'encoding_aes_key = "{generate_encoding_aes_key()}"\nstore_url = "sqlite:///{folder / "docs.db"}"\n',
                encoding="utf-8",
            )
            args[index] = str(config)
        elif index and args[index - 1] == "--templates":
            (folder / "templates").mkdir(exist_ok=True)
            args[index] = str(folder / "templates")
    return args


@pytest.mark.parametrize(("line", "where"), COMMANDS, ids=[line for line, _ in COMMANDS])
def test_documented_command_line_parses(line: str, where: str, tmp_path: Path) -> None:
    args = materialised(line, tmp_path)
    with bodies_switched_off() as called:
        result = CliRunner().invoke(cli, args, env={}, catch_exceptions=False)
    assert result.exit_code == 0, f"{where}: `{line}` -> {result.output}"
    command: click.Command = cli
    for arg in args:
        if isinstance(command, click.Group) and arg in command.commands:
            command = command.commands[arg]
    assert called[-1] == command.name  # the command the line names was reached


@pytest.mark.parametrize(
    ("line", "where"),
    [(line, where) for line, where in COMMANDS if "--check" in line or " keygen" in line or ".toml" in line],
)
def test_documented_command_line_runs(line: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run for real in a folder holding the file the line names (a `serve` without --check gets --check)."""
    monkeypatch.chdir(tmp_path)
    args = materialised(line, tmp_path)
    if "serve" in args and "--check" not in args:
        args.append("--check")
    result = CliRunner().invoke(cli, args, env={}, catch_exceptions=False)
    assert result.exit_code == 0, f"{where}: `{line}` -> {result.output}"
