"""The tokens part: where cached tokens live, keyed by opaque strings built by :mod:`wecom_suite.stores.token_keys`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .records import StoredToken

__all__ = ["Tokens"]


@runtime_checkable
class Tokens(Protocol):
    """The tokens part of a store: cached credentials by key (expiry kept, never enforced here)."""

    def get_token(self, key: str) -> StoredToken | None: ...

    def set_token(self, key: str, token: StoredToken) -> None: ...

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        """Delete the token under ``key``; with ``only_if``, only when the stored token equals it
        (compare-and-delete, so a fresher token written meanwhile survives). True if deleted."""
        ...
