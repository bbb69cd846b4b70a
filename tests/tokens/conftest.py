"""Stores for the token-manager tests: memory, SQLite and a real Redis, all on one ManualClock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore, SQLiteStore, Store

T0 = 1_700_000_000.0


@pytest.fixture
def memory_store(clock: ManualClock) -> MemoryStore:
    return MemoryStore(clock)


@pytest.fixture(params=["memory", "sqlite", "redis"])
def any_store(request: pytest.FixtureRequest, clock: ManualClock, tmp_path: Path) -> Iterator[Store]:
    store: Store
    if request.param == "memory":
        store = MemoryStore(clock)
    elif request.param == "sqlite":
        store = SQLiteStore(tmp_path / "tokens.db", clock)
    else:
        from wecom_suite.stores import RedisStore

        store = RedisStore(request.getfixturevalue("redis_url"), clock)
    try:
        yield store
    finally:
        store.close()
