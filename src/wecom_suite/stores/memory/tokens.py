"""Tokens in a dict."""

from __future__ import annotations

import threading

from ..records import StoredToken

__all__ = ["MemoryTokens"]


class MemoryTokens:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, StoredToken] = {}

    def get_token(self, key: str) -> StoredToken | None:
        return self._tokens.get(key)

    def set_token(self, key: str, token: StoredToken) -> None:
        with self._lock:
            self._tokens[key] = token

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        with self._lock:
            current = self._tokens.get(key)
            if current is None or (only_if is not None and current.token != only_if):
                return False
            del self._tokens[key]
            return True
