"""Leases in a dict, judged by the store's clock."""

from __future__ import annotations

import secrets
import threading

from ...clock import Clock
from ..records import Lease

__all__ = ["MemoryLeases"]


class MemoryLeases:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._leases: dict[str, Lease] = {}

    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        with self._lock:
            now = self._clock.now()
            held = self._leases.get(name)
            if held is not None and held.expires_at > now:
                return None
            lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
            self._leases[name] = lease
            return lease

    def release(self, lease: Lease) -> bool:
        with self._lock:
            held = self._leases.get(lease.name)
            if held is None or held.owner != lease.owner:
                return False
            del self._leases[lease.name]
            return held.expires_at > self._clock.now()
