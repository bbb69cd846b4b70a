"""The engine (connection pool) and the two statements whose SQL differs between databases.

Why SQLAlchemy Core 2 over psycopg 3 rather than psycopg 3 with psycopg_pool alone: the parts are
written once as Core expressions, so the same code compiles for MySQL 8 / MariaDB 10.6 (both have
``FOR UPDATE SKIP LOCKED``), and the only dialect-specific SQL (insert-or-ignore and upsert) lives in
this module; the pool (size, overflow, pre-ping, recycling) comes with the engine. The price is
SQLAlchemy's import (~0.2 s) and a few microseconds per statement (statements are compiled once and
cached), which round trips to the server dwarf. Only PostgreSQL is tested (docs/deployment.md).

Pool: every store call checks one connection out for one short transaction, so a process needs about
as many connections as threads calling the store at the same moment. The default is
:data:`DEFAULT_POOL_SIZE` kept open plus as many again opened on demand (``max_overflow``); a thread
finding all of them busy waits up to 30 s. Each process (each ``--workers`` worker) has its own pool:
``workers * 2 * pool_size`` must stay under the server's ``max_connections`` (100 by default).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import ColumnElement, Connection, Engine, Table, case, create_engine, insert, literal
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

from ...errors.config import ConfigError

__all__ = ["DEFAULT_POOL_SIZE", "engine_url", "insert_ignore", "make_engine", "upsert"]

DEFAULT_POOL_SIZE = 5
POOL_TIMEOUT = 30.0  # seconds a thread waits for a free connection before TimeoutError
_SCHEMES = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}
_OUR_QUERY_KEYS = ("pool_size",)

Incoming = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]


def engine_url(url: str) -> tuple[str, dict[str, str]]:
    """``postgresql://u:p@h/db?pool_size=10&sslmode=require`` -> the SQLAlchemy URL (psycopg driver,
    libpq parameters kept) and our own parameters (``pool_size``)."""
    parts = urlsplit(url)
    driver = _SCHEMES.get(parts.scheme.lower())
    if driver is None:
        # Another SQLAlchemy URL (mysql+pymysql://...) is passed through as given: untested, see the module doc.
        driver = parts.scheme
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in _OUR_QUERY_KEYS}
    rest = urlencode([(k, v) for k, v in query if k not in _OUR_QUERY_KEYS])
    return urlunsplit((driver, parts.netloc, parts.path, rest, parts.fragment)), ours


def make_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """A pooled engine in READ COMMITTED (the claim query relies on a fresh snapshot per statement)."""
    target, ours = engine_url(url)
    if pool_size is None and "pool_size" in ours:
        try:
            pool_size = int(ours["pool_size"])
        except ValueError:
            raise ConfigError("store_url", "pool_size must be a whole number of connections") from None
    size = DEFAULT_POOL_SIZE if pool_size is None else pool_size
    if size < 1:
        raise ConfigError("store_url", f"pool_size must be at least 1, not {size}")
    return create_engine(
        target,
        pool_size=size,
        max_overflow=size,
        pool_timeout=POOL_TIMEOUT,
        pool_pre_ping=True,  # a connection the server closed (restart, idle timeout) is replaced, not raised
        pool_recycle=3600,
        isolation_level="READ COMMITTED",
    )


def _is_mysql(conn: Connection) -> bool:
    return conn.dialect.name in {"mysql", "mariadb"}


def insert_ignore(conn: Connection, table: Table, values: Mapping[str, Any]) -> bool:
    """Insert the row unless one with the same primary key exists; True if inserted."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).values(**values).on_conflict_do_nothing()
        return conn.execute(stmt.returning(literal(1))).first() is not None  # rowcount is -1 for INSERT here
    if _is_mysql(conn):
        return conn.execute(insert(table).values(**values).prefix_with("IGNORE")).rowcount == 1
    raise NotImplementedError(f"no insert-or-ignore for {conn.dialect.name}")


def upsert(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    *,
    only_if: Callable[[Incoming], ColumnElement[bool]] | None = None,
) -> bool | None:
    """Insert the row, or update the existing one with the same ``keys`` (only when ``only_if``, given the
    incoming row, holds). True if a row was written, False if not; None where the database cannot say
    (MySQL), so the caller reads back.

    MySQL applies ``ON DUPLICATE KEY UPDATE`` assignments left to right, each seeing the ones before, so
    the columns ``only_if`` reads must come last in ``values``.
    """
    update = [name for name in values if name not in keys]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).values(**values)
        where = only_if(stmt.excluded) if only_if is not None else None
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}, where=where
        )
        return conn.execute(stmt.returning(literal(1))).first() is not None
    if _is_mysql(conn):
        from sqlalchemy.dialects.mysql import insert as my_insert

        my = my_insert(table).values(**values)
        assignments: list[tuple[str, ColumnElement[Any]]]
        if only_if is None:
            assignments = [(name, my.inserted[name]) for name in update]
        else:
            cond = only_if(my.inserted)
            assignments = [(name, case((cond, my.inserted[name]), else_=table.c[name])) for name in update]
        conn.execute(my.on_duplicate_key_update(assignments))
        return None
    raise NotImplementedError(f"no upsert for {conn.dialect.name}")
