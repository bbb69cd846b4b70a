"""Frequency limits (频率限制, docs/protocol.md §3.1): past N calls a minute an endpoint answers 45009.

Windows are measured on the sandbox's clock, so a test fills a minute's quota, sees 45009, then
``advance(60)`` and is served again; nothing sleeps.
"""

from __future__ import annotations

import threading

from ...clock import Clock

__all__ = ["Throttle"]


class Throttle:
    """Per-endpoint calls-per-minute limits (``"*"`` = each endpoint separately); none by default."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limits: dict[str, int] = {}
        self._windows: dict[str, tuple[float, int]] = {}  # endpoint -> (window start, calls in it)

    def limit(self, endpoint: str, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        with self._lock:
            self._limits[endpoint.removeprefix("/cgi-bin/").lstrip("/") or "*"] = per_minute

    def clear(self) -> None:
        with self._lock:
            self._limits.clear()
            self._windows.clear()

    def limits(self) -> dict[str, int]:
        with self._lock:
            return dict(self._limits)

    def allow(self, endpoint: str) -> bool:
        """Count this call; False when it is over the endpoint's limit for the current minute."""
        with self._lock:
            limit = self._limits.get(endpoint, self._limits.get("*"))
            if limit is None:
                return True
            now = self._clock.now()
            start, calls = self._windows.get(endpoint, (now, 0))
            if now - start >= 60:
                start, calls = now, 0
            calls += 1
            self._windows[endpoint] = (start, calls)
            return calls <= limit
