"""How many times each endpoint was called: tests read these to prove single flight (one refresh, many callers)."""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["Counters"]


class Counters:
    """Per-endpoint call counts, keyed by the path under ``/cgi-bin/`` (``"service/get_suite_token"``).

    Every request that reaches an endpoint counts, including ones answered by an injected fault.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def hit(self, endpoint: str) -> int:
        with self._lock:
            self._counts[endpoint] += 1
            return self._counts[endpoint]

    def __getitem__(self, endpoint: str) -> int:
        with self._lock:
            return self._counts[endpoint.removeprefix("/cgi-bin/").lstrip("/")]

    def get(self, endpoint: str) -> int:
        return self[endpoint]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def __repr__(self) -> str:
        return f"Counters({self.snapshot()})"
