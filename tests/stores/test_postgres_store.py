"""What the contract does not cover for PostgreSQL: per-queue exclusivity under real concurrency (many
pools, like many processes), the schema's first creation and version check, and the URL's pool size."""

from __future__ import annotations

import threading
from collections import defaultdict

import psycopg
import pytest

from tests.postgres_server import start_postgres
from wecom_suite.clock import ManualClock
from wecom_suite.errors import StoreError
from wecom_suite.stores import InboxItem, PostgresStore, StoredToken, open_store
from wecom_suite.stores.postgres.db import DEFAULT_POOL_SIZE, conninfo
from wecom_suite.testing.store_contract import START

pytestmark = pytest.mark.timeout(120)


def _item(item_id: str, queue: str, at: float, event_time: int = 0) -> InboxItem:
    return InboxItem(item_id, "suite-a", f"<xml>{item_id}</xml>".encode(), at, queue=queue, event_time=event_time)


def test_many_pools_claiming_at_once_never_hold_two_items_of_one_queue(postgres_url: str) -> None:
    """6 stores (6 pools, as 6 processes would have) x 2 threads drain 4 queues of 15 items each."""
    clock = ManualClock(START)
    stores = [PostgresStore(postgres_url, clock, pool_size=2) for _ in range(6)]
    queues = [f"corp-{q}" for q in range(4)]
    expected = {q: [f"{q}-{n:02d}" for n in range(15)] for q in queues}
    for n in range(15):
        for q in queues:
            stores[0].inbox.put(_item(f"{q}-{n:02d}", q, START + n))
    lock = threading.Lock()
    in_flight: set[str] = set()
    overlaps: list[str] = []
    seen: dict[str, list[str]] = defaultdict(list)
    start = threading.Barrier(12)

    def work(store: PostgresStore) -> None:
        start.wait(30)
        for _ in range(400):  # bounded: 60 items among 12 workers, misses included
            claim = store.inbox.claim("suite-a", now=START + 100, lease_seconds=600)
            if claim is None:
                if store.inbox.stats("suite-a").pending == 0:
                    return
                continue
            queue = claim.item.queue
            with lock:
                if queue in in_flight:
                    overlaps.append(claim.item.id)
                in_flight.add(queue)
                seen[queue].append(claim.item.id)
            with lock:
                in_flight.discard(queue)  # before complete: the next claim of this queue may follow it at once
            store.inbox.complete(claim.item.id, now=START + 100)

    threads = [threading.Thread(target=work, args=(stores[i % 6],)) for i in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
    finally:
        for s in stores:
            s.close()
    assert not any(t.is_alive() for t in threads)
    assert overlaps == []
    assert dict(seen) == expected  # every item once, each queue in its order


def test_a_late_earlier_event_waits_while_its_queue_is_busy(postgres_url: str) -> None:
    """An item arriving with an earlier WeCom timestamp while a later one of its company is being
    processed is held back until that one finishes: a company is never processed two at a time."""
    store = PostgresStore(postgres_url, ManualClock(START))
    try:
        inbox = store.inbox
        inbox.put(_item("later", "corp-1", START, event_time=200))
        claim = inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        assert claim.item.id == "later"
        inbox.put(_item("earlier", "corp-1", START + 1, event_time=100))
        inbox.put(_item("other", "corp-2", START + 2))
        other = inbox.claim("suite-a", now=START + 2, lease_seconds=60)
        assert other is not None
        assert other.item.id == "other"
        assert inbox.claim("suite-a", now=START + 2, lease_seconds=60) is None
        inbox.complete("later", now=START + 3)
        next_claim = inbox.claim("suite-a", now=START + 3, lease_seconds=60)
        assert next_claim is not None
        assert next_claim.item.id == "earlier"
    finally:
        store.close()


def test_first_use_creates_the_schema_once_even_when_many_open_at_once(postgres_url: str) -> None:
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        start.wait(30)
        try:
            opened.append(PostgresStore(postgres_url, pool_size=1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        assert len(opened) == 6
        with psycopg.connect(postgres_url) as conn:
            versions = conn.execute("SELECT version FROM wecom_schema_version").fetchall()
        assert versions == [(1,)]
    finally:
        for s in opened:
            s.close()


def test_a_database_of_a_newer_release_is_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE wecom_schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema version 99"):
        PostgresStore(postgres_url)


def test_after_a_server_restart_at_most_one_call_fails() -> None:
    """A cluster of its own (restarting the session's would disturb nothing, but this keeps it obvious).
    The pool holds three connections when the server restarts; the first call finds one dead, the pool
    then drops the other dead ones, and every call after that works."""
    server = start_postgres()
    try:
        store = PostgresStore(server.url(), ManualClock(START), pool_size=3)
        try:
            busy = threading.Barrier(3)

            def hold_a_connection() -> None:
                with store.db.connection() as conn:
                    busy.wait(30)  # all three borrowed at once: the pool really has three
                    conn.execute("SELECT 1")

            threads = [threading.Thread(target=hold_a_connection) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert store.db.pool is not None
            assert store.db.pool.get_stats()["pool_size"] == 3
            server.restart()
            outcomes: list[str] = []
            for n in range(6):
                try:
                    store.tokens.set_token(f"k{n}", StoredToken(f"t{n}", START + 60, START))
                    outcomes.append("ok")
                except psycopg.OperationalError:
                    outcomes.append("failed")
            assert outcomes.count("failed") <= 1, outcomes
            assert outcomes[-4:] == ["ok"] * 4
            assert store.tokens.get_token("k5") == StoredToken("t5", START + 60, START)
        finally:
            store.close()
    finally:
        server.stop()


def test_open_store_routes_postgresql_urls_and_takes_the_pool_size(postgres_url: str) -> None:
    store = open_store(postgres_url + "&pool_size=3")
    try:
        assert isinstance(store, PostgresStore)
        assert store.db.pool_size == 3
        store.tokens.delete_token("nothing")  # really connected
    finally:
        store.close()
    default = PostgresStore(postgres_url)
    try:
        assert default.db.pool_size == DEFAULT_POOL_SIZE
    finally:
        default.close()


def test_conninfo_keeps_libpq_parameters_and_takes_ours_out() -> None:
    assert conninfo("postgresql+psycopg://u:p@h:5432/db?sslmode=require&pool_size=7&connect_timeout=3") == (
        "postgresql://u:p@h:5432/db?sslmode=require&connect_timeout=3&application_name=wecom-suite",
        {"pool_size": "7"},
    )
    assert conninfo("postgres://h/db")[0] == "postgresql://h/db?connect_timeout=10&application_name=wecom-suite"


def test_a_bad_pool_size_is_a_config_error() -> None:
    from wecom_suite.errors import ConfigError

    with pytest.raises(ConfigError, match="pool_size"):
        PostgresStore("postgresql://127.0.0.1:1/x?pool_size=lots")


def test_an_unreachable_server_raises_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot reach PostgreSQL") as info:
        PostgresStore("postgresql://someone:PASSWORD-SECRET@127.0.0.1:1/x?connect_timeout=2")
    assert "PASSWORD-SECRET" not in str(info.value)
    assert "someone:***@127.0.0.1:1/x" in str(info.value)
