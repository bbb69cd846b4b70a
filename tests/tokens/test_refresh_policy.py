"""The sans-I/O refresh decisions, without any store or clock."""

from __future__ import annotations

from collections import Counter

import pytest

from wecom_suite.stores import StoredToken
from wecom_suite.tokens import Plan, RefreshPolicy, TokenGrant, corp_token_key

T0 = 1_700_000_000.0


def _token(obtained: float = T0, lifetime: float = 7200) -> StoredToken:
    return StoredToken("tok", obtained + lifetime, obtained)


def test_missing_or_expired_token_must_be_refreshed() -> None:
    policy = RefreshPolicy()
    assert policy.plan("k", None, T0) is Plan.REFRESH
    assert policy.plan("k", _token(), T0 + 7200) is Plan.REFRESH
    assert policy.plan("k", _token(), T0 + 7200, force=True) is Plan.REFRESH


def test_early_refresh_starts_between_margin_and_margin_plus_jitter() -> None:
    policy = RefreshPolicy(early_refresh=300, jitter=120)
    due = policy.refresh_at("k", _token())
    assert T0 + 7200 - 420 < due <= T0 + 7200 - 300
    assert policy.plan("k", _token(), due - 0.001) is Plan.USE
    assert policy.plan("k", _token(), due) is Plan.REFRESH_OR_USE
    assert policy.plan("k", _token(), T0 + 7199.9) is Plan.REFRESH_OR_USE


def test_jitter_is_stable_per_key_and_spreads_ten_thousand_companies() -> None:
    policy = RefreshPolicy(jitter=120)
    keys = [corp_token_key("suite", f"corp-{i}") for i in range(10_000)]
    assert policy.jitter_for(keys[0]) == RefreshPolicy(jitter=120).jitter_for(keys[0])
    per_second = Counter(int(policy.refresh_at(k, _token())) for k in keys)
    # 10,000 tokens obtained in the same second: refreshes spread over ~120 s, ~83 per second.
    assert len(per_second) >= 115
    assert max(per_second.values()) < 200


def test_no_jitter_means_exact_margin() -> None:
    policy = RefreshPolicy(early_refresh=300, jitter=0)
    assert policy.refresh_at("k", _token()) == T0 + 6900


def test_margin_never_exceeds_half_a_short_lifetime() -> None:
    policy = RefreshPolicy(early_refresh=300, jitter=120)
    short = _token(lifetime=60)
    assert policy.refresh_at("k", short) == T0 + 30
    assert policy.plan("k", short, T0 + 29) is Plan.USE


def test_forced_refresh_converges_on_a_refresh_within_the_window() -> None:
    policy = RefreshPolicy(convergence_window=4)
    assert policy.plan("k", _token(), T0 + 3.9, force=True) is Plan.USE
    assert policy.plan("k", _token(), T0 + 4, force=True) is Plan.REFRESH


def test_lifetime_counts_from_the_request_and_convergence_from_the_answer() -> None:
    stored = RefreshPolicy().stored_from_grant(TokenGrant("t", 7200), started_at=T0, finished_at=T0 + 2)
    assert stored == StoredToken("t", T0 + 7200, T0 + 2)


def test_in_process_copy_is_bounded_by_refresh_point_and_local_cache_seconds() -> None:
    policy = RefreshPolicy(early_refresh=300, jitter=0, local_cache_seconds=30)
    assert policy.cached("k", _token(), T0).use_until == T0 + 30
    late = policy.cached("k", _token(), T0 + 6890)
    assert late.use_until == T0 + 6900
    assert late.expires_at == T0 + 7200


def test_polling_backs_off_to_a_ceiling() -> None:
    policy = RefreshPolicy(poll_interval=0.02, max_poll_interval=0.25)
    waits = [policy.next_poll(None)]
    for _ in range(20):
        waits.append(policy.next_poll(waits[-1]))
    assert waits[0] == 0.02
    assert waits == sorted(waits)
    assert waits[-1] == 0.25


@pytest.mark.parametrize(
    "kwargs", [{"early_refresh": -1}, {"lease_seconds": 0}, {"wait_timeout": -5}, {"poll_interval": 0}]
)
def test_nonsense_policies_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RefreshPolicy"):
        RefreshPolicy(**kwargs)


@pytest.mark.parametrize(("token", "expires_in"), [("", 7200), ("t", 0), ("t", float("nan"))])
def test_bad_grants_are_rejected(token: str, expires_in: float) -> None:
    with pytest.raises(ValueError, match="TokenGrant"):
        TokenGrant(token, expires_in)


def test_grant_repr_hides_the_token() -> None:
    assert "SECRET-TOKEN-VALUE" not in repr(TokenGrant("SECRET-TOKEN-VALUE", 7200))
