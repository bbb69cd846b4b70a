"""A store under test plus the means to restart it and to let its leases run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from wecom_suite.clock import ManualClock
from wecom_suite.stores import Store

START = 1_700_000_000.0
REDIS_PREFIX = "wecom-suite"  # RedisStore's default key prefix: leases live at {prefix}:lease:{name}


@dataclass
class Backend:
    kind: str
    store: Store
    clock: ManualClock
    _reopen: Callable[[], Store]
    redis_url: str | None = None

    def reopen(self) -> Store:
        """Close the store and open the same data again, as after a process restart."""
        self.store.close()
        self.store = self._reopen()
        return self.store

    def pass_lease(self, name: str, lease_seconds: float) -> None:
        """Let the lease ``name`` (taken for ``lease_seconds``) run out without waiting for it.

        Memory and SQLite judge leases by the store's clock, so the ManualClock moves. Redis leases
        expire on the server (``SET NX PX``), which no test clock reaches: the server itself is told to
        expire the key in 1 ms (PEXPIRE), so it is Redis's own expiry that frees it, not a DEL by us.
        """
        if self.kind != "redis":
            self.clock.advance(lease_seconds)
            return
        assert self.redis_url is not None, "a redis backend needs its URL"
        key = f"{REDIS_PREFIX}:lease:{name}"
        server = redis.Redis.from_url(self.redis_url)
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
