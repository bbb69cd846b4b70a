"""Leases in the ``leases`` table, judged by the store's clock (every process of the host shares the file)."""

from __future__ import annotations

import secrets
import sqlite3

from ...clock import Clock
from ..records import Lease
from .db import Database

__all__ = ["SQLiteLeases"]


class SQLiteLeases:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        def write(db: sqlite3.Connection) -> Lease | None:
            now = self._clock.now()
            row = db.execute("SELECT expires_at FROM leases WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] > now:
                return None
            lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
            db.execute(
                "INSERT OR REPLACE INTO leases (name, owner, expires_at) VALUES (?, ?, ?)",
                (name, lease.owner, lease.expires_at),
            )
            return lease

        return self._db.write(write)

    def release(self, lease: Lease) -> bool:
        def write(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT owner, expires_at FROM leases WHERE name = ?", (lease.name,)).fetchone()
            if row is None or row[0] != lease.owner:
                return False
            db.execute("DELETE FROM leases WHERE name = ?", (lease.name,))
            return bool(row[1] > self._clock.now())

        return self._db.write(write)
