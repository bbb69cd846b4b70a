"""The company registry: a JSON string per company and a set of corp ids per suite and state.

All keys of one suite share its hash tag, so ``save_company`` is one script in one slot.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..records import CompanyRecord, CompanyState
from .connection import Connection, translated

__all__ = ["RedisCompanies", "company_json"]

_SAVE_COMPANY = """
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
for i = 3, #KEYS do
  if KEYS[i] == ARGV[3] then redis.call('SADD', KEYS[i], ARGV[2]) else redis.call('SREM', KEYS[i], ARGV[2]) end
end
return 1
"""


def company_json(company: CompanyRecord) -> str:
    return json.dumps(
        {
            "permanent_code": company.permanent_code,
            "corp_name": company.corp_name,
            "auth_info": company.auth_info,
            "state": company.state.value,
            "installed_at": company.installed_at,
            "updated_at": company.updated_at,
            "revoked_at": company.revoked_at,
            "auth_event_time": company.auth_event_time,
        },
        ensure_ascii=False,
    )


def company_from_json(suite_id: str, corp_id: str, raw: bytes) -> CompanyRecord:
    data: dict[str, Any] = json.loads(raw)
    return CompanyRecord(
        suite_id=suite_id,
        corp_id=corp_id,
        permanent_code=data["permanent_code"],
        corp_name=data["corp_name"],
        auth_info=data["auth_info"],
        state=CompanyState(data["state"]),
        installed_at=data["installed_at"],
        updated_at=data["updated_at"],
        revoked_at=data["revoked_at"],
        auth_event_time=int(data.get("auth_event_time", 0)),  # 0.1 did not keep it
    )


class RedisCompanies:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._save = connection.script(_SAVE_COMPANY)

    def _company_key(self, suite_id: str, corp_id: str) -> str:
        return f"{self._c.suite(suite_id)}company:{corp_id}"

    def _index_key(self, suite_id: str, state: CompanyState | None = None) -> str:
        base = f"{self._c.suite(suite_id)}companies"
        return base if state is None else f"{base}:{CompanyState(state).value}"

    @translated
    def save_company(self, company: CompanyRecord) -> None:
        state_keys = [self._index_key(company.suite_id, s) for s in CompanyState]
        self._save(
            keys=[self._company_key(company.suite_id, company.corp_id), self._index_key(company.suite_id), *state_keys],
            args=[company_json(company), company.corp_id, self._index_key(company.suite_id, company.state)],
        )

    @translated
    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        raw = self._c.r.get(self._company_key(suite_id, corp_id))
        return None if raw is None else company_from_json(suite_id, corp_id, raw)

    @translated
    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        corp_ids = sorted(member.decode() for member in self._c.r.smembers(self._index_key(suite_id, state)))
        found: list[CompanyRecord] = []
        for start in range(0, len(corp_ids), 500):
            batch = corp_ids[start : start + 500]
            raws = self._c.r.mget([self._company_key(suite_id, c) for c in batch])
            for corp_id, raw in zip(batch, raws, strict=True):
                if raw is not None:
                    found.append(company_from_json(suite_id, corp_id, raw))
        return iter(found)

    @translated
    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        return int(self._c.r.scard(self._index_key(suite_id, state)))
