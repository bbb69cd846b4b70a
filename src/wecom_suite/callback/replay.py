"""A bounded in-memory memory of callbacks already handled, keyed by content digest.

WeCom redelivers a callback it did not see acknowledged in time; the copy decrypts to the same bytes,
so the digest of (receive id + plaintext) identifies it whatever its timestamp or nonce. Distinct
events in the same second differ in content and are never confused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..clock import DEFAULT_CLOCK, Clock

__all__ = ["ReplayCache"]


class ReplayCache:
    """LRU set of digests with a time-to-live; thread-safe. Only a hint: a restart forgets it."""

    def __init__(self, max_entries: int = 4096, ttl: float = 3600.0, clock: Clock | None = None) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock or DEFAULT_CLOCK
        self._entries: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, digest: object) -> bool:
        if digest not in self._entries:  # the common miss needs no lock: a dict lookup is atomic
            return False
        with self._lock:
            seen = self._entries.get(digest)  # type: ignore[call-overload]
            if seen is None:
                return False
            if self._clock.now() - seen > self.ttl:
                del self._entries[digest]  # type: ignore[arg-type]
                return False
            return True

    def add(self, digest: str) -> None:
        with self._lock:
            self._entries[digest] = self._clock.now()
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)

    def __len__(self) -> int:
        return len(self._entries)
