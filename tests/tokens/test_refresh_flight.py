"""The refresh protocol step by step: driven by hand, no store and no network."""

from __future__ import annotations

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.errors import LockTimeout
from wecom_suite.flow import Pause
from wecom_suite.stores import Lease, StoredToken
from wecom_suite.tokens import RefreshPolicy, TokenGrant
from wecom_suite.tokens.flight import FetchGrant, Flight, ReadToken, ReleaseLease, TakeLease, WriteToken, refresh_flight

T0 = 1_700_000_000.0
LEASE = Lease("refresh:k", "me", T0 + 30)


def _start(force: bool = False, policy: RefreshPolicy | None = None) -> tuple[Flight, ManualClock]:
    clock = ManualClock(T0)
    return refresh_flight(policy or RefreshPolicy(), "k", clock, force=force), clock


def test_fresh_token_is_used_without_a_lease() -> None:
    flight, _ = _start()
    assert next(flight) == ReadToken("k")
    fresh = StoredToken("t", T0 + 7200, T0)
    with pytest.raises(StopIteration) as done:
        flight.send(fresh)
    assert done.value.value == fresh


def test_rechecks_the_store_after_taking_the_lease() -> None:
    flight, _ = _start()
    next(flight)
    step = flight.send(None)
    assert step == TakeLease("refresh:k", 30.0)
    assert flight.send(LEASE) == ReadToken("k")
    written_meanwhile = StoredToken("theirs", T0 + 7200, T0)
    assert flight.send(written_meanwhile) == ReleaseLease(LEASE)
    with pytest.raises(StopIteration) as done:
        flight.send(True)
    assert done.value.value == written_meanwhile


def test_fetch_write_release() -> None:
    flight, clock = _start()
    next(flight)
    flight.send(None)
    flight.send(LEASE)
    assert flight.send(None) == FetchGrant()
    clock.advance(1)
    write = flight.send(TokenGrant("new", 7200))
    assert write == WriteToken("k", StoredToken("new", T0 + 7200, T0 + 1))
    assert flight.send(None) == ReleaseLease(LEASE)
    with pytest.raises(StopIteration) as done:
        flight.send(True)
    assert done.value.value.token == "new"


def test_a_failed_fetch_still_releases_the_lease_and_reraises() -> None:
    flight, _ = _start()
    next(flight)
    flight.send(None)
    flight.send(LEASE)
    flight.send(None)
    assert flight.throw(ConnectionError("WeCom unreachable")) == ReleaseLease(LEASE)
    with pytest.raises(ConnectionError, match="unreachable"):
        flight.send(True)


def test_a_fetch_returning_something_else_is_a_clear_error() -> None:
    flight, _ = _start()
    next(flight)
    flight.send(None)
    flight.send(LEASE)
    flight.send(None)
    assert flight.send({"access_token": "x"}) == ReleaseLease(LEASE)
    with pytest.raises(TypeError, match="TokenGrant"):
        flight.send(True)


def test_waits_for_another_holder_then_gives_up_with_a_hint() -> None:
    policy = RefreshPolicy(poll_interval=0.5, max_poll_interval=1.0, wait_timeout=2.0)
    flight, _ = _start(policy=policy)
    next(flight)
    pauses: list[float] = []

    def refuse_everything() -> None:
        step = flight.send(None)
        while True:
            assert isinstance(step, (ReadToken, TakeLease))
            step = flight.send(None)  # lease refused, no token yet
            if isinstance(step, Pause):
                pauses.append(step.seconds)
                step = flight.send(None)

    with pytest.raises(LockTimeout) as info:
        refuse_everything()
    assert pauses == [0.5, 0.75, 1.0]
    assert "wait_timeout" in info.value.hint


def test_valid_token_due_for_early_refresh_is_used_when_someone_else_refreshes() -> None:
    flight, clock = _start()
    clock.advance(7100)
    next(flight)
    due = StoredToken("still-valid", T0 + 7200, T0)
    assert flight.send(due) == TakeLease("refresh:k", 30.0)
    with pytest.raises(StopIteration) as done:
        flight.send(None)
    assert done.value.value == due


def test_a_failed_early_refresh_keeps_the_valid_token() -> None:
    flight, clock = _start()
    clock.advance(7000)
    due = StoredToken("still-valid", T0 + 7200, T0)
    next(flight)
    flight.send(due)  # REFRESH_OR_USE -> try_acquire
    flight.send(LEASE)  # got it -> re-read
    assert flight.send(due) == FetchGrant()
    assert flight.throw(ConnectionError("WeCom unreachable")) == ReleaseLease(LEASE)
    with pytest.raises(StopIteration) as done:
        flight.send(True)
    assert done.value.value == due


def test_a_failed_forced_refresh_raises_even_if_the_old_token_is_valid() -> None:
    flight, clock = _start(force=True)
    clock.advance(100)
    current = StoredToken("rejected-by-wecom", T0 + 7200, T0)
    next(flight)
    flight.send(current)
    flight.send(LEASE)
    assert flight.send(current) == FetchGrant()
    assert flight.throw(ConnectionError("WeCom unreachable")) == ReleaseLease(LEASE)
    with pytest.raises(ConnectionError):
        flight.send(True)
