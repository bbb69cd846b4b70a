"""TokenRefresher: keeps tokens warm, clock-driven; a thread that stops when told."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tokens.token_fetchers import CountingFetch
from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore, SQLiteStore
from wecom_suite.tokens import RefreshPolicy, TokenManager, TokenRefresher, corp_token_key, suite_token_key

T0 = 1_700_000_000.0
POLICY = RefreshPolicy(early_refresh=300, jitter=0)

pytestmark = pytest.mark.timeout(30)


def test_run_once_refreshes_what_is_due_and_reports_the_next_due_time(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    suite_fetch, corp_fetch = CountingFetch(prefix="suite"), CountingFetch(prefix="corp", expires_in=3600)
    suite = TokenManager(memory_store, suite_token_key("s"), suite_fetch, clock=clock, policy=POLICY)
    corp = TokenManager(memory_store, corp_token_key("s", "c"), corp_fetch, clock=clock, policy=POLICY)
    refresher = TokenRefresher([suite, corp], clock=clock, max_sleep=10_000)
    assert refresher.run_once() == T0 + 3600 - 300
    assert (suite_fetch.calls, corp_fetch.calls) == (1, 1)
    clock.advance(3300)
    assert refresher.run_once() == T0 + 3300 + 3600 - 300  # corp refreshed (due again first); suite not due
    assert (suite_fetch.calls, corp_fetch.calls) == (1, 2)
    assert corp.token() == "corp-2"


def test_a_failing_fetch_is_retried_later_without_stopping_the_others(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    broken = CountingFetch()
    broken.fail_with = ConnectionError("down")
    ok = CountingFetch(prefix="ok")
    managers = [
        TokenManager(memory_store, suite_token_key("broken"), broken, clock=clock, policy=POLICY),
        TokenManager(memory_store, suite_token_key("ok"), ok, clock=clock, policy=POLICY),
    ]
    refresher = TokenRefresher(lambda: managers, clock=clock, retry_after=30, max_sleep=10_000)
    assert refresher.run_once() == T0 + 30
    assert refresher.errors == 1
    assert ok.calls == 1
    refresher.run_once()
    assert broken.calls == 1  # not hammered before retry_after
    clock.advance(30)
    refresher.run_once()
    assert broken.calls == 2


def test_background_thread_starts_and_stops(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = CountingFetch()
    manager = TokenManager(memory_store, suite_token_key("s"), fetch, clock=clock, policy=POLICY)
    with TokenRefresher([manager], clock=clock) as refresher:
        assert fetch.entered.wait(10)
        assert refresher.running
    assert not refresher.running
    assert fetch.calls == 1
    assert memory_store.tokens.get_token(suite_token_key("s")) is not None


def test_a_pass_over_warm_managers_needs_no_store_io(tmp_path: Path, clock: ManualClock) -> None:
    store = SQLiteStore(tmp_path / "t.db", clock)
    fetch = CountingFetch()
    managers = [TokenManager(store, corp_token_key("s", f"c{i}"), fetch, clock=clock, policy=POLICY) for i in range(50)]
    refresher = TokenRefresher(managers, clock=clock, max_sleep=10_000)
    refresher.run_once()
    assert fetch.calls == 50
    store.close()  # any store call would now raise
    assert refresher.run_once() == T0 + 7200 - 300
    assert refresher.errors == 0
