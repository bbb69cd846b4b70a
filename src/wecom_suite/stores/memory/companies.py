"""The company registry in a dict.

auth_info is kept as zlib-compressed JSON: a sixth of the memory of nested dicts (10,000 companies
with ~1 KB auth_info take ~11 MB), and every read returns a private copy, as the databases do.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..records import CompanyRecord, CompanyState

__all__ = ["MemoryCompanies"]

_THAWED_LATER: dict[str, Any] = {}  # shared placeholder in stored records; never handed out


class MemoryCompanies:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._companies: dict[tuple[str, str], tuple[CompanyRecord, bytes]] = {}

    def save_company(self, company: CompanyRecord) -> None:
        blob = zlib.compress(json.dumps(company.auth_info, ensure_ascii=False, separators=(",", ":")).encode())
        with self._lock:
            self._companies[(company.suite_id, company.corp_id)] = (replace(company, auth_info=_THAWED_LATER), blob)

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        found = self._companies.get((suite_id, corp_id))
        return None if found is None else self._thaw(found)

    @staticmethod
    def _thaw(found: tuple[CompanyRecord, bytes]) -> CompanyRecord:
        record, blob = found
        return replace(record, auth_info=json.loads(zlib.decompress(blob)))

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        with self._lock:
            found = sorted(self._matching(suite_id, state), key=lambda f: f[0].corp_id)
        return (self._thaw(f) for f in found)

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        with self._lock:
            return sum(1 for _ in self._matching(suite_id, state))

    def _matching(self, suite_id: str, state: CompanyState | None) -> Iterator[tuple[CompanyRecord, bytes]]:
        for (suite, _), found in self._companies.items():
            if suite == suite_id and (state is None or found[0].state == state):
                yield found
