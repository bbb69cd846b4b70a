"""Tokens in the ``tokens`` table, keyed by the opaque strings of :mod:`wecom_suite.stores.token_keys`."""

from __future__ import annotations

import sqlite3

from ..records import StoredToken
from .db import Database

__all__ = ["SQLiteTokens"]


class SQLiteTokens:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get_token(self, key: str) -> StoredToken | None:
        rows = self._db.read("SELECT token, expires_at, obtained_at FROM tokens WHERE key = ?", (key,))
        return StoredToken(rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def set_token(self, key: str, token: StoredToken) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO tokens (key, token, expires_at, obtained_at) VALUES (?, ?, ?, ?)",
                (key, token.token, token.expires_at, token.obtained_at),
            )

        self._db.write(write)

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        def write(db: sqlite3.Connection) -> bool:
            if only_if is None:
                cur = db.execute("DELETE FROM tokens WHERE key = ?", (key,))
            else:
                cur = db.execute("DELETE FROM tokens WHERE key = ? AND token = ?", (key, only_if))
            return cur.rowcount > 0

        return self._db.write(write)
