"""The registry of authorising companies (auth corp id -> permanent code, auth info, state)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from .records import CompanyRecord, CompanyState

__all__ = ["Companies"]


@runtime_checkable
class Companies(Protocol):
    """The companies part of a store: the registry of authorising companies (授权企业) per suite."""

    def save_company(self, company: CompanyRecord) -> None:
        """Insert or replace the record for (suite_id, corp_id)."""

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None: ...

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]: ...

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int: ...
