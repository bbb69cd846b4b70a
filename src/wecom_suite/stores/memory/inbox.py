"""The inbox in dicts: one sorted list of pending ids per (suite, queue); the head is the first."""

from __future__ import annotations

import bisect
import secrets
import threading
from collections.abc import Iterator
from dataclasses import replace

from ...clock import Clock
from ..records import InboxClaim, InboxItem, InboxStats, ItemState

__all__ = ["MemoryInbox"]

_Key = tuple[int, float, str]


class MemoryInbox:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: dict[str, InboxItem] = {}
        self._owners: dict[str, str] = {}
        self._queues: dict[tuple[str, str], list[_Key]] = {}  # pending order keys, sorted

    def put(self, item: InboxItem) -> bool:
        with self._lock:
            if item.id in self._items:
                return False
            self._items[item.id] = item
            bisect.insort(self._queues.setdefault((item.suite_id, item.queue), []), item.order_key)
            return True

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        with self._lock:
            best: InboxItem | None = None
            for (suite, _), keys in self._queues.items():
                if suite != suite_id or not keys:
                    continue
                head = self._items[keys[0][2]]
                if (
                    head.not_before <= now
                    and (best is None or head.order_key < best.order_key)
                    and all(self._items[key[2]].leased_until <= now for key in keys)  # nothing of it in progress
                ):
                    best = head
            if best is None:
                return None
            until = now + lease_seconds
            claim = InboxClaim(replace(best, leased_until=until), secrets.token_hex(16), until)
            self._items[best.id] = claim.item
            self._owners[best.id] = claim.owner
            return claim

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        with self._lock:
            item = self._items.get(claim.item.id)
            if item is None or item.state is not ItemState.PENDING or self._owners.get(item.id) != claim.owner:
                return None
            if item.leased_until <= now:  # ran out: another worker may claim it now, so it is lost to this one
                return None
            item = replace(item, leased_until=now + lease_seconds)
            self._items[item.id] = item
            return InboxClaim(item, claim.owner, item.leased_until)

    def _pending(self, item_id: str) -> InboxItem | None:
        item = self._items.get(item_id)
        return item if item is not None and item.state is ItemState.PENDING else None

    def _leave_queue(self, item: InboxItem) -> None:
        keys = self._queues[(item.suite_id, item.queue)]
        del keys[bisect.bisect_left(keys, item.order_key)]
        if not keys:
            del self._queues[(item.suite_id, item.queue)]
        self._owners.pop(item.id, None)

    def complete(self, item_id: str, *, now: float) -> None:
        with self._lock:
            item = self._pending(item_id)
            if item is not None:
                self._leave_queue(item)
                self._items[item_id] = replace(
                    item, state=ItemState.DONE, payload=b"", leased_until=0.0, finished_at=now
                )

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        with self._lock:
            item = self._pending(item_id)
            if item is not None:
                self._owners.pop(item_id, None)
                self._items[item_id] = replace(
                    item,
                    attempts=item.attempts + int(count_attempt),
                    not_before=not_before,
                    last_error=error,
                    leased_until=0.0,
                )

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        with self._lock:
            item = self._pending(item_id)
            if item is not None:
                self._leave_queue(item)
                self._items[item_id] = replace(
                    item, state=ItemState.DEAD, last_error=error, leased_until=0.0, finished_at=now
                )

    def revive(self, item_id: str, *, now: float) -> bool:
        with self._lock:
            item = self._items.get(item_id)
            if item is None or item.state is not ItemState.DEAD:
                return False
            item = replace(item, state=ItemState.PENDING, attempts=0, not_before=now, leased_until=0.0, finished_at=0.0)
            self._items[item_id] = item
            bisect.insort(self._queues.setdefault((item.suite_id, item.queue), []), item.order_key)
            return True

    def drop(self, item_id: str) -> bool:
        with self._lock:
            item = self._items.get(item_id)
            if item is None or item.state is not ItemState.DEAD:
                return False
            del self._items[item_id]
            return True

    def get_item(self, item_id: str) -> InboxItem | None:
        return self._items.get(item_id)

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        with self._lock:
            found = [
                item
                for item in self._items.values()
                if item.state is state
                and (suite_id is None or item.suite_id == suite_id)
                and (queue is None or item.queue == queue)
            ]
        found.sort(key=lambda item: item.order_key)
        return iter(found[: max(0, limit)])

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        with self._lock:
            old = [
                item_id
                for item_id, item in self._items.items()
                if item.state is ItemState.DONE and item.finished_at < finished_before
            ][: max(0, limit)]
            for item_id in old:
                del self._items[item_id]
            return len(old)

    def stats(self, suite_id: str) -> InboxStats:
        now = self._clock.now()
        with self._lock:
            mine = [item for item in self._items.values() if item.suite_id == suite_id]
        pending = [item for item in mine if item.state is ItemState.PENDING]
        return InboxStats(
            pending=len(pending),
            in_progress=sum(1 for item in pending if item.leased_until > now),
            dead=sum(1 for item in mine if item.state is ItemState.DEAD),
            done=sum(1 for item in mine if item.state is ItemState.DONE),
            oldest_pending_at=min((item.received_at for item in pending), default=None),
            queues=len({item.queue for item in pending}),
        )
