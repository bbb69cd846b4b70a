"""open_store: one URL picks the backend; bad URLs fail at start-up with a hint, never leaking a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from wecom_suite.errors import ConfigError, StoreError
from wecom_suite.stores import MemoryStore, SQLiteStore, StoredToken, open_store
from wecom_suite.stores.url import sqlite_path


def test_memory_url() -> None:
    store = open_store("memory://")
    assert isinstance(store, MemoryStore)
    assert store.url == "memory://"


def test_absolute_sqlite_url_round_trips(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/abs.db"
    store = open_store(url)
    try:
        assert isinstance(store, SQLiteStore)
        assert store.path == tmp_path / "abs.db"
        assert store.url == url
        store.set_token("k", StoredToken("t", 2e9, 1e9))
    finally:
        store.close()
    again = open_store(store.url)
    try:
        assert again.get_token("k") == StoredToken("t", 2e9, 1e9)
    finally:
        again.close()
    assert (tmp_path / "abs.db").exists()


def test_relative_sqlite_url_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///./rel.db")
    try:
        assert store.url == "sqlite:///./rel.db"
    finally:
        store.close()
    assert (tmp_path / "rel.db").exists()


def test_sqlite_path_forms() -> None:
    assert sqlite_path("sqlite:///var/lib/wecom-suite.db") == "/var/lib/wecom-suite.db"
    assert sqlite_path("sqlite:////var/lib/wecom-suite.db") == "/var/lib/wecom-suite.db"
    assert sqlite_path("sqlite:///./data/x.db") == "./data/x.db"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite://relative.db"])
def test_sqlite_url_without_a_usable_path(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        open_store(url)
    assert info.value.setting == "store_url"
    assert "sqlite:///" in info.value.hint


def test_sqlite_in_a_missing_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(f"sqlite://{tmp_path}/missing/dir/x.db")
    assert "does not exist" in str(info.value)


@pytest.mark.parametrize("url", ["postgres://db/x", "wecom.db", ""])
def test_unknown_scheme(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        open_store(url)
    assert "memory://" in info.value.hint


def test_redis_url(redis_url: str) -> None:
    store = open_store(redis_url)
    try:
        assert type(store).__name__ == "RedisStore"
        store.set_token("k", StoredToken("t", 2e9, 1e9))
        assert store.get_token("k") == StoredToken("t", 2e9, 1e9)
    finally:
        store.close()


def test_redis_password_never_shows() -> None:
    url = "redis://:hunter2-secret@127.0.0.1:1/0"
    store = open_store(url)
    try:
        assert "hunter2" not in store.url
        assert "hunter2" not in repr(store)
        with pytest.raises(StoreError) as info:
            store.get_token("k")  # nothing listens on port 1
        assert "hunter2" not in str(info.value)
        assert "redis-server" in info.value.hint
    finally:
        store.close()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.db"
    path.write_bytes(b"this is not an sqlite file" * 100)
    with pytest.raises(StoreError) as info:
        open_store(f"sqlite://{path}")
    assert str(path) in str(info.value)
    assert info.value.hint


def test_redis_stays_an_optional_import() -> None:
    import subprocess
    import sys

    code = "import sys, wecom_suite.stores, wecom_suite.tokens; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
