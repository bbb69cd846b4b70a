"""Defects once met in operating the service, each as a test that failed before the fix.

Keys the console may refuse, --config after the command name, a store nobody can use, a missing extra,
a store URL or key that is almost right.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.cli.main import cli
from wecom_suite.cli.store_check import check_store
from wecom_suite.crypto import decode_encoding_aes_key, generate_encoding_aes_key
from wecom_suite.errors import ConfigError, StoreError

KEY_ALPHABET = re.compile(r"[A-Za-z0-9]{43}")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)
    return result.exit_code, result.output


def write_config(tmp_path: Path, store_url: str) -> Path:
    path = tmp_path / "suite.toml"
    path.write_text(
        f'suite_id = "wwops00000000001"\nsuite_secret = "ops-secret-0123456789"\ntoken = "tok123"\n'
        f'encoding_aes_key = "{generate_encoding_aes_key()}"\nstore_url = "{store_url}"\n',
        encoding="utf-8",
    )
    return path


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- 2. keygen: letters and digits only ---------------------------------------------------------------


def test_generated_keys_use_only_the_consoles_alphabet() -> None:
    keys = [generate_encoding_aes_key() for _ in range(300)]  # before: ~70 % had '+' or '/'
    assert all(KEY_ALPHABET.fullmatch(key) for key in keys), [k for k in keys if not KEY_ALPHABET.fullmatch(k)]
    assert all(len(decode_encoding_aes_key(key)) == 32 for key in keys)
    assert len(set(keys)) == len(keys)


def test_keygen_prints_keys_the_console_accepts() -> None:
    printed = []
    for _ in range(20):
        code, out = run("keygen", "--env")
        assert code == 0
        printed.append(out.split("WECOM_ENCODING_AES_KEY=", 1)[1].strip())
    assert all(KEY_ALPHABET.fullmatch(key) for key in printed), printed


# -- 3. --config where users type it -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--config", "{config}", "--check"),
        ("serve", "--check", "-c", "{config}"),
        ("--config", "{config}", "serve", "--check"),
    ],
)
def test_config_option_before_or_after_the_command(tmp_path: Path, args: tuple[str, ...]) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'ok.db'}")
    code, out = run(*(a.format(config=config) for a in args))
    assert code == 0, out
    assert "wwops00000000001" in out
    assert "configuration OK" in out


def test_config_option_on_nested_commands(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'ok.db'}")
    code, out = run("corps", "list", "--config", str(config))
    assert code == 0, out
    assert "no active companies for suite wwops00000000001" in out
    code, out = run("corps", "--config", str(config), "list")
    assert code == 0, out
    code, out = run("ticket", "show", "--config", str(config))
    assert code == 1
    assert "no suite_ticket received yet for suite wwops00000000001" in out


# -- 4. a store nobody can use: caught up front, in one line -------------------------------------------


def test_check_finds_a_redis_with_nothing_listening(tmp_path: Path) -> None:
    port = closed_port()
    config = write_config(tmp_path, f"redis://127.0.0.1:{port}/0")
    code, out = run("serve", "--config", str(config), "--check")
    assert code == 1, out  # before: "configuration OK"
    assert out.count("\n") == 1, out
    assert f"127.0.0.1:{port}" in out
    assert "hint:" in out
    assert "configuration OK" not in out


def test_serve_does_not_start_on_a_sqlite_file_in_a_missing_folder(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    code, out = run("serve", "--config", str(config), "--check")
    assert code == 1
    assert out.count("\n") == 1, out
    assert "does not exist" in out
    assert "hint: create the directory" in out
    code, out = run("serve", "--config", str(config), "--port", "0")  # start-up: the same line, nothing served
    assert code == 1
    assert out.count("\n") == 1, out
    assert "suite " not in out  # not even the summary: the check comes first


def test_check_store_opens_and_reads(tmp_path: Path, redis_url: str) -> None:
    check_store("memory://")
    check_store(redis_url)
    db = tmp_path / "new.db"
    check_store(f"sqlite:///{db}")
    assert db.exists()  # the SQLite file is created up front
    with pytest.raises(StoreError) as refused:
        check_store(f"redis://127.0.0.1:{closed_port()}/0")
    assert refused.value.hint
    with pytest.raises(ConfigError):
        check_store("nosuch://x")


# -- 5. a missing extra: one line with the pip command ---------------------------------------------------


def test_a_redis_url_without_the_redis_package_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if `pip install wecom-suite` (core only)
    for name in [n for n in sys.modules if n.startswith("wecom_suite.stores.redis")]:  # the backend's whole package
        monkeypatch.delitem(sys.modules, name)
    config = write_config(tmp_path, "redis://127.0.0.1:6379/0")
    code, out = run("serve", "--config", str(config), "--check")
    assert code == 1
    assert out.count("\n") == 1, out  # before: a 40-line ImportError traceback
    assert "pip install 'wecom-suite[redis]'" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(("module", "extra"), [("flask", "flask"), ("django", "django")])
def test_adapters_name_the_extra_to_install(module: str, extra: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setitem(sys.modules, module, None)
    for name in [n for n in sys.modules if n == module or n.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, f"wecom_suite.adapter.{extra}", raising=False)
    with pytest.raises(ModuleNotFoundError) as missing:
        importlib.import_module(f"wecom_suite.adapter.{extra}")
    assert f"pip install 'wecom-suite[{extra}]'" in str(missing.value)


# -- 8. almost right: say what the right form is -----------------------------------------------------------


def test_a_sqlite_url_with_one_slash_says_the_right_form() -> None:
    env = {
        "WECOM_SUITE_ID": "wwops",
        "WECOM_SUITE_SECRET": "s",
        "WECOM_TOKEN": "t",
        "WECOM_ENCODING_AES_KEY": generate_encoding_aes_key(),
        "WECOM_STORE_URL": "sqlite:/./x.db",
    }
    code, out = run("serve", "--check", env=env)
    assert code == 1
    assert "unsupported" not in out
    assert "sqlite:///./" in out  # the form to write instead


def test_a_key_with_a_trailing_space_says_whitespace() -> None:
    key = generate_encoding_aes_key()
    with pytest.raises(ValueError, match="whitespace"):
        decode_encoding_aes_key(key + " ")
    env = {"WECOM_SUITE_ID": "wwops", "WECOM_SUITE_SECRET": "s", "WECOM_TOKEN": "t"}
    env["WECOM_ENCODING_AES_KEY"] = key + " "
    code, out = run("serve", "--check", env=env)
    assert code == 1
    assert "whitespace" in out
    assert key not in out  # and never the key itself


# -- logs: JSON lines, never a secret ------------------------------------------------------------------


def test_log_lines_never_carry_a_configured_secret() -> None:
    import json
    import logging

    from wecom_suite.cli.log_setup import JsonFormatter, SecretFilter, register_secrets

    secret = "a-suite-secret-registered-for-this-test"
    register_secrets([secret, "short"])
    record = logging.LogRecord(
        "wecom_suite.api", logging.WARNING, __file__, 1,
        "calling %s failed with secret %s", ("https://x/cgi-bin/t?access_token=abcdef0123456789", secret), None,
    )
    assert SecretFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert secret not in entry["message"]
    assert "abcdef0123456789" not in entry["message"]
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "wecom_suite.api"
    assert "…(" in entry["message"]  # redacted: a length, no characters
