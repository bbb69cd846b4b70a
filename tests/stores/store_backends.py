"""How the store tests open each backend, reopen its data, and let a Redis lease run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import redis

from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore, SQLiteStore, Store
from wecom_suite.testing.store_contract import START, ContractBackend

__all__ = ["REDIS_PREFIX", "START", "memory_backend", "redis_backend", "redis_pass_lease", "sqlite_backend"]

REDIS_PREFIX = "wecom-suite"  # RedisStore's default key prefix: leases live at {prefix}:lease:{name}


def memory_backend() -> ContractBackend:
    clock = ManualClock(START)
    return ContractBackend(MemoryStore(clock), clock)


def sqlite_backend(path: Path) -> ContractBackend:
    clock = ManualClock(START)

    def reopen() -> Store:
        return SQLiteStore(path, clock)

    return ContractBackend(reopen(), clock, reopen=reopen)


def redis_backend(url: str) -> ContractBackend:
    from wecom_suite.stores import RedisStore

    clock = ManualClock(START)

    def reopen() -> Store:
        return RedisStore(url, clock)

    return ContractBackend(reopen(), clock, reopen=reopen, pass_lease=redis_pass_lease(url))


def redis_pass_lease(url: str, prefix: str = REDIS_PREFIX) -> Callable[[str, float], None]:
    """Let the lease ``name`` (taken for ``lease_seconds``) run out without waiting for it.

    Redis leases expire on the server (``SET NX PX``), which no test clock reaches: the server itself
    is told to expire the key in 1 ms (PEXPIRE), so it is Redis's own expiry that frees it, not a DEL.
    """

    def pass_lease(name: str, lease_seconds: float) -> None:
        key = f"{prefix}:lease:{name}"
        server = redis.Redis.from_url(url)
        try:
            ttl_ms = int(server.pttl(key))
            # The store must have set the lease with a server-side TTL (PX), roughly lease_seconds long.
            assert 0 < ttl_ms <= lease_seconds * 1000, f"lease {key} has PTTL {ttl_ms}, not a {lease_seconds}s lease"
            assert server.pexpire(key, 1)
            deadline = time.monotonic() + 2
            while server.exists(key):
                assert time.monotonic() < deadline, f"Redis never expired lease {key}"
                time.sleep(0.001)  # brief: the server drops the key 1 ms after PEXPIRE
        finally:
            server.close()

    return pass_lease
