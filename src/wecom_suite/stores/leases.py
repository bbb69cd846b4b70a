"""Named leases for "exactly one refresh at a time", across threads, processes and hosts."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .records import Lease

__all__ = ["Leases"]


@runtime_checkable
class Leases(Protocol):
    """The leases part of a store: named locks with an expiry, shared by every process using the store."""

    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        """Take the lock now if free (or its lease ran out); never blocks."""
        ...

    def release(self, lease: Lease) -> bool:
        """Release only if ``lease`` still owns the lock; True if it did."""
        ...
