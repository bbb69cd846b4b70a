"""The tickets part: where suite_tickets live (the seed's TicketGetter / TicketCache / TicketCache2)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..errors.store import TicketExpired, TicketNotFound
from .records import SuiteTicket

__all__ = ["Tickets", "checked_ticket"]


@runtime_checkable
class Tickets(Protocol):
    """The tickets part of a store: the newest suite_ticket of each suite."""

    def save_ticket(self, ticket: SuiteTicket) -> None:
        """Keep ``ticket`` as the suite's newest unless a newer one (by ``received_at``) is stored."""

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        """The newest ticket of ``suite_id``; raises :class:`~wecom_suite.errors.TicketNotFound`, or
        :class:`~wecom_suite.errors.TicketExpired` (a ``TicketNotFound``) when it is older than its
        30-minute validity by the store's clock, unless ``allow_expired`` (for inspection: CLI, health)."""
        ...


def checked_ticket(
    suite_id: str, ticket: SuiteTicket | None, *, now: float, allow_expired: bool = False
) -> SuiteTicket:
    """What every backend's ``get_ticket`` does with what it found: raise the helpful error or return it."""
    if ticket is None:
        raise TicketNotFound(suite_id)
    if not allow_expired and ticket.is_expired(now):
        raise TicketExpired(suite_id, ticket.age(now))
    return ticket
