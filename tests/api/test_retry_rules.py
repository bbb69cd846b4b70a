"""The retry rules, each seen happening over loopback against the sandbox (sync and async).

Time never really passes: the client's back-off sleeps go to a recorder that advances our ManualClock,
and token expiry is produced by moving the clocks. The only real waiting is one short read timeout.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.errors import (
    RateLimited,
    RequestMayHaveReachedWeCom,
    TokenExpired,
    WeComHTTPError,
    WeComUnreachable,
)
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import MemoryStore, SuiteTicket
from wecom_suite.tokens import suite_token_key

PRE_AUTH = "service/get_pre_auth_code"
PERMANENT = "service/get_permanent_code"
DELAYS = [0.25 * 0.75, 0.5 * 0.75, 1.0 * 0.75]  # RetryPolicy defaults with random() = 0.5, jitter 0.5


def fresh_ticket(sandbox: Sandbox, store: MemoryStore, clock: ManualClock) -> None:
    store.tickets.save_ticket(SuiteTicket(sandbox.settings.suite_id, sandbox.issue_ticket(), clock.now()))


async def test_token_expired_at_wecom_mid_use_is_renewed_once(
    api: Any, sandbox: Sandbox, store: MemoryStore, clock: ManualClock, wecom_sandbox_clock: ManualClock, sleeps: Any
) -> None:
    await api.get_pre_auth_code()
    used = store.tokens.get_token(suite_token_key(sandbox.settings.suite_id))
    assert used is not None
    wecom_sandbox_clock.advance(7300)  # WeCom's time runs on: our cached token is now expired there, not here
    fresh_ticket(sandbox, store, clock)  # (and the old ticket with it; a new push arrived)
    assert (await api.get_pre_auth_code()).pre_auth_code
    assert sandbox.counters[PRE_AUTH] == 3  # ok, 42009, ok
    assert sandbox.counters["service/get_suite_token"] == 2
    renewed = store.tokens.get_token(suite_token_key(sandbox.settings.suite_id))
    assert renewed is not None
    assert renewed.token != used.token
    assert sleeps.calls == []


async def test_token_near_expiry_by_our_clock_is_refreshed_before_wecom_rejects_it(
    api: Any, sandbox: Sandbox, store: MemoryStore, clock: ManualClock, wecom_sandbox_clock: ManualClock
) -> None:
    await api.get_pre_auth_code()
    clock.advance(7300)
    wecom_sandbox_clock.advance(7300)
    fresh_ticket(sandbox, store, clock)
    await api.get_pre_auth_code()
    assert sandbox.counters[PRE_AUTH] == 2  # no rejected call: the refresh came first
    assert sandbox.counters["service/get_suite_token"] == 2


async def test_40082_burst_is_renewed_once_then_raised(api: Any, sandbox: Sandbox) -> None:
    sandbox.faults.errcode(PRE_AUTH, 40082, times=1)
    assert (await api.get_pre_auth_code()).pre_auth_code
    assert sandbox.counters[PRE_AUTH] == 2
    sandbox.counters.reset()
    sandbox.faults.errcode(PRE_AUTH, 40082, times=5)
    with pytest.raises(TokenExpired) as caught:
        await api.get_pre_auth_code()
    assert sandbox.counters[PRE_AUTH] == 2  # exactly one renewal, never a loop
    assert caught.value.errcode == 40082
    assert "retried once" in caught.value.hint


async def test_system_busy_then_success(api: Any, sandbox: Sandbox, sleeps: Any) -> None:
    sandbox.faults.errcode(PRE_AUTH, -1, times=1)
    assert (await api.get_pre_auth_code()).pre_auth_code
    assert sandbox.counters[PRE_AUTH] == 2
    assert sleeps.calls == DELAYS[:1]


async def test_5xx_storm_beyond_the_budget_is_a_clear_bounded_error(api: Any, sandbox: Sandbox, sleeps: Any) -> None:
    sandbox.faults.http_error(PRE_AUTH, 503, times=None)
    with pytest.raises(WeComHTTPError) as caught:
        await api.get_pre_auth_code()
    assert (caught.value.status, caught.value.attempts) == (503, 4)
    assert sandbox.counters[PRE_AUTH] == 4
    assert sleeps.calls == DELAYS
    assert "retried" in caught.value.hint


async def test_rate_limit_storm_raises_rate_limited(api: Any, sandbox: Sandbox, sleeps: Any) -> None:
    sandbox.faults.errcode(PRE_AUTH, 45009, times=None)
    with pytest.raises(RateLimited):
        await api.get_pre_auth_code()
    assert sandbox.counters[PRE_AUTH] == 4
    assert sleeps.calls == DELAYS


async def test_timeout_on_get_permanent_code_is_not_retried(make_api: Any, sandbox: Sandbox, sleeps: Any) -> None:
    api = await make_api(timeout=0.2)
    auth_code = sandbox.install(sandbox.company().corp_id, push=False)
    sandbox.faults.latency(PERMANENT, 0.6)
    with pytest.raises(RequestMayHaveReachedWeCom) as caught:
        await api.get_permanent_code(auth_code)
    assert sandbox.counters[PERMANENT] == 1
    assert sleeps.calls == []
    assert "Timeout" in caught.value.detail
    assert "do not resend" in caught.value.hint


async def test_dropped_connection_on_get_permanent_code_is_not_retried(api: Any, sandbox: Sandbox) -> None:
    auth_code = sandbox.install(sandbox.company().corp_id, push=False)
    sandbox.faults.drop(PERMANENT)
    with pytest.raises(RequestMayHaveReachedWeCom):
        await api.get_permanent_code(auth_code)
    assert sandbox.counters[PERMANENT] == 1


async def test_busy_on_get_permanent_code_is_not_retried_but_rate_limit_is(api: Any, sandbox: Sandbox) -> None:
    auth_code = sandbox.install(sandbox.company().corp_id, push=False)
    sandbox.faults.errcode(PERMANENT, -1)
    with pytest.raises(RequestMayHaveReachedWeCom) as caught:
        await api.get_permanent_code(auth_code)
    assert caught.value.errcode == -1
    sandbox.faults.errcode(PERMANENT, 45009)  # throttled = certainly not processed: safe to resend
    assert (await api.get_permanent_code(auth_code)).permanent_code
    assert sandbox.counters[PERMANENT] == 3


async def test_dropped_connection_on_a_read_is_retried(api: Any, sandbox: Sandbox, sleeps: Any) -> None:
    sandbox.faults.drop(PRE_AUTH)
    assert (await api.get_pre_auth_code()).pre_auth_code
    assert sandbox.counters[PRE_AUTH] == 2
    assert sleeps.calls == DELAYS[:1]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_nothing_listening_is_retried_then_unreachable(make_api: Any, sleeps: Any) -> None:
    api = await make_api(base_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(WeComUnreachable) as caught:
        await api.get_suite_token("TICKET")
    assert caught.value.attempts == 4
    assert sleeps.calls == DELAYS
    assert "base_url" in caught.value.hint
