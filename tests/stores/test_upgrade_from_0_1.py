"""Data written by wecom-suite 0.1 stays readable: the SQLite schema and the Redis key layout are upgraded.

Each test writes its fixture the way 0.1 did (0.1's SQLite schema copied below; 0.1's Redis keys
written by hand), opens it with today's store, and reads it back through every part.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import redis

from wecom_suite.clock import ManualClock
from wecom_suite.stores import (
    SUITE_QUEUE,
    CallbackSource,
    CompanyRecord,
    CompanyState,
    InboxItem,
    ItemState,
    SQLiteStore,
    Store,
    StoredToken,
    SuiteTicket,
)

T0 = 1_700_000_000.0
SUITE = "ww:suite"  # a colon: 0.1 escaped it in some keys and not in others

# wecom-suite 0.1's schema (PRAGMA user_version = 1), as it shipped.
SCHEMA_0_1 = """
CREATE TABLE IF NOT EXISTS suite_tickets (
    suite_id TEXT PRIMARY KEY, ticket TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at REAL NOT NULL, obtained_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS companies (
    suite_id TEXT NOT NULL, corp_id TEXT NOT NULL, permanent_code TEXT NOT NULL, corp_name TEXT NOT NULL,
    auth_info TEXT NOT NULL, state TEXT NOT NULL, installed_at REAL NOT NULL, updated_at REAL NOT NULL,
    revoked_at REAL, PRIMARY KEY (suite_id, corp_id));
CREATE INDEX IF NOT EXISTS companies_by_state ON companies (suite_id, state);
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY, suite_id TEXT NOT NULL, payload BLOB NOT NULL, received_at REAL NOT NULL,
    attempts INTEGER NOT NULL, not_before REAL NOT NULL, last_error TEXT NOT NULL,
    leased_until REAL NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (suite_id, done, received_at);
CREATE TABLE IF NOT EXISTS install_states (
    suite_id TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (suite_id, state));
"""

AUTH_INFO = {"auth_corp_info": {"corpid": "wwcorp1", "corp_name": "公司"}, "extra": [1, 2]}


def check_every_part(store: Store) -> None:
    """What 0.1 wrote (see the writers below), read through today's parts."""
    assert store.tickets.get_ticket(SUITE) == SuiteTicket(SUITE, "ticket-1", T0)
    assert store.tokens.get_token("suite_token:x") == StoredToken("tok", T0 + 7200, T0)
    assert store.leases.try_acquire("refresh:held", lease_seconds=30) is None  # 0.1's lease is still held
    assert store.companies.get_company(SUITE, "wwcorp1") == CompanyRecord(
        SUITE, "wwcorp1", "pc-1", "公司", AUTH_INFO, CompanyState.ACTIVE, T0, T0 + 1, None, auth_event_time=0
    )
    revoked = store.companies.get_company(SUITE, "wwcorp2")
    assert revoked is not None
    assert (revoked.state, revoked.revoked_at) == (CompanyState.REVOKED, T0 + 5)
    assert [c.corp_id for c in store.companies.list_companies(SUITE, state=CompanyState.ACTIVE)] == ["wwcorp1"]
    assert store.companies.count_companies(SUITE) == 2
    assert store.install_states.consume_state("st-1", now=T0, suite_id=SUITE) == "/after"

    inbox = store.inbox
    done = inbox.get_item("done-1")
    assert done == InboxItem(
        "done-1", SUITE, b"", T0 - 100, queue=SUITE_QUEUE, source=CallbackSource.INSTRUCTION,
        not_before=T0 - 100, state=ItemState.DONE, finished_at=T0 - 100,
    )  # fmt: skip
    assert inbox.put(InboxItem("done-1", SUITE, b"<xml/>", T0)) is False  # still dedups the redelivery
    waiting = inbox.get_item("retry-1")
    assert waiting is not None
    assert (waiting.state, waiting.queue, waiting.attempts, waiting.not_before, waiting.last_error) == (
        ItemState.PENDING, SUITE_QUEUE, 2, T0 + 30, "ConnectionError: x",
    )  # fmt: skip
    stats = inbox.stats(SUITE)
    assert (stats.pending, stats.done, stats.dead, stats.queues, stats.oldest_pending_at) == (2, 1, 0, 1, T0 - 10)
    # 0.1's pending items are one suite queue, in arrival order: "retry-1" (T0 - 10) heads it and waits
    # for its backoff, so "new-1" (T0 - 5) behind it waits too.
    assert inbox.claim(SUITE, now=T0, lease_seconds=60) is None
    claim = inbox.claim(SUITE, now=T0 + 30, lease_seconds=60)
    assert claim is not None
    assert (claim.item.id, claim.item.payload) == ("retry-1", b"<xml>retry</xml>")
    inbox.complete("retry-1", now=T0 + 31)
    claim = inbox.claim(SUITE, now=T0 + 31, lease_seconds=60)
    assert claim is not None
    assert claim.item.id == "new-1"
    assert inbox.purge(finished_before=T0, limit=10) == 1  # done-1 finished at its arrival, T0 - 100


# -- SQLite --------------------------------------------------------------------------------------


def write_sqlite_0_1(path: Path) -> None:
    """The rows 0.1's SQLiteStore wrote (its INSERT statements, its values)."""
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_0_1)
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO suite_tickets VALUES (?, ?, ?)", (SUITE, "ticket-1", T0))
        db.execute("INSERT INTO tokens VALUES (?, ?, ?, ?)", ("suite_token:x", "tok", T0 + 7200, T0))
        db.execute("INSERT INTO leases VALUES (?, ?, ?)", ("refresh:held", "owner-0-1", T0 + 30))
        for corp, state, revoked_at in (("wwcorp1", "active", None), ("wwcorp2", "revoked", T0 + 5)):
            db.execute(
                "INSERT INTO companies (suite_id, corp_id, permanent_code, corp_name, auth_info, state, "
                "installed_at, updated_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (SUITE, corp, f"pc-{corp[-1]}", "公司", json.dumps(AUTH_INFO, ensure_ascii=False), state, T0, T0 + 1,
                 revoked_at),
            )  # fmt: skip
        put = (
            "INSERT OR IGNORE INTO inbox (id, suite_id, payload, received_at, attempts, not_before, last_error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        db.execute(put, ("done-1", SUITE, b"<xml>done</xml>", T0 - 100, 0, T0 - 100, ""))
        db.execute("UPDATE inbox SET done = 1, payload = X'' WHERE id = ?", ("done-1",))  # 0.1's complete()
        db.execute(put, ("retry-1", SUITE, b"<xml>retry</xml>", T0 - 10, 0, T0 - 10, ""))
        db.execute(  # 0.1's retry_later()
            "UPDATE inbox SET attempts = attempts + 2, not_before = ?, last_error = ?, leased_until = 0 WHERE id = ?",
            (T0 + 30, "ConnectionError: x", "retry-1"),
        )
        db.execute(put, ("new-1", SUITE, b"<xml>new</xml>", T0 - 5, 0, T0 - 5, ""))
        db.execute("INSERT INTO install_states VALUES (?, ?, ?, ?)", (SUITE, "st-1", "/after", T0 + 600))


def test_sqlite_file_of_0_1_is_upgraded_and_read_by_every_part(tmp_path: Path) -> None:
    path = tmp_path / "wecom-suite.db"
    write_sqlite_0_1(path)
    store = SQLiteStore(path, ManualClock(T0))
    try:
        check_every_part(store)
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "inbox_v1" not in tables
    again = SQLiteStore(path, ManualClock(T0))  # opening an upgraded file changes nothing
    try:
        assert again.inbox.stats(SUITE).done == 1
    finally:
        again.close()


# -- Redis ---------------------------------------------------------------------------------------


def _esc(value: str) -> str:  # 0.1's escape of a suite id that another key part follows
    return value.replace("%", "%25").replace(":", "%3A")


def write_redis_0_1(r: redis.Redis[bytes], p: str) -> None:
    """The keys 0.1's RedisStore wrote (its layout, its value encodings)."""
    r.hset(f"{p}:ticket:{SUITE}", mapping={"ticket": "ticket-1", "received_at": repr(T0)})
    r.hset(f"{p}:token:suite_token:x", mapping={"token": "tok", "expires_at": repr(T0 + 7200), "obtained_at": repr(T0)})
    r.set(f"{p}:lease:refresh:held", "owner-0-1", px=30_000)
    for corp, state, revoked_at in (("wwcorp1", "active", None), ("wwcorp2", "revoked", T0 + 5)):
        record = {
            "permanent_code": f"pc-{corp[-1]}", "corp_name": "公司", "auth_info": AUTH_INFO, "state": state,
            "installed_at": T0, "updated_at": T0 + 1, "revoked_at": revoked_at,
        }  # fmt: skip
        r.set(f"{p}:company:{_esc(SUITE)}:{corp}", json.dumps(record, ensure_ascii=False))
        r.sadd(f"{p}:companies:{_esc(SUITE)}", corp)
        r.sadd(f"{p}:companies:{_esc(SUITE)}:{state}", corp)

    def put(item_id: str, payload: bytes, at: float) -> None:
        r.hset(
            f"{p}:inbox:item:{item_id}",
            mapping={"suite_id": SUITE, "payload": payload, "received_at": repr(at), "attempts": 0,
                     "not_before": repr(at), "last_error": "", "done": "0"},
        )  # fmt: skip
        r.zadd(f"{p}:inbox:ready:{SUITE}", {item_id: at})

    put("done-1", b"<xml>done</xml>", T0 - 100)
    r.hset(f"{p}:inbox:item:done-1", mapping={"done": "1", "payload": ""})  # 0.1's complete()
    r.zrem(f"{p}:inbox:ready:{SUITE}", "done-1")
    put("retry-1", b"<xml>retry</xml>", T0 - 10)
    r.hincrby(f"{p}:inbox:item:retry-1", "attempts", 2)  # 0.1's retry_later(), twice
    r.hset(f"{p}:inbox:item:retry-1", mapping={"not_before": repr(T0 + 30), "last_error": "ConnectionError: x"})
    r.zadd(f"{p}:inbox:ready:{SUITE}", {"retry-1": T0 + 30})
    put("new-1", b"<xml>new</xml>", T0 - 5)
    r.hset(f"{p}:state:{_esc(SUITE)}:st-1", mapping={"data": "/after", "expires_at": repr(T0 + 600)})


@pytest.mark.parametrize("prefix", ["wecom-suite", "my*app"])
def test_redis_keys_of_0_1_are_upgraded_and_read_by_every_part(redis_url: str, prefix: str) -> None:
    from wecom_suite.stores import RedisStore

    r: redis.Redis[bytes] = redis.Redis.from_url(redis_url)
    try:
        write_redis_0_1(r, prefix)
        store = RedisStore(redis_url, ManualClock(T0), prefix=prefix)
        try:
            check_every_part(store)
        finally:
            store.close()
        assert r.get(f"{prefix}:schema") == b"2"
        left = sorted(k.decode() for k in r.keys("*"))
        for old in ("company:", "companies:", "inbox:item:", "inbox:ready:"):
            assert not [k for k in left if k.startswith(f"{prefix}:{old}")], (old, left)
        again = RedisStore(redis_url, ManualClock(T0), prefix=prefix)  # the version key says: nothing to do
        try:
            assert again.companies.count_companies(SUITE) == 2
        finally:
            again.close()
    finally:
        r.close()


def test_redis_layout_newer_than_this_library_is_refused(redis_url: str) -> None:
    from wecom_suite.errors import StoreError
    from wecom_suite.stores import RedisStore

    r: redis.Redis[bytes] = redis.Redis.from_url(redis_url)
    r.set("wecom-suite:schema", "99")
    r.close()
    store = RedisStore(redis_url)
    try:
        with pytest.raises(StoreError) as info:
            store.tokens.get_token("k")
        assert "99" in str(info.value)
        assert "upgrade wecom-suite" in info.value.hint
    finally:
        store.close()
