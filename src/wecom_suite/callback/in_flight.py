"""The content digests whose handlers are running right now in this process (see ``delivery.py``)."""

from __future__ import annotations

import threading

__all__ = ["InFlight"]


class _Flight:
    __slots__ = ("done", "ok")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False


class InFlight:
    """The digests whose handlers are running right now in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}

    def begin(self, digest: str) -> tuple[_Flight, bool]:
        """The flight for ``digest`` and whether the caller started it (True) or joined one (False)."""
        with self._lock:
            flight = self._flights.get(digest)
            if flight is not None:
                return flight, False
            flight = self._flights[digest] = _Flight()
            return flight, True

    def end(self, digest: str, flight: _Flight, *, ok: bool) -> None:
        flight.ok = ok
        with self._lock:
            if self._flights.get(digest) is flight:
                del self._flights[digest]
        flight.done.set()

    def __len__(self) -> int:
        return len(self._flights)
