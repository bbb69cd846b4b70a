"""A thread-safe token manager: cached, refreshed early, and fetched once however many ask at once.

One manager per credential (suite token, provider token, one company's token, ...). Threads in one
process share one refresh (an in-process flight); processes and hosts share one through the store's
lease (see :mod:`.flight`). The cached token is served from memory until its early-refresh point or
``local_cache_seconds``, whichever comes first (see :class:`~.policy.RefreshPolicy`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

from ..clock import DEFAULT_CLOCK, Clock
from ..stores.lock import LockProvider
from ..stores.records import StoredToken
from ..stores.token_store import TokenStore
from .flight import FetchGrant, Pause, Step, StoreCall, drive, refresh_flight
from .grant import TokenGrant
from .policy import DEFAULT_POLICY, CachedToken, RefreshPolicy

__all__ = ["TokenManager", "TokenStoreWithLocks"]

log = logging.getLogger("wecom_suite.tokens")


class TokenStoreWithLocks(TokenStore, LockProvider, Protocol):
    """What a token manager needs from a store: tokens plus leases (every backend has both)."""


class TokenManager:
    """``token()`` / ``refresh()`` / ``invalidate(token)`` / ``peek()`` for one store key.

    ``fetch`` asks WeCom for a new token (e.g. ``get_suite_token``) and returns a :class:`TokenGrant`;
    it is called at most once at a time across every process sharing ``store``.
    """

    __slots__ = ("_cache", "_flight", "_mutex", "clock", "fetch", "key", "policy", "store")

    def __init__(
        self,
        store: TokenStoreWithLocks,
        key: str,
        fetch: Callable[[], TokenGrant],
        *,
        clock: Clock | None = None,
        policy: RefreshPolicy | None = None,
    ) -> None:
        self.store = store
        self.key = key
        self.fetch = fetch
        self.clock = clock or DEFAULT_CLOCK
        self.policy = policy or DEFAULT_POLICY
        self._cache: CachedToken | None = None
        self._mutex = threading.Lock()
        self._flight: Future[StoredToken] | None = None

    def __repr__(self) -> str:
        return f"TokenManager(key={self.key!r}, store={self.store!r})"

    def token(self) -> str:
        """The current token, from memory when possible; refreshed (once, everywhere) when due."""
        cache = self._cache
        if cache is not None and self.clock.now() < cache.use_until:
            return cache.token
        if cache is not None and self._flight is not None and self.clock.now() < cache.expires_at:
            return cache.token  # another thread is refreshing; ours is still valid meanwhile
        try:
            return self._obtain(force=False).token
        except Exception:
            if not self.policy.still_valid(cache, self.clock.now()):
                raise
            assert cache is not None
            log.warning("could not refresh %s; serving the current token until it expires", self.key, exc_info=True)
            return cache.token

    def refresh(self) -> str:
        """A new token, unless one was obtained within the convergence window (then that one)."""
        return self._obtain(force=True).token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (WeCom rejected it); a different, fresher token in the store survives."""
        cache = self._cache
        if cache is not None and cache.token == token:
            self._cache = None
        self.store.delete_token(self.key, only_if=token)

    def peek(self) -> StoredToken | None:
        """What the store holds now, without fetching."""
        return self.store.get_token(self.key)

    def refresh_due_at(self) -> float:
        """When this token should next be refreshed (now, if there is none): for the background refresher."""
        stored = self.peek()
        return self.clock.now() if stored is None else self.policy.refresh_at(self.key, stored)

    # -- the flight ------------------------------------------------------------------------------
    def _obtain(self, *, force: bool) -> StoredToken:
        with self._mutex:
            flight = self._flight
            leader = flight is None
            if flight is None:
                flight = self._flight = Future()
        if not leader:
            return flight.result()  # share the running refresh (and its error)
        try:
            stored = drive(refresh_flight(self.policy, self.key, self.clock, force=force), self._execute)
            self._cache = self.policy.cached(self.key, stored, self.clock.now())
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        else:
            flight.set_result(stored)
            return stored
        finally:
            with self._mutex:
                self._flight = None

    def _execute(self, step: Step) -> Any:
        if isinstance(step, StoreCall):
            return getattr(self.store, step.method)(*step.args, **dict(step.kwargs))
        if isinstance(step, FetchGrant):
            return self.fetch()
        if isinstance(step, Pause):
            time.sleep(step.seconds)  # real waiting: another process holds the lease
            return None
        raise TypeError(f"unknown flight step {step!r}")  # pragma: no cover
