"""The inbox worker: at least once, in order per company, bounded retries ending in dead letters, purge."""

from __future__ import annotations

import logging
import threading

import pytest

from wecom_suite.app.inbox_worker import DeliveryPolicy, InboxWorker
from wecom_suite.backoff import Backoff
from wecom_suite.clock import ManualClock
from wecom_suite.errors import DeadLetter, DeadLetterReason, NotReadyYet
from wecom_suite.stores import InboxItem, ItemState, MemoryStore

SUITE = "wwsuite"
NO_JITTER = Backoff(base=10, factor=2, max_delay=600, jitter=0.0)


def item(n: int, at: float, queue: str = "", event_time: int = 0) -> InboxItem:
    return InboxItem(
        id=f"digest-{n}", suite_id=SUITE, payload=f"<xml>{n}</xml>".encode(), received_at=at, queue=queue,
        event_time=event_time,
    )


def worker_for(store: MemoryStore, process: object, clock: ManualClock, **policy: object) -> InboxWorker:
    return InboxWorker(
        store.inbox, SUITE, process, clock=clock, policy=DeliveryPolicy(backoff=NO_JITTER, **policy)  # type: ignore[arg-type]
    )


def test_each_item_is_processed_once_in_wecom_order() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    seen: list[bytes] = []
    worker = worker_for(store, lambda it: seen.append(it.payload), clock)
    assert store.inbox.put(item(2, 1_000, event_time=20))  # arrived first, sent second
    assert store.inbox.put(item(1, 1_001, event_time=10))
    assert not store.inbox.put(item(1, 1_001))  # a redelivery is recorded once
    assert worker.drain() == 2
    assert seen == [b"<xml>1</xml>", b"<xml>2</xml>"]
    assert worker.drain() == 0
    assert store.inbox.stats(SUITE).pending == 0


def test_a_failing_handler_is_retried_after_the_backoff_and_then_succeeds() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    failures = {"left": 3}
    done: list[int] = []

    def process(it: InboxItem) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("WeCom unreachable")
        done.append(it.attempts)

    worker = worker_for(store, process, clock)
    store.inbox.put(item(1, 1_000))
    assert worker.drain() == 1  # failed once
    assert worker.drain() == 0  # not before 10 s
    clock.advance(10)
    assert worker.drain() == 1  # failed twice; next after 20 s
    clock.advance(19)
    assert worker.drain() == 0
    clock.advance(1)
    worker.drain()  # third failure; next after 40 s
    clock.advance(40)
    assert worker.drain() == 1
    assert done == [3]
    assert store.inbox.stats(SUITE).pending == 0


def test_a_poison_item_becomes_a_dead_letter_after_the_allowed_attempts(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    calls: list[int] = []

    def process(it: InboxItem) -> None:
        if it.id == "digest-1":
            calls.append(it.attempts)
            raise ValueError("boom")

    worker = worker_for(store, process, clock, max_attempts=3)
    store.inbox.put(item(1, 0, queue="corp-1"))
    store.inbox.put(item(2, 1, queue="corp-1"))  # behind the poison item in its company's queue
    for _ in range(10):  # bounded: far more rounds than attempts allowed
        worker.drain()
        clock.advance(600)
    assert calls == [0, 1, 2]  # three attempts, then never again
    dead = store.inbox.get_item("digest-1")
    assert dead is not None
    assert dead.state is ItemState.DEAD
    assert dead.last_error.startswith("too_many_attempts: ValueError: boom (3 attempts)")
    assert dead.attempts == 3  # the stored count agrees with the message
    assert store.inbox.get_item("digest-2").state is ItemState.DONE  # type: ignore[union-attr]
    assert caplog.text.count("is now a dead letter") == 1
    assert "(attempt 1 of 3)" in caplog.text


def test_a_revived_dead_letter_runs_again_before_later_items_of_its_company() -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    broken = {"yes": True}
    seen: list[str] = []

    def process(it: InboxItem) -> None:
        if broken["yes"] and it.id == "digest-1":
            raise DeadLetter(DeadLetterReason.MALFORMED_PAYLOAD, "cannot parse")
        seen.append(it.id)

    worker = worker_for(store, process, clock)
    store.inbox.put(item(1, 0, queue="c"))
    worker.drain()
    store.inbox.put(item(2, 5, queue="c"))
    assert store.inbox.get_item("digest-1").last_error == "malformed_payload: cannot parse"  # type: ignore[union-attr]
    broken["yes"] = False
    assert store.inbox.revive("digest-1", now=clock.now())
    worker.drain()
    assert seen == ["digest-1", "digest-2"]


def test_waiting_for_a_company_costs_no_attempt_and_ends_at_the_wait_limit() -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    installed = {"yes": False}
    seen: list[str] = []

    def process(it: InboxItem) -> None:
        if not installed["yes"]:
            raise NotReadyYet("company corp-9 is not installed yet", retry_in=5, give_up_reason="unknown_company")
        seen.append(it.id)

    worker = worker_for(store, process, clock, wait_limit_seconds=60, max_attempts=2)
    store.inbox.put(item(1, 0, queue="corp-9"))
    for _ in range(5):
        worker.drain()
        clock.advance(5)
    waiting = store.inbox.get_item("digest-1")
    assert waiting is not None
    assert (waiting.state, waiting.attempts) == (ItemState.PENDING, 0)  # five waits, no attempt spent
    installed["yes"] = True
    worker.drain()
    assert seen == ["digest-1"]
    installed["yes"] = False
    store.inbox.put(item(2, clock.now(), queue="corp-8"))
    for _ in range(20):
        worker.drain()
        clock.advance(5)
    gave_up = store.inbox.get_item("digest-2")
    assert gave_up is not None
    assert gave_up.state is ItemState.DEAD
    assert gave_up.last_error.startswith("unknown_company: company corp-9 is not installed yet (gave up after 60 s)")


def test_an_item_held_by_a_dead_worker_is_taken_over_when_its_lease_runs_out() -> None:
    clock = ManualClock(1_000)
    store = MemoryStore(clock)
    store.inbox.put(item(1, 1_000))
    assert store.inbox.claim(SUITE, now=clock.now(), lease_seconds=60) is not None  # its process then died
    seen: list[str] = []
    survivor = worker_for(store, lambda it: seen.append(it.id), clock, lease_seconds=60)
    assert survivor.drain() == 0
    clock.advance(60)
    assert survivor.drain() == 1
    assert seen == ["digest-1"]


def test_heartbeat_renews_the_lease_of_a_slow_handler_and_reports_it_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    entered, release = threading.Event(), threading.Event()

    def slow(it: InboxItem) -> None:
        entered.set()
        assert release.wait(10)

    worker = worker_for(store, slow, clock, lease_seconds=30, slow_after_seconds=45)
    store.inbox.put(item(1, 0, queue="corp-1"))
    runner = threading.Thread(target=worker.run_once)
    runner.start()
    try:
        assert entered.wait(10)
        for _ in range(4):  # 80 s of clock time, a heartbeat every 20 s: the lease never runs out
            clock.advance(20)
            worker.heartbeat()
            assert store.inbox.claim(SUITE, now=clock.now(), lease_seconds=30) is None
        assert [r.claim.item.id for r in worker.running()] == ["digest-1"]
    finally:
        release.set()
        runner.join(10)
    assert caplog.text.count("has run for") == 1
    assert store.inbox.get_item("digest-1").state is ItemState.DONE  # type: ignore[union-attr]


def test_companies_are_processed_in_parallel_by_the_worker_threads() -> None:
    store = MemoryStore()
    barrier = threading.Barrier(3)
    done = threading.Event()
    seen: list[str] = []
    lock = threading.Lock()

    def process(it: InboxItem) -> None:
        barrier.wait(10)  # only passes if three companies run at the same time
        with lock:
            seen.append(it.id)
            if len(seen) == 3:
                done.set()

    worker = InboxWorker(store.inbox, SUITE, process, policy=DeliveryPolicy(workers=3, idle_wait_seconds=0.05))
    for n in range(3):
        store.inbox.put(item(n, float(n), queue=f"corp-{n}"))
    worker.start()
    try:
        assert worker.started
        worker.notify()
        assert done.wait(10)
    finally:
        worker.stop()
    assert not worker.started
    assert sorted(seen) == ["digest-0", "digest-1", "digest-2"]


def test_purge_removes_only_items_finished_before_the_dedup_window() -> None:
    clock = ManualClock(0)
    store = MemoryStore(clock)
    worker = worker_for(store, lambda it: None, clock, dedup_window_seconds=100, purge_batch=2)
    for n in range(5):
        store.inbox.put(item(n, 0, queue=f"q{n}"))
    worker.drain()  # all done at t=0
    clock.advance(50)
    store.inbox.put(item(9, clock.now(), queue="q9"))
    worker.drain()  # done at t=50
    clock.advance(51)  # t=101: the first five are older than the window, the last is not
    assert worker.purge_expired() == 5
    assert store.inbox.get_item("digest-0") is None
    assert store.inbox.get_item("digest-9") is not None
    assert store.inbox.put(item(0, clock.now())) is True  # forgotten: a new delivery is recorded anew


def test_store_outage_backs_off_with_one_warning_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    store = MemoryStore()
    worker = InboxWorker(store.inbox, SUITE, lambda it: None)
    delays = [worker._outage.failed(ConnectionError("redis is down")) for _ in range(12)]
    assert delays[0] < delays[5] <= 30.0
    assert caplog.text.count("the inbox cannot be read") == 2  # the 1st and the 10th failure
    assert "Traceback" not in caplog.text
    worker._outage.recovered()
    assert "reachable again" in caplog.text


def test_hung_handlers_hold_only_their_own_companies() -> None:
    """Review finding: with every worker thread in a hung handler, no other company was processed."""
    clock = ManualClock(0)
    store = MemoryStore(clock)
    release = threading.Event()
    hung = threading.Barrier(3)
    done = threading.Event()

    def process(it: InboxItem) -> None:
        if it.queue in ("corp-a", "corp-b"):
            hung.wait(10)
            assert release.wait(10)
        else:
            done.set()

    worker = InboxWorker(store.inbox, SUITE, process, clock=clock,
                         policy=DeliveryPolicy(workers=2, idle_wait_seconds=0.05, slow_after_seconds=30))
    store.inbox.put(item(1, 0, queue="corp-a"))
    store.inbox.put(item(2, 0, queue="corp-b"))
    worker.start()
    try:
        worker.notify()
        hung.wait(10)  # both worker threads are now inside a hung handler
        store.inbox.put(item(3, 1, queue="corp-c"))
        assert not done.wait(0.3)  # no free thread for corp-c yet
        clock.advance(31)
        worker.heartbeat()  # reports both as slow: each gets a thread in its place
        worker.notify()
        assert done.wait(10)
    finally:
        release.set()
        worker.stop()
