"""One contract, every backend: memory, SQLite and a real Redis must behave the same."""

from __future__ import annotations

import pytest
from store_backends import START, Backend

from wecom_suite.errors import StoreError, TicketExpired, TicketNotFound
from wecom_suite.stores import (
    CallbackInbox,
    CompanyRecord,
    CompanyRegistry,
    CompanyState,
    InboxItem,
    InstallStateStore,
    Lease,
    LockProvider,
    Store,
    StoredToken,
    SuiteTicket,
    TicketStore,
    TokenStore,
)

pytestmark = pytest.mark.timeout(60)


def test_backend_satisfies_every_protocol(backend: Backend) -> None:
    for protocol in (TicketStore, TokenStore, LockProvider, CompanyRegistry, CallbackInbox, InstallStateStore, Store):
        assert isinstance(backend.store, protocol), protocol.__name__
    assert backend.store.url.startswith(backend.kind if backend.kind != "memory" else "memory://")


# -- tickets ---------------------------------------------------------------------------------------


def test_missing_ticket_says_what_to_do(backend: Backend) -> None:
    with pytest.raises(TicketNotFound) as info:
        backend.store.get_ticket("ww-suite-1")
    assert info.value.suite_id == "ww-suite-1"
    assert "ww-suite-1" in str(info.value)
    assert "10 minutes" in info.value.hint


def test_ticket_round_trip_and_newest_wins(backend: Backend) -> None:
    s = backend.store
    s.save_ticket(SuiteTicket("suite-a", "ticket-1", START - 10))
    assert s.get_ticket("suite-a") == SuiteTicket("suite-a", "ticket-1", START - 10)
    s.save_ticket(SuiteTicket("suite-a", "ticket-2", START))
    assert s.get_ticket("suite-a").ticket == "ticket-2"
    s.save_ticket(SuiteTicket("suite-a", "ticket-late-delivery", START - 5))  # an older push arriving late
    assert s.get_ticket("suite-a").ticket == "ticket-2"


def test_tickets_are_per_suite(backend: Backend) -> None:
    s = backend.store
    s.save_ticket(SuiteTicket("suite-a", "ticket-a", START))
    s.save_ticket(SuiteTicket("suite-b", "ticket-b", START))
    assert s.get_ticket("suite-a").ticket == "ticket-a"
    assert s.get_ticket("suite-b").ticket == "ticket-b"
    with pytest.raises(TicketNotFound):
        s.get_ticket("suite-c")


def test_ticket_older_than_30_minutes_is_reported_expired(backend: Backend) -> None:
    s = backend.store
    s.save_ticket(SuiteTicket("suite-a", "ticket-1", START))
    backend.clock.advance(1799)
    assert s.get_ticket("suite-a").ticket == "ticket-1"
    backend.clock.advance(1)
    with pytest.raises(TicketExpired) as info:
        s.get_ticket("suite-a")
    assert info.value.age_seconds == pytest.approx(1800)
    assert "30 minutes" in str(info.value)
    assert "ticket-1" not in str(info.value)
    assert s.get_ticket("suite-a", allow_expired=True).ticket == "ticket-1"


# -- tokens ----------------------------------------------------------------------------------------


def test_token_round_trip_and_overwrite(backend: Backend) -> None:
    s = backend.store
    assert s.get_token("suite_token:a") is None
    first = StoredToken("tok-1", START + 7200, START)
    s.set_token("suite_token:a", first)
    assert s.get_token("suite_token:a") == first
    second = StoredToken("tok-2", START + 7300.5, START + 100.25)
    s.set_token("suite_token:a", second)
    assert s.get_token("suite_token:a") == second
    assert s.get_token("suite_token:b") is None


def test_expired_tokens_are_still_readable(backend: Backend) -> None:
    expired = StoredToken("tok-old", START - 1, START - 7201)
    backend.store.set_token("k", expired)
    assert backend.store.get_token("k") == expired


def test_compare_and_delete_keeps_a_fresher_token(backend: Backend) -> None:
    s = backend.store
    s.set_token("k", StoredToken("fresh", START + 7200, START))
    assert s.delete_token("k", only_if="stale") is False
    assert s.get_token("k") == StoredToken("fresh", START + 7200, START)
    assert s.delete_token("k", only_if="fresh") is True
    assert s.get_token("k") is None
    assert s.delete_token("k", only_if="fresh") is False


def test_unconditional_delete(backend: Backend) -> None:
    s = backend.store
    assert s.delete_token("k") is False
    s.set_token("k", StoredToken("t", START + 1, START))
    assert s.delete_token("k") is True
    assert s.get_token("k") is None


# -- leases ----------------------------------------------------------------------------------------


def test_lease_is_exclusive_until_released(backend: Backend) -> None:
    s = backend.store
    lease = s.try_acquire("refresh:k", lease_seconds=30)
    assert lease is not None
    assert lease.name == "refresh:k"
    assert lease.expires_at == pytest.approx(START + 30)
    assert s.try_acquire("refresh:k", lease_seconds=30) is None
    other = s.try_acquire("refresh:other", lease_seconds=30)
    assert other is not None
    assert s.release(lease) is True
    again = s.try_acquire("refresh:k", lease_seconds=30)
    assert again is not None
    assert again.owner != lease.owner


def test_only_the_owner_releases(backend: Backend) -> None:
    s = backend.store
    lease = s.try_acquire("refresh:k", lease_seconds=30)
    assert lease is not None
    forged = Lease(lease.name, "not-the-owner", lease.expires_at)
    assert s.release(forged) is False
    assert s.try_acquire("refresh:k", lease_seconds=30) is None
    assert s.release(lease) is True
    assert s.release(lease) is False


def test_lease_of_a_dead_holder_expires_and_its_late_release_is_refused(backend: Backend) -> None:
    s = backend.store
    seconds = 30  # long: the test must not wait for it (pass_lease expires it on the clock or the server)
    dead = s.try_acquire("refresh:k", lease_seconds=seconds)
    assert dead is not None
    backend.pass_lease("refresh:k", seconds)
    successor = s.try_acquire("refresh:k", lease_seconds=30)
    assert successor is not None
    assert s.release(dead) is False  # the old holder wakes up late: it must not free the successor's lock
    assert s.try_acquire("refresh:k", lease_seconds=30) is None
    assert s.release(successor) is True


# -- company registry ------------------------------------------------------------------------------


def _company(suite: str, corp: str, **kw: object) -> CompanyRecord:
    fields: dict[str, object] = {
        "permanent_code": f"pc-{suite}-{corp}",
        "corp_name": f"公司 {corp}",
        "auth_info": {"auth_corp_info": {"corpid": corp, "corp_name": f"公司 {corp}"}, "extra": [1, 2]},
        "installed_at": START,
        "updated_at": START,
    }
    fields.update(kw)
    return CompanyRecord(suite, corp, **fields)  # type: ignore[arg-type]


def test_company_round_trip_keeps_every_field(backend: Backend) -> None:
    s = backend.store
    assert s.get_company("suite-a", "corp-1") is None
    record = _company("suite-a", "corp-1", revoked_at=None)
    s.save_company(record)
    got = s.get_company("suite-a", "corp-1")
    assert got == record
    assert got is not None
    assert got.auth_info == record.auth_info
    assert got.corp_name == "公司 corp-1"
    assert got.active


def test_company_state_change_updates_lists_and_counts(backend: Backend) -> None:
    s = backend.store
    for corp in ("c3", "c1", "c2"):
        s.save_company(_company("suite-a", corp))
    s.save_company(_company("suite-a", "c2", state=CompanyState.REVOKED, revoked_at=START + 5))
    assert [c.corp_id for c in s.list_companies("suite-a")] == ["c1", "c2", "c3"]
    assert [c.corp_id for c in s.list_companies("suite-a", state=CompanyState.ACTIVE)] == ["c1", "c3"]
    assert [c.corp_id for c in s.list_companies("suite-a", state=CompanyState.REVOKED)] == ["c2"]
    assert s.count_companies("suite-a") == 3
    assert s.count_companies("suite-a", state=CompanyState.ACTIVE) == 2
    revoked = s.get_company("suite-a", "c2")
    assert revoked is not None
    assert revoked.revoked_at == START + 5
    assert not revoked.active
    s.save_company(_company("suite-a", "c2"))  # reinstalled
    assert s.count_companies("suite-a", state=CompanyState.REVOKED) == 0
    assert s.count_companies("suite-a", state=CompanyState.ACTIVE) == 3


def test_suites_sharing_a_store_do_not_see_each_others_companies(backend: Backend) -> None:
    s = backend.store
    s.save_company(_company("a:b", "c"))
    s.save_company(_company("a", "b:c"))
    s.save_company(_company("other", "c"))
    assert [c.permanent_code for c in s.list_companies("a:b")] == ["pc-a:b-c"]
    assert [c.permanent_code for c in s.list_companies("a")] == ["pc-a-b:c"]
    assert s.get_company("a", "c") is None
    assert s.get_company("other", "c") == _company("other", "c")
    assert s.count_companies("a") == 1
    assert s.count_companies("nobody") == 0


def test_company_repr_hides_the_permanent_code(backend: Backend) -> None:
    backend.store.save_company(_company("s", "corp-1", permanent_code="PERMANENT-SECRET-123456"))
    got = backend.store.get_company("s", "corp-1")
    assert "PERMANENT-SECRET-123456" not in repr(got)


# -- callback inbox --------------------------------------------------------------------------------


def _item(item_id: str, suite: str = "suite-a", at: float = START, **kw: object) -> InboxItem:
    return InboxItem(item_id, suite, f"<xml>{item_id}</xml>".encode(), at, **kw)  # type: ignore[arg-type]


def test_inbox_put_records_each_id_once(backend: Backend) -> None:
    s = backend.store
    assert s.put(_item("d1")) is True
    assert s.put(_item("d1")) is False
    assert s.pending_count("suite-a") == 1


def test_inbox_claims_oldest_first_and_hides_claimed_items(backend: Backend) -> None:
    s = backend.store
    s.put(_item("new", at=START + 2))
    s.put(_item("old", at=START))
    s.put(_item("mid", at=START + 1))
    first = s.claim("suite-a", now=START + 10, lease_seconds=60)
    assert first == _item("old", at=START)
    assert first is not None
    assert first.payload == b"<xml>old</xml>"
    second = s.claim("suite-a", now=START + 10, lease_seconds=60)
    third = s.claim("suite-a", now=START + 10, lease_seconds=60)
    assert second is not None
    assert third is not None
    assert (second.id, third.id) == ("mid", "new")
    assert s.claim("suite-a", now=START + 10, lease_seconds=60) is None
    assert s.pending_count("suite-a") == 3  # claimed is not done


def test_inbox_item_of_a_crashed_worker_is_handed_out_again_after_its_lease(backend: Backend) -> None:
    s = backend.store
    s.put(_item("d1"))
    assert s.claim("suite-a", now=START, lease_seconds=60) is not None
    assert s.claim("suite-a", now=START + 59, lease_seconds=60) is None
    again = s.claim("suite-a", now=START + 60, lease_seconds=60)
    assert again is not None
    assert again.id == "d1"


def test_inbox_retry_later_counts_attempts_and_waits(backend: Backend) -> None:
    s = backend.store
    s.put(_item("d1"))
    s.claim("suite-a", now=START, lease_seconds=60)
    s.retry_later("d1", not_before=START + 30, error="handler raised ValueError")
    assert s.claim("suite-a", now=START + 29, lease_seconds=60) is None
    again = s.claim("suite-a", now=START + 30, lease_seconds=60)
    assert again is not None
    assert again.attempts == 1
    assert again.not_before == START + 30
    assert again.last_error == "handler raised ValueError"


def test_inbox_complete_is_final_and_remembers_the_id(backend: Backend) -> None:
    s = backend.store
    s.put(_item("d1"))
    s.put(_item("d2", at=START + 1))
    claimed = s.claim("suite-a", now=START, lease_seconds=60)
    assert claimed is not None
    s.complete(claimed.id)
    assert s.pending_count("suite-a") == 1
    s.retry_later("d1", not_before=START, error="late retry from a slow worker")  # must not resurrect it
    assert s.put(_item("d1")) is False  # a re-delivery of a processed callback
    nxt = s.claim("suite-a", now=START + 1000, lease_seconds=60)
    assert nxt is not None
    assert nxt.id == "d2"
    assert s.claim("suite-a", now=START + 1030, lease_seconds=60) is None  # d2 is leased, d1 is done


def test_inbox_respects_not_before_on_put(backend: Backend) -> None:
    s = backend.store
    s.put(_item("later", not_before=START + 100))
    assert s.claim("suite-a", now=START, lease_seconds=10) is None
    got = s.claim("suite-a", now=START + 100, lease_seconds=10)
    assert got is not None
    assert got.id == "later"


def test_inbox_is_per_suite(backend: Backend) -> None:
    s = backend.store
    s.put(_item("a1", suite="suite-a"))
    s.put(_item("b1", suite="suite-b"))
    got = s.claim("suite-b", now=START, lease_seconds=10)
    assert got is not None
    assert got.id == "b1"
    assert s.claim("suite-b", now=START, lease_seconds=10) is None
    assert s.pending_count("suite-a") == 1
    assert s.pending_count("suite-c") == 0


# -- install states --------------------------------------------------------------------------------


def test_install_state_is_single_use(backend: Backend) -> None:
    s = backend.store
    s.issue_state("st-1", expires_at=START + 600, data="/after-install")
    assert s.consume_state("st-1", now=START + 1) == "/after-install"
    assert s.consume_state("st-1", now=START + 2) is None
    assert s.consume_state("never-issued", now=START) is None


def test_install_state_expires(backend: Backend) -> None:
    s = backend.store
    s.issue_state("st-1", expires_at=START + 600)
    assert s.consume_state("st-1", now=START + 600) is None
    s.issue_state("st-2", expires_at=START + 600)
    assert s.consume_state("st-2", now=START + 599) == ""


def test_install_states_are_per_suite(backend: Backend) -> None:
    s = backend.store
    s.issue_state("st", expires_at=START + 600, data="for-a", suite_id="suite-a")
    assert s.consume_state("st", now=START, suite_id="suite-b") is None
    assert s.consume_state("st", now=START) is None
    assert s.consume_state("st", now=START, suite_id="suite-a") == "for-a"


# -- restart ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "redis"], indirect=True)
def test_everything_survives_a_restart(backend: Backend) -> None:
    s = backend.store
    s.save_ticket(SuiteTicket("suite-a", "ticket-1", START))
    s.set_token("suite_token:suite-a", StoredToken("tok", START + 7200, START))
    s.save_company(_company("suite-a", "corp-1"))
    s.put(_item("d1"))
    s.issue_state("st", expires_at=START + 600, data="x")
    s = backend.reopen()
    assert s.get_ticket("suite-a").ticket == "ticket-1"
    assert s.get_token("suite_token:suite-a") == StoredToken("tok", START + 7200, START)
    assert s.get_company("suite-a", "corp-1") == _company("suite-a", "corp-1")
    assert s.pending_count("suite-a") == 1
    assert s.consume_state("st", now=START) == "x"


def test_closed_sqlite_store_says_so(tmp_path: object) -> None:
    from pathlib import Path

    from wecom_suite.stores import SQLiteStore

    store = SQLiteStore(Path(str(tmp_path)) / "x.db")
    store.close()
    with pytest.raises(StoreError) as info:
        store.get_token("k")
    assert "closed" in str(info.value)


def test_concurrent_contenders_get_exactly_one_lease(backend: Backend) -> None:
    import threading

    start = threading.Barrier(16)
    won: list[Lease] = []

    def contend() -> None:
        start.wait()
        lease = backend.store.try_acquire("refresh:contended", lease_seconds=30)
        if lease is not None:
            won.append(lease)

    threads = [threading.Thread(target=contend) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(won) == 1


def test_concurrent_claimers_never_get_the_same_item(backend: Backend) -> None:
    import threading

    for n in range(20):
        backend.store.put(_item(f"d{n:02d}", at=START + n))
    start = threading.Barrier(8)
    claimed: list[str] = []

    def work() -> None:
        start.wait()
        while (item := backend.store.claim("suite-a", now=START + 100, lease_seconds=60)) is not None:
            claimed.append(item.id)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(claimed) == [f"d{n:02d}" for n in range(20)]


def test_inbox_ties_in_received_at_go_by_id(backend: Backend) -> None:
    s = backend.store
    for item_id in ("d3", "d1", "d2"):
        s.put(_item(item_id, at=START))
    order = [s.claim("suite-a", now=START, lease_seconds=60) for _ in range(3)]
    assert [item.id for item in order if item is not None] == ["d1", "d2", "d3"]
