"""One object that bundles every kind of store a suite needs, opened from a URL."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .company_registry import CompanyRegistry
from .inbox import CallbackInbox
from .install_state_store import InstallStateStore
from .lock import LockProvider
from .ticket_store import TicketStore
from .token_store import TokenStore

__all__ = ["Store"]


@runtime_checkable
class Store(TicketStore, TokenStore, LockProvider, CompanyRegistry, CallbackInbox, InstallStateStore, Protocol):
    """A backend implements every store protocol on one connection (memory, SQLite or Redis).

    Many suites can share one store: every key includes the suite id (or the provider corp id).
    """

    url: str

    def close(self) -> None: ...
