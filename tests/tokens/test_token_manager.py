"""TokenManager: caching, early refresh, convergence, compare-and-delete, single flight across threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.tokens.token_fetchers import CountingFetch, GatedStore
from wecom_suite.clock import ManualClock
from wecom_suite.errors import LockTimeout, StoreError
from wecom_suite.stores import MemoryStore, SQLiteStore, Store, StoredToken
from wecom_suite.tokens import RefreshPolicy, TokenManager, suite_token_key
from wecom_suite.tokens.policy import lease_name

T0 = 1_700_000_000.0
KEY = suite_token_key("suite-1")
NO_JITTER = RefreshPolicy(early_refresh=300, jitter=0)

pytestmark = pytest.mark.timeout(60)


def _manager(store: Store, clock: ManualClock, fetch: CountingFetch, policy: RefreshPolicy = NO_JITTER) -> TokenManager:
    return TokenManager(store, KEY, fetch, clock=clock, policy=policy)


def test_fetches_once_then_serves_the_cached_token(any_store: Store, clock: ManualClock) -> None:
    fetch = CountingFetch()
    manager = _manager(any_store, clock, fetch)
    assert manager.peek() is None
    assert [manager.token() for _ in range(100)] == ["tok-1"] * 100
    assert fetch.calls == 1
    assert manager.peek() == StoredToken("tok-1", T0 + 7200, T0)


def test_a_second_process_reads_the_first_ones_token(any_store: Store, clock: ManualClock) -> None:
    first, second = CountingFetch(), CountingFetch(prefix="other")
    assert _manager(any_store, clock, first).token() == "tok-1"
    assert _manager(any_store, clock, second).token() == "tok-1"
    assert second.calls == 0


def test_refreshes_at_the_early_refresh_point(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch)
    manager.token()
    clock.advance(7200 - 300 - 1)
    assert manager.token() == "tok-1"
    clock.advance(1)
    assert manager.token() == "tok-2"
    assert fetch.calls == 2


def test_token_due_early_is_served_while_another_process_refreshes(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch)
    manager.token()
    clock.advance(7000)  # due, but valid for 200 s more
    assert memory_store.leases.try_acquire(lease_name(KEY), lease_seconds=30) is not None  # someone else refreshes
    assert manager.token() == "tok-1"
    assert fetch.calls == 1


def test_refresh_converges_within_the_window(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch)
    assert manager.refresh() == "tok-1"
    clock.advance(3.9)
    assert manager.refresh() == "tok-1"
    assert fetch.calls == 1
    clock.advance(0.1)
    assert manager.refresh() == "tok-2"
    assert manager.token() == "tok-2"


def test_invalidate_removes_only_the_rejected_token(any_store: Store, clock: ManualClock) -> None:
    fetch_a, fetch_b = CountingFetch(prefix="a"), CountingFetch(prefix="b")
    process_a = _manager(any_store, clock, fetch_a)
    process_b = _manager(any_store, clock, fetch_b)
    stale = process_a.token()
    clock.advance(10)
    fresh = process_b.refresh()  # B was told its token expired and got a fresh one
    assert fresh == "b-1"
    process_a.invalidate(stale)  # A learns late that its token was rejected
    assert any_store.tokens.get_token(KEY) == StoredToken("b-1", T0 + 10 + 7200, T0 + 10)
    assert process_a.token() == "b-1"
    assert fetch_a.calls == 1
    process_a.invalidate("b-1")
    assert process_a.peek() is None
    assert process_a.token() == "a-2"


def test_other_processes_writes_are_seen_after_local_cache_seconds(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    policy = RefreshPolicy(early_refresh=300, jitter=0, local_cache_seconds=30)
    a = TokenManager(memory_store, KEY, CountingFetch(prefix="a"), clock=clock, policy=policy)
    b = TokenManager(memory_store, KEY, CountingFetch(prefix="b"), clock=clock, policy=policy)
    assert a.token() == "a-1"
    clock.advance(5)
    assert b.refresh() == "b-1"
    assert a.token() == "a-1"  # the in-process copy, still valid for WeCom
    clock.advance(25)
    assert a.token() == "b-1"


def test_threads_share_one_fetch(memory_store: MemoryStore, clock: ManualClock) -> None:
    fetch = CountingFetch()
    fetch.gate.clear()
    manager = _manager(memory_store, clock, fetch)
    start = threading.Barrier(65)
    results: list[str] = []

    def ask() -> None:
        start.wait()
        results.append(manager.token())

    threads = [threading.Thread(target=ask) for _ in range(64)]
    for t in threads:
        t.start()
    start.wait()
    assert fetch.entered.wait(10)
    fetch.gate.set()
    for t in threads:
        t.join(10)
    assert results == ["tok-1"] * 64
    assert fetch.calls == 1


def test_a_failed_fetch_reaches_every_waiting_thread_and_frees_the_lease(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    fetch = CountingFetch()
    fetch.gate.clear()
    fetch.fail_with = ConnectionError("WeCom unreachable")
    manager = _manager(memory_store, clock, fetch)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            manager.token()
        except ConnectionError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    assert fetch.entered.wait(10)
    fetch.gate.set()
    for t in threads:
        t.join(10)
    assert fetch.calls <= 8
    assert len(errors) == 8
    lease = memory_store.leases.try_acquire(lease_name(KEY), lease_seconds=30)
    assert lease is not None
    memory_store.leases.release(lease)
    fetch.fail_with = None
    assert manager.token().startswith("tok-")


def test_gives_up_with_lock_timeout_when_the_holder_never_writes(memory_store: MemoryStore, clock: ManualClock) -> None:
    policy = RefreshPolicy(jitter=0, poll_interval=0.005, max_poll_interval=0.01, wait_timeout=0.05)
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch, policy)
    assert memory_store.leases.try_acquire(lease_name(KEY), lease_seconds=30) is not None
    with pytest.raises(LockTimeout) as info:
        manager.token()
    assert KEY in str(info.value)
    assert fetch.calls == 0


def test_takes_over_when_a_dead_holders_lease_runs_out(memory_store: MemoryStore, clock: ManualClock) -> None:
    policy = RefreshPolicy(jitter=0, lease_seconds=30, poll_interval=0.005, max_poll_interval=0.01, wait_timeout=30)
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch, policy)
    assert memory_store.leases.try_acquire(lease_name(KEY), lease_seconds=30) is not None  # then the holder dies
    results: list[str] = []
    waiter = threading.Thread(target=lambda: results.append(manager.token()))
    waiter.start()
    assert fetch.calls == 0
    clock.advance(30)
    waiter.join(10)
    assert results == ["tok-1"]
    assert fetch.calls == 1


def test_repr_shows_the_key_but_no_token(memory_store: MemoryStore, clock: ManualClock) -> None:
    manager = _manager(memory_store, clock, CountingFetch(prefix="SECRETVALUE"))
    manager.token()
    assert KEY in repr(manager)
    assert "SECRETVALUE" not in repr(manager)
    assert "SECRETVALUE" not in repr(manager.peek())


def test_a_failed_early_refresh_serves_the_current_token_until_it_expires(
    memory_store: MemoryStore, clock: ManualClock
) -> None:
    fetch = CountingFetch()
    manager = _manager(memory_store, clock, fetch)
    assert manager.token() == "tok-1"
    fetch.fail_with = ConnectionError("WeCom unreachable")
    clock.advance(7000)
    assert manager.token() == "tok-1"
    assert fetch.calls == 2
    clock.advance(200)
    with pytest.raises(ConnectionError):
        manager.token()


def test_a_broken_store_does_not_break_a_valid_cached_token(tmp_path: Path, clock: ManualClock) -> None:
    store = SQLiteStore(tmp_path / "t.db", clock)
    manager = _manager(store, clock, CountingFetch())
    assert manager.token() == "tok-1"
    store.close()  # from now on every store call fails
    clock.advance(60)  # past local_cache_seconds: the manager asks the store again
    assert manager.token() == "tok-1"
    clock.advance(7200)
    with pytest.raises(StoreError):
        manager.token()


def test_refresh_does_not_adopt_a_token_an_ordinary_read_is_bringing_back(clock: ManualClock) -> None:
    store = GatedStore(clock)
    store.tokens.set_token(KEY, StoredToken("rejected", T0 + 7200, T0))
    clock.advance(100)
    fetch = CountingFetch()
    manager = _manager(store, clock, fetch)
    store.armed = True
    reader = threading.Thread(target=manager.token)
    reader.start()
    assert store.parked.wait(10)  # an ordinary token() read "rejected" and is parked
    refreshed: list[str] = []
    refresher = threading.Thread(target=lambda: refreshed.append(manager.refresh()))
    refresher.start()
    store.resume.set()
    reader.join(10)
    refresher.join(10)
    assert refreshed == ["tok-1"]
    assert fetch.calls == 1


def test_invalidate_during_a_read_is_not_undone_by_it(clock: ManualClock) -> None:
    store = GatedStore(clock)
    store.tokens.set_token(KEY, StoredToken("rejected", T0 + 7200, T0))
    fetch = CountingFetch()
    manager = _manager(store, clock, fetch)
    store.armed = True
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(manager.token()))
    reader.start()
    assert store.parked.wait(10)
    manager.invalidate("rejected")  # WeCom said so while the read was in flight
    store.resume.set()
    reader.join(10)
    assert got == ["tok-1"]
    assert manager.token() == "tok-1"
    assert fetch.calls == 1
