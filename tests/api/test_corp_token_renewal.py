"""A company's access_token dying mid-call, seen over loopback (sync and async via ``make_api``).

WeCom (the sandbox) really expires (42001) or forgets (40014) the token; the client must drop exactly
that token from the store, fetch one new one, retry the call once, and stop after one retry.
"""

from __future__ import annotations

from typing import Any

import pytest

from wecom_suite.errors import TokenExpired
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import CompanyRecord, MemoryStore
from wecom_suite.tokens import corp_token_key, suite_token_key

FETCH = "service/get_corp_token"
CALL = "agent/get_permissions"


def issued_corp_token(sandbox: Sandbox, corp_id: str) -> str:
    """The access_token WeCom (the sandbox) currently holds valid for ``corp_id``."""
    current = sandbox.emulator.book.current("corp_token", corp_id)
    assert current is not None
    return current.value


def stored(store: MemoryStore, key: str) -> str:
    token = store.tokens.get_token(key)
    assert token is not None, f"nothing stored under {key}"
    return token.token


async def two_companies_with_tokens(api: Any, sandbox: Sandbox, store: MemoryStore) -> tuple[str, str]:
    """The fixture's installed company plus a second one, both with a cached token (the bystander's
    token and the suite token must survive the other company's renewal untouched)."""
    suite_id = sandbox.settings.suite_id
    target = sandbox.company().corp_id
    bystander = list(sandbox.companies.values())[1].corp_id
    store.companies.save_company(CompanyRecord(suite_id, bystander, sandbox.authorize(bystander)))
    assert await api.corp(bystander).access_token() == issued_corp_token(sandbox, bystander)
    assert await api.corp(target).access_token() == issued_corp_token(sandbox, target)
    await api.get_pre_auth_code()  # caches the suite token too
    return target, bystander


@pytest.mark.parametrize("wecom_forgets", ["expire_token", "invalidate_tokens"], ids=["42001", "40014"])
async def test_a_rejected_company_token_is_dropped_refreshed_and_the_call_retried_once(
    make_api: Any, sandbox: Sandbox, store: MemoryStore, wecom_forgets: str
) -> None:
    api = await make_api()
    suite_id = sandbox.settings.suite_id
    target, bystander = await two_companies_with_tokens(api, sandbox, store)
    old = stored(store, corp_token_key(suite_id, target))
    bystander_token = stored(store, corp_token_key(suite_id, bystander))
    suite_token = stored(store, suite_token_key(suite_id))
    sandbox.counters.reset()

    getattr(sandbox, wecom_forgets)("corp_token", target)  # WeCom answers 42001 / 40014 to the old token
    permissions = await api.corp(target).get_app_permissions()

    assert permissions.app_permissions
    assert sandbox.counters[CALL] == 2  # rejected once, retried once
    assert sandbox.counters[FETCH] == 1  # exactly one new company token
    new = stored(store, corp_token_key(suite_id, target))
    assert new != old  # the rejected token is gone from the store ...
    assert new == issued_corp_token(sandbox, target)  # ... replaced by the one WeCom just issued
    assert await api.corp(target).access_token() == new
    # Only that token was dropped: the other company's and the suite's are the same values as before.
    assert stored(store, corp_token_key(suite_id, bystander)) == bystander_token
    assert stored(store, suite_token_key(suite_id)) == suite_token
    assert sandbox.counters[FETCH] == 1
    assert sandbox.counters["service/get_suite_token"] == 0


async def test_counts_from_a_fresh_client_two_fetches_two_calls(
    make_api: Any, sandbox: Sandbox, store: MemoryStore
) -> None:
    """The brief's totals from a cold start: token fetched, call, expiry, fetch again, retried call."""
    api = await make_api()
    target = sandbox.company().corp_id
    corp = api.corp(target)
    first = await corp.access_token()
    sandbox.expire_token("corp_token", target)
    assert (await corp.get_app_permissions()).app_permissions
    assert sandbox.counters[FETCH] == 2
    assert sandbox.counters[CALL] == 2
    assert await corp.access_token() != first


async def test_a_second_rejection_is_a_clear_error_after_exactly_one_retry(
    make_api: Any, sandbox: Sandbox, store: MemoryStore
) -> None:
    api = await make_api()
    target = sandbox.company().corp_id
    corp = api.corp(target)
    await corp.access_token()
    sandbox.expire_token("corp_token", target)
    sandbox.faults.errcode(CALL, 42001, times=5)  # WeCom keeps rejecting whatever token is sent

    with pytest.raises(TokenExpired) as caught:
        await corp.get_app_permissions()

    assert caught.value.errcode == 42001
    assert "retried once" in caught.value.hint
    assert sandbox.counters[CALL] == 2  # bounded: one retry, not a loop
    assert sandbox.counters[FETCH] == 2  # the first fetch and one refresh
    leaked = str(caught.value) + repr(caught.value)
    assert issued_corp_token(sandbox, target) not in leaked
