"""Install and login states in PostgreSQL: consumed by one DELETE, so a state is used once."""

from __future__ import annotations

from .db import Database

__all__ = ["PostgresInstallStates"]

_ISSUE = """
INSERT INTO wecom_install_states (suite_id, state, data, expires_at) VALUES (%s, %s, %s, %s)
ON CONFLICT (suite_id, state) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at
"""
# Consume one state, and forget abandoned (expired) ones in the same statement.
_CONSUME = """
WITH used AS (
    DELETE FROM wecom_install_states WHERE suite_id = %(suite_id)s AND state = %(state)s
    RETURNING data, expires_at
), abandoned AS (
    DELETE FROM wecom_install_states
    WHERE expires_at <= %(now)s AND NOT (suite_id = %(suite_id)s AND state = %(state)s)
)
SELECT data, expires_at FROM used
"""


class PostgresInstallStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        self._db.count(_ISSUE, (suite_id, state, data, expires_at))

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        row = self._db.one(_CONSUME, {"suite_id": suite_id, "state": state, "now": now})
        if row is None or row[1] <= now:
            return None
        return str(row[0])
