"""Leases as ``SET NX PX`` keys: a holder that dies lets its key expire on the server."""

from __future__ import annotations

import secrets

from ...clock import Clock
from ..records import Lease
from .connection import Connection, translated

__all__ = ["RedisLeases"]

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLeases:
    """``expires_at`` is the store's clock plus the lease; the server's own clock ends the lease."""

    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock
        self._release = connection.script(_RELEASE)

    @translated
    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        owner = secrets.token_hex(16)
        millis = max(int(lease_seconds * 1000), 1)
        if not self._c.r.set(self._c.key("lease", name), owner, nx=True, px=millis):
            return None
        return Lease(name=name, owner=owner, expires_at=self._clock.now() + lease_seconds)

    @translated
    def release(self, lease: Lease) -> bool:
        return bool(self._release(keys=[self._c.key("lease", lease.name)], args=[lease.owner]))
