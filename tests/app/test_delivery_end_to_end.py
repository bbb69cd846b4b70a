"""Delivery cases end to end: control characters reach handlers; a mixed PostgreSQL + Redis deployment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.suite_world import START, World
from wecom_suite.callback.context import CallbackContext
from wecom_suite.clock import ManualClock
from wecom_suite.stores import ItemState, open_store
from wecom_suite.stores.token_keys import corp_token_key


def installed(world: World) -> World:
    world.sandbox.push_ticket()
    world.app.process_pending()
    world.sandbox.install(world.corp_id)
    world.app.process_pending()
    return world


def test_control_characters_reach_the_handlers_on_the_data_and_instruction_urls(world: World) -> None:
    """Observed fault 3: a \\x02 from user input rejected the whole callback with malformed_xml."""
    installed(world)
    world.sandbox.set_data_callback_url(world.url("/callback/data") + "?corpid=$CORPID$")
    texts: list[str] = []
    names: list[str] = []

    @world.app.on("text")
    def text(ctx: CallbackContext) -> None:
        texts.append(str(ctx.event.raw["Content"]))

    @world.app.on("change_contact", change_type="update_user")
    def updated(ctx: CallbackContext) -> None:
        names.append(str(ctx.event.raw["Name"]))

    message = (
        f"<xml><ToUserName><![CDATA[{world.corp_id}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        f"<CreateTime>{int(START)}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[hello\x02world]]></Content><MsgId>9001</MsgId><AgentID>1000002</AgentID></xml>"
    )
    assert world.sandbox.push_event(message, target="data", corp_id=world.corp_id).ok
    change = world.sandbox.change_contact(world.corp_id, "update_user", UserID="lisi", Name="成员\x02二号")
    assert change is not None
    assert change.ok
    world.app.process_pending()
    assert texts == ["hello\ufffdworld"]  # the one documented rule: forbidden characters become U+FFFD
    assert names == ["成员\ufffd二号"]


@pytest.fixture
def mixed_store(postgres_url: str, redis_url: str, clock: ManualClock) -> Any:
    store = open_store(postgres_url, clock, cache_url=redis_url)
    yield store, clock, postgres_url, redis_url
    store.close()


def test_a_mixed_postgresql_and_redis_deployment_end_to_end(make_world: Any, mixed_store: Any) -> None:
    """Registry and inbox in PostgreSQL, tokens and leases in Redis: install, callbacks, tokens, then a restart."""
    store, clock, postgres_url, redis_url = mixed_store
    world = make_world(store=store)
    installed(world)
    suite_id = world.app.config.suite_id
    seen: list[str] = []

    @world.app.on("change_contact")
    def contact(ctx: CallbackContext) -> None:
        seen.append(ctx.event.change_type)

    assert world.app.corp(world.corp_id).client.access_token()  # a company token: fetched, kept in Redis
    change = world.sandbox.change_contact(world.corp_id, "create_user", UserID="wangwu", Name="王五")
    assert change is not None
    assert change.ok
    assert world.app.process_pending() == 1
    assert seen == ["create_user"]
    # Each part is where the URLs put it: the registry and the inbox in PostgreSQL, the token in Redis.
    postgres_only, redis_only = open_store(postgres_url, clock), open_store(redis_url, clock)
    try:
        assert postgres_only.companies.get_company(suite_id, world.corp_id) is not None
        assert redis_only.companies.get_company(suite_id, world.corp_id) is None
        assert postgres_only.inbox.stats(suite_id).done >= 2
        assert redis_only.inbox.stats(suite_id).done == 0
        assert redis_only.tokens.get_token(corp_token_key(suite_id, world.corp_id)) is not None
        assert postgres_only.tokens.get_token(corp_token_key(suite_id, world.corp_id)) is None
    finally:
        postgres_only.close()
        redis_only.close()
    # A restart (a new store on the same two servers) finds everything.
    again = open_store(postgres_url, clock, cache_url=redis_url)
    try:
        assert again.companies.get_company(suite_id, world.corp_id) is not None
        assert again.tokens.get_token(corp_token_key(suite_id, world.corp_id)) is not None
        assert list(again.inbox.list_items(suite_id, state=ItemState.DEAD)) == []
    finally:
        again.close()
