"""Random operation sequences: SQLite and Redis must answer exactly as the in-memory store does.

The contract tests pin each method down; this catches the interplay (claim order across queues with
ties, leases renewed or lost, retries of finished items, dead letters revived into their queue, purge,
compare-and-delete after overwrites, states consumed twice, late tickets, ...).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wecom_suite.clock import ManualClock
from wecom_suite.errors import TicketNotFound
from wecom_suite.stores import (
    InboxClaim,
    InboxItem,
    ItemState,
    MemoryStore,
    SQLiteStore,
    Store,
    StoredToken,
    SuiteTicket,
)

T0 = 1_700_000_000.0
suites = st.sampled_from(["suite-a", "suite-b"])
keys = st.sampled_from(["k1", "k2"])
tokens = st.sampled_from(["t1", "t2", "t3"])
item_ids = st.sampled_from(["i1", "i2", "i3", "i4", "i5"])
queues = st.sampled_from(["", "corp-1", "corp-2"])
offsets = st.integers(min_value=0, max_value=50)
close_offsets = st.integers(min_value=0, max_value=2)  # ties in received_at are where orderings differ
event_times = st.sampled_from([0, 0, 100, 101])

operations = st.one_of(
    st.tuples(st.just("put"), item_ids, suites, queues, close_offsets, event_times, st.sampled_from([0, 0, 0, 30])),
    st.tuples(st.just("claim"), suites, st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("claim"), suites, st.integers(min_value=1, max_value=30)),  # the inbox has the most logic
    st.tuples(st.just("renew"), item_ids, st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("complete"), item_ids),
    st.tuples(st.just("retry_later"), item_ids, offsets, st.booleans()),
    st.tuples(st.just("bury"), item_ids),
    st.tuples(st.just("revive"), item_ids),
    st.tuples(st.just("drop"), item_ids),
    st.tuples(st.just("purge"), st.integers(min_value=0, max_value=3000), st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("get_item"), item_ids),
    st.tuples(st.just("list_items"), st.none() | suites, st.sampled_from(list(ItemState)), st.none() | queues),
    st.tuples(st.just("stats"), suites),
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("save_ticket"), suites, tokens, offsets),
    st.tuples(st.just("get_ticket"), suites, st.booleans()),
    st.tuples(st.just("set_token"), keys, tokens, offsets),
    st.tuples(st.just("get_token"), keys),
    st.tuples(st.just("delete_token"), keys, st.none() | tokens),
    st.tuples(st.just("issue_state"), st.sampled_from(["s1", "s2"]), suites, offsets),
    st.tuples(st.just("consume_state"), st.sampled_from(["s1", "s2"]), suites),
)


@dataclass
class Subject:
    store: Store
    claims: dict[str, InboxClaim] = field(default_factory=dict)  # the newest claim of each item (for renew)


def apply(subject: Subject, clock: ManualClock, op: tuple[Any, ...]) -> object:
    store = subject.store
    name, *args = op
    now = clock.now()
    if name == "advance":
        return None
    if name == "put":
        item_id, suite, queue, received, event_time, not_before = args
        item = InboxItem(
            item_id, suite, item_id.encode() * 3, T0 + received, queue=queue, event_time=event_time,
            not_before=T0 + not_before,
        )  # fmt: skip
        return store.inbox.put(item)
    if name == "claim":
        claim = store.inbox.claim(args[0], now=now, lease_seconds=args[1])
        if claim is None:
            return None
        subject.claims[claim.item.id] = claim
        return (claim.item, claim.leased_until)  # owners are random: compare what they hold
    if name == "renew":
        held = subject.claims.get(args[0])
        if held is None:
            return "never claimed"
        renewed = store.inbox.renew(held, now=now, lease_seconds=args[1])
        if renewed is None:
            return None
        subject.claims[renewed.item.id] = renewed
        return (renewed.item, renewed.leased_until)
    if name == "complete":
        store.inbox.complete(args[0], now=now)
        return None
    if name == "retry_later":
        item_id, delay, count = args
        store.inbox.retry_later(item_id, not_before=now + delay, error=f"error at {delay}", count_attempt=count)
        return None
    if name == "bury":
        store.inbox.bury(args[0], now=now, error="gave up")
        return None
    if name == "revive":
        return store.inbox.revive(args[0], now=now)
    if name == "drop":
        return store.inbox.drop(args[0])
    if name == "purge":
        return store.inbox.purge(finished_before=T0 + args[0], limit=args[1])
    if name == "get_item":
        return store.inbox.get_item(args[0])
    if name == "list_items":
        suite, state, queue = args
        return list(store.inbox.list_items(suite, state=state, queue=queue, limit=3))
    if name == "stats":
        return store.inbox.stats(args[0])
    if name == "save_ticket":
        suite, ticket, offset = args
        store.tickets.save_ticket(SuiteTicket(suite, ticket, T0 + offset))
        return None
    if name == "get_ticket":
        suite, allow_expired = args
        try:
            return store.tickets.get_ticket(suite, allow_expired=allow_expired)
        except TicketNotFound as exc:
            return type(exc).__name__
    if name == "set_token":
        key, token, offset = args
        store.tokens.set_token(key, StoredToken(token, T0 + 7200 + offset, T0 + offset))
        return None
    if name == "get_token":
        return store.tokens.get_token(args[0])
    if name == "delete_token":
        return store.tokens.delete_token(args[0], only_if=args[1])
    if name == "issue_state":
        state, suite, lifetime = args
        store.install_states.issue_state(state, expires_at=now + lifetime, data=f"{state}@{suite}", suite_id=suite)
        return None
    if name == "consume_state":
        return store.install_states.consume_state(args[0], now=now, suite_id=args[1])
    raise AssertionError(name)


def run_against_model(store: Store, clock: ManualClock, ops: list[tuple[Any, ...]]) -> None:
    model, subject = Subject(MemoryStore(clock)), Subject(store)
    for step, op in enumerate(ops):
        if op[0] == "advance":
            clock.advance(op[1] * 60)
        expected, got = apply(model, clock, op), apply(subject, clock, op)
        assert got == expected, f"step {step}: {op}"


_counter = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, max_size=40))
def test_sqlite_behaves_like_the_model(tmp_path: Path, ops: list[tuple[Any, ...]]) -> None:
    clock = ManualClock(T0)
    store = SQLiteStore(tmp_path / f"model-{next(_counter)}.db", clock)
    try:
        run_against_model(store, clock, ops)
    finally:
        store.close()


@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None)
@given(ops=st.lists(operations, max_size=40))
def test_redis_behaves_like_the_model(redis_server: Any, ops: list[tuple[Any, ...]]) -> None:
    from wecom_suite.stores import RedisStore

    clock = ManualClock(T0)
    store = RedisStore(redis_server.url(0), clock, prefix=f"model-{next(_counter)}")
    try:
        run_against_model(store, clock, ops)
    finally:
        store.close()


CROSS_QUEUE = [  # heads of different queues: WeCom's TimeStamp decides before arrival
    ("put", "i1", "suite-a", "corp-1", 0, 101, 0),
    ("put", "i2", "suite-a", "corp-2", 2, 100, 0),
    ("put", "i3", "suite-a", "", 1, 0, 0),
    ("claim", "suite-a", 5),
    ("claim", "suite-a", 5),
    ("claim", "suite-a", 5),
]


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_claim_across_queues_goes_by_order_key(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    clock = ManualClock(T0)
    if kind == "sqlite":
        store: Store = SQLiteStore(tmp_path / "x.db", clock)
    else:
        from wecom_suite.stores import RedisStore

        store = RedisStore(request.getfixturevalue("redis_url"), clock)
    try:
        subject = Subject(store)
        got = [apply(subject, clock, op) for op in CROSS_QUEUE][3:]
        assert [g[0].id for g in got if isinstance(g, tuple)] == ["i3", "i2", "i1"]
    finally:
        store.close()
