"""The inbox part: every verified callback, recorded before it is acknowledged, processed after.

The life of an item::

    put ──> PENDING ──claim──> (leased) ──complete──> DONE ──purge (after the dedup window)──> gone
               ^                  │  └──retry_later──> PENDING (attempts + 1, not before the backoff)
               │                  └──bury──> DEAD ──drop──> gone
               └───────revive─────────────────┘

Ordering (see :class:`~wecom_suite.stores.records.InboxItem`): within one ``queue`` only the first
pending item by ``order_key`` can be claimed, and only when it is ready (``not_before <= now``) and no
item of its queue is leased; so one company's callbacks are processed one at a time in WeCom's order,
while other queues go on in parallel. A head that waits for its backoff holds its own queue only. (An
item that sorts first but arrives, or is revived, while a later one is being processed waits for that
one to finish or lose its lease: the order is then broken, but never the one-at-a-time.)

Dedup: ``put`` refuses an id the inbox still knows (pending, done within the window, or dead), so a
WeCom redelivery is recorded once.

Every backend must pass :mod:`wecom_suite.testing.store_contract`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from .records import InboxClaim, InboxItem, InboxStats, ItemState

__all__ = ["Inbox"]


@runtime_checkable
class Inbox(Protocol):
    """The inbox part of a store. Times are Unix seconds passed in by the caller (the worker's clock)."""

    def put(self, item: InboxItem) -> bool:
        """Record ``item`` durably (as the backend defines it: see docs/delivery.md) before returning.

        False, and nothing written, when an item with this id is known (pending, done or dead).
        ``item.state`` must be PENDING; ``attempts``, ``leased_until`` and ``finished_at`` are stored as given.
        """
        ...

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        """Lease the claimable queue head of ``suite_id`` with the smallest ``order_key``.

        A queue head is claimable when it is PENDING, ``not_before <= now`` and no item of its queue
        holds a lease at ``now`` (a lease runs while ``leased_until > now``). Items behind a head are
        never handed out. The lease lasts ``lease_seconds``; the
        returned claim's ``owner`` renews it. None when nothing is claimable.
        """
        ...

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        """Extend a lease still held by ``claim.owner`` to ``now + lease_seconds``; None if it was lost
        (ran out and taken by another worker, or the item is no longer pending)."""
        ...

    def complete(self, item_id: str, *, now: float) -> None:
        """Processed: DONE at ``now``; the payload may be dropped, the id is kept for dedup until purged.
        Ignored for unknown ids and for items that are not PENDING."""

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        """Processing failed (or must wait): release the lease, hand it out again at ``not_before``.
        ``attempts`` grows by one unless ``count_attempt`` is False (waiting for a company to be
        installed is not a failure). Ignored for unknown ids and items that are not PENDING."""

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        """Give up: DEAD at ``now`` with ``error`` as ``last_error``; the payload is kept for the operator.
        Ignored for unknown ids and items that are not PENDING."""

    def revive(self, item_id: str, *, now: float) -> bool:
        """Put a DEAD item back to PENDING (attempts 0, ready at ``now``, its place in its queue kept,
        which puts it ahead of everything that arrived after it). False if it is not DEAD."""
        ...

    def drop(self, item_id: str) -> bool:
        """Delete a DEAD item for good (operator's decision); False if it is not DEAD."""
        ...

    def get_item(self, item_id: str) -> InboxItem | None:
        """The item with this id in any state (payload empty once DONE), or None."""
        ...

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        """Items in ``state`` (of one suite / one queue when given), oldest ``order_key`` first, at most
        ``limit``. For operators: CLI, console, probes."""
        ...

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        """Delete at most ``limit`` DONE items finished before ``finished_before``; how many were deleted.
        DEAD items are never purged (they wait for an operator)."""
        ...

    def stats(self, suite_id: str) -> InboxStats:
        """Counts for one suite at the backend's current state (``in_progress`` judged by ``now`` =
        the backend's clock)."""
        ...
