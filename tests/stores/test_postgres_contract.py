"""The store contract against a real PostgreSQL (a throwaway cluster; a fresh schema per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.stores import PostgresStore
from wecom_suite.testing.store_contract import START, ContractBackend, StoreContract

pytestmark = pytest.mark.timeout(60)


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def backend(self, postgres_url: str) -> Iterator[ContractBackend]:
        clock = ManualClock(START)
        b = ContractBackend(
            PostgresStore(postgres_url, clock), clock, reopen=lambda: PostgresStore(postgres_url, clock)
        )
        yield b
        b.close()
