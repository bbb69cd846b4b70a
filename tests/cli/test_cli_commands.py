"""The CLI through click's CliRunner: keygen, config check, and store inspection."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.cli.main import cli
from wecom_suite.crypto import decode_encoding_aes_key, generate_encoding_aes_key
from wecom_suite.stores.records import CompanyRecord, CompanyState, StoredToken, SuiteTicket
from wecom_suite.stores.sqlite import SQLiteStore
from wecom_suite.stores.token_keys import corp_token_key, suite_token_key

SUITE = "wwclisuite0000001"
SECRET = "cli-suite-secret-0123456789abcdef"
TICKET = "ticket-value-abcdefghijklmnopqrstuvwxyz"
TOKEN = "suite-token-value-0123456789abcdefghijkl"
PERMANENT = "permanent-code-value-0123456789abcdefgh"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "suite.toml"
    path.write_text(
        f'suite_id = "{SUITE}"\nsuite_secret = "{SECRET}"\ntoken = "tok123"\n'
        f'encoding_aes_key = "{generate_encoding_aes_key()}"\n'
        f'store_url = "sqlite:///{tmp_path / "store.db"}"\nprovider_corp_id = "wwprov"\n'
        'public_base_url = "https://suite.example.com"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def filled_store(config_file: Path) -> Path:
    store = SQLiteStore(str(config_file.parent / "store.db"))
    now = store_now = 1_700_000_000.0
    store.tickets.save_ticket(SuiteTicket(SUITE, TICKET, received_at=store_now))
    store.tokens.set_token(suite_token_key(SUITE), StoredToken(TOKEN, expires_at=now + 7200, obtained_at=now))
    store.companies.save_company(
        CompanyRecord(SUITE, "wwcorpA", PERMANENT, corp_name="甲公司", auth_info={"x": 1}, installed_at=now)
    )
    store.companies.save_company(
        CompanyRecord(
            SUITE, "wwcorpB", PERMANENT + "b", corp_name="乙公司", state=CompanyState.REVOKED, installed_at=now + 1
        )
    )
    corp_token = StoredToken("corp-token-0123456789abcdef", now + 7200, now)
    store.tokens.set_token(corp_token_key(SUITE, "wwcorpA"), corp_token)
    store.close()
    return config_file


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)
    return result.exit_code, result.output


def run_streams(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr apart (progress lines go to stderr, results to stdout)."""
    result = CliRunner().invoke(cli, list(args), env={}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_keygen_prints_a_valid_token_and_key() -> None:
    code, out = run("keygen")
    assert code == 0
    token = re.search(r"Token:\s+(\S+)", out)
    key = re.search(r"EncodingAESKey:\s+(\S+)", out)
    assert token
    assert key
    assert re.fullmatch(r"[A-Za-z0-9]{32}", token.group(1))
    assert len(decode_encoding_aes_key(key.group(1))) == 32
    code, env_out = run("keygen", "--env")
    assert code == 0
    assert env_out.startswith("WECOM_TOKEN=")
    assert "WECOM_ENCODING_AES_KEY=" in env_out
    assert run("keygen")[1] != out  # random each time


def test_serve_check_prints_redacted_config_and_console_urls(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "serve", "--check")
    assert code == 0, out
    assert SECRET not in out
    assert "suite_secret               …(33)#" in out  # length and fingerprint, no characters
    assert "https://suite.example.com/wecom/callback/instruction" in out
    assert "https://suite.example.com/wecom/callback/data" in out
    assert re.search(r"system event URL \(系统事件接收URL\)\s+https://suite.example.com/wecom/callback/system", out)
    assert "configuration OK" in out


def test_serve_check_prints_no_system_url_without_provider_corp_id(config_file: Path) -> None:
    config_file.write_text(config_file.read_text(encoding="utf-8").replace('provider_corp_id = "wwprov"\n', ""))
    code, out = run("--config", str(config_file), "serve", "--check")
    assert code == 0, out
    assert "https://suite.example.com/wecom/callback/instruction" in out
    assert "/callback/system" not in out
    assert "system event URL (系统事件接收URL) is off" in out


def test_bad_config_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'suite_id = "ww"\nsuite_secret = "s"\ntoken = "t"\nencoding_aes_key = "{"k" * 42}"\n')
    code, out = run("--config", str(bad), "serve", "--check")
    assert code == 1
    assert out.count("\n") == 1
    assert "encoding_aes_key" in out
    assert "43" in out
    code, out = run("serve", "--check", env={"WECOM_SUITE_ID": "ww"})
    assert code == 1
    assert "WECOM_SUITE_SECRET" in out


def test_corps_list_and_show(filled_store: Path) -> None:
    code, out = run("--config", str(filled_store), "corps", "list")
    assert code == 0
    assert "wwcorpA" in out
    assert "甲公司" in out
    assert "wwcorpB" not in out
    code, out = run("--config", str(filled_store), "corps", "list", "--all")
    assert "wwcorpB" in out
    assert "revoked" in out
    code, out = run("--config", str(filled_store), "corps", "show", "wwcorpA")
    assert code == 0
    shown = json.loads(out)
    assert shown["corp_name"] == "甲公司"
    assert shown["auth_info"] == {"x": 1}
    assert PERMANENT not in out
    code, out = run("--config", str(filled_store), "corps", "show", "wwcorpA", "--reveal")
    assert json.loads(out)["permanent_code"] == PERMANENT
    code, out = run("--config", str(filled_store), "corps", "show", "wwnobody")
    assert code == 1
    assert "has not installed" in out


def test_ticket_and_tokens_are_redacted_unless_revealed(filled_store: Path) -> None:
    code, out = run("--config", str(filled_store), "ticket", "show")
    assert code == 0
    assert TICKET not in out
    assert "ticket:    …(" in out  # length (and fingerprint), no characters
    assert "EXPIRED" in out
    assert TICKET in run("--config", str(filled_store), "ticket", "show", "--reveal")[1]
    code, out = run("--config", str(filled_store), "token", "suite")
    assert code == 0
    assert TOKEN not in out
    assert "suite_access_token: …(" in out  # no characters of the token
    assert TOKEN in run("--config", str(filled_store), "token", "suite", "--reveal")[1]
    code, out = run("--config", str(filled_store), "token", "corp", "wwcorpA")
    assert code == 0
    assert "access_token: …(" in out  # the company token, no characters of it
    code, out = run("--config", str(filled_store), "token", "provider")
    assert code == 1
    assert "no provider_access_token cached" in out
    code, out = run("--config", str(filled_store), "token", "corp", "wwnobody")
    assert code == 1


def test_empty_store_errors_are_one_clear_line(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "ticket", "show")
    assert code == 1
    assert "no suite_ticket received yet" in out
    assert "hint" in out
    assert out.strip().count("\n") == 0


def test_several_suites_need_a_choice(tmp_path: Path) -> None:
    key = generate_encoding_aes_key()
    path = tmp_path / "two.toml"
    path.write_text(
        f'token = "t"\nencoding_aes_key = "{key}"\nstore_url = "sqlite:///{tmp_path / "s.db"}"\n'
        '[[suite]]\nname = "a"\nsuite_id = "wwa"\nsuite_secret = "x"\n'
        '[[suite]]\nname = "b"\nsuite_id = "wwb"\nsuite_secret = "y"\n'
    )
    code, out = run("--config", str(path), "corps", "list")
    assert code == 1
    assert "--suite" in out
    code, out = run("--config", str(path), "--suite", "b", "corps", "list")
    assert code == 0
    assert "no active companies for suite wwb" in out
    code, out = run("--config", str(path), "serve", "--check")
    assert code == 0
    assert "/wecom/a/callback/instruction" in out
    assert "/wecom/b/callback/instruction" in out


def test_token_fetch_asks_the_sandbox_once_then_reads_the_cache(tmp_path: Path) -> None:
    import time

    from wecom_suite.clock import SystemClock
    from wecom_suite.sandbox import Sandbox

    # Its own Sandbox: the CLI runs in another process, on real time.
    with Sandbox(clock=SystemClock(), ticket_interval=None, background_pushes=False) as sandbox:
        s = sandbox.settings
        db = tmp_path / "fetch.db"
        config = tmp_path / "fetch.toml"
        config.write_text(
            f'suite_id = "{s.suite_id}"\nsuite_secret = "{s.suite_secret}"\ntoken = "{s.token}"\n'
            f'encoding_aes_key = "{s.encoding_aes_key}"\napi_base_url = "{s.api_base_url}"\n'
            f'store_url = "sqlite:///{db}"\n',
            encoding="utf-8",
        )
        corp_id = sandbox.company().corp_id
        store = SQLiteStore(str(db))
        store.tickets.save_ticket(SuiteTicket(s.suite_id, sandbox.issue_ticket(), received_at=time.time()))
        store.companies.save_company(CompanyRecord(s.suite_id, corp_id, sandbox.authorize(corp_id)))
        store.close()

        code, out = run("--config", str(config), "token", "suite")
        assert code == 1
        assert "--fetch" in out
        code, out, err = run_streams("--config", str(config), "token", "suite", "--fetch", "--reveal")
        assert code == 0, out + err
        assert err.splitlines() == [
            f"==> getting the suite_access_token (asking WeCom at {s.api_base_url} unless the store has a valid one)"
        ]
        assert sandbox.counters["service/get_suite_token"] == 1
        fetched = out.splitlines()[0].split(": ", 1)[1]
        code, out, err = run_streams("--config", str(config), "token", "suite", "--fetch", "--reveal")
        assert out.splitlines()[0].endswith(fetched)  # cached: WeCom is not asked again
        assert sandbox.counters["service/get_suite_token"] == 1
        code, out, err = run_streams("--config", str(config), "token", "corp", corp_id, "--fetch")
        assert code == 0, out + err
        assert f"==> getting the access_token of {corp_id}" in err
        assert sandbox.counters["service/get_corp_token"] == 1
        assert out.startswith("access_token: ")


def test_serve_on_a_busy_port_is_one_clear_error_line(config_file: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out = run("--config", str(config_file), "serve", "--port", str(port))
    assert code == 1
    assert out.count("\n") == 1, out
    assert out.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port" in out
