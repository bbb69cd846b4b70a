"""Keys never collide: company A's token can never be returned for company B, in any backend."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wecom_suite.stores import Store, StoredToken
from wecom_suite.tokens import (
    agent_ticket_key,
    corp_token_key,
    jsapi_ticket_key,
    provider_token_key,
    suite_token_key,
)

ids = st.text(alphabet=st.sampled_from("ab:%3A_-wx中"), min_size=1, max_size=6)
pairs = st.lists(st.tuples(ids, ids), min_size=1, max_size=12, unique=True)


def test_keys_of_different_kinds_and_owners_differ() -> None:
    keys = [
        suite_token_key("s"),
        provider_token_key("s"),
        corp_token_key("s", "c"),
        jsapi_ticket_key("s", "c"),
        agent_ticket_key("s", "c", 1000002),
        corp_token_key("s:c", "x"),
        corp_token_key("s", "c:x"),
    ]
    assert len(set(keys)) == len(keys)
    assert agent_ticket_key("s", "c", 7) == agent_ticket_key("s", "c", "7")


@pytest.mark.parametrize("bad", ["", None, 5])
def test_empty_or_non_string_ids_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        corp_token_key("suite", bad)  # type: ignore[arg-type]


@given(pairs)
def test_corp_token_key_is_injective(owners: list[tuple[str, str]]) -> None:
    keys = {corp_token_key(s, c) for s, c in owners}
    assert len(keys) == len(owners)
    for (s1, c1), (s2, c2) in itertools.combinations(owners, 2):
        assert jsapi_ticket_key(s1, c1) != jsapi_ticket_key(s2, c2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owners=pairs)
def test_a_store_never_returns_another_pairs_token(any_store: Store, owners: list[tuple[str, str]]) -> None:
    for n, (suite, corp) in enumerate(owners):
        token = StoredToken(f"token-of-{suite!r}-{corp!r}", 2e9 + n, 1e9)
        any_store.tokens.set_token(corp_token_key(suite, corp), token)
    for suite, corp in owners:
        found = any_store.tokens.get_token(corp_token_key(suite, corp))
        assert found is not None
        assert found.token == f"token-of-{suite!r}-{corp!r}"
