"""Leases in PostgreSQL: one row per name, judged by the store's clock (like memory and SQLite).

Taking a lease is one upsert that replaces the row only when its lease ran out, so of many processes
racing for one name exactly one writes it (PostgreSQL serialises the conflicting inserts and re-checks
the condition on the row it waited for). A release deletes the row only while it still names the
caller. The store's clock rather than the server's ``now()`` lets a
:class:`~wecom_suite.clock.ManualClock` drive the contract; hosts sharing a database must keep their
clocks in step (NTP), as WeCom's timestamp checks require anyway.
"""

from __future__ import annotations

import secrets

from ...clock import Clock
from ..records import Lease
from .db import Database

__all__ = ["PostgresLeases"]

_ACQUIRE = """
INSERT INTO wecom_leases (name, owner, expires_at) VALUES (%(name)s, %(owner)s, %(expires_at)s)
ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
WHERE wecom_leases.expires_at <= %(now)s
RETURNING owner
"""


class PostgresLeases:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        now = self._clock.now()
        lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
        row = self._db.one(_ACQUIRE, {"name": name, "owner": lease.owner, "expires_at": lease.expires_at, "now": now})
        return lease if row is not None else None

    def release(self, lease: Lease) -> bool:
        """True only if the lease was still ours and had not run out (a late release frees nothing)."""
        row = self._db.one(
            "DELETE FROM wecom_leases WHERE name = %s AND owner = %s RETURNING expires_at", (lease.name, lease.owner)
        )
        return row is not None and row[0] > self._clock.now()
