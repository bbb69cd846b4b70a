"""Stand-ins for ``get_suite_token``: plain callables that count how often the manager asks.

Managers take any ``fetch`` callable; these let unit tests see exactly how many fetches happened
(the multi-process tests use the real sandbox over loopback instead).
"""

from __future__ import annotations

import asyncio
import threading

from wecom_suite.clock import Clock
from wecom_suite.stores import MemoryStore, StoredToken
from wecom_suite.tokens import TokenGrant


class CountingFetch:
    """Returns ``tok-1``, ``tok-2``, ...; can be held at a gate or made to fail."""

    def __init__(self, expires_in: float = 7200, *, prefix: str = "tok") -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.prefix = prefix
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.fail_with: BaseException | None = None
        self._lock = threading.Lock()

    def __call__(self) -> TokenGrant:
        with self._lock:
            self.calls += 1
            n = self.calls
        self.entered.set()
        if not self.gate.wait(timeout=30):
            raise TimeoutError("test gate never opened")
        if self.fail_with is not None:
            raise self.fail_with
        return TokenGrant(f"{self.prefix}-{n}", self.expires_in)


class AsyncCountingFetch:
    """The coroutine version: ``await fetch()``; ``gate`` is an asyncio.Event created in the running loop."""

    def __init__(self, expires_in: float = 7200) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.gate: asyncio.Event | None = None
        self.fail_with: BaseException | None = None

    async def __call__(self) -> TokenGrant:
        self.calls += 1
        n = self.calls
        if self.gate is not None:
            await self.gate.wait()
        else:
            for _ in range(5):
                await asyncio.sleep(0)  # give every other task a chance to pile up
        if self.fail_with is not None:
            raise self.fail_with
        return TokenGrant(f"atok-{n}", self.expires_in)


class GatedStore(MemoryStore):
    """A real MemoryStore whose next tokens ``get_token`` (once armed) parks until released: it freezes a
    flight right after it read the store, so a test can invalidate or refresh in that moment."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.armed = False
        self.parked = threading.Event()
        self.resume = threading.Event()
        read = self.tokens.get_token

        def get_token(key: str) -> StoredToken | None:
            found = read(key)
            if self.armed:
                self.armed = False
                self.parked.set()
                if not self.resume.wait(timeout=30):
                    raise TimeoutError("test never released the store")
            return found

        self.tokens.get_token = get_token  # type: ignore[method-assign]
