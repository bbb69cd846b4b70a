"""Every missing or invalid setting reported at once: unresolved ``${VAR}``s beside the other problems,
every ``[[suite]]`` table's problems, and the CLI keeping the report one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.app.config import load_configs
from wecom_suite.cli.main import cli
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.errors import ConfigError

KEY = generate_encoding_aes_key()


def broken_file(tmp_path: Path) -> Path:
    """No suite_id, a secret from an unset variable, a token with a space, a short EncodingAESKey."""
    path = tmp_path / "suite.toml"
    path.write_text(
        'suite_secret = "${MISSING_SECRET}"\ntoken = "has space"\nencoding_aes_key = "short"\n'
        'store_url = "memory://"\n',
        encoding="utf-8",
    )
    return path


def test_an_unresolved_reference_is_reported_with_every_other_problem(tmp_path: Path) -> None:
    path = broken_file(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_configs(path, env={})
    problems = {p.setting: p.problem for p in info.value.problems}
    assert problems == {
        f"{path}: suite_secret": "refers to environment variable MISSING_SECRET, which is not set",
        f"{path}: token": problems[f"{path}: token"],
        f"{path}: encoding_aes_key": problems[f"{path}: encoding_aes_key"],
        f"{path}: suite_id": "is required",
    }
    assert "32 printable characters" in problems[f"{path}: token"]
    assert "43" in problems[f"{path}: encoding_aes_key"]


def test_every_suite_tables_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "suites.toml"
    path.write_text(
        f'encoding_aes_key = "{KEY}"\nstore_url = "memory://"\nsuite_secret = "${{SHARED_SECRET}}"\n'
        '[[suite]]\nname = "crm"\nsuite_id = "wwcrm"\ntoken = "has space"\n'
        '[[suite]]\nname = "hr"\ntoken = "tok"\nsuite_secret = "${HR_SECRET}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_configs(path, env={})
    settings = [p.setting for p in info.value.problems]
    assert sorted(settings) == sorted(
        [
            f"{path}: suite_secret",  # the shared key's problem once, not once per suite
            f"{path}: suite[1].token",
            f"{path}: suite[2].suite_id",
            f"{path}: suite[2].suite_secret",
        ]
    )


def test_the_cli_prints_one_line_per_problem(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(broken_file(tmp_path)), "corps", "list"], env={"MISSING_SECRET": None}
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "Error: invalid configuration (4 problems):"
    assert len(lines) == 5
    assert all(line.startswith("  ") for line in lines[1:])
    assert any("MISSING_SECRET" in line for line in lines[1:])
