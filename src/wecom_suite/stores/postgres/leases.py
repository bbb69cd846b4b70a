"""Leases in PostgreSQL: one row per name, judged by the store's clock (like memory and SQLite).

Taking a lease is one upsert that replaces the row only when its lease ran out, so of many processes
racing for one name exactly one writes the row (the database serialises the conflicting inserts).
A release deletes the row only while it still names the caller as owner. Using the store's clock
rather than the server's ``now()`` lets a :class:`~wecom_suite.clock.ManualClock` drive the contract;
hosts sharing a database must therefore keep their clocks in step (NTP), as they must for WeCom's
timestamps anyway.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, delete, select

from ...clock import Clock
from ..records import Lease
from .db import upsert
from .schema import leases

__all__ = ["PostgresLeases"]


class PostgresLeases:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        now = self._clock.now()
        lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
        values = {"name": name, "owner": lease.owner, "expires_at": lease.expires_at}  # expires_at last (MySQL)
        with self._engine.begin() as conn:
            written = upsert(conn, leases, values, ["name"], only_if=lambda _new: leases.c.expires_at <= now)
            if written is None:  # the database cannot say: read back who holds it
                written = conn.execute(select(leases.c.owner).where(leases.c.name == name)).scalar() == lease.owner
        return lease if written else None

    def release(self, lease: Lease) -> bool:
        """True only if the lease was still ours and had not run out (a late release frees nothing)."""
        now = self._clock.now()
        with self._engine.begin() as conn:
            found = conn.execute(
                delete(leases)
                .where(leases.c.name == lease.name, leases.c.owner == lease.owner)
                .returning(leases.c.expires_at)
            ).first()
        return found is not None and found.expires_at > now
