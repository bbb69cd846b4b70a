"""The SQLite write path: one writer per process, group commit, a failing write fails only its caller."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.errors import StoreError
from wecom_suite.stores import InboxItem, SQLiteStore, StoredToken
from wecom_suite.stores.sqlite.db import Database

T0 = 1_700_000_000.0
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "w.db", ManualClock(T0))
    yield s
    s.close()


def db_of(store: SQLiteStore) -> Database:
    db: Database = store._db
    return db


def hold_the_writer(db: Database) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """Occupy the writer thread until the returned ``release`` is set (so later writes queue up)."""
    busy, release = threading.Event(), threading.Event()

    def block(conn: sqlite3.Connection) -> None:
        busy.set()
        assert release.wait(10)

    holder = threading.Thread(target=db.write, args=(block,))
    holder.start()
    assert busy.wait(10)
    return busy, release, holder


def test_waiting_writes_commit_together_and_a_failing_one_fails_alone(store: SQLiteStore) -> None:
    db = db_of(store)
    _, release, holder = hold_the_writer(db)
    results: dict[str, object] = {}

    def put(name: str, fail: bool) -> None:
        def write(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO tokens VALUES (?, 't', 0, 0)", (name,))
            if fail:
                raise ValueError(f"{name} broke after writing")
            return name

        try:
            results[name] = db.write(write)
        except ValueError as exc:
            results[name] = exc

    queued = [threading.Thread(target=put, args=(f"w{n}", n == 2)) for n in range(5)]
    for t in queued:
        t.start()
    # Every write is queued behind the held one when the writer's queue holds all five (bounded wait).
    for _ in range(1000):
        if db._writer is not None and db._writer._queue.qsize() == 5:
            break
        threading.Event().wait(0.005)
    assert db._writer is not None
    assert db._writer._queue.qsize() == 5
    before = db.commits
    release.set()
    holder.join(10)
    for t in queued:
        t.join(10)
    assert db.commits - before == 2  # the held write's transaction, then one group of five
    assert isinstance(results.pop("w2"), ValueError)
    assert results == {f"w{n}": f"w{n}" for n in (0, 1, 3, 4)}
    assert store.tokens.get_token("w2") is None  # rolled back to its savepoint
    for n in (0, 1, 3, 4):
        assert store.tokens.get_token(f"w{n}") is not None


def test_a_write_that_breaks_the_transaction_does_not_take_the_group_down(store: SQLiteStore) -> None:
    db = db_of(store)
    _, release, holder = hold_the_writer(db)
    errors: list[BaseException] = []

    def vandal(conn: sqlite3.Connection) -> None:
        conn.execute("ROLLBACK")  # ends the group's transaction under everybody's feet

    def run_vandal() -> None:
        try:
            db.write(vandal)
        except BaseException as exc:
            errors.append(exc)

    def put(key: str) -> None:
        store.tokens.set_token(key, StoredToken("t", T0 + 1, T0))

    threads = [threading.Thread(target=put, args=("before",)), threading.Thread(target=run_vandal)]
    threads.append(threading.Thread(target=put, args=("after",)))
    for t in threads:
        t.start()
    for _ in range(1000):
        if db._writer is not None and db._writer._queue.qsize() == 3:
            break
        threading.Event().wait(0.005)
    release.set()
    holder.join(10)
    for t in threads:
        t.join(10)
    assert len(errors) == 1
    assert isinstance(errors[0], StoreError)
    assert store.tokens.get_token("before") is not None
    assert store.tokens.get_token("after") is not None


def test_another_process_holding_the_lock_is_waited_for_then_reported_busy(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db", busy_timeout=0.05)
    other = sqlite3.connect(tmp_path / "b.db", isolation_level=None)  # as another process would hold it
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError) as info:
            store.inbox.put(InboxItem("d1", "s", b"x", T0))
        assert "busy" in str(info.value)
        assert "busy_timeout" in info.value.hint
        other.execute("ROLLBACK")
        assert store.inbox.put(InboxItem("d1", "s", b"x", T0)) is True  # nothing was written the first time
    finally:
        other.close()
        store.close()


def test_many_threads_put_and_every_put_is_readable_when_it_returns(store: SQLiteStore) -> None:
    missing: list[str] = []

    def work(n: int) -> None:
        for k in range(20):
            item_id = f"t{n}-{k}"
            assert store.inbox.put(InboxItem(item_id, "s", b"x", T0 + k, queue=f"c{n}"))
            if store.inbox.get_item(item_id) is None:  # read on this thread's own connection
                missing.append(item_id)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert missing == []
    assert store.inbox.stats("s").pending == 16 * 20
    assert db_of(store).commits < 16 * 20  # writes were grouped


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_writes_through_its_own_writer(store: SQLiteStore) -> None:
    store.tokens.set_token("parent", StoredToken("t", T0 + 1, T0))
    pid = os.fork()
    if pid == 0:  # the child: the parent's writer thread does not exist here
        code = 1
        try:
            store.tokens.set_token("child", StoredToken("t", T0 + 1, T0))
            code = 0 if store.tokens.get_token("parent") is not None else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.tokens.get_token("child") == StoredToken("t", T0 + 1, T0)


def test_writes_waiting_for_another_process_fail_together_not_one_timeout_each(tmp_path: Path) -> None:
    import time

    store = SQLiteStore(tmp_path / "b.db", busy_timeout=0.3)
    other = sqlite3.connect(tmp_path / "b.db", isolation_level=None)
    errors: list[StoreError] = []
    try:
        other.execute("BEGIN IMMEDIATE")

        def put(n: int) -> None:
            try:
                store.inbox.put(InboxItem(f"d{n}", "s", b"x", T0))
            except StoreError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=put, args=(n,)) for n in range(8)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        elapsed = time.monotonic() - started
        assert len(errors) == 8
        assert all("busy" in str(e) for e in errors)
        assert elapsed < 6 * 0.3  # at most a few waits of busy_timeout, not one per queued write
    finally:
        other.close()
        store.close()


def test_claim_walks_the_queue_heads_index_only(store: SQLiteStore) -> None:
    """A claim must not scan the items queued behind a blocked head: SQLite's plan says which index it reads."""
    from wecom_suite.stores.sqlite.inbox import _CLAIMABLE

    for k in range(50):  # one long queue whose head is leased, and one short queue
        store.inbox.put(InboxItem(f"long-{k:02d}", "s", b"x", T0 + k, queue="long"))
    store.inbox.put(InboxItem("short-0", "s", b"x", T0 + 100, queue="short"))
    first = store.inbox.claim("s", now=T0 + 200, lease_seconds=60)
    assert first is not None
    assert first.item.id == "long-00"
    conn = db_of(store).conn()
    plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + _CLAIMABLE, ("s", 0.0)))
    assert "inbox_heads" in plan, plan
    heads = conn.execute("SELECT id FROM inbox WHERE head = 1 ORDER BY id").fetchall()
    assert heads == [("long-00",), ("short-0",)]
    second = store.inbox.claim("s", now=T0 + 200, lease_seconds=60)
    assert second is not None
    assert second.item.id == "short-0"
