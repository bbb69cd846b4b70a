"""Data callbacks (数据回调): recorded first, processed from the inbox; reply handlers answer at once."""

from __future__ import annotations

import threading

from tests.app.suite_world import World
from wecom_suite.callback.context import CallbackContext
from wecom_suite.crypto import MsgCrypt
from wecom_suite.stores import ItemState
from wecom_suite.xml import parse_xml, to_xml


def text_message(corp_id: str, content: str, msg_id: int) -> str:
    return to_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": "zhangsan",
            "CreateTime": 1_700_000_000,
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id,
            "AgentID": 1000002,
        }
    )


def installed(world: World) -> World:
    world.sandbox.push_ticket()
    world.app.process_pending()
    world.sandbox.install(world.corp_id)
    world.app.process_pending()
    world.sandbox.set_data_callback_url(world.url("/callback/data") + "?corpid=$CORPID$")
    return world


def test_a_reply_handler_answers_with_an_encrypted_reply(world: World) -> None:
    app = installed(world).app
    seen: list[str] = []

    @app.on("text", reply=True)
    def echo(ctx: CallbackContext) -> str:
        seen.append(ctx.event.raw["Content"])  # type: ignore[arg-type]
        return to_xml({"ToUserName": "zhangsan", "MsgType": "text", "Content": "got it"})

    delivery = world.sandbox.push_event(text_message(world.corp_id, "你好", 1), target="data", corp_id=world.corp_id)
    assert delivery.ok
    assert seen == ["你好"]
    reply = parse_xml(delivery.attempts[-1].body)
    plain = MsgCrypt(app.config.encoding_aes_key.get_secret_value()).decrypt(str(reply["Encrypt"]))
    assert plain.receive_id == world.corp_id
    assert parse_xml(plain.message)["Content"] == "got it"
    assert app.store.inbox.stats(app.config.suite_id).done >= 1  # recorded, and settled by the reply path
    # The same message again (WeCom's retry) is acknowledged without running the handler twice.
    again = world.sandbox.push_event(text_message(world.corp_id, "你好", 1), target="data", corp_id=world.corp_id)
    assert again.ok
    assert app.process_pending() == 0
    assert seen == ["你好"]


def test_a_handler_that_fails_once_is_retried_from_the_inbox_without_a_resend(world: World) -> None:
    """Observed fault 1: the message was answered 500 and kept nowhere; WeCom does not resend after an answer."""
    app = installed(world).app
    calls: list[str] = []

    @app.on("text")
    def flaky(ctx: CallbackContext) -> None:
        calls.append(str(ctx.event.raw["Content"]))
        if len(calls) == 1:
            raise ConnectionError("the provider's CRM is restarting")

    delivery = world.sandbox.push_event(text_message(world.corp_id, "hello", 2), target="data", corp_id=world.corp_id)
    assert delivery.ok
    assert [a.status for a in delivery.attempts] == [200]  # answered once: nothing is resent
    assert app.process_pending() == 1  # the first attempt fails...
    world.clock.advance(600)
    assert app.process_pending() == 1  # ...the retry succeeds
    assert calls == ["hello", "hello"]
    assert app.store.inbox.stats(app.config.suite_id).pending == 0


def test_a_failing_reply_handler_still_answers_success_and_is_retried(world: World) -> None:
    app = installed(world).app
    calls: list[int] = []

    @app.on("text", reply=True)
    def broken(ctx: CallbackContext) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("template missing")
        return "<xml></xml>"

    delivery = world.sandbox.push_event(text_message(world.corp_id, "x", 3), target="data", corp_id=world.corp_id)
    assert delivery.ok
    assert delivery.attempts[-1].body == "success"
    item = app.store.inbox.list_items(app.config.suite_id, queue=world.corp_id)
    pending = [i for i in item if i.state is ItemState.PENDING]
    assert len(pending) == 1
    assert pending[0].attempts == 1
    assert app.process_pending() == 1
    assert len(calls) == 2
    assert app.store.inbox.stats(app.config.suite_id).pending == 0


def test_a_late_reply_handler_gets_success_and_runs_once(make_world: object) -> None:
    world = make_world()  # type: ignore[operator]
    installed(world)
    world.app.reply_deadline = 0.2
    release = threading.Event()
    calls: list[int] = []

    @world.app.on("text", reply=True)
    def slow(ctx: CallbackContext) -> str:
        calls.append(1)
        assert release.wait(10)
        return "<xml></xml>"

    delivery = world.sandbox.push_event(text_message(world.corp_id, "x", 4), target="data", corp_id=world.corp_id)
    assert delivery.ok
    assert delivery.attempts[-1].body == "success"
    assert world.app.process_pending() == 0  # held for the running handler, not run beside it
    release.set()
    world.app.close()  # waits for the reply handler to finish and settle its item
    assert calls == [1]
    assert world.app.store.inbox.stats(world.app.config.suite_id).pending == 0


def test_a_data_callback_during_an_install_reaches_its_handler_after_the_install(world: World) -> None:
    """Observed fault 2: a change_app_admin arriving while the permanent-code exchange ran got 400."""
    sandbox, app = world.sandbox, world.app
    sandbox.push_ticket()
    app.process_pending()
    sandbox.set_data_callback_url(world.url("/callback/data") + "?corpid=$CORPID$")
    seen: list[str] = []

    @app.on("change_app_admin")
    def admins(ctx: CallbackContext) -> None:
        seen.append(ctx.event.auth_corp_id)

    admin_event = to_xml({
        "ToUserName": world.corp_id, "FromUserName": "sys", "CreateTime": int(world.clock.now()),
        "MsgType": "event", "Event": "change_app_admin", "AgentID": 1000002,
    })
    delivery = sandbox.push_event(admin_event, target="data", corp_id=world.corp_id)  # before the install exists
    assert delivery.ok
    assert app.process_pending() == 1  # waits for the company: no attempt spent
    assert seen == []
    sandbox.install(world.corp_id)  # create_auth arrives and is processed
    for _ in range(3):  # the waiting item is retried every 5 s
        world.clock.advance(5)
        app.process_pending()
    assert seen == [world.corp_id]
    assert app.store.inbox.stats(app.config.suite_id).pending == 0


def test_a_company_that_never_installs_ends_as_an_unknown_company_dead_letter(world: World) -> None:
    world.sandbox.set_data_callback_url(world.url("/callback/data"))
    delivery = world.sandbox.push_event(text_message(world.corp_id, "hi", 5), target="data", corp_id=world.corp_id)
    assert delivery.ok  # authentic: recorded, never refused
    for _ in range(200):  # bounded: 200 rounds of 5 s cover the 600 s wait
        world.app.process_pending()
        world.clock.advance(5)
        if world.app.store.inbox.stats(world.app.config.suite_id).dead:
            break
    dead = list(world.app.store.inbox.list_items(world.app.config.suite_id, state=ItemState.DEAD))
    assert len(dead) == 1
    assert dead[0].last_error.startswith("unknown_company")
    assert world.corp_id in dead[0].last_error
