"""Install and login states in PostgreSQL: consumed by one DELETE, so a state can be used once."""

from __future__ import annotations

from sqlalchemy import Engine, delete

from .db import upsert
from .schema import install_states

__all__ = ["PostgresInstallStates"]


class PostgresInstallStates:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        values = {"suite_id": suite_id, "state": state, "data": data, "expires_at": expires_at}
        with self._engine.begin() as conn:
            upsert(conn, install_states, values, ["suite_id", "state"])

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        t = install_states
        with self._engine.begin() as conn:
            found = conn.execute(
                delete(t).where(t.c.suite_id == suite_id, t.c.state == state).returning(t.c.data, t.c.expires_at)
            ).first()
            conn.execute(delete(t).where(t.c.expires_at <= now))  # abandoned flows go too
        if found is None or found.expires_at <= now:
            return None
        return str(found.data)
