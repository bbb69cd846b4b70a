"""The inbox in PostgreSQL: a job table claimed with ``FOR UPDATE SKIP LOCKED``, one queue at a time.

A claim is one short transaction of two statements:

1. find the oldest claimable queue head of the suite and lock its ``wecom_inbox_queues`` row with
   ``FOR UPDATE OF q SKIP LOCKED`` (a queue another worker is deciding about right now is skipped,
   never waited for);
2. holding that lock, lease the head with an UPDATE that checks it again. In READ COMMITTED each
   statement sees what was committed when it started, and statement 1 started before its lock was
   granted, so it may have missed a lease another worker committed just before; statement 2 cannot.

Every claim of a queue passes through its queue row, so two workers can never lease two items of one
queue, whatever the timing. A head is claimable when it is PENDING, ready (``not_before <= now``), its
lease ran out, and no other pending item of its queue is leased. The last condition also holds back an
item that arrives late with an earlier WeCom timestamp while a later one of its company is being
processed, so a company's callbacks are never processed two at a time (tests/stores/test_postgres_store.py).

Every other call is a single statement (one round trip, atomic on its own).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from ...clock import Clock
from ..records import CallbackSource, InboxClaim, InboxItem, InboxStats, ItemState
from .db import Database, Row

__all__ = ["PostgresInbox"]

_CLAIM_TRIES = 5  # statement 2 finds the head changed only when another worker got there first
_COLUMNS = (
    "id, suite_id, payload, received_at, queue, source, event_time, attempts, not_before, last_error, state, "
    "leased_until, finished_at"
)

_PUT = f"""
WITH item AS (
    INSERT INTO wecom_inbox ({_COLUMNS}, owner)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)
    ON CONFLICT (id) DO NOTHING
    RETURNING suite_id, queue
), queue AS (
    INSERT INTO wecom_inbox_queues (suite_id, queue) SELECT suite_id, queue FROM item
    ON CONFLICT DO NOTHING
)
SELECT count(*) FROM item
"""  # noqa: S608  (column names are constants)

# "i" is the first pending item of its queue, ready, free, and nothing else in its queue is leased.
# The literals ('pending', > 0) let the planner use the partial indexes wecom_inbox_pending and _leased.
_CLAIMABLE_HEAD = """
    i.state = 'pending' AND i.not_before <= %(now)s AND i.leased_until <= %(now)s
    AND NOT EXISTS (
        SELECT 1 FROM wecom_inbox a
        WHERE a.suite_id = i.suite_id AND a.queue = i.queue AND a.state = 'pending'
          AND (a.event_time, a.received_at, a.id) < (i.event_time, i.received_at, i.id)
    )
    AND NOT EXISTS (
        SELECT 1 FROM wecom_inbox b
        WHERE b.suite_id = i.suite_id AND b.queue = i.queue AND b.state = 'pending' AND b.leased_until > 0
          AND b.leased_until > %(now)s
    )
"""

_CANDIDATE = f"""
SELECT i.id FROM wecom_inbox i
JOIN wecom_inbox_queues q ON q.suite_id = i.suite_id AND q.queue = i.queue
WHERE i.suite_id = %(suite_id)s AND {_CLAIMABLE_HEAD}
ORDER BY i.event_time, i.received_at, i.id
LIMIT 1
FOR UPDATE OF q SKIP LOCKED
"""  # noqa: S608

_LEASE = f"""
UPDATE wecom_inbox i SET leased_until = %(until)s, owner = %(owner)s
WHERE i.id = %(id)s AND {_CLAIMABLE_HEAD}
RETURNING {", ".join("i." + c.strip() for c in _COLUMNS.split(","))}
"""  # noqa: S608

_RENEW = f"""
UPDATE wecom_inbox SET leased_until = %(until)s
WHERE id = %(id)s AND owner = %(owner)s AND state = 'pending' AND leased_until > %(now)s
RETURNING {_COLUMNS}
"""  # noqa: S608  (a lease that ran out may be another worker's now: lost)

_FINISH = "UPDATE wecom_inbox SET {changes}, owner = NULL WHERE id = %(id)s AND state = 'pending'"

_LIST = f"""
SELECT {_COLUMNS} FROM wecom_inbox
WHERE state = %(state)s AND (%(suite_id)s::text IS NULL OR suite_id = %(suite_id)s)
  AND (%(queue)s::text IS NULL OR queue = %(queue)s)
ORDER BY event_time, received_at, id
LIMIT %(limit)s
"""  # noqa: S608

_PURGE = """
DELETE FROM wecom_inbox WHERE id IN (
    SELECT id FROM wecom_inbox WHERE state = 'done' AND finished_at < %(before)s
    ORDER BY finished_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED
)
"""

_STATS = """
SELECT
    count(*) FILTER (WHERE state = 'pending'),
    count(*) FILTER (WHERE state = 'pending' AND leased_until > %(now)s),
    count(*) FILTER (WHERE state = 'dead'),
    count(*) FILTER (WHERE state = 'done'),
    min(received_at) FILTER (WHERE state = 'pending'),
    count(DISTINCT queue) FILTER (WHERE state = 'pending')
FROM wecom_inbox WHERE suite_id = %(suite_id)s
"""


def _item(row: Row) -> InboxItem:
    item_id, suite_id, payload, received_at, queue, source, event_time, attempts, not_before, error, state = row[:11]
    return InboxItem(
        id=item_id,
        suite_id=suite_id,
        payload=bytes(payload),
        received_at=received_at,
        queue=queue,
        source=CallbackSource(source),
        event_time=event_time,
        attempts=attempts,
        not_before=not_before,
        last_error=error,
        state=ItemState(state),
        leased_until=row[11],
        finished_at=row[12],
    )


class PostgresInbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def put(self, item: InboxItem) -> bool:
        """One statement (the item and, the first time, its queue row): committed when it returns."""
        row = self._db.one(
            _PUT,
            (
                item.id,
                item.suite_id,
                item.payload,
                item.received_at,
                item.queue,
                item.source.value,
                item.event_time,
                item.attempts,
                item.not_before,
                item.last_error,
                item.state.value,
                item.leased_until,
                item.finished_at,
            ),
        )
        return row is not None and row[0] == 1

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        owner, until = secrets.token_hex(16), now + lease_seconds
        for _ in range(_CLAIM_TRIES):
            with self._db.transaction() as conn:
                found = conn.execute(_CANDIDATE, {"suite_id": suite_id, "now": now}).fetchone()
                if found is None:
                    return None
                row = conn.execute(_LEASE, {"id": found[0], "now": now, "until": until, "owner": owner}).fetchone()
            if row is not None:
                return InboxClaim(_item(row), owner, until)
        return None  # lost every race: the caller polls again

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        until = now + lease_seconds
        row = self._db.one(_RENEW, {"id": claim.item.id, "owner": claim.owner, "now": now, "until": until})
        return None if row is None else InboxClaim(_item(row), claim.owner, until)

    def _finish(self, item_id: str, changes: str, **values: Any) -> None:
        self._db.count(_FINISH.format(changes=changes), {"id": item_id, **values})

    def complete(self, item_id: str, *, now: float) -> None:
        self._finish(item_id, "state = 'done', payload = ''::bytea, leased_until = 0, finished_at = %(now)s", now=now)

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        self._finish(
            item_id,
            "attempts = attempts + %(more)s, not_before = %(not_before)s, last_error = %(error)s, leased_until = 0",
            more=int(count_attempt),
            not_before=not_before,
            error=error,
        )

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        self._finish(
            item_id,
            "state = 'dead', last_error = %(error)s, leased_until = 0, finished_at = %(now)s",
            now=now,
            error=error,
        )

    def revive(self, item_id: str, *, now: float) -> bool:
        """Its queue row exists (put made it, nothing deletes it) and its order columns never changed."""
        return (
            self._db.count(
                "UPDATE wecom_inbox SET state = 'pending', attempts = 0, not_before = %s, leased_until = 0, "
                "finished_at = 0, owner = NULL WHERE id = %s AND state = 'dead'",
                (now, item_id),
            )
            == 1
        )

    def drop(self, item_id: str) -> bool:
        return self._db.count("DELETE FROM wecom_inbox WHERE id = %s AND state = 'dead'", (item_id,)) == 1

    def get_item(self, item_id: str) -> InboxItem | None:
        row = self._db.one(f"SELECT {_COLUMNS} FROM wecom_inbox WHERE id = %s", (item_id,))  # noqa: S608
        return None if row is None else _item(row)

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        rows = self._db.all(_LIST, {"state": state.value, "suite_id": suite_id, "queue": queue, "limit": max(0, limit)})
        return iter([_item(row) for row in rows])

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        return self._db.count(_PURGE, {"before": finished_before, "limit": max(0, limit)})

    def stats(self, suite_id: str) -> InboxStats:
        row = self._db.one(_STATS, {"suite_id": suite_id, "now": self._clock.now()})
        assert row is not None  # an aggregate always answers one row
        pending, in_progress, dead, done, oldest, queues = row
        return InboxStats(
            pending=pending,
            in_progress=in_progress,
            dead=dead,
            done=done,
            oldest_pending_at=oldest,
            queues=queues,
        )
