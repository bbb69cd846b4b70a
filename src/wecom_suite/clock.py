"""Injectable clocks, so that no test ever sleeps to wait for time to pass.

Everything that looks at the time (timestamp checks, token expiry, leases, ticket validity) takes a
``Clock``; production code uses :class:`SystemClock`, tests use :class:`ManualClock` and advance it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """A source of Unix time in seconds (float)."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock (``time.time()``)."""

    __slots__ = ()

    def now(self) -> float:
        return time.time()

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to; thread-safe.

    >>> clock = ManualClock(1_700_000_000)
    >>> clock.advance(7200)
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = float(time.time() if start is None else start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, value: float) -> None:
        with self._lock:
            self._now = float(value)

    def __repr__(self) -> str:
        return f"ManualClock({self.now():.3f})"


DEFAULT_CLOCK: Clock = SystemClock()
