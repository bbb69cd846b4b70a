"""The company registry in the ``companies`` table; ``auth_info`` as JSON text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from ..records import CompanyRecord, CompanyState
from .db import Database

__all__ = ["SQLiteCompanies"]

_COLUMNS = (
    "suite_id, corp_id, permanent_code, corp_name, auth_info, state, installed_at, updated_at, revoked_at, "
    "auth_event_time"
)

_INSERT = f"INSERT OR REPLACE INTO companies ({_COLUMNS}) VALUES ({', '.join('?' * 10)})"  # noqa: S608 - constants


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
        auth_event_time=row[9],
    )


class SQLiteCompanies:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save_company(self, company: CompanyRecord) -> None:
        values = (
            company.suite_id,
            company.corp_id,
            company.permanent_code,
            company.corp_name,
            json.dumps(company.auth_info, ensure_ascii=False),
            company.state.value,
            company.installed_at,
            company.updated_at,
            company.revoked_at,
            company.auth_event_time,
        )

        def write(db: sqlite3.Connection) -> None:
            db.execute(_INSERT, values)

        self._db.write(write)

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        rows = self._db.read(
            f"SELECT {_COLUMNS} FROM companies WHERE suite_id = ? AND corp_id = ?",  # noqa: S608
            (suite_id, corp_id),
        )
        return _company(rows[0]) if rows else None

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        sql = f"SELECT {_COLUMNS} FROM companies WHERE suite_id = ?"  # noqa: S608
        args: tuple[Any, ...] = (suite_id,)
        if state is not None:
            sql += " AND state = ?"
            args += (CompanyState(state).value,)
        return iter([_company(row) for row in self._db.read(sql + " ORDER BY corp_id", args)])

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        if state is None:
            rows = self._db.read("SELECT COUNT(*) FROM companies WHERE suite_id = ?", (suite_id,))
        else:
            rows = self._db.read(
                "SELECT COUNT(*) FROM companies WHERE suite_id = ? AND state = ?", (suite_id, CompanyState(state).value)
            )
        return int(rows[0][0])
