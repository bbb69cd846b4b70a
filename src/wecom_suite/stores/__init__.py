"""Where tickets, tokens, leases, the company registry, the callback inbox and install states live.

A :class:`Store` is a bundle of small parts, one protocol each (:class:`Tickets`, :class:`Tokens`,
:class:`Leases`, :class:`Companies`, :class:`Inbox`, :class:`InstallStates`). Backends supply them:
:class:`MemoryStore`, :class:`SQLiteStore` (the embedded default), :class:`RedisStore` (needs the
``redis`` extra) and :class:`PostgresStore` (needs the ``postgres`` extra); the last two are imported
only when first used. :func:`open_store` picks backends from URLs; :func:`seal_store` (with a
:class:`Sealer`) seals permanent codes, tokens, tickets and callback payloads at rest in any of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client_store import ClientStore, TokenStoreWithLocks
from .companies import Companies
from .inbox import Inbox
from .install_states import InstallStates
from .leases import Leases
from .memory import MemoryStore
from .records import (
    SUITE_QUEUE,
    SUITE_TICKET_VALIDITY,
    CallbackSource,
    CompanyRecord,
    CompanyState,
    InboxClaim,
    InboxItem,
    InboxStats,
    ItemState,
    Lease,
    StoredToken,
    SuiteTicket,
)
from .store import PART_NAMES, Store
from .tickets import Tickets
from .tokens import Tokens
from .url import open_store

if TYPE_CHECKING:
    from .postgres import PostgresStore
    from .redis import RedisStore
    from .sealed import seal_store
    from .sealing import Sealer
    from .sqlite import SQLiteStore

__all__ = [
    "PART_NAMES",
    "SUITE_QUEUE",
    "SUITE_TICKET_VALIDITY",
    "CallbackSource",
    "ClientStore",
    "Companies",
    "CompanyRecord",
    "CompanyState",
    "Inbox",
    "InboxClaim",
    "InboxItem",
    "InboxStats",
    "InstallStates",
    "ItemState",
    "Lease",
    "Leases",
    "MemoryStore",
    "PostgresStore",
    "RedisStore",
    "SQLiteStore",
    "Sealer",
    "Store",
    "StoredToken",
    "SuiteTicket",
    "Tickets",
    "TokenStoreWithLocks",
    "Tokens",
    "open_store",
    "seal_store",
]

_LAZY = {
    "RedisStore": ".redis",
    "PostgresStore": ".postgres",
    "SQLiteStore": ".sqlite",
    "Sealer": ".sealing",
    "seal_store": ".sealed",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module, __name__), name)
