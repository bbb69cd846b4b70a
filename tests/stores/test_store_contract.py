"""One contract, every backend: the shipped :mod:`wecom_suite.testing.store_contract` against each store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.stores import MemoryStore
from wecom_suite.testing.store_contract import START, ContractBackend, StoreContract

pytestmark = pytest.mark.timeout(60)


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def backend(self) -> Iterator[ContractBackend]:
        clock = ManualClock(START)
        b = ContractBackend(MemoryStore(clock), clock)
        yield b
        b.close()
