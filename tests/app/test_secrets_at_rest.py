"""A suite with WECOM_SECRET_KEY keeps nothing secret in plain text in its store, and still works end to end."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.app.suite_world import WorldFactory
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.stores import ItemState, MemoryStore
from wecom_suite.stores import sealed as sealed_module
from wecom_suite.stores.sealed import SealedCompanies, seal_store
from wecom_suite.stores.sealing import Sealer, key_id_of
from wecom_suite.stores.token_keys import corp_token_key, suite_token_key

KEY = "app-test-secret-key-0123456789abcdef0123456789"  # a test key, not a secret


def test_install_and_api_calls_work_with_every_secret_sealed(
    make_world: WorldFactory, caplog: pytest.LogCaptureFixture, clock: ManualClock
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = MemoryStore(clock)  # what the database would hold
    world = make_world(store=seal_store(backend, [KEY]), secret_key=KEY)
    suite_id, corp_id = world.app.config.suite_id, world.corp_id
    world.sandbox.push_ticket()
    ticket = world.sandbox.emulator.tickets[-1].value
    world.app.process_pending()
    world.sandbox.install(corp_id)
    world.app.process_pending()
    departments = world.app.corp(corp_id).client.get_json("department/list")
    assert departments["errcode"] == 0

    code = world.sandbox.emulator.permanent_code(corp_id)
    suite_token = world.app.store.tokens.get_token(suite_token_key(suite_id))
    corp_token = world.app.store.tokens.get_token(corp_token_key(suite_id, corp_id))
    assert suite_token is not None
    assert corp_token is not None
    record = world.app.store.companies.get_company(suite_id, corp_id)
    assert record is not None
    assert record.permanent_code == code  # the app sees the real values ...

    key_id = Sealer([KEY]).key_id
    at_rest = [
        backend.tickets.get_ticket(suite_id).ticket,
        _token(backend, suite_token_key(suite_id)),
        _token(backend, corp_token_key(suite_id, corp_id)),
        _code(backend, suite_id, corp_id),
    ]
    assert [key_id_of(value) for value in at_rest] == [key_id] * 4  # ... the backend only sealed ones
    for value in at_rest:
        for secret in (ticket, suite_token.token, corp_token.token, code):
            assert secret not in value
    for item in backend.inbox.list_items(suite_id, state=ItemState.DONE, limit=100):
        assert item.payload == b""  # processed callbacks keep no payload at all
    for secret in (ticket, code, suite_token.token, corp_token.token, KEY):
        assert secret not in caplog.text


def test_a_recorded_callback_waits_sealed(make_world: WorldFactory, clock: ManualClock) -> None:
    backend = MemoryStore(clock)
    world = make_world(store=seal_store(backend, [KEY]), secret_key=KEY)
    world.sandbox.push_ticket()  # recorded, not processed yet
    ticket = world.sandbox.emulator.tickets[-1].value
    [waiting] = backend.inbox.list_items(world.app.config.suite_id)
    assert key_id_of(waiting.payload) == Sealer([KEY]).key_id
    assert ticket.encode() not in waiting.payload
    [opened] = world.app.store.inbox.list_items(world.app.config.suite_id)
    assert ticket.encode() in opened.payload
    assert world.app.process_pending() == 1
    assert world.app.store.tickets.get_ticket(world.app.config.suite_id).ticket == ticket


def _config(**overrides: str) -> SuiteConfig:
    values = {
        "suite_id": "wwsealedsuite",
        "suite_secret": "suite-secret-0123456789abcdef",
        "token": "tok123",
        "encoding_aes_key": "a" * 43,
        "store_url": "memory://",
    }
    values.update(overrides)
    return SuiteConfig(**values)


def test_suite_app_opens_a_sealed_store_when_a_key_is_set(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sealed_module, "_warned", False)
    caplog.set_level(logging.WARNING)
    app = SuiteApp(_config(secret_key=f"{KEY},{KEY[::-1]}"), start_worker=False)
    try:
        assert isinstance(app.store.companies, SealedCompanies)
        assert app.store.companies.sealer.key_ids == Sealer([KEY, KEY[::-1]]).key_ids
    finally:
        app.close()
    assert "plain text" not in caplog.text


def test_without_a_key_the_app_says_so_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sealed_module, "_warned", False)
    caplog.set_level(logging.WARNING)
    in_memory = SuiteApp(_config(), start_worker=False)  # nothing at rest: no warning
    in_memory.close()
    assert "plain text" not in caplog.text
    apps = [SuiteApp(_config(store_url=f"sqlite://{tmp_path}/app.db"), start_worker=False) for _ in range(2)]
    for app in apps:
        app.close()
    warnings = [r for r in caplog.records if "secrets are stored in plain text" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "WECOM_SECRET_KEY" in warnings[0].getMessage()


def _token(store: MemoryStore, key: str) -> str:
    found = store.tokens.get_token(key)
    assert found is not None
    return found.token


def _code(store: MemoryStore, suite_id: str, corp_id: str) -> str:
    found = store.companies.get_company(suite_id, corp_id)
    assert found is not None
    return found.permanent_code
