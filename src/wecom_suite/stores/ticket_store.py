"""Where suite_tickets live (the seed's TicketGetter / TicketCache / TicketCache2)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .records import SuiteTicket

__all__ = ["TicketStore"]


@runtime_checkable
class TicketStore(Protocol):
    def save_ticket(self, ticket: SuiteTicket) -> None:
        """Keep ``ticket`` as the suite's newest unless a newer one (by ``received_at``) is stored."""

    def get_ticket(self, suite_id: str) -> SuiteTicket:
        """The newest ticket of ``suite_id``; raises :class:`~wecom_suite.errors.TicketNotFound`."""
        ...
