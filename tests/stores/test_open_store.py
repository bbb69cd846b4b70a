"""open_store: one URL picks the backend; bad URLs fail at start-up with a hint, never leaking a password."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wecom_suite
from wecom_suite.app.config import SuiteConfig
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.errors import ConfigError, StoreError
from wecom_suite.stores import MemoryStore, SQLiteStore, StoredToken, SuiteTicket, open_store
from wecom_suite.stores.url import POSTGRES_SCHEMES, REDIS_SCHEMES, STORE_SCHEMES, sqlite_path


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
        store.tokens.set_token("k", StoredToken("t", 2e9, 1e9))
    finally:
        store.close()
    again = open_store(store.url)
    try:
        assert again.tokens.get_token("k") == StoredToken("t", 2e9, 1e9)
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


@pytest.mark.parametrize("url", ["mysql://db/x", "wecom.db", ""])
def test_unknown_scheme(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        open_store(url)
    assert "memory://" in info.value.hint


def test_redis_url(redis_url: str) -> None:
    store = open_store(redis_url)
    try:
        assert type(store).__name__ == "RedisStore"
        store.tokens.set_token("k", StoredToken("t", 2e9, 1e9))
        assert store.tokens.get_token("k") == StoredToken("t", 2e9, 1e9)
    finally:
        store.close()


def test_redis_password_never_shows() -> None:
    url = "redis://:hunter2-secret@127.0.0.1:1/0"
    store = open_store(url)
    try:
        assert "hunter2" not in store.url
        assert "hunter2" not in repr(store)
        with pytest.raises(StoreError) as info:
            store.tokens.get_token("k")  # nothing listens on port 1
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

    code = "import sys, wecom_suite.stores, wecom_suite.stores.sqlite; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_closed_sqlite_store_says_closed(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path}/x.db")
    store.close()
    for call in (
        lambda: store.tokens.get_token("k"),
        lambda: store.inbox.stats("s"),
        lambda: store.tickets.save_ticket(SuiteTicket("s", "t", 1e9)),
    ):
        with pytest.raises(StoreError) as info:
            call()
        assert "closed" in str(info.value)
        assert "open_store" in info.value.hint


def test_a_closed_redis_store_says_closed(redis_url: str) -> None:
    store = open_store(redis_url)
    store.tokens.set_token("k", StoredToken("t", 2e9, 1e9))
    store.close()
    for call in (
        lambda: store.tokens.get_token("k"),
        lambda: store.inbox.stats("s"),
        lambda: store.leases.try_acquire("x", lease_seconds=1),
    ):
        with pytest.raises(StoreError) as info:
            call()
        assert "closed" in str(info.value)


def test_two_sqlite_stores_of_one_file_in_one_process_share_the_writer(tmp_path: Path) -> None:
    from wecom_suite.stores.sqlite import db

    first, second = SQLiteStore(tmp_path / "x.db"), SQLiteStore(tmp_path / "x.db")
    try:
        assert len([k for k in db._WRITERS if k[0] == str((tmp_path / "x.db").resolve())]) == 1
        first.tokens.set_token("k", StoredToken("t", 2e9, 1e9))
        first.close()
        assert second.tokens.get_token("k") == StoredToken("t", 2e9, 1e9)
        second.tokens.set_token("k2", StoredToken("t", 2e9, 1e9))  # the writer lives on for the second store
    finally:
        second.close()
    assert not [k for k in db._WRITERS if k[0] == str((tmp_path / "x.db").resolve())]


def test_a_newer_sqlite_schema_is_refused(tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "x.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError) as info:
        SQLiteStore(tmp_path / "x.db")
    assert "99" in str(info.value)
    assert "upgrade wecom-suite" in info.value.hint


# -- one list of store URL schemes --------------------------------------------------------------------


@pytest.mark.parametrize("scheme", [s for s in STORE_SCHEMES if s != "memory"])
def test_a_url_missing_its_slashes_gets_a_hint_for_its_own_scheme(scheme: str) -> None:
    """Configuration's hint knows every scheme ``open_store`` opens (it once forgot postgresql+psycopg)."""
    with pytest.raises(ConfigError) as info:
        SuiteConfig(
            suite_id="ww1234567890abcdef",
            suite_secret="s3cr3t-suite-secret-value-0123456789",
            token="QDG6eK",
            encoding_aes_key=generate_encoding_aes_key(),
            store_url=f"{scheme}:/somewhere",
        )
    assert info.value.setting == "store_url"
    hint = info.value.hint or ""
    if scheme == "sqlite":
        assert "sqlite:///" in hint
    else:
        assert f"write {scheme}://" in hint


def test_store_url_schemes_are_listed_once_in_src() -> None:
    """Only stores/url.py spells the schemes; the rest import REDIS_SCHEMES / POSTGRES_SCHEMES / STORE_SCHEMES."""
    root = Path(wecom_suite.__file__).parent
    owner = root / "stores" / "url.py"
    spelled: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if path == owner or "sandbox" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in {"rediss", "unix", "postgres", "postgresql+psycopg"}:
                spelled.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
    assert spelled == []
    assert set(REDIS_SCHEMES) | set(POSTGRES_SCHEMES) <= set(STORE_SCHEMES)
