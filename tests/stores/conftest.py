"""The backends every store contract test runs against: memory, SQLite (a temp file), a real Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from store_backends import START, Backend

from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore, SQLiteStore, Store


@pytest.fixture(params=["memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    clock = ManualClock(START)
    kind: str = request.param
    opener: Callable[[], Store]
    url: str | None = None
    if kind == "memory":
        shared = MemoryStore(clock)

        def opener() -> Store:
            return shared
    elif kind == "sqlite":
        path = tmp_path / "store.db"

        def opener() -> Store:
            return SQLiteStore(path, clock)
    else:
        from wecom_suite.stores import RedisStore

        url = request.getfixturevalue("redis_url")
        redis_url: str = url

        def opener() -> Store:
            return RedisStore(redis_url, clock)

    b = Backend(kind, opener(), clock, opener, redis_url=url if kind == "redis" else None)
    try:
        yield b
    finally:
        b.store.close()
