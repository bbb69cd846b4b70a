"""Tokens in PostgreSQL: one row per key; delete with ``only_if`` is a single compare-and-delete statement."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select

from ..records import StoredToken
from .db import upsert
from .schema import tokens

__all__ = ["PostgresTokens"]


class PostgresTokens:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_token(self, key: str) -> StoredToken | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(tokens.c.token, tokens.c.expires_at, tokens.c.obtained_at).where(tokens.c.key == key)
            ).first()
        return None if row is None else StoredToken(row.token, row.expires_at, row.obtained_at)

    def set_token(self, key: str, token: StoredToken) -> None:
        values = {"key": key, "token": token.token, "expires_at": token.expires_at, "obtained_at": token.obtained_at}
        with self._engine.begin() as conn:
            upsert(conn, tokens, values, ["key"])

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        stmt = delete(tokens).where(tokens.c.key == key)
        if only_if is not None:
            stmt = stmt.where(tokens.c.token == only_if)
        with self._engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1
