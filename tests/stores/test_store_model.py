"""Random operation sequences: SQLite and Redis must answer exactly as the in-memory store does.

The contract tests pin each method down; this catches the interplay (claim order with ties, retries of
completed items, compare-and-delete after overwrites, states consumed twice, late tickets, ...).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wecom_suite.clock import ManualClock
from wecom_suite.errors import TicketNotFound
from wecom_suite.stores import InboxItem, MemoryStore, SQLiteStore, Store, StoredToken, SuiteTicket

T0 = 1_700_000_000.0
suites = st.sampled_from(["suite-a", "suite-b"])
keys = st.sampled_from(["k1", "k2"])
tokens = st.sampled_from(["t1", "t2", "t3"])
item_ids = st.sampled_from(["i1", "i2", "i3", "i4"])
offsets = st.integers(min_value=0, max_value=50)
close_offsets = st.integers(min_value=0, max_value=2)  # ties in received_at are where orderings differ

puts = st.tuples(st.just("put"), item_ids, suites, close_offsets, st.sampled_from([0, 0, 0, 30]))
claims = st.tuples(st.just("claim"), suites, st.integers(min_value=1, max_value=30))
operations = st.one_of(
    puts,
    claims,  # the inbox has the most logic: weigh it up
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("save_ticket"), suites, tokens, offsets),
    st.tuples(st.just("get_ticket"), suites, st.booleans()),
    st.tuples(st.just("set_token"), keys, tokens, offsets),
    st.tuples(st.just("get_token"), keys),
    st.tuples(st.just("delete_token"), keys, st.none() | tokens),
    st.tuples(st.just("put"), item_ids, suites, close_offsets, st.sampled_from([0, 0, 0, 30])),
    st.tuples(st.just("claim"), suites, st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("complete"), item_ids),
    st.tuples(st.just("retry_later"), item_ids, offsets),
    st.tuples(st.just("pending_count"), suites),
    st.tuples(st.just("issue_state"), st.sampled_from(["s1", "s2"]), suites, offsets),
    st.tuples(st.just("consume_state"), st.sampled_from(["s1", "s2"]), suites),
)


def apply(store: Store, clock: ManualClock, op: tuple[Any, ...]) -> object:
    name, *args = op
    now = clock.now()
    if name == "advance":
        return None
    if name == "save_ticket":
        suite, ticket, offset = args
        store.save_ticket(SuiteTicket(suite, ticket, T0 + offset))
        return None
    if name == "get_ticket":
        suite, allow_expired = args
        try:
            return store.get_ticket(suite, allow_expired=allow_expired)
        except TicketNotFound as exc:
            return type(exc).__name__
    if name == "set_token":
        key, token, offset = args
        store.set_token(key, StoredToken(token, T0 + 7200 + offset, T0 + offset))
        return None
    if name == "get_token":
        return store.get_token(args[0])
    if name == "delete_token":
        return store.delete_token(args[0], only_if=args[1])
    if name == "put":
        item_id, suite, received, not_before = args
        return store.put(InboxItem(item_id, suite, item_id.encode() * 3, T0 + received, not_before=T0 + not_before))
    if name == "claim":
        return store.claim(args[0], now=now, lease_seconds=args[1])
    if name == "complete":
        store.complete(args[0])
        return None
    if name == "retry_later":
        store.retry_later(args[0], not_before=now + args[1], error=f"error at {args[1]}")
        return None
    if name == "pending_count":
        return store.pending_count(args[0])
    if name == "issue_state":
        state, suite, lifetime = args
        store.issue_state(state, expires_at=now + lifetime, data=f"{state}@{suite}", suite_id=suite)
        return None
    if name == "consume_state":
        return store.consume_state(args[0], now=now, suite_id=args[1])
    raise AssertionError(name)


def run_against_model(store: Store, clock: ManualClock, ops: list[tuple[Any, ...]]) -> None:
    model = MemoryStore(clock)
    for step, op in enumerate(ops):
        if op[0] == "advance":
            clock.advance(op[1] * 60)
        expected, got = apply(model, clock, op), apply(store, clock, op)
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
