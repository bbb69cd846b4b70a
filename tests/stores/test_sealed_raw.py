"""No secret in what a database holds when a key is set: the SQLite file, the Redis keys, the PostgreSQL rows.

These tests use only the public ``open_store(url, secret_keys=...)`` and then read the backend's own
bytes (the SQLite file and its WAL, every Redis key and value, every row of every table). Each first
checks that the same secrets *are* visible with no key set, so an absence means something.

NEEDS the rewritten SQLite, Redis and PostgreSQL backends (stores/sqlite*, stores/redis*,
stores/postgres*) and a ``postgres_url`` fixture (an empty database on a real PostgreSQL server).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from wecom_suite.clock import ManualClock
from wecom_suite.stores import CompanyRecord, InboxItem, Store, StoredToken, SuiteTicket, open_store
from wecom_suite.stores.sealing import Sealer, key_id_of
from wecom_suite.stores.token_keys import corp_token_key, suite_token_key
from wecom_suite.testing.sealed_store_contract import CURRENT_KEY, PREVIOUS_KEY, assert_no_plain_secrets, plain_forms
from wecom_suite.testing.store_contract import START

pytestmark = pytest.mark.timeout(60)

SUITE = "wwrawsuite0001"
CORP = "wwrawcorp0001"


def _secrets() -> dict[str, str]:
    """Fresh values per test, so nothing matches by accident or from an earlier run."""
    return {name: f"{name}-{secrets.token_hex(12)}" for name in ("ticket", "token", "code", "auth_code")}


def _fill(store: Store, s: dict[str, str]) -> None:
    store.tickets.save_ticket(SuiteTicket(SUITE, s["ticket"], START))
    store.tokens.set_token(suite_token_key(SUITE), StoredToken(s["token"], START + 7200, START))
    store.tokens.set_token(corp_token_key(SUITE, CORP), StoredToken(s["token"] + "-corp", START + 7200, START))
    store.companies.save_company(
        CompanyRecord(SUITE, CORP, s["code"], corp_name="甲公司", auth_info={"auth_corp_info": {"corpid": CORP}})
    )
    payload = f"<xml><SuiteId>{SUITE}</SuiteId><AuthCode><![CDATA[{s['auth_code']}]]></AuthCode></xml>"
    store.inbox.put(InboxItem("raw-item-1", SUITE, payload.encode(), START))


def _check(open_raw: Callable[[Sequence[str] | None], Store], read_all: Callable[[], bytes], where: str) -> None:
    plain = _secrets()
    store = open_raw(None)
    try:
        _fill(store, plain)
        raw = read_all()
    finally:
        store.close()
    for name in ("token", "code"):  # the control: without a key they are there to be found
        assert any(form in raw for form in plain_forms(plain[name])), f"{where}: the control did not find {name}"

    sealed = _secrets()
    store = open_raw([CURRENT_KEY, PREVIOUS_KEY])
    try:
        _fill(store, sealed)
        got = store.companies.get_company(SUITE, CORP)
        assert got is not None
        assert got.permanent_code == sealed["code"]
        raw = read_all()
    finally:
        store.close()
    raw += read_all()  # and after close (a checkpointed WAL, a flushed file)
    assert_no_plain_secrets(raw, list(sealed.values()), where=where)
    assert b"wsx1:" in raw


# -- SQLite ----------------------------------------------------------------------------------------


def test_sqlite_file_and_wal_hold_no_secret(tmp_path: Path) -> None:
    clock = ManualClock(START)
    url = f"sqlite:///{tmp_path / 'store.db'}"

    def read_all() -> bytes:
        return b"".join(p.read_bytes() for p in sorted(tmp_path.glob("store.db*")))

    def open_raw(keys: Sequence[str] | None) -> Store:
        for old in tmp_path.glob("store.db*"):  # each half starts from an empty database
            old.unlink()
        return open_store(url, clock, secret_keys=keys)

    _check(open_raw, read_all, "the SQLite file")


# -- Redis -----------------------------------------------------------------------------------------


def _redis_dump(url: str) -> bytes:
    """Every key name and every value, read by type (DUMP may LZF-compress, which would hide a plain value)."""
    import redis

    client = redis.Redis.from_url(url)
    out: list[bytes] = []
    try:
        for key in client.scan_iter(count=1000):
            out.append(key)
            kind = client.type(key)
            if kind == b"string":
                out.append(client.get(key) or b"")
            elif kind == b"hash":
                for field, value in client.hgetall(key).items():
                    out += [field, value]
            elif kind == b"list":
                out += client.lrange(key, 0, -1)
            elif kind == b"set":
                out += list(client.smembers(key))
            elif kind == b"zset":
                out += [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == b"stream":
                for _, fields in client.xrange(key):
                    for field, value in fields.items():
                        out += [field, value]
            else:
                raise AssertionError(f"unexpected Redis type {kind!r} at {key!r}")
    finally:
        client.close()
    return b"\n".join(out)


def test_redis_keys_and_values_hold_no_secret(redis_url: str) -> None:
    import redis

    clock = ManualClock(START)

    def open_raw(keys: Sequence[str] | None) -> Store:
        client = redis.Redis.from_url(redis_url)  # each half starts from an empty database
        client.flushdb()
        client.close()
        return open_store(redis_url, clock, secret_keys=keys)

    _check(open_raw, lambda: _redis_dump(redis_url), "the Redis keys")


# -- PostgreSQL ------------------------------------------------------------------------------------


def _postgres_dump(url: str) -> bytes:
    """Every row of every table outside the system schemas, each value as text or bytes."""
    import psycopg

    out: list[bytes] = []
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        assert tables, "no tables: did the store create its schema?"
        for schema, table in tables:
            for row in conn.execute(f'SELECT * FROM "{schema}"."{table}"'):  # noqa: S608 - names from the catalog
                for value in row:
                    out.append(bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode())
    return b"\n".join(out)


@pytest.fixture
def postgres_store_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("postgres_url")  # from the PostgreSQL backend's fixtures
    return url


def test_postgres_rows_hold_no_secret(postgres_store_url: str) -> None:
    import psycopg

    clock = ManualClock(START)

    def open_raw(keys: Sequence[str] | None) -> Store:
        store = open_store(postgres_store_url, clock, secret_keys=keys)
        with psycopg.connect(postgres_store_url) as conn:  # each half starts from empty tables
            for schema, table in conn.execute(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall():
                conn.execute(f'DELETE FROM "{schema}"."{table}"')  # noqa: S608 - names from the catalog
        return store

    _check(open_raw, lambda: _postgres_dump(postgres_store_url), "the PostgreSQL rows")


# -- the CLI, end to end on a file -----------------------------------------------------------------


@pytest.fixture
def rotated(tmp_path: Path) -> tuple[Path, str]:
    """A suite whose store was written under PREVIOUS_KEY, now configured with CURRENT_KEY first."""
    from wecom_suite.crypto import generate_encoding_aes_key

    db = tmp_path / "store.db"
    config = tmp_path / "suite.toml"
    config.write_text(
        f'suite_id = "{SUITE}"\nsuite_secret = "raw-suite-secret-0123456789abcdef"\ntoken = "tok123"\n'
        f'encoding_aes_key = "{generate_encoding_aes_key()}"\nstore_url = "sqlite:///{db}"\n'
        f'secret_key = "{CURRENT_KEY},{PREVIOUS_KEY}"\n',
        encoding="utf-8",
    )
    store = open_store(f"sqlite:///{db}", secret_keys=[PREVIOUS_KEY])
    try:
        _fill(store, _secrets())
        store.inbox.complete("raw-item-1", now=START)  # processed: its payload is gone
    finally:
        store.close()
    return config, f"sqlite:///{db}"


def test_store_rekey_command_moves_a_sqlite_store_to_the_new_key(rotated: tuple[Path, str]) -> None:
    from wecom_suite.cli.main import cli

    config, url = rotated
    result = CliRunner().invoke(cli, ["-c", str(config), "store", "rekey"], env={}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "older keys can be removed" in result.output
    assert "permanent_code  resealed=1" in result.output
    store = open_store(url)
    try:
        company = store.companies.get_company(SUITE, CORP)
        token = store.tokens.get_token(suite_token_key(SUITE))
    finally:
        store.close()
    assert company is not None
    assert token is not None
    assert key_id_of(company.permanent_code) == key_id_of(token.token) == Sealer([CURRENT_KEY]).key_id
    again = CliRunner().invoke(cli, ["-c", str(config), "store", "rekey"], env={}, catch_exceptions=False)
    assert "resealed=0" in again.output
    assert CURRENT_KEY not in result.output + again.output
