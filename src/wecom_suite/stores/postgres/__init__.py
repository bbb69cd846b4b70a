"""PostgreSQL: every part in one database, shared by processes and hosts (needs the ``postgres`` extra).

``PostgresStore("postgresql://user:password@host:5432/dbname")``; the URL takes libpq's parameters
(``?sslmode=require``, ``?options=-csearch_path%3Dwecom`` for a schema of its own) and ``pool_size``
(connections kept per process, default :data:`~.db.DEFAULT_POOL_SIZE`, as many again on demand).
The tables are created on first use (see :mod:`.schema`). Leases and ticket ages are judged by
``clock``, like the memory and SQLite stores. Calls block (psycopg 3 through SQLAlchemy Core); the
asyncio token manager runs them in a worker thread (docs/deployment.md says why that is enough).
"""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from ...clock import DEFAULT_CLOCK, Clock
from ...errors.store import StoreError
from ..store import Store
from ..url import redact_store_url
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
    """Every part over one connection pool. Raises :class:`~wecom_suite.errors.StoreError` if the server
    cannot be reached (the message names the URL without its password) or the database holds a newer
    schema; :class:`~wecom_suite.errors.ConfigError` for a bad ``pool_size``."""

    def __init__(self, url: str, clock: Clock | None = None, *, pool_size: int | None = None) -> None:
        clock = clock or DEFAULT_CLOCK
        engine = make_engine(url, pool_size=pool_size)
        try:
            ensure_schema(engine)
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot reach PostgreSQL at {redact_store_url(url)}: {exc.orig}",
                hint="check the host, port, database name and credentials in the store URL, and that the server runs",
            ) from None
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
        return f"PostgresStore({redact_store_url(self.url)!r})"
