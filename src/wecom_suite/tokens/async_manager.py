"""The asyncio token manager: the same flight as :class:`~.manager.TokenManager`, awaited.

Tasks of one event loop share one refresh (an asyncio future per loop); processes and hosts share one
through the store's lease. Store calls are blocking (sqlite3, redis-py), so they run in a worker
thread; the decisions come from :mod:`.policy`, :mod:`.flight` and :mod:`.manager_core`, never
duplicated here.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from ..clock import Clock
from ..flow import Pause, run_async
from ..stores.records import StoredToken
from .flight import FetchGrant, Step, refresh_flight
from .grant import TokenGrant
from .manager_core import ManagerCore, TokenStoreWithLocks, store_action
from .policy import RefreshPolicy

__all__ = ["AsyncTokenManager"]


class _LeaderCancelled(Exception):
    """The task running the shared refresh was cancelled; the tasks waiting on it start their own."""


class AsyncTokenManager(ManagerCore):
    """``await token()`` / ``refresh()`` / ``invalidate(token)`` / ``peek()`` for one store key."""

    __slots__ = ("_flights", "fetch")

    def __init__(
        self,
        store: TokenStoreWithLocks,
        key: str,
        fetch: Callable[[], Awaitable[TokenGrant]],
        *,
        clock: Clock | None = None,
        policy: RefreshPolicy | None = None,
    ) -> None:
        super().__init__(store, key, clock, policy)
        self.fetch = fetch
        # One running flight per event loop: (result, forced).
        self._flights: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[asyncio.Future[StoredToken], bool]
        ] = weakref.WeakKeyDictionary()

    async def token(self) -> str:
        cache = self._cache
        if cache is not None and self.clock.now() < cache.use_until:
            return cache.token
        loop = asyncio.get_running_loop()
        if cache is not None and loop in self._flights and self.clock.now() < cache.expires_at:
            return cache.token  # another task is refreshing; ours is still valid meanwhile
        try:
            return (await self._obtain(loop, force=False)).token
        except Exception:
            if (token := self._fallback(cache)) is None:
                raise
            return token

    async def refresh(self) -> str:
        return (await self._obtain(asyncio.get_running_loop(), force=True)).token

    async def invalidate(self, token: str) -> None:
        self._forget(token)
        await asyncio.to_thread(self.store.tokens.delete_token, self.key, only_if=token)

    async def peek(self) -> StoredToken | None:
        return await asyncio.to_thread(self.store.tokens.get_token, self.key)

    # -- the flight ------------------------------------------------------------------------------
    async def _obtain(self, loop: asyncio.AbstractEventLoop, *, force: bool) -> StoredToken:
        while (running := self._flights.get(loop)) is not None:
            shared, forced = running
            if force and not forced:
                # An ordinary read may hand back the very token WeCom just rejected: wait, then run our own.
                with contextlib.suppress(Exception):
                    await asyncio.shield(shared)
                continue
            try:
                return await asyncio.shield(shared)  # share the running refresh (and its error)
            except _LeaderCancelled:
                continue  # the task that was refreshing got cancelled: someone else takes over
        future: asyncio.Future[StoredToken] = loop.create_future()
        self._flights[loop] = (future, force)
        try:
            stored = await run_async(refresh_flight(self.policy, self.key, self.clock, force=force), self._execute)
            if self._is_rejected(stored):
                stored = await run_async(refresh_flight(self.policy, self.key, self.clock, force=force), self._execute)
            self._keep(stored)
        except asyncio.CancelledError:
            future.set_exception(_LeaderCancelled())
            future.exception()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody may be waiting
            raise
        else:
            future.set_result(stored)
            return stored
        finally:
            del self._flights[loop]

    async def _execute(self, step: Step) -> Any:
        action = store_action(self.store, step)
        if action is not None:
            return await asyncio.to_thread(action)
        if isinstance(step, FetchGrant):
            return await self.fetch()
        if isinstance(step, Pause):
            await asyncio.sleep(step.seconds)  # real waiting: another process holds the lease
            return None
        raise TypeError(f"unknown flight step {step!r}")  # pragma: no cover
