"""``store rekey`` on the memory backend: everything moves to the new key, nothing is lost or leaked."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.stores import InboxItem, MemoryStore, StoredToken, SuiteTicket
from wecom_suite.stores.rekey import company_token_keys, rekey_store
from wecom_suite.stores.sealed import seal_store, unsealed
from wecom_suite.stores.sealing import Sealer, UnknownKey, key_id_of
from wecom_suite.stores.token_keys import agent_ticket_key, corp_token_key, provider_token_key, suite_token_key
from wecom_suite.testing.sealed_store_contract import CURRENT_KEY, PREVIOUS_KEY
from wecom_suite.testing.store_contract import START, _company

pytestmark = pytest.mark.timeout(60)

SUITE = "ww-suite"
PROVIDER = "ww-provider"
AGENT_INFO = {"auth_info": {"agent": [{"agentid": 1000002}, {"name": "no id"}]}}


def _old_data(store: MemoryStore, *, plain: bool = False) -> None:
    """What a deployment holds before rotating: sealed under PREVIOUS_KEY (or plain, as 0.1 wrote it)."""
    target = store if plain else seal_store(store, [PREVIOUS_KEY])
    target.tickets.save_ticket(SuiteTicket(SUITE, "ticket-secret", START))
    target.tokens.set_token(suite_token_key(SUITE), StoredToken("suite-token-secret", START + 7200, START))
    target.tokens.set_token(provider_token_key(PROVIDER), StoredToken("provider-token-secret", START + 7200, START))
    for corp in ("corp-1", "corp-2"):
        target.companies.save_company(_company(SUITE, corp, permanent_code=f"pc-secret-{corp}", auth_info=AGENT_INFO))
        target.tokens.set_token(corp_token_key(SUITE, corp), StoredToken(f"corp-token-{corp}", START + 7200, START))
    agent_ticket = StoredToken("agent-ticket", START + 7200, START)
    target.tokens.set_token(agent_ticket_key(SUITE, "corp-1", 1000002), agent_ticket)
    target.inbox.put(InboxItem("dead-one", SUITE, b"<xml><AuthCode>code-secret</AuthCode></xml>", START))
    target.inbox.claim(SUITE, now=START, lease_seconds=60)
    target.inbox.bury("dead-one", now=START, error="ValueError: x")


def _stored_values(store: MemoryStore) -> list[str]:
    raw = unsealed(store)
    values = [raw.tickets.get_ticket(SUITE, allow_expired=True).ticket]
    for key in (suite_token_key(SUITE), provider_token_key(PROVIDER), corp_token_key(SUITE, "corp-1"),
                corp_token_key(SUITE, "corp-2"), agent_ticket_key(SUITE, "corp-1", 1000002)):
        token = raw.tokens.get_token(key)
        assert token is not None, key
        values.append(token.token)
    values.extend(c.permanent_code for c in raw.companies.list_companies(SUITE))
    return values


@pytest.mark.parametrize("plain", [False, True], ids=["previous-key", "plain-0.1"])
def test_rekey_moves_every_secret_to_the_current_key(plain: bool) -> None:
    store = MemoryStore(ManualClock(START))
    _old_data(store, plain=plain)
    sealer = Sealer([CURRENT_KEY, PREVIOUS_KEY])
    report = rekey_store(store, sealer, [SUITE], provider_corp_ids=[PROVIDER])
    assert report.resealed == {"suite_ticket": 1, "permanent_code": 2, "token": 5}
    assert report.current == {}
    assert all(key_id_of(v) == sealer.key_id for v in _stored_values(store))
    # The dead letter cannot be rewritten in place: counted, named, never shown.
    assert report.left == {"inbox payload": 1}
    assert not report.complete
    assert "dead-one" in report.problems[0]
    assert "revive or drop" in report.problems[0]
    assert "code-secret" not in " ".join(report.problems)
    # Only the new key is needed now for everything rekey rewrote.
    new_only = seal_store(store, [CURRENT_KEY])
    company = new_only.companies.get_company(SUITE, "corp-2")
    assert company is not None
    assert company.permanent_code == "pc-secret-corp-2"
    assert company.auth_info == AGENT_INFO
    assert new_only.tickets.get_ticket(SUITE).ticket == "ticket-secret"
    assert new_only.tokens.get_token(agent_ticket_key(SUITE, "corp-1", 1000002)) == StoredToken(
        "agent-ticket", START + 7200, START
    )
    # A second run finds nothing to do.
    again = rekey_store(store, sealer, [SUITE], provider_corp_ids=[PROVIDER])
    assert again.resealed == {}
    assert again.current == {"suite_ticket": 1, "permanent_code": 2, "token": 5}


def test_rekey_is_complete_once_the_dead_letter_is_gone() -> None:
    store = MemoryStore(ManualClock(START))
    _old_data(store)
    assert store.inbox.drop("dead-one")
    report = rekey_store(store, Sealer([CURRENT_KEY, PREVIOUS_KEY]), [SUITE], provider_corp_ids=[PROVIDER])
    assert report.complete
    assert report.problems == []


def test_tokens_no_key_opens_are_dropped_and_codes_reported(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = MemoryStore(ManualClock(START))
    _old_data(store)  # under PREVIOUS_KEY, which the operator already removed
    report = rekey_store(store, Sealer([CURRENT_KEY]), [SUITE], provider_corp_ids=[PROVIDER])
    assert report.dropped == {"token": 5}
    assert store.tokens.get_token(suite_token_key(SUITE)) is None  # fetched again on next use
    assert report.left["permanent_code"] == 2  # never dropped: a permanent code cannot be fetched again
    assert any("corp-1" in p and "not configured" in p for p in report.problems)
    with pytest.raises(UnknownKey):
        seal_store(store, [CURRENT_KEY]).companies.get_company(SUITE, "corp-1")
    shown = " ".join(report.problems) + caplog.text
    for secret in ("pc-secret", "ticket-secret", "token-secret", CURRENT_KEY, PREVIOUS_KEY):
        assert secret not in shown


def test_rekey_leaves_a_tampered_value_alone() -> None:
    store = MemoryStore(ManualClock(START))
    _old_data(store)
    raw = unsealed(store)
    one, two = raw.companies.get_company(SUITE, "corp-1"), raw.companies.get_company(SUITE, "corp-2")
    assert one is not None
    assert two is not None

    raw.companies.save_company(replace(two, permanent_code=one.permanent_code))  # copied row
    report = rekey_store(store, Sealer([CURRENT_KEY, PREVIOUS_KEY]), [SUITE])
    assert report.resealed["permanent_code"] == 1
    assert report.left["permanent_code"] == 1
    assert raw.companies.get_company(SUITE, "corp-2") == replace(two, permanent_code=one.permanent_code)


def test_rekey_needs_a_key_and_walks_only_its_suites() -> None:
    store = MemoryStore(ManualClock(START))
    _old_data(store)
    with pytest.raises(ValueError, match="WECOM_SECRET_KEY"):
        rekey_store(store, Sealer([]), [SUITE])
    report = rekey_store(store, Sealer([CURRENT_KEY, PREVIOUS_KEY]), ["another-suite"])
    assert report.resealed == {}
    previous = Sealer([PREVIOUS_KEY]).key_id
    assert all(key_id_of(v) == previous for v in _stored_values(store))


def test_company_token_keys_follow_the_agents_in_auth_info() -> None:
    record = _company(SUITE, "corp-1", auth_info=AGENT_INFO)
    assert company_token_keys(SUITE, record) == [
        corp_token_key(SUITE, "corp-1"),
        f"jsapi_ticket:{SUITE}:corp-1",
        agent_ticket_key(SUITE, "corp-1", 1000002),
    ]
