"""The Redis client every part of one :class:`~wecom_suite.stores.RedisStore` shares, its key names and errors.

Key layout (``prefix`` defaults to ``wecom-suite``; ``<S>`` is the suite id escaped so that it can
neither end its hash tag nor run into the next part: ``%``, ``:``, ``{`` and ``}`` become ``%XX``)::

    {prefix}:schema                           str   layout version (2)
    {prefix}:ticket:<suite>                   hash  ticket, received_at
    {prefix}:token:<key>                      hash  token, expires_at, obtained_at     (TTL: expiry + 1 day)
    {prefix}:lease:<name>                     str   owner token                        (PX = the lease)
    {prefix}:state:<suite>:<state>            hash  data, expires_at                   (TTL: expiry + 60 s)
    {prefix}:{<S>}:company:<corp>             str   JSON record
    {prefix}:{<S>}:companies[:<state>]        set   corp ids (all / by state)
    {prefix}:{<S>}:inbox:...                  the suite's inbox (see :mod:`.inbox`)
    {prefix}:inbox:where:<id>                 str   suite id of an inbox item (for get_item and dedup)
    {prefix}:inbox:suites                     set   suite ids that have inbox data (for purge)

Everything of one suite that a script changes together shares the hash tag ``{<S>}``, so every script
touches one hash slot (a Redis Cluster routes it to one node). Durability: a write returns after the
Redis server acknowledged it; what survives a crash of the server is its persistence setting (see
docs/delivery.md: run ``appendonly yes`` with ``appendfsync everysec`` or ``always``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

try:
    import redis
    from redis.commands.core import Script
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("RedisStore needs the redis package: pip install 'wecom-suite[redis]'") from exc

from ...errors.store import StoreError
from ..url import redact_store_url

__all__ = ["SCRIPT_HEADER", "Connection", "num", "old_part", "translated"]

# Put before every Lua script. Empty, so the scripts run on Redis 5 and 6 too. With "#!lua\n" (Redis 7+
# script flags), a cluster-mode server refuses any script that touches keys of two hash slots: the
# tests set it to prove that none does.
SCRIPT_HEADER = ""

P = ParamSpec("P")
R = TypeVar("R")


def num(value: float) -> str:
    """A float as Redis and Lua read it back exactly."""
    return repr(float(value))


def old_part(value: str) -> str:
    """0.1's escape of an id that another key part follows (``a:b`` + ``c`` never meets ``a`` + ``b:c``)."""
    return value.replace("%", "%25").replace(":", "%3A")


def _tag(value: str) -> str:
    return old_part(value).replace("{", "%7B").replace("}", "%7D")


class Connection:
    """One ``redis.Redis`` client, the key prefix, and whether the store was closed."""

    def __init__(self, url: str, prefix: str) -> None:
        if not prefix or "{" in prefix or "}" in prefix:
            raise StoreError(f"invalid Redis key prefix {prefix!r}", hint="use a non-empty prefix without '{' or '}'")
        self.url = redact_store_url(url)
        self.prefix = prefix
        self.closed = False
        self.schema_check: Callable[[], None] | None = None  # run once, before the first command
        self._schema_lock = threading.RLock()
        self._schema_ok = False
        self._checking = False
        try:
            self.r: redis.Redis[bytes] = redis.Redis.from_url(url, decode_responses=False)
        except ValueError as exc:
            raise StoreError(f"invalid Redis URL {self.url!r}: {exc}", hint="use redis://host:6379/0") from exc

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r})"

    def script(self, text: str) -> Script:
        """A Lua script run by EVALSHA (loaded on first use)."""
        return self.r.register_script(SCRIPT_HEADER + text)

    def suite(self, suite_id: str) -> str:
        """The start of every key in ``suite_id``'s hash slot: ``{prefix}:{<S>}:``."""
        return f"{self.prefix}:{{{_tag(suite_id)}}}:"

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def check_open(self) -> None:
        if self.closed:
            raise StoreError(f"{self!r} is closed", hint="open a new store with open_store(url)")
        if not self._schema_ok:
            self._ensure_schema()

    def _ensure_schema(self) -> None:
        """Run ``schema_check`` once; other threads wait for it, its own nested calls go through."""
        with self._schema_lock:
            if self._schema_ok or self._checking or self.schema_check is None:
                return
            self._checking = True
            try:
                self.schema_check()
            except redis.RedisError as exc:
                raise self.failed(exc) from exc
            finally:
                self._checking = False
            self._schema_ok = True

    def failed(self, exc: Exception) -> StoreError:
        return StoreError(
            f"Redis store {self!r} failed: {type(exc).__name__}: {exc}",
            hint="check that redis-server is running and reachable at the store URL",
        )

    def close(self) -> None:
        self.closed = True
        self.r.close()


class _HasConnection(Protocol):
    _c: Connection


S = TypeVar("S", bound=_HasConnection)


def translated(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Refuse calls on a closed store and turn redis-py's errors into :class:`StoreError` with a hint."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._c.check_open()
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise self._c.failed(exc) from exc

    return wrapper


def as_text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
