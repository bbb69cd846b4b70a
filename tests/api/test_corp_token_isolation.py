"""Company tokens never cross (suite, corp) pairs, checked through the real path.

Three suites, each its own WeCom (a sandbox), all installed by the SAME three companies (same corp
ids), so 9 pairs each with a distinct token WeCom issued. Per example, fresh clients of every suite
(sync or async) share one fresh store and ask for random pairs in random order through
``client.corp_token(corp_id)`` and ``client.corp(corp_id).access_token()``: the manager table, the
store key and the token manager must hand back exactly the token WeCom issued for that pair.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wecom_suite.api import AsyncSuiteClient, SuiteClient
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.rules.directory import SimCompany
from wecom_suite.stores import CompanyRecord, MemoryStore, SuiteTicket
from wecom_suite.tokens import corp_token_key

START = 1_700_000_000.0
SUITES = 3
CORP_IDS = ["wwshared000000001", "wwshared000000002", "wwshared000000003"]


@dataclass
class WeCom:
    """One suite's WeCom, and the permanent code each shared company got when it installed that suite."""

    sandbox: Sandbox
    permanent_codes: dict[str, str]

    @property
    def suite_id(self) -> str:
        return self.sandbox.settings.suite_id

    def issued(self, corp_id: str) -> str:
        current = self.sandbox.emulator.book.current("corp_token", corp_id)
        assert current is not None, f"WeCom of {self.suite_id} never issued a token for {corp_id}"
        return current.value


@pytest.fixture(scope="module")
def wecoms() -> Iterator[list[WeCom]]:
    boxes = [  # its own Sandboxes: several at once, for the whole module, with the companies the test names
        Sandbox(
            clock=ManualClock(START), ticket_interval=None,
            companies=[SimCompany(corp_id=c, corp_name=f"公司 {c[-1]}", agent_id=1000002) for c in CORP_IDS],
        ).start()
        for _ in range(SUITES)
    ]
    try:
        yield [WeCom(box, {c: box.authorize(c) for c in CORP_IDS}) for box in boxes]
    finally:
        for box in boxes:
            box.stop()


def shared_store(wecoms: list[WeCom], clock: ManualClock) -> MemoryStore:
    store = MemoryStore(clock=clock)
    for wecom in wecoms:
        store.tickets.save_ticket(SuiteTicket(wecom.suite_id, wecom.sandbox.issue_ticket(), clock.now()))
        for corp_id, code in wecom.permanent_codes.items():
            store.companies.save_company(CompanyRecord(wecom.suite_id, corp_id, code))
    return store


# (suite index, corp index, via corp(...).access_token() rather than corp_token(...).token())
ASKS = st.lists(
    st.tuples(st.integers(0, SUITES - 1), st.integers(0, len(CORP_IDS) - 1), st.booleans()), min_size=1, max_size=12
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asks=ASKS, flavour=st.sampled_from(["sync", "async"]))
def test_each_pair_gets_the_token_wecom_issued_for_it(
    wecoms: list[WeCom], asks: list[tuple[int, int, bool]], flavour: str
) -> None:
    clock = ManualClock(START)
    store = shared_store(wecoms, clock)
    answers: list[tuple[int, str, str]] = []
    if flavour == "sync":
        clients = [SuiteClient(w.suite_id, w.sandbox.settings.suite_secret, store=store, clock=clock,
                               base_url=w.sandbox.settings.api_base_url) for w in wecoms]
        try:
            for suite, corp, via_corp_client in asks:
                corp_id = CORP_IDS[corp]
                client = clients[suite]
                token = client.corp(corp_id).access_token() if via_corp_client else client.corp_token(corp_id).token()
                answers.append((suite, corp_id, token))
        finally:
            for client in clients:
                client.close()
    else:

        async def ask_all() -> None:
            async_clients = [AsyncSuiteClient(w.suite_id, w.sandbox.settings.suite_secret, store=store, clock=clock,
                                              base_url=w.sandbox.settings.api_base_url) for w in wecoms]
            try:
                for suite, corp, via_corp_client in asks:
                    corp_id = CORP_IDS[corp]
                    client = async_clients[suite]
                    if via_corp_client:
                        token = await client.corp(corp_id).access_token()
                    else:
                        token = await client.corp_token(corp_id).token()
                    answers.append((suite, corp_id, token))
            finally:
                for client in async_clients:
                    await client.aclose()

        asyncio.run(ask_all())

    asked = {(suite, CORP_IDS[corp]) for suite, corp, _ in asks}
    issued = {(wecoms[suite].suite_id, corp_id): wecoms[suite].issued(corp_id) for suite, corp_id in asked}
    assert len(set(issued.values())) == len(issued)  # distinct per pair, so a mix-up cannot go unnoticed
    for suite, corp_id, token in answers:
        pair = (wecoms[suite].suite_id, corp_id)
        assert token == issued[pair], f"{pair} got another pair's token"
        held = store.tokens.get_token(corp_token_key(*pair))
        assert held is not None
        assert held.token == issued[pair]
    for wecom in wecoms:  # and nothing was stored for a pair nobody asked about
        for corp_id in CORP_IDS:
            if (wecom.suite_id, corp_id) not in issued:
                assert store.tokens.get_token(corp_token_key(wecom.suite_id, corp_id)) is None

