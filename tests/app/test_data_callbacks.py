"""Data callbacks (数据回调): only installed companies, handlers run at once, replies encrypted."""

from __future__ import annotations

from suite_world import World

from wecom_suite.callback.context import CallbackContext
from wecom_suite.crypto import MsgCrypt
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


def test_installed_company_gets_an_encrypted_reply(world: World) -> None:
    sandbox, app = world.sandbox, world.app
    sandbox.push_ticket()
    app.process_pending()
    sandbox.install(world.corp_id)
    app.process_pending()
    sandbox.set_data_callback_url(world.url("/callback/data") + "?corpid=$CORPID$")
    seen: list[str] = []

    @app.on("text")
    def echo(ctx: CallbackContext) -> str:
        seen.append(ctx.event.raw["Content"])  # type: ignore[arg-type]
        return to_xml({"ToUserName": "zhangsan", "MsgType": "text", "Content": "got it"})

    delivery = sandbox.push_event(text_message(world.corp_id, "你好", 1), target="data", corp_id=world.corp_id)
    assert delivery.ok
    assert seen == ["你好"]
    reply = parse_xml(delivery.attempts[-1].body)
    plain = MsgCrypt(app.config.encoding_aes_key.get_secret_value()).decrypt(str(reply["Encrypt"]))
    assert plain.receive_id == world.corp_id
    assert parse_xml(plain.message)["Content"] == "got it"
    # The same message again (WeCom's retry) is acknowledged without running the handler twice.
    again = sandbox.push_event(text_message(world.corp_id, "你好", 1), target="data", corp_id=world.corp_id)
    assert again.ok
    assert seen == ["你好"]


def test_a_company_that_never_installed_is_rejected(world: World) -> None:
    world.sandbox.set_data_callback_url(world.url("/callback/data"))
    delivery = world.sandbox.push_event(text_message(world.corp_id, "hi", 2), target="data", corp_id=world.corp_id)
    assert not delivery.ok
    assert delivery.attempts[-1].status == 400
    assert "mismatch" in delivery.attempts[-1].body
