"""The bundles of store parts that code calling WeCom asks for: the token managers, the API clients and the
auth_code redemption.

A token manager reads a cached token and takes a lease before fetching a new one; the clients and the
redemption also read the suite_ticket and look up or save a company. A full
:class:`~wecom_suite.stores.store.Store` has every part, and so does any bundle of them (a test's, or one
whose tokens and leases live in Redis).
"""

from __future__ import annotations

from typing import Protocol

from .companies import Companies
from .leases import Leases
from .tickets import Tickets
from .tokens import Tokens

__all__ = ["ClientStore", "TokenStoreWithLocks"]


class TokenStoreWithLocks(Protocol):
    """Cached tokens and the leases that make their refresh single-flight."""

    @property
    def tokens(self) -> Tokens: ...

    @property
    def leases(self) -> Leases: ...


class ClientStore(TokenStoreWithLocks, Protocol):
    """Tokens and leases, plus the suite_ticket and the company registry."""

    @property
    def tickets(self) -> Tickets: ...

    @property
    def companies(self) -> Companies: ...
