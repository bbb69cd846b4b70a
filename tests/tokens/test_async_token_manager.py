"""AsyncTokenManager: the same flight, awaited; tasks of one loop share one fetch."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.tokens.token_fetchers import AsyncCountingFetch, CountingFetch, GatedStore
from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore, Store, StoredToken
from wecom_suite.tokens import AsyncTokenManager, RefreshPolicy, TokenManager, suite_token_key

T0 = 1_700_000_000.0
KEY = suite_token_key("suite-1")
NO_JITTER = RefreshPolicy(early_refresh=300, jitter=0)

pytestmark = pytest.mark.timeout(60)


def _manager(store: Store, clock: ManualClock, fetch: AsyncCountingFetch) -> AsyncTokenManager:
    return AsyncTokenManager(store, KEY, fetch, clock=clock, policy=NO_JITTER)


async def test_two_hundred_tasks_share_one_fetch(any_store: Store, clock: ManualClock) -> None:
    fetch = AsyncCountingFetch()
    manager = _manager(any_store, clock, fetch)
    tokens = await asyncio.gather(*(manager.token() for _ in range(200)))
    assert set(tokens) == {"atok-1"}
    assert fetch.calls == 1
    assert await manager.peek() == StoredToken("atok-1", T0 + 7200, T0)


async def test_early_refresh_convergence_and_invalidate(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = AsyncCountingFetch()
    manager = _manager(memory_store, clock, fetch)
    assert await manager.token() == "atok-1"
    clock.advance(6900)
    assert await manager.token() == "atok-2"
    clock.advance(2)
    assert await manager.refresh() == "atok-2"  # within the convergence window
    await manager.invalidate("atok-1")  # an old token: nothing happens
    assert await manager.token() == "atok-2"
    await manager.invalidate("atok-2")
    assert await manager.peek() is None
    assert await manager.token() == "atok-3"
    assert fetch.calls == 3


async def test_a_failed_fetch_reaches_every_waiting_task(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = AsyncCountingFetch()
    fetch.gate = asyncio.Event()
    fetch.fail_with = ConnectionError("WeCom unreachable")
    manager = _manager(memory_store, clock, fetch)
    tasks = [asyncio.create_task(manager.token()) for _ in range(20)]
    while fetch.calls == 0:
        await asyncio.sleep(0)
    fetch.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert fetch.calls == 1


async def test_cancelling_the_refreshing_task_hands_over_to_a_waiter(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    fetch = AsyncCountingFetch()
    fetch.gate = asyncio.Event()
    manager = _manager(memory_store, clock, fetch)
    leader = asyncio.create_task(manager.token())
    while fetch.calls == 0:
        await asyncio.sleep(0)
    follower = asyncio.create_task(manager.token())
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    fetch.gate.set()
    assert await follower == "atok-2"
    assert fetch.calls == 2
    assert memory_store.leases.try_acquire("refresh:" + KEY, lease_seconds=1) is not None  # the lease was released


async def test_async_waits_for_a_sync_refresh_in_another_thread(memory_store: MemoryStore, clock: ManualClock) -> None:
    sync_fetch = CountingFetch(prefix="sync")
    sync_fetch.gate.clear()
    sync_manager = TokenManager(memory_store, KEY, sync_fetch, clock=clock, policy=NO_JITTER)
    worker = threading.Thread(target=sync_manager.token)
    worker.start()
    await asyncio.to_thread(sync_fetch.entered.wait, 10)
    async_fetch = AsyncCountingFetch()
    waiting = asyncio.create_task(_manager(memory_store, clock, async_fetch).token())
    await asyncio.sleep(0)
    sync_fetch.gate.set()
    assert await waiting == "sync-1"
    await asyncio.to_thread(worker.join, 10)
    assert async_fetch.calls == 0


async def test_invalidate_during_an_async_read_is_not_undone_by_it(clock: ManualClock) -> None:
    store = GatedStore(clock)
    store.tokens.set_token(KEY, StoredToken("rejected", T0 + 7200, T0))
    fetch = AsyncCountingFetch()
    manager = _manager(store, clock, fetch)
    store.armed = True
    reader = asyncio.create_task(manager.token())
    assert await asyncio.to_thread(store.parked.wait, 10)
    await manager.invalidate("rejected")
    store.resume.set()
    assert await reader == "atok-1"
    assert await manager.token() == "atok-1"


async def test_async_refresh_waits_out_an_ordinary_read(clock: ManualClock) -> None:
    store = GatedStore(clock)
    store.tokens.set_token(KEY, StoredToken("rejected", T0 + 7200, T0))
    clock.advance(100)
    fetch = AsyncCountingFetch()
    manager = _manager(store, clock, fetch)
    store.armed = True
    reader = asyncio.create_task(manager.token())
    assert await asyncio.to_thread(store.parked.wait, 10)
    refreshing = asyncio.create_task(manager.refresh())
    await asyncio.sleep(0)
    store.resume.set()
    assert await reader == "rejected"
    assert await refreshing == "atok-1"
