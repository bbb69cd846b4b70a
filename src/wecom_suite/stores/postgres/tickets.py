"""Tickets in PostgreSQL: one row per suite, replaced only by a ticket received at the same time or later."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ...clock import Clock
from ..records import SuiteTicket
from ..tickets import checked_ticket
from .db import upsert
from .schema import tickets

__all__ = ["PostgresTickets"]


class PostgresTickets:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def save_ticket(self, ticket: SuiteTicket) -> None:
        values = {"suite_id": ticket.suite_id, "ticket": ticket.ticket, "received_at": ticket.received_at}
        with self._engine.begin() as conn:  # a late, older push never replaces a newer ticket
            upsert(conn, tickets, values, ["suite_id"], only_if=lambda new: tickets.c.received_at <= new.received_at)

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(tickets.c.ticket, tickets.c.received_at).where(tickets.c.suite_id == suite_id)
            ).first()
        found = None if row is None else SuiteTicket(suite_id, row.ticket, row.received_at)
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)
