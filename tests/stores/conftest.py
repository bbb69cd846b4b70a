"""Fixtures of the store tests: each backend under the shipped contract's :class:`ContractBackend`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import memory_backend, redis_backend, sqlite_backend

from wecom_suite.testing.store_contract import ContractBackend


@pytest.fixture
def memory_store_backend() -> Iterator[ContractBackend]:
    backend = memory_backend()
    yield backend
    backend.close()


@pytest.fixture
def sqlite_store_backend(tmp_path: Path) -> Iterator[ContractBackend]:
    backend = sqlite_backend(tmp_path / "store.db")
    yield backend
    backend.close()


@pytest.fixture
def redis_store_backend(redis_url: str) -> Iterator[ContractBackend]:
    backend = redis_backend(redis_url)
    yield backend
    backend.close()
