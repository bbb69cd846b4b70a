"""Delivery that loses nothing: every URL records first; order by WeCom's TimeStamp; dead letters, not loops."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.app.suite_world import World
from wecom_suite.callback.context import CallbackContext
from wecom_suite.errors import CallbackError
from wecom_suite.sandbox.pushes.notifications import cancel_auth_xml, create_auth_xml
from wecom_suite.stores import ItemState, MemoryStore
from wecom_suite.web.request import WebRequest
from wecom_suite.web.response import WebResponse
from wecom_suite.xml import to_xml


def ready(world: World) -> World:
    world.sandbox.push_ticket()
    world.app.process_pending()
    return world


def installed(world: World) -> World:
    ready(world).sandbox.install(world.corp_id)
    world.app.process_pending()
    return world


def dead_letters(world: World) -> list[Any]:
    return list(world.app.store.inbox.list_items(world.app.config.suite_id, state=ItemState.DEAD))


# -- documented events on the wrong-looking URL (observed fault 7) ------------------------------------


@pytest.mark.parametrize(
    ("receive_id", "to_user_name"),
    [("corp", "corp"), ("suite", "suite"), ("corp", "suite"), ("provider", "corp")],
)
def test_sys_approval_change_is_accepted_on_the_instruction_url(
    world: World, receive_id: str, to_user_name: str
) -> None:
    installed(world)
    ids = {"corp": world.corp_id, "suite": world.app.config.suite_id, "provider": world.app.config.provider_corp_id}
    seen: list[str] = []

    @world.app.on("sys_approval_change")
    def approvals(ctx: CallbackContext) -> None:
        seen.append(str(ctx.event.raw["ApprovalInfo"]["SpNo"]))  # type: ignore[index]

    plaintext = (
        f"<xml><ToUserName><![CDATA[{world.corp_id}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{int(world.clock.now())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[sys_approval_change]]></Event><AgentID>1000002</AgentID>"
        "<ApprovalInfo><SpNo>202611300001</SpNo><SpName><![CDATA[请假]]></SpName><SpStatus>2</SpStatus></ApprovalInfo>"
        "</xml>"
    )
    assert world.sandbox.callback_url
    delivery = world.sandbox.pusher.deliver(
        "sys_approval_change", world.sandbox.callback_url, plaintext,
        receive_id=ids[receive_id], to_user_name=ids[to_user_name], agent_id="1000002",
    )
    assert delivery.ok, delivery.as_json()
    assert world.app.process_pending() == 1
    assert seen == ["202611300001"]


# -- order by WeCom's TimeStamp (observed fault 6) ------------------------------------------------------


def push_instruction(world: World, plaintext: str) -> None:
    s = world.sandbox.settings
    assert world.sandbox.callback_url
    delivery = world.sandbox.pusher.deliver("event", world.sandbox.callback_url, plaintext,
                                            receive_id=s.suite_id, to_user_name=s.suite_id, agent_id="")
    assert delivery.ok, delivery.as_json()


def test_a_stale_cancel_auth_processed_after_a_reinstall_does_not_undo_it(world: World) -> None:
    installed(world)
    s, now = world.sandbox.settings, int(world.clock.now())
    world.sandbox.emulator.cancel_auth(world.corp_id)  # WeCom's side: cancelled at now + 10 ...
    auth_code = world.sandbox.install(world.corp_id, push=False)  # ... and installed again at now + 20
    # The reinstall's create_auth arrives first; the cancel_auth that preceded it arrives late.
    push_instruction(world, create_auth_xml(s.suite_id, auth_code, "", now + 20))
    push_instruction(world, cancel_auth_xml(s.suite_id, world.corp_id, now + 10))
    world.app.process_pending()
    company = world.app.store.companies.get_company(s.suite_id, world.corp_id)
    assert company is not None
    assert company.active
    assert company.auth_event_time == now + 20


def test_cancel_then_reinstall_in_order_ends_installed(world: World) -> None:
    installed(world)
    s, now = world.sandbox.settings, int(world.clock.now())
    world.sandbox.emulator.cancel_auth(world.corp_id)
    auth_code = world.sandbox.install(world.corp_id, push=False)
    push_instruction(world, cancel_auth_xml(s.suite_id, world.corp_id, now + 10))
    push_instruction(world, create_auth_xml(s.suite_id, auth_code, "", now + 20))
    for _ in range(3):
        world.app.process_pending()
        world.clock.advance(5)
    company = world.app.store.companies.get_company(s.suite_id, world.corp_id)
    assert company is not None
    assert company.active


# -- the code exchange is written ahead (observed faults 4 and 5) ---------------------------------------


class _CrashAfterExchange(MemoryStore):
    """A store whose first company write fails, as if the process died right after WeCom answered."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        real = self.companies.save_company
        self.failures = 1

        def save_company(company: Any) -> None:
            if self.failures:
                self.failures -= 1
                raise OSError("the process was killed here")
            real(company)

        self.companies.save_company = save_company  # type: ignore[method-assign]


def test_an_answer_lost_between_exchange_and_save_ends_as_permanent_code_lost(make_world: Any, clock: Any) -> None:
    world = make_world(store=_CrashAfterExchange(clock))
    ready(world)
    world.sandbox.install(world.corp_id, state="campaign42")
    for _ in range(12):  # bounded: the first attempt "crashes", the retry gets 40078 and gives up at once
        world.app.process_pending()
        world.clock.advance(600)
    dead = dead_letters(world)
    assert len(dead) == 1
    assert dead[0].last_error.startswith("permanent_code_lost:")
    assert "campaign42" in dead[0].last_error
    assert "install" in dead[0].last_error  # the hint: the admin must install again
    assert world.sandbox.counters["service/v2/get_permanent_code"] == 2  # no exchange wasted after that
    assert world.app.store.inbox.stats(world.app.config.suite_id).pending == 0


def test_a_bad_auth_code_is_a_dead_letter_not_an_endless_retry(world: World, caplog: pytest.LogCaptureFixture) -> None:
    ready(world)
    push_instruction(world, create_auth_xml(world.sandbox.settings.suite_id, "x" * 64, "s1", int(world.clock.now())))
    for _ in range(5):
        world.app.process_pending()
        world.clock.advance(600)
    dead = dead_letters(world)
    assert [d.last_error.split(":")[0] for d in dead] == ["invalid_auth_code"]
    assert caplog.text.count("is now a dead letter") == 1
    assert world.sandbox.counters["service/v2/get_permanent_code"] == 1


# -- hooks on every URL (observed fault 8) and the sandbox's retry rule ----------------------------------


@pytest.mark.parametrize("path", ["/callback/instruction", "/callback/data", "/callback/system"])
def test_interceptor_and_error_handler_run_on_every_callback_url(make_world: Any, path: str) -> None:
    seen: list[str] = []
    errors: list[str] = []

    def interceptor(request: WebRequest) -> WebResponse | None:
        seen.append(request.path)
        return WebResponse.text("blocked by the allow-list", status=403) if "block" in request.query else None

    def error_handler(request: WebRequest, exc: Exception) -> WebResponse | None:
        errors.append(type(exc).__name__)
        return WebResponse.text("custom rejection", status=400) if isinstance(exc, CallbackError) else None

    world = make_world()
    world.app.interceptor, world.app.error_handler = interceptor, error_handler
    with httpx.Client(timeout=10, trust_env=False) as http:
        blocked = http.post(world.url(path) + "?block=1", content=b"<xml/>")
        bad = http.post(world.url(path) + "?msg_signature=x&timestamp=1&nonce=n", content=b"<xml/>")
    assert (blocked.status_code, blocked.text) == (403, "blocked by the allow-list")
    assert (bad.status_code, bad.text) == (400, "custom rejection")
    assert seen == [f"/wecom{path}"] * 2
    assert errors == ["CallbackError"]


def test_the_sandbox_delivers_again_only_when_the_request_fails(world: World) -> None:
    """WeCom re-sends after a failed request or a timeout, never because of what we answered."""
    ready(world)
    world.app.interceptor = lambda request: WebResponse.text("oops", status=500)
    delivery = world.sandbox.push_ticket()
    assert delivery is not None
    assert not delivery.ok
    assert [a.status for a in delivery.attempts] == [500]  # answered: not delivered again
    world.app.interceptor = None
    world.sandbox.set_callback_url("http://127.0.0.1:9/wecom/callback/instruction")  # nothing listens there
    world.sandbox.pusher.forget_verifications()
    failed = world.sandbox.push_ticket()
    assert failed is not None
    assert not failed.ok
    assert len(failed.verification) == 4  # no connection: tried, then the 3 documented retries


def test_unknown_info_types_and_unhandled_events_are_recorded_and_completed(world: World) -> None:
    ready(world)
    push_instruction(world, to_xml({"SuiteId": world.sandbox.settings.suite_id, "InfoType": "brand_new_thing",
                                    "TimeStamp": int(world.clock.now())}))
    assert world.app.process_pending() == 1
    assert world.app.store.inbox.stats(world.app.config.suite_id).pending == 0
    assert dead_letters(world) == []


def test_an_implausible_timestamp_is_recorded_and_ordered_by_arrival(
    make_world: Any, tmp_path: Any, clock: Any
) -> None:
    """Found by fuzzing over HTTP: a CreateTime beyond 64 bits made the SQLite inbox write fail (503)."""
    from wecom_suite.stores.sqlite import SQLiteStore

    world = make_world(store=SQLiteStore(tmp_path / "store.db", clock))
    ready(world)
    world.sandbox.set_data_callback_url(world.url("/callback/data"))
    huge = (
        f"<xml><ToUserName><![CDATA[{world.corp_id}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        f"<CreateTime>{'9' * 40}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[x]]></Content><MsgId>1</MsgId><AgentID>1000002</AgentID></xml>"
    )
    delivery = world.sandbox.push_event(huge, target="data", corp_id=world.corp_id)
    assert delivery.ok, delivery.as_json()
    (item,) = world.app.store.inbox.list_items(world.app.config.suite_id, queue=world.corp_id)
    assert item.event_time == 0


def test_an_exchange_answered_with_an_error_leaves_no_written_ahead_marker(world: World) -> None:
    """Review finding: a first attempt that WeCom answered with an error (the code not consumed) made a later
    40078 look like a lost permanent code."""
    ready(world)
    world.sandbox.faults.errcode("service/v2/get_permanent_code", 60011)  # answered: no privilege, once
    auth_code = world.sandbox.install(world.corp_id, state="st-7", push=False)
    push_instruction(world, create_auth_xml(world.sandbox.settings.suite_id, auth_code, "st-7",
                                            int(world.clock.now())))
    world.app.process_pending()  # attempt 1: 60011, retried later
    world.sandbox.emulator.cancel_auth(world.corp_id)  # meanwhile the code stops working: 40078 next time
    for _ in range(5):
        world.clock.advance(600)
        world.app.process_pending()
    assert [d.last_error.split(":")[0] for d in dead_letters(world)] == ["invalid_auth_code"]


def test_a_malformed_auth_code_is_a_dead_letter_at_once(world: World) -> None:
    ready(world)
    push_instruction(world, create_auth_xml(world.sandbox.settings.suite_id, "short", "s", int(world.clock.now())))
    world.app.process_pending()
    assert [d.last_error.split(":")[0] for d in dead_letters(world)] == ["invalid_auth_code"]
    assert dead_letters(world)[0].attempts == 0  # no retries spent on a code WeCom called malformed (40058)
