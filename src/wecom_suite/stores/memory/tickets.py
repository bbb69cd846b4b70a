"""Tickets in a dict."""

from __future__ import annotations

import threading

from ...clock import Clock
from ..records import SuiteTicket
from ..tickets import checked_ticket

__all__ = ["MemoryTickets"]


class MemoryTickets:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tickets: dict[str, SuiteTicket] = {}

    def save_ticket(self, ticket: SuiteTicket) -> None:
        with self._lock:
            current = self._tickets.get(ticket.suite_id)
            if current is None or current.received_at <= ticket.received_at:
                self._tickets[ticket.suite_id] = ticket

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        ticket = self._tickets.get(suite_id)
        return checked_ticket(suite_id, ticket, now=self._clock.now(), allow_expired=allow_expired)
