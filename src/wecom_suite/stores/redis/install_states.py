"""Install and login states: one hash each, with a TTL just past its expiry so abandoned ones go."""

from __future__ import annotations

from ...clock import Clock
from .connection import Connection, num, old_part, translated

__all__ = ["RedisInstallStates"]


class RedisInstallStates:
    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock

    def _key(self, suite_id: str, state: str) -> str:
        return self._c.key("state", old_part(suite_id), state)

    @translated
    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        name = self._key(suite_id, state)
        ttl = max(expires_at - self._clock.now(), 0.0) + 60.0
        with self._c.r.pipeline(transaction=True) as pipe:
            pipe.delete(name)
            pipe.hset(name, mapping={"data": data, "expires_at": num(expires_at)})
            pipe.pexpire(name, int(ttl * 1000))
            pipe.execute()

    @translated
    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        name = self._key(suite_id, state)
        with self._c.r.pipeline(transaction=True) as pipe:
            pipe.hmget(name, ["data", "expires_at"])
            pipe.delete(name)
            (data, expires_at), _ = pipe.execute()
        if data is None or float(expires_at) <= now:
            return None
        return str(data.decode())
