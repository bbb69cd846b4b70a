"""Install and login states in the ``install_states`` table; consuming one also sweeps the expired."""

from __future__ import annotations

import sqlite3

from .db import Database

__all__ = ["SQLiteInstallStates"]


class SQLiteInstallStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO install_states (suite_id, state, data, expires_at) VALUES (?, ?, ?, ?)",
                (suite_id, state, data, expires_at),
            )

        self._db.write(write)

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        def write(db: sqlite3.Connection) -> str | None:
            row = db.execute(
                "SELECT data, expires_at FROM install_states WHERE suite_id = ? AND state = ?", (suite_id, state)
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM install_states WHERE suite_id = ? AND state = ?", (suite_id, state))
            # Sweep abandoned states too, so the table stays as small as the number of installs in flight.
            db.execute("DELETE FROM install_states WHERE expires_at <= ?", (now,))
            return str(row[0]) if row[1] > now else None

        return self._db.write(write)
