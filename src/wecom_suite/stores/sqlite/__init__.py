"""The embedded default store: one SQLite file, shared safely by the threads and processes of one host.

Each part is a thin layer of SQL over one :class:`~.db.Database`, which owns the write path (one writer
thread per process with group commit, ``synchronous = FULL``: see :mod:`.db` for what a returned write
survives) and a read connection per thread. The schema is created, or upgraded from an older
wecom-suite, when the store opens (:mod:`.schema`).
"""

from __future__ import annotations

import os
from pathlib import Path

from ...clock import DEFAULT_CLOCK, Clock
from ..store import Store
from .companies import SQLiteCompanies
from .db import Database
from .inbox import SQLiteInbox
from .install_states import SQLiteInstallStates
from .leases import SQLiteLeases
from .schema import ensure_schema
from .tickets import SQLiteTickets
from .tokens import SQLiteTokens

__all__ = ["SQLiteStore"]


class SQLiteStore(Store):
    """Every part in one SQLite file (created on first use). Leases and ticket ages use ``clock``.

    ``busy_timeout`` (seconds) is how long a write waits for another process holding the file's write
    lock before it fails with :class:`~wecom_suite.errors.StoreError`; threads of this process never
    wait on it (they queue for the writer). Raises ``StoreError`` if the directory is missing or the
    file is not an SQLite database, or was written by a newer wecom-suite.
    """

    def __init__(self, path: str | os.PathLike[str], clock: Clock | None = None, *, busy_timeout: float = 30.0) -> None:
        clock = clock or DEFAULT_CLOCK
        self.path = Path(path)
        db = Database(self.path, busy_timeout=busy_timeout)
        try:
            db.prepare(lambda conn: ensure_schema(conn, self.path))
        except BaseException:
            db.close()
            raise
        super().__init__(
            tickets=SQLiteTickets(db, clock),
            tokens=SQLiteTokens(db),
            leases=SQLiteLeases(db, clock),
            companies=SQLiteCompanies(db),
            inbox=SQLiteInbox(db, clock),
            install_states=SQLiteInstallStates(db),
            url=f"sqlite://{self.path}" if self.path.is_absolute() else f"sqlite:///./{self.path}",
            closers=(db.close,),
        )
        self._db = db

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"
