"""The company registry in PostgreSQL: one row per (suite, corp); ``auth_info`` as JSON text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, Row, func, select

from ..records import CompanyRecord, CompanyState
from .db import upsert
from .schema import companies

__all__ = ["PostgresCompanies"]

_PAGE = 1000  # list_companies reads this many rows per query, so 10,000 companies never sit in memory at once


def _record(row: Row[Any]) -> CompanyRecord:
    return CompanyRecord(
        suite_id=row.suite_id,
        corp_id=row.corp_id,
        permanent_code=row.permanent_code,
        corp_name=row.corp_name,
        auth_info=json.loads(row.auth_info),
        state=CompanyState(row.state),
        installed_at=row.installed_at,
        updated_at=row.updated_at,
        revoked_at=row.revoked_at,
        auth_event_time=row.auth_event_time,
    )


class PostgresCompanies:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save_company(self, company: CompanyRecord) -> None:
        values = {
            "suite_id": company.suite_id,
            "corp_id": company.corp_id,
            "permanent_code": company.permanent_code,
            "corp_name": company.corp_name,
            "auth_info": json.dumps(company.auth_info, ensure_ascii=False, separators=(",", ":")),
            "state": company.state.value,
            "installed_at": company.installed_at,
            "updated_at": company.updated_at,
            "revoked_at": company.revoked_at,
            "auth_event_time": company.auth_event_time,
        }
        with self._engine.begin() as conn:
            upsert(conn, companies, values, ["suite_id", "corp_id"])

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(companies).where(companies.c.suite_id == suite_id, companies.c.corp_id == corp_id)
            ).first()
        return None if row is None else _record(row)

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        """By corp id, read a page at a time (keyset pagination: each page starts after the last corp id)."""
        after: str | None = None
        while True:
            query = select(companies).where(companies.c.suite_id == suite_id)
            if after is not None:
                query = query.where(companies.c.corp_id > after)
            if state is not None:
                query = query.where(companies.c.state == state.value)
            with self._engine.connect() as conn:
                rows = conn.execute(query.order_by(companies.c.corp_id).limit(_PAGE)).all()
            for row in rows:
                yield _record(row)
            if len(rows) < _PAGE:
                return
            after = rows[-1].corp_id

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        query = select(func.count()).select_from(companies).where(companies.c.suite_id == suite_id)
        if state is not None:
            query = query.where(companies.c.state == state.value)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
