"""``--suite`` with a file of several suites: ``WECOM_*`` variables apply to the chosen suite alone, and
the other tables' ``${VAR}``s need not be set; without ``--suite`` every suite is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.cli.main import cli
from wecom_suite.crypto import generate_encoding_aes_key


def two_suites(tmp_path: Path) -> Path:
    path = tmp_path / "two.toml"
    path.write_text(
        f'token = "tok"\nencoding_aes_key = "{generate_encoding_aes_key()}"\n'
        f'store_url = "sqlite:///{tmp_path / "store.db"}"\npublic_base_url = "https://suite.example.com"\n'
        '[[suite]]\nname = "a"\nsuite_id = "wwsuitea"\nsuite_secret = "${A_SECRET}"\n'
        '[[suite]]\nname = "b"\nsuite_id = "wwsuiteb"\nsuite_secret = "secret-b"\n',
        encoding="utf-8",
    )
    return path


def run(*args: str, env: dict[str, str | None]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_serve_check_of_one_suite_takes_the_environment_for_it_alone(tmp_path: Path) -> None:
    path = str(two_suites(tmp_path))
    env: dict[str, str | None] = {"WECOM_URL_PREFIX": "/only", "A_SECRET": None}
    code, out = run("--config", path, "--suite", "b", "serve", "--check", env=env)
    assert code == 0, out
    assert "https://suite.example.com/only/callback/instruction" in out
    assert "suite a" not in out
    code, out = run("--config", path, "serve", "--check", env=env)  # every suite: both problems, one report
    assert code == 1
    assert "A_SECRET" in out
    assert "'/only' is shared by" in out


def test_the_worker_factory_takes_the_environment_for_the_chosen_suite_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve --workers N --suite b``: each worker process reads the file again, as the parent did."""
    from wecom_suite.app.suite_group import SuiteGroup
    from wecom_suite.cli.asgi_factory import create_asgi

    monkeypatch.setenv("WECOM_SUITE_CONFIG", str(two_suites(tmp_path)))
    monkeypatch.setenv("WECOM_SUITE_SELECT", "b")
    monkeypatch.setenv("WECOM_URL_PREFIX", "/only")
    monkeypatch.delenv("A_SECRET", raising=False)
    group = create_asgi().handler
    try:
        assert isinstance(group, SuiteGroup)
        assert [(app.config.name, app.config.url_prefix) for app in group] == [("b", "/only")]
    finally:
        group.close()
