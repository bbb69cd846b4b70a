"""The inbox in PostgreSQL: a job table claimed with ``FOR UPDATE SKIP LOCKED``, one queue at a time.

A claim is one short transaction of three statements:

1. find the oldest claimable queue head of the suite and lock its ``wecom_inbox_queues`` row with
   ``FOR UPDATE OF queue SKIP LOCKED`` (a queue another worker is deciding about right now is skipped,
   never waited for);
2. holding that lock, check the head again in a fresh snapshot (READ COMMITTED takes one per statement)
   and lock its row: statement 1's snapshot predates the lock, so it may not show a lease another
   worker committed just before;
3. write the lease (``leased_until``, ``owner``).

Every claim of a queue passes through its queue row, so two workers can never lease two items of one
queue, whatever the timing. A head is claimable when it is PENDING, ready (``not_before <= now``), its
lease ran out, and no other pending item of its queue is leased: the last condition also holds back an
item that arrives late with an earlier WeCom timestamp while a later one is being processed, so a
company's callbacks are never processed two at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    case,
    delete,
    distinct,
    exists,
    func,
    select,
    tuple_,
    update,
)

from ...clock import Clock
from ..records import CallbackSource, InboxClaim, InboxItem, InboxStats, ItemState
from .db import insert_ignore
from .schema import inbox, inbox_queues

__all__ = ["PostgresInbox"]

_PENDING, _DONE, _DEAD = ItemState.PENDING.value, ItemState.DONE.value, ItemState.DEAD.value
_CLAIM_TRIES = 5  # statement 2 finds the head changed only when another worker got there first
_ORDER = (inbox.c.event_time, inbox.c.received_at, inbox.c.id)


def _item(row: Row[Any]) -> InboxItem:
    return InboxItem(
        id=row.id,
        suite_id=row.suite_id,
        payload=bytes(row.payload),
        received_at=row.received_at,
        queue=row.queue,
        source=CallbackSource(row.source),
        event_time=row.event_time,
        attempts=row.attempts,
        not_before=row.not_before,
        last_error=row.last_error,
        state=ItemState(row.state),
        leased_until=row.leased_until,
        finished_at=row.finished_at,
    )


def _claimable_head(now: float) -> ColumnElement[bool]:
    """``inbox`` (the outer row) is its queue's first pending item, ready and free, with no lease in its queue."""
    ahead = inbox.alias("ahead")
    busy = inbox.alias("busy")
    same_queue_ahead = and_(ahead.c.suite_id == inbox.c.suite_id, ahead.c.queue == inbox.c.queue)
    same_queue_busy = and_(busy.c.suite_id == inbox.c.suite_id, busy.c.queue == inbox.c.queue)
    return and_(
        inbox.c.state == _PENDING,
        inbox.c.not_before <= now,
        inbox.c.leased_until <= now,
        ~exists().where(
            same_queue_ahead,
            ahead.c.state == _PENDING,
            tuple_(ahead.c.event_time, ahead.c.received_at, ahead.c.id) < tuple_(*_ORDER),
        ),
        ~exists().where(same_queue_busy, busy.c.state == _PENDING, busy.c.leased_until > now),
    )


class PostgresInbox:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def put(self, item: InboxItem) -> bool:
        """One transaction: the item and (the first time) its queue row; committed before it returns."""
        values = {
            "id": item.id,
            "suite_id": item.suite_id,
            "queue": item.queue,
            "payload": item.payload,
            "received_at": item.received_at,
            "source": item.source.value,
            "event_time": item.event_time,
            "attempts": item.attempts,
            "not_before": item.not_before,
            "last_error": item.last_error,
            "state": item.state.value,
            "leased_until": item.leased_until,
            "finished_at": item.finished_at,
            "owner": None,
        }
        with self._engine.begin() as conn:
            if not insert_ignore(conn, inbox, values):
                return False
            insert_ignore(conn, inbox_queues, {"suite_id": item.suite_id, "queue": item.queue})
            return True

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        for _ in range(_CLAIM_TRIES):
            with self._engine.begin() as conn:
                candidate = self._lock_candidate(conn, suite_id, now)
                if candidate is None:
                    return None
                row = conn.execute(
                    select(inbox).where(inbox.c.id == candidate, _claimable_head(now)).with_for_update()
                ).first()
                if row is None:
                    continue  # the head changed after statement 1's snapshot: look again
                owner, until = secrets.token_hex(16), now + lease_seconds
                conn.execute(update(inbox).where(inbox.c.id == candidate).values(leased_until=until, owner=owner))
                item = _item(row)
            return InboxClaim(replace(item, leased_until=until), owner, until)
        return None

    @staticmethod
    def _lock_candidate(conn: Connection, suite_id: str, now: float) -> str | None:
        q = inbox_queues
        found = conn.execute(
            select(inbox.c.id)
            .select_from(inbox.join(q, and_(q.c.suite_id == inbox.c.suite_id, q.c.queue == inbox.c.queue)))
            .where(inbox.c.suite_id == suite_id, _claimable_head(now))
            .order_by(*_ORDER)
            .limit(1)
            .with_for_update(of=q, skip_locked=True)
        ).scalar()
        return None if found is None else str(found)

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        until = now + lease_seconds
        with self._engine.begin() as conn:
            renewed = conn.execute(
                update(inbox)
                .where(
                    inbox.c.id == claim.item.id,
                    inbox.c.owner == claim.owner,
                    inbox.c.state == _PENDING,
                    inbox.c.leased_until > now,  # ran out: another worker may have it, so it is lost
                )
                .values(leased_until=until)
            ).rowcount
            row = conn.execute(select(inbox).where(inbox.c.id == claim.item.id)).first() if renewed == 1 else None
        return None if row is None else InboxClaim(_item(row), claim.owner, until)

    def _finish_pending(self, item_id: str, **values: Any) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(inbox).where(inbox.c.id == item_id, inbox.c.state == _PENDING).values(owner=None, **values)
            )

    def complete(self, item_id: str, *, now: float) -> None:
        self._finish_pending(item_id, state=_DONE, payload=b"", leased_until=0.0, finished_at=now)

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        self._finish_pending(
            item_id,
            attempts=inbox.c.attempts + int(count_attempt),
            not_before=not_before,
            last_error=error,
            leased_until=0.0,
        )

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        self._finish_pending(item_id, state=_DEAD, last_error=error, leased_until=0.0, finished_at=now)

    def revive(self, item_id: str, *, now: float) -> bool:
        """Its queue row exists (put made it, nothing deletes it), and its order columns never changed."""
        with self._engine.begin() as conn:
            return (
                conn.execute(
                    update(inbox)
                    .where(inbox.c.id == item_id, inbox.c.state == _DEAD)
                    .values(state=_PENDING, attempts=0, not_before=now, leased_until=0.0, finished_at=0.0, owner=None)
                ).rowcount
                == 1
            )

    def drop(self, item_id: str) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(inbox).where(inbox.c.id == item_id, inbox.c.state == _DEAD)).rowcount == 1

    def get_item(self, item_id: str) -> InboxItem | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(inbox).where(inbox.c.id == item_id)).first()
        return None if row is None else _item(row)

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        query = select(inbox).where(inbox.c.state == state.value)
        if suite_id is not None:
            query = query.where(inbox.c.suite_id == suite_id)
        if queue is not None:
            query = query.where(inbox.c.queue == queue)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(*_ORDER).limit(max(0, limit))).all()
        return iter([_item(row) for row in rows])

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        """Two statements (MySQL refuses LIMIT inside ``IN (subquery)``); the second re-checks the state."""
        with self._engine.begin() as conn:
            ids = (
                conn.execute(
                    select(inbox.c.id)
                    .where(inbox.c.state == _DONE, inbox.c.finished_at < finished_before)
                    .order_by(inbox.c.finished_at)
                    .limit(max(0, limit))
                )
                .scalars()
                .all()
            )
            if not ids:
                return 0
            return int(conn.execute(delete(inbox).where(inbox.c.id.in_(ids), inbox.c.state == _DONE)).rowcount)

    def stats(self, suite_id: str) -> InboxStats:
        now = self._clock.now()
        pending = inbox.c.state == _PENDING

        def count_where(cond: ColumnElement[bool]) -> ColumnElement[Any]:
            return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

        with self._engine.connect() as conn:
            row = conn.execute(
                select(
                    count_where(pending).label("pending"),
                    count_where(and_(pending, inbox.c.leased_until > now)).label("in_progress"),
                    count_where(inbox.c.state == _DEAD).label("dead"),
                    count_where(inbox.c.state == _DONE).label("done"),
                    func.min(case((pending, inbox.c.received_at))).label("oldest"),
                    func.count(distinct(case((pending, inbox.c.queue)))).label("queues"),
                ).where(inbox.c.suite_id == suite_id)
            ).one()
        return InboxStats(
            pending=int(row.pending),
            in_progress=int(row.in_progress),
            dead=int(row.dead),
            done=int(row.done),
            oldest_pending_at=None if row.oldest is None else float(row.oldest),
            queues=int(row.queues),
        )
