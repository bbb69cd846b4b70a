"""An auth_code is exchanged once, whichever of the redirect and the create_auth callback comes first."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from wecom_suite.app.auth_code_redemption import AuthCodeRedemption, auth_code_key
from wecom_suite.clock import ManualClock
from wecom_suite.errors import LockTimeout
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import CompanyRecord
from wecom_suite.stores.redis import RedisStore
from wecom_suite.stores.sqlite import SQLiteStore

SUITE = "wwsuite"


class Exchanger:
    """Plays get_permanent_code: one use per code, like WeCom (a second use is error 40078)."""

    def __init__(self, store: MemoryStore | SQLiteStore | RedisStore, gate: threading.Event | None = None) -> None:
        self.store = store
        self.used: list[str] = []
        self.gate = gate

    def __call__(self, auth_code: str, event_time: int = 0) -> CompanyRecord:
        if self.gate is not None:
            assert self.gate.wait(10)
        if auth_code in self.used:
            raise RuntimeError("40078 auth_code already used")
        self.used.append(auth_code)
        record = CompanyRecord(suite_id=SUITE, corp_id="wwcorp", permanent_code="perm-" + auth_code[:4])
        self.store.companies.save_company(record)
        return record


def test_second_redemption_is_a_no_op() -> None:
    store = MemoryStore(ManualClock(0))
    exchange = Exchanger(store)
    redemption = AuthCodeRedemption(store, SUITE, exchange)
    assert redemption.lookup("code-1") is None
    company, exchanged = redemption.redeem("code-1")
    assert (company.corp_id, exchanged) == ("wwcorp", True)
    again, exchanged_again = redemption.redeem("code-1")
    assert (again.corp_id, exchanged_again) == ("wwcorp", False)
    assert exchange.used == ["code-1"]
    assert "code-1" not in auth_code_key(SUITE, "code-1")  # the store never sees the code itself


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_concurrent_paths_across_two_processes_exchange_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Two store connections (one SQLite file, or one Redis) stand in for two processes or hosts."""
    if backend == "sqlite":
        path = str(tmp_path / "s.db")
        store_a, store_b = SQLiteStore(path), SQLiteStore(path)
    else:
        url = request.getfixturevalue("redis_url")
        store_a, store_b = RedisStore(url), RedisStore(url)
    gate = threading.Event()
    exchange_a, exchange_b = Exchanger(store_a, gate), Exchanger(store_b, gate)
    results: list[tuple[str, bool]] = []

    def run(redemption: AuthCodeRedemption) -> None:
        company, exchanged = redemption.redeem("the-code")
        results.append((company.corp_id, exchanged))

    threads = [
        threading.Thread(target=run, args=(AuthCodeRedemption(store_a, SUITE, exchange_a, poll_interval=0.01),)),
        threading.Thread(target=run, args=(AuthCodeRedemption(store_b, SUITE, exchange_b, poll_interval=0.01),)),
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(20)
    store_a.close()
    store_b.close()
    assert sorted(results) == [("wwcorp", False), ("wwcorp", True)]
    assert len(exchange_a.used) + len(exchange_b.used) == 1


def test_waiting_for_a_holder_that_never_finishes_times_out() -> None:
    store = MemoryStore(ManualClock(0))
    store.leases.try_acquire(auth_code_key(SUITE, "stuck"), lease_seconds=600)
    redemption = AuthCodeRedemption(store, SUITE, Exchanger(store), wait_timeout=0.2, poll_interval=0.01)
    with pytest.raises(LockTimeout, match="redeeming"):
        redemption.redeem("stuck")


def test_a_failed_exchange_releases_the_lease() -> None:
    store = MemoryStore(ManualClock(0))

    def broken(code: str, event_time: int = 0) -> CompanyRecord:
        raise RuntimeError("WeCom down")

    with pytest.raises(RuntimeError):
        AuthCodeRedemption(store, SUITE, broken).redeem("c")
    _company, exchanged = AuthCodeRedemption(store, SUITE, Exchanger(store)).redeem("c")
    assert exchanged
