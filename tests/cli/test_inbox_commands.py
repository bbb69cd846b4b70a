"""``wecom-suite inbox``: list, show (credentials redacted), retry a dead letter, drop one; against SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.cli.main import cli
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.stores import CallbackSource, InboxItem, ItemState
from wecom_suite.stores.sqlite import SQLiteStore

SUITE = "wwinboxcli0000001"
TICKET = "TICKET-VALUE-never-shown-0123456789"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "suite.toml"
    path.write_text(
        f'suite_id = "{SUITE}"\nsuite_secret = "inbox-cli-secret-0123456789"\ntoken = "tok123"\n'
        f'encoding_aes_key = "{generate_encoding_aes_key()}"\nstore_url = "sqlite:///{tmp_path / "store.db"}"\n',
        encoding="utf-8",
    )
    store = SQLiteStore(tmp_path / "store.db")
    store.inbox.put(InboxItem("a" * 64, SUITE, f"<xml><SuiteTicket>{TICKET}</SuiteTicket></xml>".encode(), 100.0))
    store.inbox.put(InboxItem("b" * 64, SUITE, b"<xml><InfoType>change_contact</InfoType></xml>", 101.0,
                              queue="wwcorp1", source=CallbackSource.INSTRUCTION, event_time=101))
    store.inbox.put(InboxItem("c" * 64, SUITE, b"<xml/>", 102.0, queue="wwcorp2"))
    store.inbox.claim(SUITE, now=200.0, lease_seconds=10)  # "a": the suite queue's head
    store.inbox.bury("a" * 64, now=201.0, error="too_many_attempts: ValueError: boom (8 attempts)")
    store.inbox.claim(SUITE, now=300.0, lease_seconds=10)
    store.inbox.bury("b" * 64, now=301.0, error="unknown_company: change_contact for company wwcorp1")
    store.close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={}, catch_exceptions=False)
    return result.exit_code, result.output


def test_list_shows_counts_pending_and_dead_letters(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "inbox", "list")
    assert code == 0, out
    assert f"suite {SUITE}: 1 pending" in out
    assert "2 dead letters" in out
    assert "cccccccccccc" in out
    assert "aaaaaaaaaaaa" not in out
    code, dead = run("inbox", "list", "--dead", "--config", str(config_file))  # --config after the command too
    assert code == 0, dead
    assert "aaaaaaaaaaaa  dead" in dead
    assert "unknown_company: change_contact" in dead


def test_show_redacts_the_suite_ticket_unless_asked(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "inbox", "show", "aaaaaaa")  # a unique prefix
    assert code == 0, out
    assert "too_many_attempts" in out
    assert TICKET not in out
    code, revealed = run("--config", str(config_file), "inbox", "show", "a" * 64, "--reveal")
    assert TICKET in revealed


@pytest.mark.parametrize(
    "payload",
    [
        f"<xml><InfoType><![CDATA[create_auth]]></InfoType><AuthCode><![CDATA[{TICKET}]]></AuthCode></xml>",
        f"<xml><InfoType>reset_permanent_code</InfoType><AuthCode>{TICKET}</AuthCode></xml>",
        f"<xml><InfoType>conversation_new_message</InfoType><Token><![CDATA[{TICKET}]]></Token></xml>",
    ],
    ids=["create_auth", "reset_permanent_code", "chat_archive_token"],
)
def test_show_redacts_every_credential_element(config_file: Path, payload: str) -> None:
    store = SQLiteStore(config_file.parent / "store.db")
    store.inbox.put(InboxItem("d" * 64, SUITE, payload.encode(), 103.0, queue="auth_code:1"))
    store.close()
    code, out = run("--config", str(config_file), "inbox", "show", "d" * 12)
    assert code == 0, out
    assert TICKET not in out
    assert "…(35)#" in out  # the operator sees that there is one, and its length
    code, revealed = run("--config", str(config_file), "inbox", "show", "d" * 12, "--reveal")
    assert TICKET in revealed


def test_retry_puts_a_dead_letter_back_and_drop_deletes_one(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "inbox", "retry", "a" * 12)
    assert code == 0, out
    assert "1 callback(s) put back" in out
    code, out = run("--config", str(config_file), "inbox", "retry", "c" * 12)  # pending, not dead
    assert code != 0
    assert "not a dead letter" in out
    code, out = run("--config", str(config_file), "inbox", "drop", "b" * 12)
    assert code == 0, out
    store = SQLiteStore(config_file.parent / "store.db")
    try:
        revived = store.inbox.get_item("a" * 64)
        assert revived is not None
        assert (revived.state, revived.attempts) == (ItemState.PENDING, 0)
        assert store.inbox.get_item("b" * 64) is None
        assert store.inbox.stats(SUITE).dead == 0
    finally:
        store.close()


def test_retry_all_dead_and_usage_errors(config_file: Path) -> None:
    code, out = run("--config", str(config_file), "inbox", "retry")
    assert code != 0
    assert "--all-dead" in out
    code, out = run("--config", str(config_file), "inbox", "retry", "--all-dead")
    assert code == 0, out
    assert "2 callback(s) put back" in out


@pytest.mark.parametrize(
    "payload",
    [
        f"<xml><SuiteTicket >{TICKET}</SuiteTicket ></xml>",  # whitespace inside the tags
        f"<xml><SuiteTicket\n>{TICKET}</SuiteTicket\n></xml>",
        f'<xml><SuiteTicket kind="x">{TICKET}</SuiteTicket></xml>',  # an attribute
        f"<xml><SuiteTicket><![CDATA[{TICKET[:10]}]]><![CDATA[{TICKET[10:]}]]></SuiteTicket></xml>",  # two CDATA
        "<xml><SuiteTicket>&#84;" + TICKET[1:] + "</SuiteTicket></xml>",  # a character reference
        f"<xml><AuthCode><Part>{TICKET}</Part></AuthCode></xml>",  # nested under a credential
        f"<xml><ContactSync><AccessToken>{TICKET}</AccessToken></ContactSync></xml>",  # deeper down
        f"<xml><Token>a</Token><Token>{TICKET}</Token></xml>",  # repeated
        f"<?xml version='1.0' encoding='UTF-8'?>\n<xml>\n  <ChatKey>\n{TICKET}\n</ChatKey>\n</xml>",
    ],
    ids=["space", "newline", "attribute", "split-cdata", "char-ref", "nested", "deeper", "repeated", "declared"],
)
def test_show_redacts_credentials_however_the_xml_spells_them(config_file: Path, payload: str) -> None:
    store = SQLiteStore(config_file.parent / "store.db")
    store.inbox.put(InboxItem("e" * 64, SUITE, payload.encode(), 104.0, queue="wwcorp3"))
    store.close()
    code, out = run("--config", str(config_file), "inbox", "show", "e" * 12)
    assert code == 0, out
    assert TICKET not in out
    assert TICKET[1:] not in out
    assert TICKET[10:] not in out
    assert "SecretText(…(" in out  # the operator still sees that a credential is there


@pytest.mark.parametrize(
    "payload",
    [
        f"<xml><SuiteTicket>{TICKET}</SuiteTicket>",  # cut short
        f"<xml><SuiteTicket>{TICKET}</SuiteTicket></xml><xml/>",  # two roots
        f"SuiteTicket={TICKET}",  # not XML at all
        f"<other><SuiteTicket>{TICKET}</SuiteTicket></other>",  # not a WeCom document
    ],
    ids=["truncated", "two-roots", "not-xml", "other-root"],
)
def test_show_summarises_a_payload_that_does_not_parse(config_file: Path, payload: str) -> None:
    store = SQLiteStore(config_file.parent / "store.db")
    store.inbox.put(InboxItem("f" * 64, SUITE, payload.encode(), 105.0, queue="wwcorp4"))
    store.close()
    code, out = run("--config", str(config_file), "inbox", "show", "f" * 12)
    assert code == 0, out
    assert TICKET not in out
    assert f"(not shown: {len(payload.encode())} bytes, sha256 " in out
    code, revealed = run("--config", str(config_file), "inbox", "show", "f" * 12, "--reveal")
    assert TICKET in revealed
