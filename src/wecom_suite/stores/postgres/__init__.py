"""PostgreSQL: every part in one database, shared by processes and hosts (needs the ``postgres`` extra).

``PostgresStore("postgresql://user:password@host:5432/dbname")``; the URL takes libpq's parameters
(``?sslmode=require``, ``?options=-csearch_path%3Dwecom`` for a schema of its own) and ``pool_size``
(connections kept per process, default :data:`~.db.DEFAULT_POOL_SIZE`, as many again on demand).
The tables are created on first use (see :mod:`.schema`). Leases and ticket ages are judged by
``clock``, like the memory and SQLite stores. Calls block (psycopg 3 through SQLAlchemy Core); the
asyncio token manager runs them in a worker thread (docs/deployment.md says why that is enough).
"""

from __future__ import annotations

from ...clock import DEFAULT_CLOCK, Clock
from ..store import Store
from .companies import PostgresCompanies
from .db import make_engine
from .inbox import PostgresInbox
from .install_states import PostgresInstallStates
from .leases import PostgresLeases
from .schema import ensure_schema
from .tickets import PostgresTickets
from .tokens import PostgresTokens

__all__ = ["PostgresStore"]


class PostgresStore(Store):
    """Every part over one connection pool. Raises :class:`~wecom_suite.errors.StoreError` if the
    database holds a newer schema, and psycopg's ``OperationalError`` if the server cannot be reached."""

    def __init__(self, url: str, clock: Clock | None = None, *, pool_size: int | None = None) -> None:
        clock = clock or DEFAULT_CLOCK
        engine = make_engine(url, pool_size=pool_size)
        try:
            ensure_schema(engine)
        except BaseException:
            engine.dispose()
            raise
        self.engine = engine
        super().__init__(
            tickets=PostgresTickets(engine, clock),
            tokens=PostgresTokens(engine),
            leases=PostgresLeases(engine, clock),
            companies=PostgresCompanies(engine),
            inbox=PostgresInbox(engine, clock),
            install_states=PostgresInstallStates(engine),
            url=url,
            closers=(engine.dispose,),
        )

    def __repr__(self) -> str:
        from ..url import redact_store_url

        return f"PostgresStore({redact_store_url(self.url)!r})"
