"""The connection pool, and how a part runs a statement on it.

Why psycopg 3 with psycopg_pool rather than SQLAlchemy Core: measured in a process that has imported
the rest of wecom-suite, the SQLAlchemy store added 31 MB of RSS against 15 MB for psycopg_pool, which
decides whether a process holding 10,000 companies stays under the 50 MB target of bench/registry.py
(docs/benchmarks.md). Writing the SQL by hand also lets every call be one round trip (single statements
in autocommit, ``INSERT ... ON CONFLICT``, ``RETURNING``, data-modifying CTEs), where the first version,
on SQLAlchemy, spent four per call (pre-ping, BEGIN, statement, ROLLBACK): a cold company + token lookup
took 2.5 ms there and 0.27 ms here, on the same loaded box. The price: the SQL is
PostgreSQL's own, so MySQL/MariaDB are not supported by this backend (docs/deployment.md).

Pool: opened by the first call, not by the constructor (opening starts psycopg_pool's threads, and
opening a store must start none). Every call borrows one connection for one statement (a claim: one
short transaction), so a process needs about as many connections as threads calling the store at the
same moment. At most ``pool_size`` (default :data:`DEFAULT_POOL_SIZE`) per process, one kept open when
idle; a thread that finds them all busy waits up to :data:`POOL_TIMEOUT` seconds, then gets
``psycopg_pool.PoolTimeout``. Each process (each ``--workers`` worker) has its own pool, so
``workers * pool_size`` (plus CLI and cron processes) must stay under the server's ``max_connections`` (100 by default).

Connections are not pinged on loan (that would double every call's round trips): after a database
restart the first call on a dead connection fails with ``psycopg.OperationalError``, the pool then
checks its idle connections and drops the dead ones, so about one call per process fails, and its
caller's own retry (WeCom's re-delivery, the inbox worker's next claim) carries on.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed

from ...errors.config import ConfigError
from ..url import POSTGRES_SCHEMES

__all__ = ["DEFAULT_POOL_SIZE", "POOL_TIMEOUT", "Database", "conninfo"]

DEFAULT_POOL_SIZE = 10
POOL_TIMEOUT = 30.0  # seconds a thread waits for a free connection
CONNECT_TIMEOUT = 10  # seconds, unless the URL says otherwise (libpq's default is to wait for TCP)
_OUR_PARAMETERS = ("pool_size",)

Row = tuple[Any, ...]
Connection = psycopg.Connection[Row]


def conninfo(url: str) -> tuple[str, dict[str, str]]:
    """``postgresql+psycopg://u:p@h/db?pool_size=5&sslmode=require`` -> (a libpq URL with libpq's own
    parameters, defaults added, and our parameters: ``{"pool_size": "5"}``)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in POSTGRES_SCHEMES:
        raise ConfigError("store_url", f"not a PostgreSQL URL (postgresql://...): scheme {parts.scheme!r}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in _OUR_PARAMETERS}
    libpq = [(k, v) for k, v in query if k not in _OUR_PARAMETERS]
    given = {k for k, _ in libpq}
    if "connect_timeout" not in given:
        libpq.append(("connect_timeout", str(CONNECT_TIMEOUT)))
    if "application_name" not in given:
        libpq.append(("application_name", "wecom-suite"))  # how the connections show in pg_stat_activity
    return urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(libpq), parts.fragment)), ours


def _pool_size(ours: dict[str, str], given: int | None) -> int:
    if given is None and "pool_size" in ours:
        try:
            given = int(ours["pool_size"])
        except ValueError:
            raise ConfigError("store_url", "pool_size must be a whole number of connections") from None
    size = DEFAULT_POOL_SIZE if given is None else given
    if size < 1:
        raise ConfigError("store_url", f"pool_size must be at least 1, not {size}")
    return size


class Database:
    """One pool of autocommit connections, shared by every part of a store."""

    def __init__(self, url: str, *, pool_size: int | None = None) -> None:
        self.conninfo, ours = conninfo(url)
        self.pool_size = _pool_size(ours, pool_size)
        self.pool: ConnectionPool[Connection] | None = None
        self._pool_lock = threading.Lock()
        self._closed = False

    def _open_pool(self) -> ConnectionPool[Connection]:
        """The pool, opened on first use (psycopg_pool's open starts its worker threads, so opening a store,
        or constructing a ``SuiteApp``, starts none); thread-safe, one pool however many threads ask."""
        pool = self.pool
        if pool is not None:
            return pool
        with self._pool_lock:
            if self._closed:
                raise PoolClosed("the store is closed")
            if self.pool is None:
                self.pool = ConnectionPool(
                    self.conninfo,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"autocommit": True},
                    timeout=POOL_TIMEOUT,
                    name="wecom-suite",
                    open=True,
                )
            return self.pool

    def connect(self) -> Connection:
        """A connection of its own, outside the pool (schema creation)."""
        return psycopg.connect(self.conninfo, autocommit=True)

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection in autocommit: each statement is its own transaction."""
        pool = self._open_pool()
        try:
            with pool.connection() as conn:
                yield conn
        except psycopg.OperationalError:
            pool.check()  # drop every other dead connection now, not one failed call at a time
            raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.connection() as conn, conn.transaction():
            yield conn

    def one(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> Row | None:
        with self.connection() as conn:
            return conn.execute(sql, params).fetchone()  # our own constant SQL, never built from input

    def all(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[Row]:
        with self.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def count(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> int:
        """Run a data-changing statement; how many rows it changed."""
        with self.connection() as conn:
            return conn.execute(sql, params).rowcount

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.close()
