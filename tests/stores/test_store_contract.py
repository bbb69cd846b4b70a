"""One contract, every backend: the shipped :mod:`wecom_suite.testing.store_contract` against each store.

SQLite runs on a temporary file and Redis on the session's real ``redis-server``; ``restart`` and
``second`` open the same data again, as a restarted process or a second host would.
"""

from __future__ import annotations

import pytest

from wecom_suite.testing.store_contract import ContractBackend, StoreContract

pytestmark = pytest.mark.timeout(60)


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def backend(self, memory_store_backend: ContractBackend) -> ContractBackend:
        return memory_store_backend


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def backend(self, sqlite_store_backend: ContractBackend) -> ContractBackend:
        return sqlite_store_backend


class TestRedisStore(StoreContract):
    @pytest.fixture
    def backend(self, redis_store_backend: ContractBackend) -> ContractBackend:
        return redis_store_backend


class TestRedisStoreScriptsStayInOneHashSlot(StoreContract):
    """The whole contract on a cluster-mode server that refuses any script touching two hash slots."""

    @pytest.fixture
    def backend(self, redis_cluster_store_backend: ContractBackend) -> ContractBackend:
        return redis_cluster_store_backend
