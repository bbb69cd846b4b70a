"""Install and login states in a dict."""

from __future__ import annotations

import threading

__all__ = ["MemoryInstallStates"]


class MemoryInstallStates:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str], tuple[str, float]] = {}

    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        with self._lock:
            self._states[(suite_id, state)] = (data, expires_at)

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        with self._lock:
            found = self._states.pop((suite_id, state), None)
            for key in [k for k, (_, expires_at) in self._states.items() if expires_at <= now]:
                del self._states[key]  # abandoned states go too, so the dict stays as small as the flows in flight
        if found is None or found[1] <= now:
            return None
        return found[0]
