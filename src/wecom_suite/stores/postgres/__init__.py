"""PostgreSQL: every part in one database, shared by processes and hosts (needs the ``postgres`` extra).

``PostgresStore("postgresql://user:password@host:5432/dbname")``; the URL takes libpq's parameters
(``?sslmode=require``, ``?options=-csearch_path%3Dwecom`` for a schema of its own) and ``pool_size``
(connections per process at most, default :data:`~.db.DEFAULT_POOL_SIZE`). The tables are created on
first use (:mod:`.schema`). Leases and ticket ages are judged by ``clock``, like the memory and SQLite
stores. Calls block (psycopg 3); the asyncio token manager runs them in a worker thread, which
docs/deployment.md explains is enough.
"""

from __future__ import annotations

import psycopg

from ...clock import DEFAULT_CLOCK, Clock
from ...errors.store import StoreError
from ..store import Store
from ..url import redact_store_url
from .companies import PostgresCompanies
from .db import Database
from .inbox import PostgresInbox
from .install_states import PostgresInstallStates
from .leases import PostgresLeases
from .schema import ensure_schema
from .tickets import PostgresTickets
from .tokens import PostgresTokens

__all__ = ["PostgresStore"]


class PostgresStore(Store):
    """Every part over one connection pool.

    Raises :class:`~wecom_suite.errors.StoreError` when the server cannot be reached (the message
    shows the URL without its password) or the database was written by a newer release, and
    :class:`~wecom_suite.errors.ConfigError` for a URL that is not PostgreSQL's or a bad ``pool_size``.
    """

    def __init__(self, url: str, clock: Clock | None = None, *, pool_size: int | None = None) -> None:
        clock = clock or DEFAULT_CLOCK
        db = Database(url, pool_size=pool_size)
        try:
            ensure_schema(db)  # also the first connection: a wrong URL fails here, with libpq's reason
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"cannot reach PostgreSQL at {redact_store_url(url)}: {exc}",
                hint="check the host, port, database name and credentials in the store URL, and that the server runs",
            ) from None
        self.db = db
        super().__init__(
            tickets=PostgresTickets(db, clock),
            tokens=PostgresTokens(db),
            leases=PostgresLeases(db, clock),
            companies=PostgresCompanies(db),
            inbox=PostgresInbox(db, clock),
            install_states=PostgresInstallStates(db),
            url=url,
            closers=(db.close,),
        )

    def __repr__(self) -> str:
        return f"PostgresStore({redact_store_url(self.url)!r})"
