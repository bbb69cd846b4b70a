"""The store contract: the tests every backend must pass, shipped so that your own backend can run them.

Subclass :class:`StoreContract` in a test module and give it a ``backend`` fixture::

    import pytest
    from wecom_suite.clock import ManualClock
    from wecom_suite.testing.store_contract import START, ContractBackend, StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def backend(self):
            clock = ManualClock(START)
            store = my_open_store(clock)          # a wecom_suite.stores.Store
            yield ContractBackend(store, clock, reopen=lambda: my_open_store(clock))
            store.close()

pytest then runs every ``test_*`` method below against your store. ``reopen`` opens the same data
again, as a restarted process (or a second host) would; a store that keeps nothing across processes
returns the same object. Parts judge leases and ticket ages by the store's clock, so the contract
moves a :class:`~wecom_suite.clock.ManualClock` and never sleeps; a backend whose leases expire on
its server (Redis ``PX``) overrides ``pass_lease``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from ..clock import ManualClock
from ..errors import TicketExpired, TicketNotFound
from ..stores import (
    CallbackSource,
    Companies,
    CompanyRecord,
    CompanyState,
    Inbox,
    InboxItem,
    InstallStates,
    ItemState,
    Lease,
    Leases,
    Store,
    StoredToken,
    SuiteTicket,
    Tickets,
    Tokens,
)

__all__ = ["START", "ContractBackend", "StoreContract"]

START = 1_700_000_000.0


@dataclass
class ContractBackend:
    """A store under test, its clock, and how to open its data again."""

    store: Store
    clock: ManualClock
    reopen: Callable[[], Store] | None = None
    pass_lease: Callable[[str, float], None] | None = field(default=None)
    others: list[Store] = field(default_factory=list)

    def restart(self) -> Store:
        """Close the store and open the same data again (as after a process restart)."""
        if self.reopen is None:
            return self.store
        self.store.close()
        self.store = self.reopen()
        return self.store

    def second(self) -> Store:
        """Another store on the same data, as a second process or host would open it (closed by ``close``)."""
        if self.reopen is None:
            return self.store
        other = self.reopen()
        self.others.append(other)
        return other

    def expire_lease(self, name: str, lease_seconds: float) -> None:
        """Let the lease ``name`` (taken for ``lease_seconds``) run out without waiting."""
        if self.pass_lease is not None:
            self.pass_lease(name, lease_seconds)
        else:
            self.clock.advance(lease_seconds)

    def close(self) -> None:
        for other in self.others:
            other.close()
        self.store.close()


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


def _item(item_id: str, suite: str = "suite-a", at: float = START, **kw: object) -> InboxItem:
    return InboxItem(item_id, suite, f"<xml>{item_id}</xml>".encode(), at, **kw)  # type: ignore[arg-type]


def _claim_ids(inbox: Inbox, n: int, *, now: float, suite: str = "suite-a") -> list[str]:
    """Claim up to ``n`` items (leases of 60 s) and complete each at once; their ids in claim order."""
    ids: list[str] = []
    for _ in range(n):
        claim = inbox.claim(suite, now=now, lease_seconds=60)
        if claim is None:
            break
        ids.append(claim.item.id)
        inbox.complete(claim.item.id, now=now)
    return ids


class StoreContract:
    """Every behaviour the app relies on, part by part. Needs a ``backend`` fixture (see the module doc)."""

    # -- shape -------------------------------------------------------------------------------------

    def test_store_has_every_part(self, backend: ContractBackend) -> None:
        s = backend.store
        for part, protocol in (
            (s.tickets, Tickets),
            (s.tokens, Tokens),
            (s.leases, Leases),
            (s.companies, Companies),
            (s.inbox, Inbox),
            (s.install_states, InstallStates),
        ):
            assert isinstance(part, protocol), protocol.__name__
        assert s.url

    # -- tickets -----------------------------------------------------------------------------------

    def test_missing_ticket_says_what_to_do(self, backend: ContractBackend) -> None:
        with pytest.raises(TicketNotFound) as info:
            backend.store.tickets.get_ticket("ww-suite-1")
        assert info.value.suite_id == "ww-suite-1"
        assert "ww-suite-1" in str(info.value)
        assert "10 minutes" in info.value.hint

    def test_ticket_round_trip_and_newest_wins(self, backend: ContractBackend) -> None:
        t = backend.store.tickets
        t.save_ticket(SuiteTicket("suite-a", "ticket-1", START - 10))
        assert t.get_ticket("suite-a") == SuiteTicket("suite-a", "ticket-1", START - 10)
        t.save_ticket(SuiteTicket("suite-a", "ticket-2", START))
        assert t.get_ticket("suite-a").ticket == "ticket-2"
        t.save_ticket(SuiteTicket("suite-a", "ticket-late-delivery", START - 5))  # an older push arriving late
        assert t.get_ticket("suite-a").ticket == "ticket-2"

    def test_ticket_saved_again_with_the_same_time_replaces_it(self, backend: ContractBackend) -> None:
        """``store rekey`` re-saves a ticket as it is, sealed under the new key: equal is not newer."""
        t = backend.store.tickets
        t.save_ticket(SuiteTicket("suite-a", "ticket-1", START))
        t.save_ticket(SuiteTicket("suite-a", "ticket-1-resealed", START))
        assert t.get_ticket("suite-a").ticket == "ticket-1-resealed"

    def test_tickets_are_per_suite(self, backend: ContractBackend) -> None:
        t = backend.store.tickets
        t.save_ticket(SuiteTicket("suite-a", "ticket-a", START))
        t.save_ticket(SuiteTicket("suite-b", "ticket-b", START))
        assert t.get_ticket("suite-a").ticket == "ticket-a"
        assert t.get_ticket("suite-b").ticket == "ticket-b"
        with pytest.raises(TicketNotFound):
            t.get_ticket("suite-c")

    def test_ticket_older_than_30_minutes_is_reported_expired(self, backend: ContractBackend) -> None:
        t = backend.store.tickets
        t.save_ticket(SuiteTicket("suite-a", "ticket-1", START))
        backend.clock.advance(1799)
        assert t.get_ticket("suite-a").ticket == "ticket-1"
        backend.clock.advance(1)
        with pytest.raises(TicketExpired) as info:
            t.get_ticket("suite-a")
        assert info.value.age_seconds == pytest.approx(1800)
        assert "30 minutes" in str(info.value)
        assert "ticket-1" not in str(info.value)
        assert t.get_ticket("suite-a", allow_expired=True).ticket == "ticket-1"

    # -- tokens ------------------------------------------------------------------------------------

    def test_token_round_trip_and_overwrite(self, backend: ContractBackend) -> None:
        t = backend.store.tokens
        assert t.get_token("suite_token:a") is None
        first = StoredToken("tok-1", START + 7200, START)
        t.set_token("suite_token:a", first)
        assert t.get_token("suite_token:a") == first
        second = StoredToken("tok-2", START + 7300.5, START + 100.25)
        t.set_token("suite_token:a", second)
        assert t.get_token("suite_token:a") == second
        assert t.get_token("suite_token:b") is None

    def test_expired_tokens_are_still_readable(self, backend: ContractBackend) -> None:
        expired = StoredToken("tok-old", START - 1, START - 7201)
        backend.store.tokens.set_token("k", expired)
        assert backend.store.tokens.get_token("k") == expired

    def test_compare_and_delete_keeps_a_fresher_token(self, backend: ContractBackend) -> None:
        t = backend.store.tokens
        t.set_token("k", StoredToken("fresh", START + 7200, START))
        assert t.delete_token("k", only_if="stale") is False
        assert t.get_token("k") == StoredToken("fresh", START + 7200, START)
        assert t.delete_token("k", only_if="fresh") is True
        assert t.get_token("k") is None
        assert t.delete_token("k", only_if="fresh") is False

    def test_unconditional_delete(self, backend: ContractBackend) -> None:
        t = backend.store.tokens
        assert t.delete_token("k") is False
        t.set_token("k", StoredToken("t", START + 1, START))
        assert t.delete_token("k") is True
        assert t.get_token("k") is None

    # -- leases ------------------------------------------------------------------------------------

    def test_lease_is_exclusive_until_released(self, backend: ContractBackend) -> None:
        leases = backend.store.leases
        lease = leases.try_acquire("refresh:k", lease_seconds=30)
        assert lease is not None
        assert lease.name == "refresh:k"
        assert lease.expires_at == pytest.approx(START + 30)
        assert leases.try_acquire("refresh:k", lease_seconds=30) is None
        assert leases.try_acquire("refresh:other", lease_seconds=30) is not None
        assert leases.release(lease) is True
        again = leases.try_acquire("refresh:k", lease_seconds=30)
        assert again is not None
        assert again.owner != lease.owner

    def test_only_the_owner_releases(self, backend: ContractBackend) -> None:
        leases = backend.store.leases
        lease = leases.try_acquire("refresh:k", lease_seconds=30)
        assert lease is not None
        assert leases.release(Lease(lease.name, "not-the-owner", lease.expires_at)) is False
        assert leases.try_acquire("refresh:k", lease_seconds=30) is None
        assert leases.release(lease) is True
        assert leases.release(lease) is False

    def test_lease_of_a_dead_holder_expires_and_its_late_release_is_refused(self, backend: ContractBackend) -> None:
        leases = backend.store.leases
        dead = leases.try_acquire("refresh:k", lease_seconds=30)
        assert dead is not None
        backend.expire_lease("refresh:k", 30)
        successor = leases.try_acquire("refresh:k", lease_seconds=30)
        assert successor is not None
        assert leases.release(dead) is False  # the old holder wakes up late: it must not free the successor's lock
        assert leases.try_acquire("refresh:k", lease_seconds=30) is None
        assert leases.release(successor) is True

    def test_concurrent_contenders_get_exactly_one_lease(self, backend: ContractBackend) -> None:
        start = threading.Barrier(16)
        won: list[Lease] = []

        def contend() -> None:
            start.wait(10)
            lease = backend.store.leases.try_acquire("refresh:contended", lease_seconds=30)
            if lease is not None:
                won.append(lease)

        threads = [threading.Thread(target=contend) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert len(won) == 1

    # -- companies ---------------------------------------------------------------------------------

    def test_company_round_trip_keeps_every_field(self, backend: ContractBackend) -> None:
        c = backend.store.companies
        assert c.get_company("suite-a", "corp-1") is None
        record = _company("suite-a", "corp-1", revoked_at=None, auth_event_time=1_700_000_123)
        c.save_company(record)
        got = c.get_company("suite-a", "corp-1")
        assert got == record
        assert got is not None
        assert got.auth_info == record.auth_info
        assert got.corp_name == "公司 corp-1"
        assert got.auth_event_time == 1_700_000_123
        assert got.active

    def test_company_state_change_updates_lists_and_counts(self, backend: ContractBackend) -> None:
        c = backend.store.companies
        for corp in ("c3", "c1", "c2"):
            c.save_company(_company("suite-a", corp))
        c.save_company(_company("suite-a", "c2", state=CompanyState.REVOKED, revoked_at=START + 5))
        assert [x.corp_id for x in c.list_companies("suite-a")] == ["c1", "c2", "c3"]
        assert [x.corp_id for x in c.list_companies("suite-a", state=CompanyState.ACTIVE)] == ["c1", "c3"]
        assert [x.corp_id for x in c.list_companies("suite-a", state=CompanyState.REVOKED)] == ["c2"]
        assert c.count_companies("suite-a") == 3
        assert c.count_companies("suite-a", state=CompanyState.ACTIVE) == 2
        revoked = c.get_company("suite-a", "c2")
        assert revoked is not None
        assert revoked.revoked_at == START + 5
        assert not revoked.active
        c.save_company(_company("suite-a", "c2"))  # reinstalled
        assert c.count_companies("suite-a", state=CompanyState.REVOKED) == 0
        assert c.count_companies("suite-a", state=CompanyState.ACTIVE) == 3

    def test_suites_sharing_a_store_do_not_see_each_others_companies(self, backend: ContractBackend) -> None:
        c = backend.store.companies
        c.save_company(_company("a:b", "c"))
        c.save_company(_company("a", "b:c"))
        c.save_company(_company("other", "c"))
        assert [x.permanent_code for x in c.list_companies("a:b")] == ["pc-a:b-c"]
        assert [x.permanent_code for x in c.list_companies("a")] == ["pc-a-b:c"]
        assert c.get_company("a", "c") is None
        assert c.get_company("other", "c") == _company("other", "c")
        assert c.count_companies("a") == 1
        assert c.count_companies("nobody") == 0

    def test_company_repr_hides_the_permanent_code(self, backend: ContractBackend) -> None:
        backend.store.companies.save_company(_company("s", "corp-1", permanent_code="PERMANENT-SECRET-123456"))
        got = backend.store.companies.get_company("s", "corp-1")
        assert got is not None
        assert "PERMANENT-SECRET-123456" not in repr(got)

    # -- install states ----------------------------------------------------------------------------

    def test_install_state_is_single_use(self, backend: ContractBackend) -> None:
        st = backend.store.install_states
        st.issue_state("st-1", expires_at=START + 600, data="/after-install")
        assert st.consume_state("st-1", now=START + 1) == "/after-install"
        assert st.consume_state("st-1", now=START + 2) is None
        assert st.consume_state("never-issued", now=START) is None

    def test_install_state_expires(self, backend: ContractBackend) -> None:
        st = backend.store.install_states
        st.issue_state("st-1", expires_at=START + 600)
        assert st.consume_state("st-1", now=START + 600) is None
        st.issue_state("st-2", expires_at=START + 600)
        assert st.consume_state("st-2", now=START + 599) == ""

    def test_install_states_are_per_suite(self, backend: ContractBackend) -> None:
        st = backend.store.install_states
        st.issue_state("st", expires_at=START + 600, data="for-a", suite_id="suite-a")
        assert st.consume_state("st", now=START, suite_id="suite-b") is None
        assert st.consume_state("st", now=START) is None
        assert st.consume_state("st", now=START, suite_id="suite-a") == "for-a"

    # -- inbox: recording --------------------------------------------------------------------------

    def test_inbox_records_each_id_once_and_keeps_every_field(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        payload = "<xml><Content><![CDATA[hello\x02世界]]></Content></xml>".encode() + b"\xff\x00"
        item = InboxItem(
            "d1",
            "suite-a",
            payload,
            START + 0.25,
            queue="wwcorp1",
            source=CallbackSource.DATA,
            event_time=1_700_000_001,
            not_before=START + 4.5,
        )
        assert inbox.put(item) is True
        assert inbox.put(item) is False
        assert inbox.put(_item("d1", queue="other")) is False  # the id decides, not the content
        got = inbox.get_item("d1")
        assert got == item
        assert got is not None
        assert got.payload == payload
        assert inbox.get_item("nope") is None

    def test_inbox_survives_a_restart(self, backend: ContractBackend) -> None:
        backend.store.inbox.put(_item("d1", queue="corp-1", event_time=5))
        backend.store.tickets.save_ticket(SuiteTicket("suite-a", "ticket-1", START))
        backend.store.tokens.set_token("suite_token:suite-a", StoredToken("tok", START + 7200, START))
        backend.store.companies.save_company(_company("suite-a", "corp-1"))
        backend.store.install_states.issue_state("st", expires_at=START + 600, data="x")
        s = backend.restart()
        assert s.tickets.get_ticket("suite-a").ticket == "ticket-1"
        assert s.tokens.get_token("suite_token:suite-a") == StoredToken("tok", START + 7200, START)
        assert s.companies.get_company("suite-a", "corp-1") == _company("suite-a", "corp-1")
        assert s.install_states.consume_state("st", now=START) == "x"
        claim = s.inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        assert claim.item == _item("d1", queue="corp-1", event_time=5, leased_until=START + 60)

    # -- inbox: order ------------------------------------------------------------------------------

    def test_inbox_queue_goes_by_wecom_timestamp_then_arrival_then_id(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("late-sent", at=START, event_time=300, queue="c"))  # arrived first, sent last
        inbox.put(_item("b", at=START + 2, event_time=100, queue="c"))
        inbox.put(_item("a", at=START + 2, event_time=100, queue="c"))  # same second and arrival: by id
        inbox.put(_item("first-arrival", at=START + 1, event_time=100, queue="c"))
        assert _claim_ids(inbox, 5, now=START + 10) == ["first-arrival", "a", "b", "late-sent"]

    def test_inbox_hands_out_one_item_per_queue_at_a_time(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        for n in range(3):
            inbox.put(_item(f"x{n}", at=START + n, queue="corp-x"))
            inbox.put(_item(f"y{n}", at=START + n + 0.5, queue="corp-y"))
        first = inbox.claim("suite-a", now=START + 10, lease_seconds=60)
        second = inbox.claim("suite-a", now=START + 10, lease_seconds=60)
        assert first is not None
        assert second is not None
        assert (first.item.id, second.item.id) == ("x0", "y0")  # the oldest head first; then the other queue
        assert inbox.claim("suite-a", now=START + 10, lease_seconds=60) is None  # both queues are busy
        inbox.complete("y0", now=START + 11)
        third = inbox.claim("suite-a", now=START + 11, lease_seconds=60)
        assert third is not None
        assert third.item.id == "y1"
        assert third.item.leased_until == START + 71

    def test_inbox_head_waiting_for_backoff_holds_only_its_queue(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("stuck", at=START, queue="corp-1"))
        inbox.put(_item("behind", at=START + 1, queue="corp-1"))
        inbox.put(_item("other", at=START + 2, queue="corp-2"))
        claim = inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        assert claim.item.id == "stuck"
        inbox.retry_later("stuck", not_before=START + 100, error="ConnectionError: boom")
        assert _claim_ids(inbox, 3, now=START + 50) == ["other"]  # "behind" waits for its head
        again = inbox.claim("suite-a", now=START + 100, lease_seconds=60)
        assert again is not None
        assert again.item.id == "stuck"
        assert again.item.attempts == 1
        assert again.item.last_error == "ConnectionError: boom"

    def test_inbox_earlier_item_arriving_while_a_later_one_is_leased_waits_for_it(
        self, backend: ContractBackend
    ) -> None:
        """WeCom redelivers an older event while a newer one of the same company is being processed."""
        inbox = backend.store.inbox
        inbox.put(_item("newer", at=START, event_time=200, queue="corp-1"))
        inbox.put(_item("other", at=START + 1, event_time=300, queue="corp-2"))
        claim = inbox.claim("suite-a", now=START + 1, lease_seconds=60)
        assert claim is not None
        assert claim.item.id == "newer"
        inbox.put(_item("older", at=START + 2, event_time=100, queue="corp-1"))  # now first in corp-1
        assert _claim_ids(inbox, 3, now=START + 2) == ["other"]  # corp-1 has one in progress: it waits
        renewed = inbox.renew(claim, now=START + 30, lease_seconds=60)
        assert renewed is not None
        assert inbox.claim("suite-a", now=START + 61, lease_seconds=60) is None  # renewed: still in progress
        inbox.complete("newer", now=START + 62)
        assert _claim_ids(inbox, 3, now=START + 62) == ["older"]
        inbox.put(_item("late", at=START + 70, event_time=150, queue="corp-1"))
        inbox.put(_item("later", at=START + 71, event_time=160, queue="corp-1"))
        first = inbox.claim("suite-a", now=START + 80, lease_seconds=10)
        assert first is not None
        assert first.item.id == "late"
        inbox.put(_item("earliest", at=START + 81, event_time=50, queue="corp-1"))
        assert inbox.claim("suite-a", now=START + 89, lease_seconds=10) is None
        taken = inbox.claim("suite-a", now=START + 90, lease_seconds=10)  # "late"'s worker died: its lease ran out
        assert taken is not None
        assert taken.item.id == "earliest"

    def test_inbox_not_before_on_put_delays_the_item(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("later", not_before=START + 100))
        assert inbox.claim("suite-a", now=START, lease_seconds=10) is None
        claim = inbox.claim("suite-a", now=START + 100, lease_seconds=10)
        assert claim is not None
        assert claim.item.id == "later"

    def test_inbox_is_per_suite(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("a1", suite="suite-a"))
        inbox.put(_item("b1", suite="suite-b"))
        claim = inbox.claim("suite-b", now=START, lease_seconds=10)
        assert claim is not None
        assert claim.item.id == "b1"
        assert inbox.claim("suite-b", now=START, lease_seconds=10) is None
        assert inbox.stats("suite-a").pending == 1
        assert inbox.stats("suite-c").pending == 0

    def test_two_stores_on_one_database_keep_wecom_order(self, backend: ContractBackend) -> None:
        """Two hosts whose clocks differ record one company's callbacks out of order."""
        host_a, host_b = backend.store, backend.second()
        host_a.inbox.put(_item("cancel", at=START + 50, event_time=2000, queue="corp-1"))  # fast clock, later event
        host_b.inbox.put(_item("create", at=START - 50, event_time=1000, queue="corp-1"))
        host_b.inbox.put(_item("change", at=START - 60, event_time=1500, queue="corp-1"))
        order = _claim_ids(host_b.inbox, 2, now=START + 100) + _claim_ids(host_a.inbox, 2, now=START + 100)
        assert order == ["create", "change", "cancel"]

    def test_concurrent_claimers_never_get_the_same_item(self, backend: ContractBackend) -> None:
        for n in range(20):
            backend.store.inbox.put(_item(f"d{n:02d}", at=START + n, queue=f"corp-{n % 7}"))
        start = threading.Barrier(8)
        claimed: list[str] = []
        lock = threading.Lock()

        def work() -> None:
            start.wait(10)
            for _ in range(40):  # bounded: 20 items among 8 workers
                claim = backend.store.inbox.claim("suite-a", now=START + 100, lease_seconds=60)
                if claim is None:
                    if backend.store.inbox.stats("suite-a").pending == 0:
                        return
                    continue
                with lock:
                    claimed.append(claim.item.id)
                backend.store.inbox.complete(claim.item.id, now=START + 100)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert sorted(claimed) == [f"d{n:02d}" for n in range(20)]

    # -- inbox: leases -----------------------------------------------------------------------------

    def test_inbox_item_of_a_crashed_worker_is_handed_out_again_after_its_lease(
        self, backend: ContractBackend
    ) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("d1"))
        assert inbox.claim("suite-a", now=START, lease_seconds=60) is not None
        assert inbox.claim("suite-a", now=START + 59, lease_seconds=60) is None
        again = inbox.claim("suite-a", now=START + 60, lease_seconds=60)
        assert again is not None
        assert again.item.id == "d1"
        assert again.item.attempts == 0  # a crash is not a failed attempt the worker could report

    def test_inbox_lease_renewal_keeps_other_workers_away(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("slow"))
        claim = inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        renewed = inbox.renew(claim, now=START + 50, lease_seconds=60)
        assert renewed is not None
        assert renewed.leased_until == START + 110
        assert inbox.claim("suite-a", now=START + 100, lease_seconds=60) is None  # still held
        forged = type(claim)(claim.item, "someone-else", claim.leased_until)
        assert inbox.renew(forged, now=START + 100, lease_seconds=60) is None
        taken = inbox.claim("suite-a", now=START + 110, lease_seconds=60)  # ran out: taken over
        assert taken is not None
        assert taken.owner != claim.owner
        assert inbox.renew(renewed, now=START + 111, lease_seconds=60) is None  # the first worker lost it

    # -- inbox: outcomes ---------------------------------------------------------------------------

    def test_inbox_complete_is_final_and_remembers_the_id(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("d1"))
        inbox.put(_item("d2", at=START + 1))
        claim = inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        inbox.complete("d1", now=START + 1)
        done = inbox.get_item("d1")
        assert done is not None
        assert (done.state, done.finished_at) == (ItemState.DONE, START + 1)
        inbox.retry_later("d1", not_before=START, error="late retry from a slow worker")  # must not resurrect it
        inbox.bury("d1", now=START + 2, error="late")
        assert inbox.get_item("d1") == done
        assert inbox.put(_item("d1")) is False  # a re-delivery of a processed callback
        assert _claim_ids(inbox, 3, now=START + 1000) == ["d2"]
        assert inbox.stats("suite-a") == type(inbox.stats("suite-a"))(
            pending=0, in_progress=0, dead=0, done=2, oldest_pending_at=None, queues=0
        )

    def test_inbox_waiting_is_not_an_attempt(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("d1", queue="corp-new"))
        inbox.claim("suite-a", now=START, lease_seconds=60)
        inbox.retry_later("d1", not_before=START + 5, error="waiting for company corp-new", count_attempt=False)
        claim = inbox.claim("suite-a", now=START + 5, lease_seconds=60)
        assert claim is not None
        assert claim.item.attempts == 0
        assert claim.item.last_error == "waiting for company corp-new"

    def test_dead_letter_keeps_payload_frees_the_queue_and_can_be_revived(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("poison", at=START, queue="corp-1"))
        inbox.put(_item("next", at=START + 1, queue="corp-1"))
        inbox.put(_item("after", at=START + 2, queue="corp-1"))
        claim = inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        inbox.retry_later("poison", not_before=START, error="ValueError: bad")
        inbox.claim("suite-a", now=START, lease_seconds=60)
        inbox.bury("poison", now=START + 3, error="ValueError: bad (2 attempts)")
        dead = inbox.get_item("poison")
        assert dead is not None
        assert (dead.state, dead.attempts, dead.finished_at) == (ItemState.DEAD, 1, START + 3)
        assert dead.payload == b"<xml>poison</xml>"
        assert dead.last_error == "ValueError: bad (2 attempts)"
        assert [i.id for i in inbox.list_items("suite-a", state=ItemState.DEAD)] == ["poison"]
        assert inbox.put(_item("poison")) is False  # a dead letter still dedups re-deliveries
        assert _claim_ids(inbox, 1, now=START + 4) == ["next"]
        assert inbox.revive("poison", now=START + 5) is True
        assert inbox.revive("poison", now=START + 5) is False  # not dead any more
        assert inbox.revive("next", now=START + 5) is False  # done, not dead
        assert inbox.stats("suite-a").dead == 0
        revived = inbox.claim("suite-a", now=START + 5, lease_seconds=60)
        assert revived is not None
        assert revived.item.id == "poison"  # ahead of "after", which arrived later
        assert revived.item.attempts == 0
        assert revived.item.payload == b"<xml>poison</xml>"

    def test_drop_removes_only_dead_letters(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("dead"))
        inbox.put(_item("pending", queue="q2"))
        inbox.claim("suite-a", now=START, lease_seconds=60)
        inbox.bury("dead", now=START, error="x")
        assert inbox.drop("pending") is False
        assert inbox.drop("nope") is False
        assert inbox.drop("dead") is True
        assert inbox.get_item("dead") is None
        assert inbox.get_item("pending") is not None
        assert inbox.stats("suite-a").dead == 0

    def test_list_items_by_state_suite_and_queue(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("a2", at=START + 2, queue="c1"))
        inbox.put(_item("a1", at=START + 1, queue="c2"))
        inbox.put(_item("a0", at=START + 0, queue="c1", event_time=10))
        inbox.put(_item("b1", suite="suite-b", at=START))
        assert [i.id for i in inbox.list_items("suite-a")] == ["a1", "a2", "a0"]  # event_time 0 sorts first
        assert [i.id for i in inbox.list_items("suite-a", queue="c1")] == ["a2", "a0"]
        assert [i.id for i in inbox.list_items("suite-a", limit=1)] == ["a1"]
        assert sorted(i.id for i in inbox.list_items()) == ["a0", "a1", "a2", "b1"]
        assert list(inbox.list_items("suite-a", state=ItemState.DEAD)) == []

    def test_purge_removes_only_old_finished_items(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        for n in range(5):
            inbox.put(_item(f"old{n}", queue=f"q{n}"))
        inbox.put(_item("recent", queue="qr"))
        inbox.put(_item("dead", queue="qd"))
        inbox.put(_item("pending", queue="qp", not_before=START + 10_000))
        for n in range(5):
            inbox.complete(f"old{n}", now=START + n)
        inbox.complete("recent", now=START + 100)
        inbox.bury("dead", now=START, error="x")
        assert inbox.purge(finished_before=START + 50, limit=3) == 3
        assert inbox.purge(finished_before=START + 50, limit=3) == 2
        assert inbox.purge(finished_before=START + 50, limit=3) == 0
        assert all(inbox.get_item(f"old{n}") is None for n in range(5))
        assert inbox.put(_item("old0", queue="q0")) is True  # forgotten after the window: recorded anew
        for kept in ("recent", "dead", "pending"):
            assert inbox.get_item(kept) is not None, kept

    def test_stats_count_what_an_operator_needs(self, backend: ContractBackend) -> None:
        inbox = backend.store.inbox
        inbox.put(_item("p1", at=START + 3, queue="c1"))
        inbox.put(_item("p2", at=START + 1, queue="c2"))
        inbox.put(_item("p3", at=START + 2, queue="c2"))
        inbox.put(_item("d", at=START, queue="c3"))
        inbox.put(_item("x", at=START, queue="c4"))
        inbox.put(_item("other-suite", suite="suite-b"))
        assert _claim_ids(inbox, 2, now=START + 5)[:1] == ["d"]  # d done; x done (both oldest)
        inbox.claim("suite-a", now=START + 5, lease_seconds=60)  # leases p2 (c2's head)
        backend.clock.set(START + 6)
        stats = inbox.stats("suite-a")
        assert (stats.pending, stats.in_progress, stats.done, stats.dead, stats.queues) == (3, 1, 2, 0, 2)
        assert stats.oldest_pending_at == START + 1
