"""The company registry in PostgreSQL: one row per (suite, corp); ``auth_info`` as jsonb."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from psycopg.types.json import Jsonb

from ..records import CompanyRecord, CompanyState
from .db import Database, Row

__all__ = ["PostgresCompanies"]

_PAGE = 1000  # list_companies reads this many rows per query: 10,000 companies never sit in memory at once
_COLUMNS = (
    "suite_id, corp_id, permanent_code, corp_name, auth_info, state, installed_at, updated_at, revoked_at, "
    "auth_event_time"
)
_SAVE = f"""
INSERT INTO wecom_companies ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (suite_id, corp_id) DO UPDATE SET
    permanent_code = excluded.permanent_code, corp_name = excluded.corp_name, auth_info = excluded.auth_info,
    state = excluded.state, installed_at = excluded.installed_at, updated_at = excluded.updated_at,
    revoked_at = excluded.revoked_at, auth_event_time = excluded.auth_event_time
"""  # noqa: S608  (column names are constants)
_GET = f"SELECT {_COLUMNS} FROM wecom_companies WHERE suite_id = %s AND corp_id = %s"  # noqa: S608


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _record(row: Row) -> CompanyRecord:
    suite_id, corp_id, code, name, auth_info, state, installed_at, updated_at, revoked_at, event_time = row
    return CompanyRecord(
        suite_id=suite_id,
        corp_id=corp_id,
        permanent_code=code,
        corp_name=name,
        auth_info=auth_info,
        state=CompanyState(state),
        installed_at=installed_at,
        updated_at=updated_at,
        revoked_at=revoked_at,
        auth_event_time=event_time,
    )


class PostgresCompanies:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save_company(self, company: CompanyRecord) -> None:
        self._db.count(
            _SAVE,
            (
                company.suite_id,
                company.corp_id,
                company.permanent_code,
                company.corp_name,
                Jsonb(company.auth_info, dumps=_dumps),
                company.state.value,
                company.installed_at,
                company.updated_at,
                company.revoked_at,
                company.auth_event_time,
            ),
        )

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        row = self._db.one(_GET, (suite_id, corp_id))
        return None if row is None else _record(row)

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        """By corp id, a page at a time (each page starts after the last corp id of the one before)."""
        after: str | None = None
        while True:
            rows = self._db.all(
                f"SELECT {_COLUMNS} FROM wecom_companies "  # noqa: S608
                "WHERE suite_id = %(suite_id)s AND (%(state)s::text IS NULL OR state = %(state)s) "
                "AND (%(after)s::text IS NULL OR corp_id > %(after)s) ORDER BY corp_id LIMIT %(page)s",
                {"suite_id": suite_id, "state": None if state is None else state.value, "after": after, "page": _PAGE},
            )
            for row in rows:
                yield _record(row)
            if len(rows) < _PAGE:
                return
            after = rows[-1][1]

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        row = self._db.one(
            "SELECT count(*) FROM wecom_companies WHERE suite_id = %(suite_id)s "
            "AND (%(state)s::text IS NULL OR state = %(state)s)",
            {"suite_id": suite_id, "state": None if state is None else state.value},
        )
        return int(row[0]) if row else 0
