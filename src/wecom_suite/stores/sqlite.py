"""The embedded default store: one SQLite file, shared safely by the threads and processes of one host.

WAL journaling lets readers run beside one writer; every read-modify-write runs in ``BEGIN IMMEDIATE``
so two processes cannot both take a lease. Each thread (and each forked child) opens its own
connection, because a sqlite3 connection must not be shared across a fork and serialises its users.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..clock import DEFAULT_CLOCK, Clock
from ..errors.store import StoreError
from .records import CompanyRecord, CompanyState, InboxItem, Lease, StoredToken, SuiteTicket
from .ticket_store import checked_ticket

__all__ = ["SQLiteStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS suite_tickets (
    suite_id TEXT PRIMARY KEY, ticket TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at REAL NOT NULL, obtained_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS companies (
    suite_id TEXT NOT NULL, corp_id TEXT NOT NULL, permanent_code TEXT NOT NULL, corp_name TEXT NOT NULL,
    auth_info TEXT NOT NULL, state TEXT NOT NULL, installed_at REAL NOT NULL, updated_at REAL NOT NULL,
    revoked_at REAL, PRIMARY KEY (suite_id, corp_id));
CREATE INDEX IF NOT EXISTS companies_by_state ON companies (suite_id, state);
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY, suite_id TEXT NOT NULL, payload BLOB NOT NULL, received_at REAL NOT NULL,
    attempts INTEGER NOT NULL, not_before REAL NOT NULL, last_error TEXT NOT NULL,
    leased_until REAL NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (suite_id, done, received_at);
CREATE TABLE IF NOT EXISTS install_states (
    suite_id TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (suite_id, state));
"""


class _ThreadConnection:
    """One thread's connection; closed when the thread ends (its thread-local dies) or the store closes."""

    __slots__ = ("__weakref__", "conn", "pid")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.pid = os.getpid()

    def close(self) -> None:
        if self.pid == os.getpid():  # a forked child must not touch its parent's connection
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()

    def __del__(self) -> None:
        self.close()


class SQLiteStore:
    """Every store protocol in one SQLite file; the schema is created on first use. Leases use ``clock``."""

    def __init__(self, path: str | os.PathLike[str], clock: Clock | None = None, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.url = f"sqlite://{self.path}" if self.path.is_absolute() else f"sqlite:///./{self.path}"
        self._clock = clock or DEFAULT_CLOCK
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._all: weakref.WeakSet[_ThreadConnection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        self._closed = False
        if not self.path.parent.exists():
            raise StoreError(
                f"cannot open SQLite store {self.path}: directory {self.path.parent} does not exist",
                hint="create the directory first, or point the store URL at an existing one",
            )
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    # -- connections -----------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is not None and held.pid == os.getpid():
            return held.conn
        if self._closed:
            raise StoreError(f"{self!r} is closed", hint="open a new store with open_store(url)")
        try:
            conn = sqlite3.connect(
                self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open SQLite store {self.path}: {exc}", hint="check the path and its permissions"
            ) from exc
        held = _ThreadConnection(conn)
        self._local.held = held
        with self._all_lock:
            self._all.add(held)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database's write lock up front (no upgrade deadlocks)."""
        db = self._conn()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite store {self.path} is busy: {exc}", hint="raise busy_timeout") from exc
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._failed(exc) from exc
            raise

    def _failed(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"SQLite store {self.path} failed: {type(exc).__name__}: {exc}",
            hint="check free disk space and the file's permissions; nothing was written by this call",
        )

    def _ensure_schema(self) -> None:
        with self._write() as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"SQLite store {self.path} has schema version {version}, newer than this library's "
                    f"{SCHEMA_VERSION}",
                    hint="upgrade wecom-suite, or point the store at another file",
                )
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close every connection this store opened (in any thread). Data stays in the file."""
        self._closed = True
        with self._all_lock:
            held, self._all = list(self._all), weakref.WeakSet()
        for one in held:
            one.close()
        self._local = threading.local()

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        try:
            return self._conn().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    # -- tickets ---------------------------------------------------------------------------------
    def save_ticket(self, ticket: SuiteTicket) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO suite_tickets (suite_id, ticket, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT (suite_id) DO UPDATE SET ticket = excluded.ticket, received_at = excluded.received_at "
                "WHERE excluded.received_at >= suite_tickets.received_at",
                (ticket.suite_id, ticket.ticket, ticket.received_at),
            )

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        rows = self._read("SELECT ticket, received_at FROM suite_tickets WHERE suite_id = ?", (suite_id,))
        found = SuiteTicket(suite_id, rows[0][0], rows[0][1]) if rows else None
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)

    # -- tokens ----------------------------------------------------------------------------------
    def get_token(self, key: str) -> StoredToken | None:
        rows = self._read("SELECT token, expires_at, obtained_at FROM tokens WHERE key = ?", (key,))
        return StoredToken(rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def set_token(self, key: str, token: StoredToken) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO tokens (key, token, expires_at, obtained_at) VALUES (?, ?, ?, ?)",
                (key, token.token, token.expires_at, token.obtained_at),
            )

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        with self._write() as db:
            if only_if is None:
                cur = db.execute("DELETE FROM tokens WHERE key = ?", (key,))
            else:
                cur = db.execute("DELETE FROM tokens WHERE key = ? AND token = ?", (key, only_if))
            return cur.rowcount > 0

    # -- leases ----------------------------------------------------------------------------------
    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        with self._write() as db:
            now = self._clock.now()
            row = db.execute("SELECT expires_at FROM leases WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] > now:
                return None
            lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
            db.execute(
                "INSERT OR REPLACE INTO leases (name, owner, expires_at) VALUES (?, ?, ?)",
                (name, lease.owner, lease.expires_at),
            )
            return lease

    def release(self, lease: Lease) -> bool:
        with self._write() as db:
            now = self._clock.now()
            row = db.execute("SELECT owner, expires_at FROM leases WHERE name = ?", (lease.name,)).fetchone()
            if row is None or row[0] != lease.owner:
                return False
            db.execute("DELETE FROM leases WHERE name = ?", (lease.name,))
            return bool(row[1] > now)

    # -- company registry ------------------------------------------------------------------------
    def save_company(self, company: CompanyRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO companies (suite_id, corp_id, permanent_code, corp_name, auth_info, state, "
                "installed_at, updated_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    company.suite_id,
                    company.corp_id,
                    company.permanent_code,
                    company.corp_name,
                    json.dumps(company.auth_info, ensure_ascii=False),
                    company.state.value,
                    company.installed_at,
                    company.updated_at,
                    company.revoked_at,
                ),
            )

    _COMPANY_COLUMNS = (
        "suite_id, corp_id, permanent_code, corp_name, auth_info, state, installed_at, updated_at, revoked_at"
    )

    @staticmethod
    def _company(row: tuple[Any, ...]) -> CompanyRecord:
        return CompanyRecord(
            suite_id=row[0],
            corp_id=row[1],
            permanent_code=row[2],
            corp_name=row[3],
            auth_info=json.loads(row[4]),
            state=CompanyState(row[5]),
            installed_at=row[6],
            updated_at=row[7],
            revoked_at=row[8],
        )

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        rows = self._read(
            f"SELECT {self._COMPANY_COLUMNS} FROM companies WHERE suite_id = ? AND corp_id = ?",  # noqa: S608
            (suite_id, corp_id),
        )
        return self._company(rows[0]) if rows else None

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        sql = f"SELECT {self._COMPANY_COLUMNS} FROM companies WHERE suite_id = ?"  # noqa: S608
        args: tuple[Any, ...] = (suite_id,)
        if state is not None:
            sql += " AND state = ?"
            args += (CompanyState(state).value,)
        return iter([self._company(row) for row in self._read(sql + " ORDER BY corp_id", args)])

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        if state is None:
            rows = self._read("SELECT COUNT(*) FROM companies WHERE suite_id = ?", (suite_id,))
        else:
            rows = self._read(
                "SELECT COUNT(*) FROM companies WHERE suite_id = ? AND state = ?", (suite_id, CompanyState(state).value)
            )
        return int(rows[0][0])

    # -- callback inbox --------------------------------------------------------------------------
    def put(self, item: InboxItem) -> bool:
        with self._write() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO inbox (id, suite_id, payload, received_at, attempts, not_before, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    item.id,
                    item.suite_id,
                    item.payload,
                    item.received_at,
                    item.attempts,
                    item.not_before,
                    item.last_error,
                ),
            )
            return cur.rowcount > 0

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxItem | None:
        with self._write() as db:
            row = db.execute(
                "SELECT id, suite_id, payload, received_at, attempts, not_before, last_error FROM inbox "
                "WHERE suite_id = ? AND done = 0 AND not_before <= ? AND leased_until <= ? "
                "ORDER BY received_at, id LIMIT 1",
                (suite_id, now, now),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE inbox SET leased_until = ? WHERE id = ?", (now + lease_seconds, row[0]))
        return InboxItem(
            id=row[0],
            suite_id=row[1],
            payload=bytes(row[2]),
            received_at=row[3],
            attempts=row[4],
            not_before=row[5],
            last_error=row[6],
        )

    def complete(self, item_id: str) -> None:
        with self._write() as db:
            db.execute("UPDATE inbox SET done = 1, payload = X'' WHERE id = ?", (item_id,))

    def retry_later(self, item_id: str, *, not_before: float, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE inbox SET attempts = attempts + 1, not_before = ?, last_error = ?, leased_until = 0 "
                "WHERE id = ? AND done = 0",
                (not_before, error, item_id),
            )

    def pending_count(self, suite_id: str) -> int:
        rows = self._read("SELECT COUNT(*) FROM inbox WHERE suite_id = ? AND done = 0", (suite_id,))
        return int(rows[0][0])

    # -- install states --------------------------------------------------------------------------
    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO install_states (suite_id, state, data, expires_at) VALUES (?, ?, ?, ?)",
                (suite_id, state, data, expires_at),
            )

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        with self._write() as db:
            row = db.execute(
                "SELECT data, expires_at FROM install_states WHERE suite_id = ? AND state = ?", (suite_id, state)
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM install_states WHERE suite_id = ? AND state = ?", (suite_id, state))
            # Sweep abandoned states too, so the table stays as small as the number of installs in flight.
            db.execute("DELETE FROM install_states WHERE expires_at <= ?", (now,))
        return str(row[0]) if row[1] > now else None
