"""One SQLite file: a single writer per process with group commit, and a read connection per thread.

Writes. Every write is a callable run by the process's one writer thread on its own connection. The
writer takes whatever writes are waiting (up to :data:`MAX_GROUP`), runs them in one ``BEGIN IMMEDIATE
... COMMIT``, each inside its own ``SAVEPOINT`` (a write that raises is rolled back alone and fails only
its caller), and answers every caller after the ``COMMIT`` returned. So threads queue instead of
sleeping in SQLite's busy handler, and one fsync covers many writes. The busy handler
(``busy_timeout``) is only for other processes on the same file. Stores of the same file in one process
share the writer.

Durability. The writer runs ``journal_mode = WAL`` with ``synchronous = FULL``: ``COMMIT`` returns only
after the WAL is fsynced, so a write that returned (an inbox ``put`` that precedes the ``success``
answer to WeCom) survives a crash of the process, of the OS and a power loss (given a disk that honours
fsync). Group commit is what keeps FULL cheap: one fsync per group, not per write. (``NORMAL``, which
0.1 used, fsyncs only at checkpoints: a returned write survives the process crashing, but an OS crash or
power loss can undo the last commits, callbacks WeCom was already told ``success`` for.)

The writer thread starts with the first write, so opening a store (constructing a ``SuiteApp``) starts
no thread; a forked child that writes starts its own writer (the parent's thread does not exist there).

Reads. Each thread (and each forked child) opens its own connection; WAL lets them read beside the
writer and see every committed write.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from ...errors.store import StoreError

__all__ = ["MAX_GROUP", "Database"]

T = TypeVar("T")

MAX_GROUP = 256  # writes per transaction at most; more wait for the next one
SYNCHRONOUS = "FULL"

Write = Callable[[sqlite3.Connection], Any]


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    return conn


class _Job:
    __slots__ = ("fn", "future")

    def __init__(self, fn: Write) -> None:
        self.fn = fn
        self.future: Future[Any] = Future()


class _BrokenTransaction(Exception):
    """The whole transaction failed (not one write). If a write may have caused it (``retry_alone``),
    the group is retried one write at a time; if it could not even begin, every write fails at once."""

    def __init__(self, cause: sqlite3.Error, *, retry_alone: bool = True) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.retry_alone = retry_alone


class _Writer:
    """The writer thread of one file in one process, and its connection."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.users = 0
        self.commits = 0  # transactions committed (each a group of writes): for tests and metrics
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._stopped = False
        self._conn = connect(path, busy_timeout)
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        except BaseException:
            self._conn.close()
            raise
        # Started by the first write, not here: opening a store (constructing a SuiteApp) starts no thread.
        self._thread: threading.Thread | None = None

    def submit(self, fn: Write) -> Future[Any]:
        if self._thread is not None and threading.current_thread() is self._thread:
            raise StoreError(
                "a store write was started from inside another write", hint="this is a bug in wecom-suite: report it"
            )
        job = _Job(fn)
        with self._lock:
            if self._stopped:
                raise RuntimeError("writer stopped")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"sqlite-writer:{self.path.name}", daemon=True)
                self._thread.start()
            self._queue.put(job)
        return job.future

    def run_alone(self, fn: Write) -> Any:
        """Run ``fn`` in a transaction of its own and return its result: on the calling thread while the
        writer thread has not started (the schema check at open, which must not start a thread), else
        queued like any write."""
        with self._lock:
            if self._thread is None and not self._stopped:
                job = _Job(fn)
                self._commit([job])  # the lock keeps submit() (and so the thread) out meanwhile
                return job.future.result()
        return self.submit(fn).result()

    @property
    def running(self) -> bool:
        """Whether the writer thread has been started (by the first write) and not stopped yet."""
        return self._thread is not None and not self._stopped

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            thread = self._thread
            if thread is None:  # never written through: no thread to stop, only the connection to close
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                return
            self._queue.put(None)
        if thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                group = [job]
                stop = False
                while len(group) < MAX_GROUP:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    group.append(more)
                try:
                    self._commit(group)
                except BaseException as exc:  # never leave a caller waiting for ever
                    for one in group:
                        if not one.future.done():
                            one.future.set_exception(exc)
                    raise
                if stop:
                    return
        finally:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()

    def _commit(self, group: list[_Job]) -> None:
        try:
            outcomes = self._transaction(group)
        except _BrokenTransaction as broken:
            if len(group) == 1 or not broken.retry_alone:
                for job in group:
                    job.future.set_exception(broken.cause)
                return
            for job in group:  # isolate the write that broke it: every other write gets its own chance
                self._commit([job])
            return
        for job, (ok, value) in zip(group, outcomes, strict=True):
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)

    def _transaction(self, group: list[_Job]) -> list[tuple[bool, Any]]:
        db = self._conn
        try:
            db.execute("BEGIN IMMEDIATE")  # waits up to busy_timeout for another process's write
        except sqlite3.Error as exc:
            raise _BrokenTransaction(exc, retry_alone=False) from exc
        outcomes: list[tuple[bool, Any]] = []
        try:
            for job in group:
                db.execute("SAVEPOINT one_write")
                try:
                    value = job.fn(db)
                except BaseException as exc:
                    if not db.in_transaction:
                        raise _BrokenTransaction(
                            exc if isinstance(exc, sqlite3.Error) else sqlite3.OperationalError(str(exc))
                        ) from exc
                    db.execute("ROLLBACK TO one_write")
                    db.execute("RELEASE one_write")
                    outcomes.append((False, exc))
                else:
                    db.execute("RELEASE one_write")
                    outcomes.append((True, value))
            db.execute("COMMIT")
            self.commits += 1
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise _BrokenTransaction(exc) from exc
        except _BrokenTransaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        return outcomes


_WRITERS: dict[tuple[str, int], _Writer] = {}
_WRITERS_LOCK = threading.Lock()


def _acquire_writer(path: Path, busy_timeout: float) -> _Writer:
    key = (os.path.realpath(path), os.getpid())
    with _WRITERS_LOCK:
        writer = _WRITERS.get(key)
        if writer is None:
            writer = _WRITERS[key] = _Writer(path, busy_timeout)
        writer.users += 1
        return writer


def _release_writer(writer: _Writer) -> None:
    key = (os.path.realpath(writer.path), os.getpid())
    with _WRITERS_LOCK:
        writer.users -= 1
        if writer.users > 0:
            return
        if _WRITERS.get(key) is writer:
            del _WRITERS[key]
    writer.stop()


class _ThreadConnection:
    """One thread's read connection; closed when the thread ends (its thread-local dies) or the store closes."""

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


class Database:
    """The file every part of one :class:`~wecom_suite.stores.SQLiteStore` uses.

    :meth:`write` runs a callable in the writer's transaction and returns its result once committed;
    :meth:`read` runs one on this thread's connection. Both raise :class:`StoreError` (with a hint) for
    any SQLite failure, and after :meth:`close` ("... is closed").
    """

    def __init__(self, path: Path, *, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._all: weakref.WeakSet[_ThreadConnection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()
        if not path.parent.exists():
            raise StoreError(
                f"cannot open SQLite store {path}: directory {path.parent} does not exist",
                hint="create the directory first, or point the store URL at an existing one",
            )
        try:
            self._writer: _Writer | None = _acquire_writer(path, busy_timeout)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open SQLite store {path}: {type(exc).__name__}: {exc}",
                hint="check that the path is an SQLite database (or a new file) and its permissions",
            ) from exc

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def _closed_error(self) -> StoreError:
        return StoreError(f"{self!r} is closed", hint="open a new store with open_store(url)")

    def failed(self, exc: BaseException) -> StoreError:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return StoreError(
                f"SQLite store {self.path} is busy: another process held its write lock for over "
                f"{self.busy_timeout:g} s",
                hint="raise busy_timeout, or look for a process holding a long transaction on the file",
            )
        return StoreError(
            f"SQLite store {self.path} failed: {type(exc).__name__}: {exc}",
            hint="check free disk space and the file's permissions; nothing was written by this call",
        )

    def _current_writer(self) -> _Writer:
        if self._closed:
            raise self._closed_error()
        if self._pid != os.getpid():  # forked: the parent's writer thread does not exist here
            self._pid = os.getpid()
            self._local = threading.local()
            self._all = weakref.WeakSet()
            try:
                self._writer = _acquire_writer(self.path, self.busy_timeout)
            except sqlite3.Error as exc:
                raise self.failed(exc) from exc
        assert self._writer is not None
        return self._writer

    @property
    def commits(self) -> int:
        """Transactions the writer of this file (in this process) has committed."""
        return self._current_writer().commits

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` inside the next group transaction; its result once the group has committed."""
        try:
            future = self._current_writer().submit(fn)
        except RuntimeError:
            raise self._closed_error() from None
        try:
            result: T = future.result()
        except sqlite3.Error as exc:
            raise self.failed(exc) from exc
        return result

    def prepare(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Like :meth:`write`, without starting the writer thread when it is not running yet: for the
        schema check at open (opening a store starts no thread)."""
        try:
            result: T = self._current_writer().run_alone(fn)
        except RuntimeError:
            raise self._closed_error() from None
        except sqlite3.Error as exc:
            raise self.failed(exc) from exc
        return result

    def conn(self) -> sqlite3.Connection:
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is not None and held.pid == os.getpid():
            return held.conn
        if self._closed:
            raise self._closed_error()
        try:
            conn = connect(self.path, self.busy_timeout)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open SQLite store {self.path}: {exc}", hint="check the path and its permissions"
            ) from exc
        held = _ThreadConnection(conn)
        self._local.held = held
        with self._all_lock:
            self._all.add(held)
        return conn

    def read(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """All rows of one query on this thread's connection."""
        if self._closed:
            raise self._closed_error()
        try:
            return self.conn().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self.failed(exc) from exc

    def close(self) -> None:
        """Close every connection this store opened (in any thread); the writer stops with its last store."""
        if self._closed:
            return
        self._closed = True
        writer, self._writer = self._writer, None
        if writer is not None and self._pid == os.getpid():
            _release_writer(writer)
        with self._all_lock:
            held, self._all = list(self._all), weakref.WeakSet()
        for one in held:
            one.close()
        self._local = threading.local()
