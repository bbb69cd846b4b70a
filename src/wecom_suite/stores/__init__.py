"""Where tickets, tokens, leases, the company registry, the callback inbox and install states live.

Protocols (one per concern) plus backends that implement all of them: :class:`MemoryStore`,
:class:`SQLiteStore` (embedded default) and :class:`RedisStore` (many hosts; needs the ``redis``
extra, so it is imported only when first used). :func:`open_store` picks one from a URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .company_registry import CompanyRegistry
from .inbox import CallbackInbox
from .install_state_store import InstallStateStore
from .lock import LockProvider
from .memory import MemoryStore
from .records import (
    SUITE_TICKET_VALIDITY,
    CompanyRecord,
    CompanyState,
    InboxItem,
    Lease,
    StoredToken,
    SuiteTicket,
)
from .sqlite import SQLiteStore
from .store import Store
from .ticket_store import TicketStore
from .token_store import TokenStore
from .url import open_store

if TYPE_CHECKING:
    from .redis import RedisStore

__all__ = [
    "SUITE_TICKET_VALIDITY",
    "CallbackInbox",
    "CompanyRecord",
    "CompanyRegistry",
    "CompanyState",
    "InboxItem",
    "InstallStateStore",
    "Lease",
    "LockProvider",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "StoredToken",
    "SuiteTicket",
    "TicketStore",
    "TokenStore",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name == "RedisStore":
        from .redis import RedisStore

        return RedisStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
