"""Tokens in PostgreSQL: one row per key; delete with ``only_if`` is one compare-and-delete statement."""

from __future__ import annotations

from ..records import StoredToken
from .db import Database

__all__ = ["PostgresTokens"]

_SET = """
INSERT INTO wecom_tokens (key, token, expires_at, obtained_at) VALUES (%s, %s, %s, %s)
ON CONFLICT (key) DO UPDATE
SET token = excluded.token, expires_at = excluded.expires_at, obtained_at = excluded.obtained_at
"""


class PostgresTokens:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get_token(self, key: str) -> StoredToken | None:
        row = self._db.one("SELECT token, expires_at, obtained_at FROM wecom_tokens WHERE key = %s", (key,))
        return None if row is None else StoredToken(row[0], row[1], row[2])

    def set_token(self, key: str, token: StoredToken) -> None:
        self._db.count(_SET, (key, token.token, token.expires_at, token.obtained_at))

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        if only_if is None:
            return self._db.count("DELETE FROM wecom_tokens WHERE key = %s", (key,)) == 1
        return self._db.count("DELETE FROM wecom_tokens WHERE key = %s AND token = %s", (key, only_if)) == 1
