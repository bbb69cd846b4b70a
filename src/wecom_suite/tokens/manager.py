"""A thread-safe token manager: cached, refreshed early, and fetched once however many ask at once.

One manager per credential (suite token, provider token, one company's token, ...). Threads in one
process share one refresh (an in-process flight); processes and hosts share one through the store's
lease (see :mod:`.flight`). The cached token is served from memory until its early-refresh point or
``local_cache_seconds``, whichever comes first (see :class:`~.policy.RefreshPolicy`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..clock import Clock
from ..flow import Pause, run
from ..stores.records import StoredToken
from .flight import FetchGrant, Step, refresh_flight
from .grant import TokenGrant
from .manager_core import ManagerCore, TokenStoreWithLocks, store_action
from .policy import RefreshPolicy

__all__ = ["TokenManager", "TokenStoreWithLocks"]


class TokenManager(ManagerCore):
    """``token()`` / ``refresh()`` / ``invalidate(token)`` / ``peek()`` for one store key.

    ``fetch`` asks WeCom for a new token (e.g. ``get_suite_token``) and returns a :class:`TokenGrant`;
    it is called at most once at a time across every process sharing ``store``.
    """

    __slots__ = ("_flight", "_mutex", "fetch")

    def __init__(
        self,
        store: TokenStoreWithLocks,
        key: str,
        fetch: Callable[[], TokenGrant],
        *,
        clock: Clock | None = None,
        policy: RefreshPolicy | None = None,
    ) -> None:
        super().__init__(store, key, clock, policy)
        self.fetch = fetch
        self._mutex = threading.Lock()
        self._flight: tuple[Future[StoredToken], bool] | None = None  # (result, forced)

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
            if (token := self._fallback(cache)) is None:
                raise
            return token

    def refresh(self) -> str:
        """A new token, unless one was obtained within the convergence window (then that one)."""
        return self._obtain(force=True).token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (WeCom rejected it); a different, fresher token in the store survives."""
        self._forget(token)
        self.store.tokens.delete_token(self.key, only_if=token)

    def peek(self) -> StoredToken | None:
        """What the store holds now, without fetching."""
        return self.store.tokens.get_token(self.key)

    # -- the flight ------------------------------------------------------------------------------
    def _obtain(self, *, force: bool) -> StoredToken:
        while True:
            with self._mutex:
                running = self._flight
                if running is None:
                    future: Future[StoredToken] = Future()
                    self._flight = (future, force)
                    break
            shared, forced = running
            if force and not forced:
                # An ordinary read may hand back the very token WeCom just rejected: wait, then run our own.
                with contextlib.suppress(Exception):  # its error belongs to its callers; ours runs next
                    shared.result()
                continue
            return shared.result()  # share the running refresh (and its error)
        try:
            stored = run(refresh_flight(self.policy, self.key, self.clock, force=force), self._execute)
            if self._is_rejected(stored):
                stored = run(refresh_flight(self.policy, self.key, self.clock, force=force), self._execute)
            self._keep(stored)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        else:
            future.set_result(stored)
            return stored
        finally:
            with self._mutex:
                self._flight = None

    def _execute(self, step: Step) -> Any:
        action = store_action(self.store, step)
        if action is not None:
            return action()
        if isinstance(step, FetchGrant):
            return self.fetch()
        if isinstance(step, Pause):
            time.sleep(step.seconds)  # real waiting: another process holds the lease
            return None
        raise TypeError(f"unknown flight step {step!r}")  # pragma: no cover
