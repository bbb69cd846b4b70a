"""代开发 templates and paid editions through a SuiteApp, over loopback against the sandbox.

A 代开发 template is a suite whose id starts with ``dk`` (https://developer.work.weixin.qq.com/document/path/97162):
its companies' permanent codes are app secrets, good for ``gettoken`` only. Edition changes arrive as
``change_editon`` (WeCom's spelling; https://developer.work.weixin.qq.com/document/path/91933).
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.app.suite_world import World, WorldFactory
from wecom_suite import ReplyTo, text_reply
from wecom_suite.callback.context import CallbackContext
from wecom_suite.crypto import MsgCrypt
from wecom_suite.errors import WeComError
from wecom_suite.events import DataEvent
from wecom_suite.sandbox import new_settings
from wecom_suite.stores import CompanyRecord
from wecom_suite.xml import parse_xml


def template_world(make_world: WorldFactory) -> World:
    """A SuiteApp configured as a 代开发 template (``dk…`` suite_id), with a suite_ticket stored."""
    world = make_world(sandbox_settings=new_settings(suite_id="dk" + secrets.token_hex(8)))
    return with_ticket(world)


def with_ticket(world: World) -> World:
    assert world.sandbox.push_ticket() is not None
    world.app.process_pending()
    return world


def stored(world: World, corp_id: str) -> CompanyRecord:
    record = world.app.store.companies.get_company(world.app.config.suite_id, corp_id)
    assert record is not None
    return record


def edition_of(record: CompanyRecord) -> dict[str, Any]:
    agents = record.auth_info["edition_info"]["agent"]
    assert len(agents) == 1
    return dict(agents[0])


# -- change_editon ------------------------------------------------------------------------------------
def test_change_editon_stores_the_new_edition(world: World) -> None:
    with_ticket(world)
    corp_id = world.corp_id
    world.sandbox.install(corp_id)
    world.app.process_pending()
    assert edition_of(stored(world, corp_id))["edition_id"] == "sandbox-edition"
    world.clock.advance(60)
    delivery = world.sandbox.change_edition(corp_id, edition_id="pro-2026", edition_name="专业版", app_status=3,
                                            user_limit=500, expired_time=1_800_000_000)
    assert delivery is not None
    assert delivery.ok
    assert world.app.process_pending() == 1
    edition = edition_of(stored(world, corp_id))
    assert (edition["edition_id"], edition["edition_name"], edition["app_status"], edition["user_limit"],
            edition["expired_time"]) == ("pro-2026", "专业版", 3, 500, 1_800_000_000)
    assert world.sandbox.counters["service/get_auth_info"] == 2  # the install, then the edition change


# -- 代开发: the kind is known from the first save ------------------------------------------------------
def test_customized_company_uses_gettoken_while_its_auth_info_is_missing(make_world: WorldFactory) -> None:
    world = template_world(make_world)
    corp_id = world.corp_id
    for path in ("service/get_auth_info", "service/v2/get_auth_info"):
        world.sandbox.faults.errcode(path, 45009, times=None)  # throttled until cleared
    world.sandbox.install_customized(corp_id)
    world.app.process_pending()
    record = stored(world, corp_id)  # the permanent code (the app secret) is kept; the auth info is not there
    assert "auth_info" not in record.auth_info
    admins = world.app.corp(corp_id).client.get_admin_list()
    assert [a.user_id for a in admins.admins] == [u.userid for u in world.sandbox.company(corp_id).admins]
    assert world.sandbox.counters["gettoken"] == 1
    assert world.sandbox.counters["service/get_corp_token"] == 0
    world.sandbox.faults.clear()
    world.clock.advance(600)  # the install's retry is due
    world.app.process_pending()
    assert stored(world, corp_id).auth_info["auth_info"]["agent"][0]["is_customized_app"] is True
    assert world.app.corp(corp_id).client.get_admin_list().admins
    assert world.sandbox.counters["gettoken"] == 1  # the same template token, kept after the install completed
    assert world.sandbox.counters["service/get_corp_token"] == 0


def test_the_sandbox_refuses_get_corp_token_for_a_customized_company(make_world: WorldFactory) -> None:
    world = template_world(make_world)
    corp_id = world.corp_id
    world.sandbox.install_customized(corp_id)
    world.app.process_pending()
    code = stored(world, corp_id).permanent_code
    with pytest.raises(WeComError) as refused:  # the third-party path, with the right code: still refused
        world.app.client.get_corp_token(corp_id, code)
    assert refused.value.errcode == 40084
    assert world.app.client.get_customized_corp_token(corp_id, code).access_token


# -- 代开发 end to end: install_customized with its push, a corp call, reset_permanent_code ------------------
def test_customized_app_end_to_end_through_the_suite_app(make_world: WorldFactory) -> None:
    world = template_world(make_world)
    corp_id = world.corp_id
    delivery_count = len(world.sandbox.pushes.all())
    world.sandbox.install_customized(corp_id, state="dk-state")
    assert len(world.sandbox.pushes.all()) == delivery_count + 1  # create_auth pushed to the template's URL
    world.app.process_pending()
    first = stored(world, corp_id)
    assert first.auth_info["auth_info"]["agent"][0]["is_customized_app"] is True
    assert first.auth_info["auth_corp_info"]["corp_ex_name"]["name_list"]  # v2 get_auth_info, as page 100795
    assert world.sandbox.counters["service/v2/get_auth_info"] == 1
    assert world.sandbox.counters["service/get_auth_info"] == 0
    company = world.sandbox.company(corp_id)
    assert world.app.corp(corp_id).client.get_admin_list().admins
    assert (world.sandbox.counters["gettoken"], world.sandbox.counters["service/get_corp_token"]) == (1, 0)

    world.clock.advance(60)
    world.sandbox.reset_permanent_code(corp_id)  # pushes reset_permanent_code with a new AuthCode
    world.app.process_pending()
    renewed = stored(world, corp_id)
    assert renewed.permanent_code != first.permanent_code
    assert renewed.permanent_code == world.sandbox.emulator.permanent_code(corp_id)
    admins = world.app.corp(corp_id).client.get_admin_list()  # the old token was dropped: the new secret
    assert [a.user_id for a in admins.admins] == [u.userid for u in company.admins]
    assert (world.sandbox.counters["gettoken"], world.sandbox.counters["service/get_corp_token"]) == (2, 0)


# -- a member's text message, answered with a passive reply -------------------------------------------
def test_push_member_text_reaches_a_reply_handler(world: World) -> None:
    with_ticket(world)
    corp_id = world.corp_id
    world.sandbox.install(corp_id)
    world.app.process_pending()
    world.sandbox.set_data_callback_url(world.url("/callback/data") + "?corpid=$CORPID$")
    app = world.app

    @app.on("text", reply=True)
    def echo(ctx: CallbackContext) -> str:
        event = ctx.event
        assert isinstance(event, DataEvent)
        to = ReplyTo.event(event, create_time=int(world.clock.now()))
        return text_reply(to, "收到: " + str(event.raw["Content"]))

    member = next(iter(world.sandbox.company(corp_id).users))
    delivery = world.sandbox.push_member_text(corp_id, member, "你好")
    assert delivery.ok
    reply = parse_xml(delivery.attempts[-1].body)
    plain = MsgCrypt(app.config.encoding_aes_key.get_secret_value()).decrypt(str(reply["Encrypt"]))
    assert plain.receive_id == corp_id
    answer = parse_xml(plain.message)
    assert (answer["ToUserName"], answer["FromUserName"], answer["Content"]) == (member, corp_id, "收到: 你好")
