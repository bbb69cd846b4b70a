"""The tables, created on first use, and the schema version that says which layout a database has.

Every table name starts with ``wecom_``, so the store can share a database with the application's own
tables; to keep it apart, point it at its own schema (``?options=-csearch_path%3Dwecom`` in the URL).
Times are Unix seconds as double precision, like the records. Column types are portable (generic
SQLAlchemy types with MySQL variants for long text and payloads).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.dialects import mysql

from ...errors.store import StoreError

__all__ = [
    "SCHEMA_VERSION",
    "companies",
    "ensure_schema",
    "inbox",
    "inbox_queues",
    "install_states",
    "leases",
    "metadata",
    "tickets",
    "tokens",
]

SCHEMA_VERSION = 1
_LOCK_ID = 0x7765636F6D  # "wecom": the advisory lock that serialises schema creation across processes

_Long = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
_Blob = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
_Id = String(255)  # suite ids, corp ids, keys: short, and indexable on MySQL (utf8mb4 * 255 < 3072 bytes)

metadata = MetaData()

schema_version = Table("wecom_schema_version", metadata, Column("version", Integer, primary_key=True))

tickets = Table(
    "wecom_tickets",
    metadata,
    Column("suite_id", _Id, primary_key=True),
    Column("ticket", Text, nullable=False),
    Column("received_at", Double, nullable=False),
)

tokens = Table(
    "wecom_tokens",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("token", Text, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("obtained_at", Double, nullable=False),
)

leases = Table(
    "wecom_leases",
    metadata,
    Column("name", String(512), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("expires_at", Double, nullable=False),
)

companies = Table(
    "wecom_companies",
    metadata,
    Column("suite_id", _Id, primary_key=True),
    Column("corp_id", _Id, primary_key=True),
    Column("permanent_code", Text, nullable=False),
    Column("corp_name", Text, nullable=False),
    Column("auth_info", _Long, nullable=False),  # JSON text, as WeCom sent it minus the secrets
    Column("state", String(16), nullable=False),
    Column("installed_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Column("revoked_at", Double, nullable=True),
    Column("auth_event_time", BigInteger, nullable=False),
    Index("wecom_companies_by_state", "suite_id", "state", "corp_id"),
)

install_states = Table(
    "wecom_install_states",
    metadata,
    Column("suite_id", _Id, primary_key=True),
    Column("state", String(255), primary_key=True),
    Column("data", Text, nullable=False),
    Column("expires_at", Double, nullable=False),
    Index("wecom_install_states_by_expiry", "expires_at"),
)

inbox = Table(
    "wecom_inbox",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("suite_id", _Id, nullable=False),
    Column("queue", _Id, nullable=False),
    Column("payload", _Blob, nullable=False),
    Column("received_at", Double, nullable=False),
    Column("source", String(16), nullable=False),
    Column("event_time", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", Double, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("state", String(8), nullable=False),
    Column("leased_until", Double, nullable=False),
    Column("finished_at", Double, nullable=False),
    Column("owner", String(64), nullable=True),  # the claim's proof, while leased
    # The queue in its order: finds a queue's head and the items ahead of any item.
    Index("wecom_inbox_queue_order", "suite_id", "queue", "state", "event_time", "received_at", "id"),
    Index("wecom_inbox_suite_state", "suite_id", "state", "event_time", "received_at", "id"),
    Index("wecom_inbox_finished", "state", "finished_at"),
)

# One row per (suite, queue) that ever had an item. A claim locks its row (SKIP LOCKED), so two
# workers can never decide about one queue at the same time. Rows are never deleted (one per company).
inbox_queues = Table(
    "wecom_inbox_queues",
    metadata,
    Column("suite_id", _Id, primary_key=True),
    Column("queue", _Id, primary_key=True),
)


def _lock(conn: Connection) -> None:
    name = conn.dialect.name
    if name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    elif name in {"mysql", "mariadb"}:  # session lock; released when the connection goes back (see below)
        conn.execute(text("SELECT GET_LOCK('wecom_suite_schema', 60)"))


def _unlock(conn: Connection) -> None:
    if conn.dialect.name in {"mysql", "mariadb"}:
        conn.execute(text("SELECT RELEASE_LOCK('wecom_suite_schema')"))


def ensure_schema(engine: Engine) -> None:
    """Create the tables if the database has none; refuse a layout this version does not know.

    Raises :class:`~wecom_suite.errors.StoreError` when the database was written by a newer release
    (its schema version is higher than :data:`SCHEMA_VERSION`).
    """
    with engine.begin() as conn:
        if engine.dialect.has_table(conn, schema_version.name):
            found = conn.execute(select(schema_version.c.version)).scalar()
            if found == SCHEMA_VERSION:
                return
        _lock(conn)  # another process may be creating them right now
        try:
            metadata.create_all(conn, checkfirst=True)
            found = conn.execute(select(schema_version.c.version)).scalar()
            if found is None:
                conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif found != SCHEMA_VERSION:
                raise StoreError(
                    f"the database has store schema version {found}; this release of wecom-suite knows "
                    f"version {SCHEMA_VERSION}: upgrade wecom-suite (a database is never downgraded)"
                )
        finally:
            _unlock(conn)
