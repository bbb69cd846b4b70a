"""The last N callbacks this process answered, for the operator console: no payloads, no secrets."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

__all__ = ["RecentCallback", "RecentCallbacks"]


@dataclass(frozen=True, slots=True)
class RecentCallback:
    """One answered callback. ``outcome``: recorded, duplicate, rejected, store_error or replied.
    ``item_id`` is the inbox item's id (empty when nothing was recorded); its state is read from the store."""

    at: float  # Unix seconds, by the app's clock
    url: str  # instruction / data / system
    info_type: str  # InfoType (or a data event's Event / MsgType); empty when the callback was rejected
    corp_id: str  # AuthCorpId or the data URL's receive id; empty for suite-level events
    outcome: str
    item_id: str = ""


class RecentCallbacks:
    """A thread-safe ring buffer of :class:`RecentCallback`, newest first when read. Per process."""

    def __init__(self, size: int = 200) -> None:
        self._entries: deque[RecentCallback] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, entry: RecentCallback) -> None:
        with self._lock:
            self._entries.append(entry)

    def newest(self, limit: int = 50) -> list[RecentCallback]:
        with self._lock:
            entries = list(self._entries)
        return entries[::-1][: max(0, limit)]

    def __len__(self) -> int:
        return len(self._entries)
