"""The inbox in the ``inbox`` table: one row per item; each queue's head carries ``head = 1``.

Every write that can change a queue's head (put, complete, bury, revive) re-seats the flag in the same
transaction: the queue's first pending row by ``order_key`` is one probe of ``inbox_by_queue``. A claim
then reads the partial index ``inbox_heads`` (only head rows, in ``order_key`` order) and takes the
first that is ready and whose queue has no lease running (one probe of the partial index
``inbox_leased``), so it walks past blocked heads (in progress, or waiting for a backoff) only, never
past the items queued behind them: O(log n) per blocked queue, whatever a queue's length.
The UPDATE that leases it to a fresh owner token runs in the same write.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ...clock import Clock
from ..records import CallbackSource, InboxClaim, InboxItem, InboxStats, ItemState
from .db import Database

__all__ = ["SQLiteInbox"]

_COLUMNS = (
    "id, suite_id, payload, received_at, queue, source, event_time, attempts, not_before, last_error, state, "
    "leased_until, finished_at"
)
_ORDER = " ORDER BY event_time, received_at, id"
_CLAIMABLE = (  # ?1 = suite_id, ?2 = now
    f"SELECT {_COLUMNS} FROM inbox AS h WHERE h.suite_id = ?1 AND h.head = 1 AND h.not_before <= ?2 "  # noqa: S608
    "AND h.leased_until <= ?2 "  # the usual blocker, read from the index; the probe below finds the rest
    "AND NOT EXISTS (SELECT 1 FROM inbox AS e WHERE e.suite_id = ?1 AND e.queue = h.queue AND e.state = 'pending' "
    f"AND e.leased_until > ?2){_ORDER} LIMIT 1"
)
_QUEUE_HEAD = f"SELECT id FROM inbox WHERE suite_id = ? AND queue = ? AND state = 'pending'{_ORDER} LIMIT 1"  # noqa: S608
_INSERT = f"INSERT OR IGNORE INTO inbox ({_COLUMNS}, head) VALUES ({', '.join('?' * 14)})"  # noqa: S608 - constants
_QUEUE_HEAD_KEY = (  # the covering index inbox_by_queue answers it
    f"SELECT event_time, received_at, id FROM inbox WHERE suite_id = ? AND queue = ? AND state = 'pending'{_ORDER} "  # noqa: S608
    "LIMIT 1"
)


def _item(row: tuple[Any, ...]) -> InboxItem:
    return InboxItem(
        id=row[0],
        suite_id=row[1],
        payload=bytes(row[2]),
        received_at=row[3],
        queue=row[4],
        source=CallbackSource(row[5]),
        event_time=row[6],
        attempts=row[7],
        not_before=row[8],
        last_error=row[9],
        state=ItemState(row[10]),
        leased_until=row[11],
        finished_at=row[12],
    )


def _queue_head(db: sqlite3.Connection, suite_id: str, queue: str) -> str | None:
    row = db.execute(_QUEUE_HEAD, (suite_id, queue)).fetchone()
    return None if row is None else str(row[0])


def _seat_head(db: sqlite3.Connection, suite_id: str, queue: str, old: str | None) -> None:
    """Move the ``head`` flag from ``old`` (None: no row has it) to the queue's first pending row."""
    new = _queue_head(db, suite_id, queue)
    if new != old:
        if old is not None:
            db.execute("UPDATE inbox SET head = 0 WHERE id = ?", (old,))
        if new is not None:
            db.execute("UPDATE inbox SET head = 1 WHERE id = ?", (new,))


class SQLiteInbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def put(self, item: InboxItem) -> bool:
        values = (
            item.id,
            item.suite_id,
            item.payload,
            item.received_at,
            item.queue,
            CallbackSource(item.source).value,
            item.event_time,
            item.attempts,
            item.not_before,
            item.last_error,
            ItemState(item.state).value,
            item.leased_until,
            item.finished_at,
        )

        def write(db: sqlite3.Connection) -> bool:
            pending = item.state is ItemState.PENDING
            old = db.execute(_QUEUE_HEAD_KEY, (item.suite_id, item.queue)).fetchone() if pending else None
            # SQLite orders REAL/INTEGER numerically and TEXT by UTF-8 bytes, as Python compares them.
            head = pending and (old is None or item.order_key < tuple(old))
            if db.execute(_INSERT, (*values, int(head))).rowcount == 0:
                return False
            if head and old is not None:
                db.execute("UPDATE inbox SET head = 0 WHERE id = ?", (old[2],))
            return True

        return self._db.write(write)

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        if not self._db.read(_CLAIMABLE, (suite_id, now)):
            return None  # idle workers poll: answer "nothing" from this thread's snapshot, not the writer
        owner = secrets.token_hex(16)
        until = now + lease_seconds

        def write(db: sqlite3.Connection) -> InboxClaim | None:
            row = db.execute(_CLAIMABLE, (suite_id, now)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE inbox SET leased_until = ?, owner = ? WHERE id = ?", (until, owner, row[0]))
            return InboxClaim(replace(_item(row), leased_until=until), owner, until)

        return self._db.write(write)

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        until = now + lease_seconds

        def write(db: sqlite3.Connection) -> InboxClaim | None:
            cur = db.execute(
                "UPDATE inbox SET leased_until = ? "
                "WHERE id = ? AND state = 'pending' AND owner = ? AND leased_until > ?",
                (until, claim.item.id, claim.owner, now),
            )
            if cur.rowcount == 0:
                return None
            row = db.execute(f"SELECT {_COLUMNS} FROM inbox WHERE id = ?", (claim.item.id,)).fetchone()  # noqa: S608
            return InboxClaim(_item(row), claim.owner, until)

        return self._db.write(write)

    def _update(self, sql: str, args: tuple[Any, ...]) -> bool:
        def write(db: sqlite3.Connection) -> bool:
            return db.execute(sql, args).rowcount > 0

        return self._db.write(write)

    def _finish(self, item_id: str, sql: str, args: tuple[Any, ...]) -> None:
        """Move a PENDING item out of its queue (``sql`` sets its new state); the next one becomes head."""

        def write(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT suite_id, queue, head FROM inbox WHERE id = ? AND state = 'pending'", (item_id,))
            found = row.fetchone()
            if found is None:
                return
            db.execute(sql, (*args, item_id))
            if found[2]:
                _seat_head(db, found[0], found[1], None)

        self._db.write(write)

    def complete(self, item_id: str, *, now: float) -> None:
        self._finish(
            item_id,
            "UPDATE inbox SET state = 'done', head = 0, payload = X'', leased_until = 0, owner = '', finished_at = ? "
            "WHERE id = ?",
            (now,),
        )

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        self._update(
            "UPDATE inbox SET attempts = attempts + ?, not_before = ?, last_error = ?, leased_until = 0, owner = '' "
            "WHERE id = ? AND state = 'pending'",
            (int(count_attempt), not_before, error, item_id),
        )

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        self._finish(
            item_id,
            "UPDATE inbox SET state = 'dead', head = 0, last_error = ?, leased_until = 0, owner = '', finished_at = ? "
            "WHERE id = ?",
            (error, now),
        )

    def revive(self, item_id: str, *, now: float) -> bool:
        def write(db: sqlite3.Connection) -> bool:
            found = db.execute(
                "SELECT suite_id, queue FROM inbox WHERE id = ? AND state = 'dead'", (item_id,)
            ).fetchone()
            if found is None:
                return False
            old = _queue_head(db, found[0], found[1])
            db.execute(
                "UPDATE inbox SET state = 'pending', attempts = 0, not_before = ?, leased_until = 0, finished_at = 0 "
                "WHERE id = ?",
                (now, item_id),
            )
            _seat_head(db, found[0], found[1], old)
            return True

        return self._db.write(write)

    def drop(self, item_id: str) -> bool:
        return self._update("DELETE FROM inbox WHERE id = ? AND state = 'dead'", (item_id,))

    def get_item(self, item_id: str) -> InboxItem | None:
        rows = self._db.read(f"SELECT {_COLUMNS} FROM inbox WHERE id = ?", (item_id,))  # noqa: S608
        return _item(rows[0]) if rows else None

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        sql = f"SELECT {_COLUMNS} FROM inbox WHERE state = ?"  # noqa: S608
        args: tuple[Any, ...] = (ItemState(state).value,)
        if suite_id is not None:
            sql += " AND suite_id = ?"
            args += (suite_id,)
        if queue is not None:
            sql += " AND queue = ?"
            args += (queue,)
        rows = self._db.read(sql + _ORDER + " LIMIT ?", (*args, max(0, limit)))
        return iter([_item(row) for row in rows])

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        def write(db: sqlite3.Connection) -> int:
            cur = db.execute(
                "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE state = 'done' AND finished_at < ? LIMIT ?)",
                (finished_before, max(0, limit)),
            )
            return int(cur.rowcount)

        return self._db.write(write)

    def stats(self, suite_id: str) -> InboxStats:
        now = self._clock.now()
        row = self._db.read(  # one statement: one snapshot
            "SELECT p.n, p.leased, p.oldest, p.queues, "
            "(SELECT COUNT(*) FROM inbox WHERE suite_id = ?1 AND state = 'dead'), "
            "(SELECT COUNT(*) FROM inbox WHERE suite_id = ?1 AND state = 'done') "
            "FROM (SELECT COUNT(*) AS n, COALESCE(SUM(leased_until > ?2), 0) AS leased, MIN(received_at) AS oldest, "
            "COUNT(DISTINCT queue) AS queues FROM inbox WHERE suite_id = ?1 AND state = 'pending') AS p",
            (suite_id, now),
        )[0]
        return InboxStats(
            pending=int(row[0]),
            in_progress=int(row[1]),
            dead=int(row[4]),
            done=int(row[5]),
            oldest_pending_at=row[2],
            queues=int(row[3]),
        )
