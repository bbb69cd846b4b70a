"""Tokens in one hash per key, with a TTL a day past their expiry (kept that long for inspection)."""

from __future__ import annotations

from ...clock import Clock
from ..records import StoredToken
from .connection import Connection, num, translated

__all__ = ["RedisTokens"]

_GC_GRACE = 86400.0  # seconds

_DELETE_IF = """
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisTokens:
    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock
        self._delete_if = connection.script(_DELETE_IF)

    @translated
    def get_token(self, key: str) -> StoredToken | None:
        token, expires_at, obtained_at = self._c.r.hmget(
            self._c.key("token", key), ["token", "expires_at", "obtained_at"]
        )
        if token is None:
            return None
        return StoredToken(token.decode(), float(expires_at or 0), float(obtained_at or 0))

    @translated
    def set_token(self, key: str, token: StoredToken) -> None:
        name = self._c.key("token", key)
        ttl = max(token.expires_at - self._clock.now(), 0.0) + _GC_GRACE
        with self._c.r.pipeline(transaction=True) as pipe:
            pipe.delete(name)
            pipe.hset(
                name,
                mapping={
                    "token": token.token,
                    "expires_at": num(token.expires_at),
                    "obtained_at": num(token.obtained_at),
                },
            )
            pipe.pexpire(name, int(ttl * 1000))
            pipe.execute()

    @translated
    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        name = self._c.key("token", key)
        if only_if is None:
            return bool(self._c.r.delete(name))
        return bool(self._delete_if(keys=[name], args=[only_if]))
