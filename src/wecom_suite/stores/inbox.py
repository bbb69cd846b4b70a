"""A durable inbox of acknowledged callbacks: record first, answer ``success``, process after."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .records import InboxItem

__all__ = ["CallbackInbox"]


@runtime_checkable
class CallbackInbox(Protocol):
    def put(self, item: InboxItem) -> bool:
        """Record durably; False (and nothing written) if an item with this id was ever recorded."""
        ...

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxItem | None:
        """Take the oldest (by ``received_at``, then id) pending item whose ``not_before`` has passed and
        that nobody holds (or whose holder's lease ran out); it is hidden from other claimers for the lease."""
        ...

    def complete(self, item_id: str) -> None:
        """Processed: never handed out again (its id stays known, so re-deliveries are dropped).
        Unknown ids are ignored."""

    def retry_later(self, item_id: str, *, not_before: float, error: str) -> None:
        """Processing failed: hand it out again after ``not_before``; attempts += 1. Ignored for unknown
        or completed ids, so a slow worker whose lease ran out cannot resurrect a finished item."""

    def pending_count(self, suite_id: str) -> int:
        """Items not completed yet, including those currently claimed."""
        ...
