"""Tickets in the ``suite_tickets`` table: one row per suite, the newest by ``received_at`` wins."""

from __future__ import annotations

import sqlite3

from ...clock import Clock
from ..records import SuiteTicket
from ..tickets import checked_ticket
from .db import Database

__all__ = ["SQLiteTickets"]


class SQLiteTickets:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def save_ticket(self, ticket: SuiteTicket) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO suite_tickets (suite_id, ticket, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT (suite_id) DO UPDATE SET ticket = excluded.ticket, received_at = excluded.received_at "
                "WHERE excluded.received_at >= suite_tickets.received_at",
                (ticket.suite_id, ticket.ticket, ticket.received_at),
            )

        self._db.write(write)

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        rows = self._db.read("SELECT ticket, received_at FROM suite_tickets WHERE suite_id = ?", (suite_id,))
        found = SuiteTicket(suite_id, rows[0][0], rows[0][1]) if rows else None
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)
