"""The inbox worker: processed once, failures retried with backoff, leases of dead workers expire."""

from __future__ import annotations

import threading

import pytest

from wecom_suite.app.inbox_worker import InboxWorker
from wecom_suite.backoff import Backoff
from wecom_suite.clock import ManualClock
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import InboxItem

SUITE = "wwsuite"


def item(n: int, at: float) -> InboxItem:
    return InboxItem(id=f"digest-{n}", suite_id=SUITE, payload=f"<xml>{n}</xml>".encode(), received_at=at)


def test_each_item_is_processed_once_in_arrival_order() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    seen: list[bytes] = []
    worker = InboxWorker(store, SUITE, lambda it: seen.append(it.payload), clock=clock)
    assert store.put(item(2, 1_001))
    assert store.put(item(1, 1_000))
    assert not store.put(item(1, 1_000))  # a redelivery is recorded once
    assert worker.drain() == 2
    assert seen == [b"<xml>1</xml>", b"<xml>2</xml>"]
    assert worker.drain() == 0
    assert store.pending_count(SUITE) == 0


def test_failures_are_retried_after_the_backoff_and_never_dropped() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    failures = {"left": 3}
    done: list[int] = []

    def process(it: InboxItem) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("WeCom unreachable")
        done.append(it.attempts)

    worker = InboxWorker(store, SUITE, process, clock=clock, backoff=Backoff(base=10, jitter=0.0))
    store.put(item(1, 1_000))
    assert worker.drain() == 1  # failed once
    assert worker.drain() == 0  # not before 10 s
    assert store.pending_count(SUITE) == 1
    clock.advance(10)
    assert worker.drain() == 1  # failed twice; next after 20 s
    clock.advance(19)
    assert worker.drain() == 0
    clock.advance(1)
    worker.drain()  # third failure; next after 40 s
    clock.advance(40)
    assert worker.drain() == 1
    assert done == [3]
    assert store.pending_count(SUITE) == 0


def test_an_item_held_by_a_dead_worker_is_taken_over_when_its_lease_runs_out() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    store.put(item(1, 1_000))
    # A worker claimed it, then its process died (it never completes).
    assert store.claim(SUITE, now=clock.now(), lease_seconds=60) is not None
    seen: list[str] = []
    survivor = InboxWorker(store, SUITE, lambda it: seen.append(it.id), clock=clock, lease_seconds=60)
    assert survivor.drain() == 0
    clock.advance(60)
    assert survivor.drain() == 1
    assert seen == ["digest-1"]


def test_the_thread_processes_on_notify_and_stops() -> None:
    store = MemoryStore()
    processed = threading.Event()
    worker = InboxWorker(store, SUITE, lambda it: processed.set(), idle_wait=30)
    worker.start()
    try:
        assert worker.running
        store.put(item(1, 0))
        worker.notify()
        assert processed.wait(10)
    finally:
        worker.stop()
    assert not worker.running


@pytest.mark.parametrize("attempt", [1, 5])
def test_a_failure_is_logged_with_the_attempt(attempt: int, caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    store.put(item(1, 0))
    worker = InboxWorker(
        store,
        SUITE,
        lambda it: (_ for _ in ()).throw(ValueError("boom")),
        clock=clock,
        backoff=Backoff(base=1, jitter=0.0, max_delay=1),
    )
    for _ in range(attempt):
        worker.drain()
        clock.advance(1)
    assert f"(attempt {attempt})" in caplog.text
    assert "ValueError: boom" in caplog.text
