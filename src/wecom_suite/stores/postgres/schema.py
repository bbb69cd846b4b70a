"""The tables, created on first use, and the schema version that says which layout a database has.

Every name starts with ``wecom_``, so the store can share a database with the application's tables; to
keep it apart, give it a schema of its own (``?options=-csearch_path%3Dwecom`` in the URL, after
``CREATE SCHEMA wecom``). Times are Unix seconds as double precision, like the records. Keys are
``text COLLATE "C"``: ordered by code point whatever the database's locale (the order the memory store
uses), and compared byte-wise, which is also the cheapest. ``auth_info`` is ``jsonb``, so an operator
can query it (``auth_info->'auth_corp_info'->>'corp_name'``).
"""

from __future__ import annotations

from ...errors.store import StoreError
from .db import Database

__all__ = ["SCHEMA_VERSION", "ensure_schema"]

SCHEMA_VERSION = 1
_LOCK_ID = 0x7765636F6D  # "wecom": the advisory lock that serialises schema creation across processes

_TABLES = """
CREATE TABLE IF NOT EXISTS wecom_schema_version (version integer PRIMARY KEY);

CREATE TABLE IF NOT EXISTS wecom_tickets (
    suite_id text COLLATE "C" PRIMARY KEY,
    ticket text NOT NULL,
    received_at double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS wecom_tokens (
    key text COLLATE "C" PRIMARY KEY,
    token text NOT NULL,
    expires_at double precision NOT NULL,
    obtained_at double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS wecom_leases (
    name text COLLATE "C" PRIMARY KEY,
    owner text NOT NULL,
    expires_at double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS wecom_companies (
    suite_id text COLLATE "C" NOT NULL,
    corp_id text COLLATE "C" NOT NULL,
    permanent_code text NOT NULL,
    corp_name text NOT NULL,
    auth_info jsonb NOT NULL,
    state text NOT NULL,
    installed_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    revoked_at double precision,
    auth_event_time bigint NOT NULL,
    PRIMARY KEY (suite_id, corp_id)
);
CREATE INDEX IF NOT EXISTS wecom_companies_by_state ON wecom_companies (suite_id, state, corp_id);

CREATE TABLE IF NOT EXISTS wecom_install_states (
    suite_id text COLLATE "C" NOT NULL,
    state text COLLATE "C" NOT NULL,
    data text NOT NULL,
    expires_at double precision NOT NULL,
    PRIMARY KEY (suite_id, state)
);
CREATE INDEX IF NOT EXISTS wecom_install_states_by_expiry ON wecom_install_states (expires_at);

CREATE TABLE IF NOT EXISTS wecom_inbox (
    id text COLLATE "C" PRIMARY KEY,
    suite_id text COLLATE "C" NOT NULL,
    queue text COLLATE "C" NOT NULL,
    payload bytea NOT NULL,
    received_at double precision NOT NULL,
    source text NOT NULL,
    event_time bigint NOT NULL,
    attempts integer NOT NULL,
    not_before double precision NOT NULL,
    last_error text NOT NULL,
    state text NOT NULL,
    leased_until double precision NOT NULL,
    finished_at double precision NOT NULL,
    owner text
);
-- The pending items of each queue in their order: finds heads, the items ahead of one, leases held.
CREATE INDEX IF NOT EXISTS wecom_inbox_pending
    ON wecom_inbox (suite_id, queue, event_time, received_at, id) WHERE state = 'pending';
-- The few items leased now (or whose worker died holding one): is a queue busy?
CREATE INDEX IF NOT EXISTS wecom_inbox_leased
    ON wecom_inbox (suite_id, queue, leased_until) WHERE state = 'pending' AND leased_until > 0;
CREATE INDEX IF NOT EXISTS wecom_inbox_by_state ON wecom_inbox (suite_id, state, event_time, received_at, id);
CREATE INDEX IF NOT EXISTS wecom_inbox_done ON wecom_inbox (finished_at) WHERE state = 'done';

-- One row per (suite, queue) that ever had an item: a claim locks it (SKIP LOCKED), so two workers never
-- decide about one queue at the same time. Never deleted (one small row per company).
CREATE TABLE IF NOT EXISTS wecom_inbox_queues (
    suite_id text COLLATE "C" NOT NULL,
    queue text COLLATE "C" NOT NULL,
    PRIMARY KEY (suite_id, queue)
);
"""


def _check(found: int | None) -> bool:
    """True if the database is at our version; raises if it is at a newer one."""
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"the database has store schema version {found}; this release of wecom-suite knows version "
            f"{SCHEMA_VERSION}",
            hint="upgrade wecom-suite on this host (a database is never downgraded)",
        )
    return found == SCHEMA_VERSION


def ensure_schema(db: Database) -> None:
    """Create the tables if the database (the first schema on its search_path) has none.

    Raises :class:`~wecom_suite.errors.StoreError` when a newer release wrote the database, and
    ``psycopg.OperationalError`` when the server cannot be reached.
    """
    with db.connect() as conn:
        if conn.execute("SELECT to_regclass('wecom_schema_version')").fetchone() != (None,):
            row = conn.execute("SELECT max(version) FROM wecom_schema_version").fetchone()
            if _check(row[0] if row else None):
                return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))  # another process may be at it now
            conn.execute(_TABLES)
            row = conn.execute("SELECT max(version) FROM wecom_schema_version").fetchone()
            if not _check(row[0] if row else None):
                conn.execute("INSERT INTO wecom_schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
