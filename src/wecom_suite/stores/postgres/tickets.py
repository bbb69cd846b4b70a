"""Tickets in PostgreSQL: one row per suite, replaced only by a ticket received at the same time or later."""

from __future__ import annotations

from ...clock import Clock
from ..records import SuiteTicket
from ..tickets import checked_ticket
from .db import Database

__all__ = ["PostgresTickets"]

_SAVE = """
INSERT INTO wecom_tickets (suite_id, ticket, received_at) VALUES (%s, %s, %s)
ON CONFLICT (suite_id) DO UPDATE SET ticket = excluded.ticket, received_at = excluded.received_at
WHERE wecom_tickets.received_at <= excluded.received_at
"""


class PostgresTickets:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def save_ticket(self, ticket: SuiteTicket) -> None:
        """One statement; a late, older push never replaces a newer ticket."""
        self._db.count(_SAVE, (ticket.suite_id, ticket.ticket, ticket.received_at))

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        row = self._db.one("SELECT ticket, received_at FROM wecom_tickets WHERE suite_id = %s", (suite_id,))
        found = None if row is None else SuiteTicket(suite_id, row[0], row[1])
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)
