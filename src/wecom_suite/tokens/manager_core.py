"""What TokenManager and AsyncTokenManager share: identity, the in-process copy, and judging results.

The shells differ only in how they wait (threads vs. an event loop) and how they run store calls;
everything they decide about the in-process copy lives here once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..clock import DEFAULT_CLOCK, Clock
from ..stores.client_store import TokenStoreWithLocks
from ..stores.records import StoredToken
from .flight import ReadToken, ReleaseLease, Step, TakeLease, WriteToken
from .policy import DEFAULT_POLICY, CachedToken, RefreshPolicy

__all__ = ["ManagerCore", "TokenStoreWithLocks", "store_action"]

log = logging.getLogger("wecom_suite.tokens")


class ManagerCore:
    __slots__ = ("_cache", "_rejected", "clock", "key", "policy", "store")

    def __init__(
        self, store: TokenStoreWithLocks, key: str, clock: Clock | None, policy: RefreshPolicy | None
    ) -> None:
        self.store = store
        self.key = key
        self.clock = clock or DEFAULT_CLOCK
        self.policy = policy or DEFAULT_POLICY
        self._cache: CachedToken | None = None
        self._rejected: str | None = None  # the token last passed to invalidate()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, store={self.store!r})"

    def _forget(self, token: str) -> None:
        """WeCom rejected ``token``: drop our copy and never adopt it again from a flight already running."""
        self._rejected = token
        cache = self._cache
        if cache is not None and cache.token == token:
            self._cache = None

    def _is_rejected(self, stored: StoredToken) -> bool:
        """A flight that read the store before ``invalidate`` deleted the token brings it back: look again."""
        return stored.token == self._rejected

    def _keep(self, stored: StoredToken) -> None:
        self._rejected = None
        self._cache = self.policy.cached(self.key, stored, self.clock.now())

    def _fallback(self, cache: CachedToken | None) -> str | None:
        """The copy to serve when refreshing failed, if it is still valid (logged); else None (raise)."""
        if not self.policy.still_valid(cache, self.clock.now()):
            return None
        assert cache is not None
        log.warning("could not refresh %s; serving the current token until it expires", self.key, exc_info=True)
        return cache.token

    def refresh_due_at(self) -> float:
        """When this token should next be refreshed (now, if there is none): for the background refresher.
        Answered from the in-process copy when there is one, so a pass over 10,000 companies costs no I/O
        (if another process refreshed meanwhile, the refresher's token() call simply finds the new one)."""
        cache = self._cache
        if cache is not None:
            return cache.refresh_at
        stored = self.store.tokens.get_token(self.key)
        return self.clock.now() if stored is None else self.policy.refresh_at(self.key, stored)


def store_action(store: TokenStoreWithLocks, step: Step) -> Callable[[], Any] | None:
    """The store call that carries out ``step`` (to run blocking, or in a thread), or None for other steps."""
    if isinstance(step, ReadToken):
        return lambda: store.tokens.get_token(step.key)
    if isinstance(step, TakeLease):
        return lambda: store.leases.try_acquire(step.name, lease_seconds=step.lease_seconds)
    if isinstance(step, WriteToken):
        return lambda: store.tokens.set_token(step.key, step.token)
    if isinstance(step, ReleaseLease):
        return lambda: store.leases.release(step.lease)
    return None
