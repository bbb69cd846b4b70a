"""The SQLite schema (``PRAGMA user_version``) and the upgrade from every older version.

Version 1 (wecom-suite 0.1): the inbox had a ``done`` flag and no queues; companies had no
``auth_event_time``. Version 2: the inbox has a queue per company, WeCom's ``event_time``, the callback
``source``, a ``state`` (pending / done / dead), ``finished_at``, the lease ``owner`` and ``head`` (1 on
each queue's first pending row).

The upgrade runs in the writer's transaction at open, so it is all-or-nothing and two processes opening
the file at once upgrade it once. 0.1's finished rows become DONE (``finished_at`` = ``received_at``,
so the purge window counts from their arrival); its pending rows go to the suite queue ``""`` in
arrival order, keeping their attempts, backoff and last error.
"""

from __future__ import annotations

import sqlite3

from ...errors.store import StoreError

__all__ = ["SCHEMA_VERSION", "ensure_schema"]

SCHEMA_VERSION = 2

_TABLES = """
CREATE TABLE IF NOT EXISTS suite_tickets (
    suite_id TEXT PRIMARY KEY, ticket TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at REAL NOT NULL, obtained_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS companies (
    suite_id TEXT NOT NULL, corp_id TEXT NOT NULL, permanent_code TEXT NOT NULL, corp_name TEXT NOT NULL,
    auth_info TEXT NOT NULL, state TEXT NOT NULL, installed_at REAL NOT NULL, updated_at REAL NOT NULL,
    revoked_at REAL, auth_event_time INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (suite_id, corp_id));
CREATE INDEX IF NOT EXISTS companies_by_state ON companies (suite_id, state);
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY, suite_id TEXT NOT NULL, queue TEXT NOT NULL, source TEXT NOT NULL,
    event_time INTEGER NOT NULL, payload BLOB NOT NULL, received_at REAL NOT NULL, attempts INTEGER NOT NULL,
    not_before REAL NOT NULL, last_error TEXT NOT NULL, state TEXT NOT NULL, leased_until REAL NOT NULL,
    finished_at REAL NOT NULL, owner TEXT NOT NULL DEFAULT '', head INTEGER NOT NULL DEFAULT 0);
-- a queue's first pending item (which row is its head?) and list_items(queue=...)
CREATE INDEX IF NOT EXISTS inbox_by_queue ON inbox (suite_id, queue, state, event_time, received_at, id);
-- claim: the queue heads of one suite in order, with what decides whether each is claimable now
CREATE INDEX IF NOT EXISTS inbox_heads ON inbox (suite_id, event_time, received_at, id, not_before, leased_until)
    WHERE head = 1;
-- claim: does this queue have an item in progress (a lease running)?
CREATE INDEX IF NOT EXISTS inbox_leased ON inbox (suite_id, queue, leased_until) WHERE state = 'pending';
-- list_items of a suite, stats
CREATE INDEX IF NOT EXISTS inbox_by_order ON inbox (suite_id, state, event_time, received_at, id);
-- purge: finished items by age
CREATE INDEX IF NOT EXISTS inbox_by_finish ON inbox (state, finished_at);
CREATE TABLE IF NOT EXISTS install_states (
    suite_id TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (suite_id, state));
"""

_FROM_1 = """
ALTER TABLE companies ADD COLUMN auth_event_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox RENAME TO inbox_v1;
DROP INDEX IF EXISTS inbox_pending;
{tables};
INSERT INTO inbox (id, suite_id, queue, source, event_time, payload, received_at, attempts, not_before, last_error,
                   state, leased_until, finished_at)
    SELECT id, suite_id, '', 'instruction', 0, CASE WHEN done THEN X'' ELSE payload END, received_at,
           attempts, not_before, last_error, CASE WHEN done THEN 'done' ELSE 'pending' END,
           CASE WHEN done THEN 0 ELSE leased_until END, CASE WHEN done THEN received_at ELSE 0 END
    FROM inbox_v1;
DROP TABLE inbox_v1;
UPDATE inbox SET head = 1 WHERE state = 'pending' AND id = (
    SELECT e.id FROM inbox AS e WHERE e.suite_id = inbox.suite_id AND e.queue = inbox.queue AND e.state = 'pending'
    ORDER BY e.event_time, e.received_at, e.id LIMIT 1)
"""


def _run(db: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def ensure_schema(db: sqlite3.Connection, path: object = "") -> None:
    """Create the tables or bring an older file up to :data:`SCHEMA_VERSION` (inside a transaction).

    Raises :class:`StoreError` for a file written by a newer wecom-suite (``path`` names it).
    """
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"SQLite store {path} has schema version {version}, newer than this library's {SCHEMA_VERSION}",
            hint="upgrade wecom-suite, or point the store at another file",
        )
    if version == SCHEMA_VERSION:
        return
    if version == 1:
        _run(db, _FROM_1.format(tables=_TABLES.strip().rstrip(";")))
    else:
        _run(db, _TABLES)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
