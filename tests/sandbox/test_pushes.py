"""Pushed callbacks: wechatpy (an independent implementation) verifies and decrypts what the sandbox sends;
failures are retried like WeCom; admin actions push the matching InfoType."""

from __future__ import annotations

import httpx
import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.crypto import MsgCrypt
from wecom_suite.errors import ConfigError
from wecom_suite.sandbox import Sandbox
from wecom_suite.xml import parse_xml

from .conftest import Receiver


def test_first_push_is_preceded_by_url_verification_with_the_provider_corp_id(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    delivery = sandbox.push_ticket()
    assert delivery is not None
    assert delivery.ok
    (get,) = receiver.gets()
    assert not get.error
    assert set(get.query) == {"msg_signature", "timestamp", "nonce", "echostr"}
    assert get.plaintext  # wechatpy decrypted the echostr with receive id = provider corp id
    (post,) = receiver.posts()
    assert not post.error
    assert set(post.query) == {"msg_signature", "timestamp", "nonce"}
    assert post.query["timestamp"] == str(int(sandbox.clock.now()))
    assert post.outer["ToUserName"] == sandbox.settings.suite_id
    assert post.outer["AgentID"] == ""
    event = post.event
    assert event["InfoType"] == "suite_ticket"
    assert event["SuiteId"] == sandbox.settings.suite_id
    assert MsgCrypt(sandbox.settings.encoding_aes_key).decrypt(post.outer["Encrypt"]).receive_id \
        == sandbox.settings.suite_id
    sandbox.push_ticket()
    assert len(receiver.gets()) == 1  # verified once per URL and key


def test_pushed_ticket_buys_a_suite_token(sandbox: Sandbox, receiver: Receiver, http: httpx.Client) -> None:
    sandbox.push_ticket()
    ticket = receiver.posts()[-1].event["SuiteTicket"]
    s = sandbox.settings
    answer = http.post("/cgi-bin/service/get_suite_token",
                       json={"suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": ticket}).json()
    assert answer["errcode"] == 0


def test_an_error_answer_is_not_delivered_again(sandbox: Sandbox, receiver: Receiver) -> None:
    """WeCom re-sends only when a request fails or times out, never because of what was answered."""
    sandbox.push_ticket()  # verified and delivered
    receiver.fail_next(1)
    delivery = sandbox.push_ticket()
    assert delivery is not None
    assert not delivery.ok
    assert [a.status for a in delivery.attempts] == [500]
    receiver.fail_next(1, status=200, body="ok")
    odd = sandbox.push_ticket()
    assert odd is not None
    assert not odd.ok  # the instruction URL must answer `success`
    assert [a.body for a in odd.attempts] == ["ok"]


@pytest.mark.parametrize(("failures", "ok", "attempts"), [(0, True, 1), (2, True, 3), (3, True, 4), (4, False, 4)])
def test_with_resend_on_error_status_failed_pushes_are_retried_three_times(
    clock: ManualClock, failures: int, ok: bool, attempts: int
) -> None:
    with Sandbox(clock=clock, resend_on_error_status=True) as sandbox:
        receiver = Receiver(sandbox)
        try:
            sandbox.set_callback_url(receiver.url)
            sandbox.push_ticket()  # verified and delivered
            receiver.fail_next(failures)
            delivery = sandbox.push_ticket()
            assert delivery is not None
            assert delivery.ok is ok
            assert len(delivery.attempts) == attempts
            assert [a.status for a in delivery.attempts] == [500] * min(failures, 4) + ([200] if ok else [])
        finally:
            receiver.close()


def test_an_authorisation_callback_answered_after_1_2_s_fails_and_is_retried(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    """docs/protocol.md §1.10: create_auth & co must be answered `success` within 1000 ms (the default)."""
    sandbox.push_ticket()  # verified and delivered
    receiver.delay_next(1, 1.2)  # really slow: that is what is under test
    sandbox.install(sandbox.company().corp_id)
    (delivery,) = sandbox.pushes.labelled("create_auth")
    assert delivery.deadline == 1.0
    assert delivery.ok
    assert len(delivery.attempts) == 2
    assert "1 s deadline" in delivery.attempts[0].error
    assert delivery.attempts[1].error == ""
    posts = receiver.posts()  # the first create_auth's handler may still be asleep: read only the retry
    assert len(posts) == 3
    assert posts[2].event["InfoType"] == "create_auth"


def test_each_info_type_gets_its_deadline(sandbox: Sandbox, receiver: Receiver) -> None:
    corp_id = sandbox.company().corp_id
    sandbox.install(corp_id)
    sandbox.change_auth(corp_id)
    sandbox.add_user(corp_id, "u1", "U1")
    sandbox.reset_permanent_code(corp_id)
    sandbox.cancel_auth(corp_id)
    sandbox.push_ticket()
    sandbox.push_event("<xml><InfoType><![CDATA[create_auth]]></InfoType></xml>", label="by-hand")
    sandbox.set_data_callback_url(receiver.url)
    sandbox.push_event("<xml><MsgType>text</MsgType></xml>", target="data")
    deadlines = {d.label: d.deadline for d in sandbox.pushes.all()}
    assert deadlines == {"create_auth": 1.0, "change_auth": 1.0, "change_contact/create_user": 5.0,
                         "reset_permanent_code": 1.0, "cancel_auth": 1.0, "suite_ticket": 1.0, "by-hand": 1.0,
                         "event": 5.0}
    assert all(d.ok for d in sandbox.pushes.all())


def test_both_deadlines_are_configurable(clock: ManualClock) -> None:
    with Sandbox(clock=clock, push_timeout=0.3, auth_push_timeout=3.0) as sandbox:
        receiver = Receiver(sandbox)
        try:
            sandbox.set_callback_url(receiver.url)
            sandbox.push_ticket()
            receiver.delay_next(1, 0.6)
            slow_ticket = sandbox.push_ticket()  # within its 3 s
            assert slow_ticket is not None
            assert slow_ticket.ok
            assert len(slow_ticket.attempts) == 1
            receiver.delay_next(1, 0.6)
            slow_contact = sandbox.add_user(sandbox.company().corp_id, "u2", "U2")  # past its 0.3 s
            assert slow_contact is not None
            assert slow_contact.ok
            assert "0.3 s deadline" in slow_contact.attempts[0].error
            assert len(slow_contact.attempts) == 2
        finally:
            receiver.close()
    with pytest.raises(ConfigError, match="auth_push_timeout"):
        Sandbox(clock=clock, auth_push_timeout=0)


def test_retry_delays_are_configurable_and_go_through_the_injected_sleep(clock: ManualClock) -> None:
    slept: list[float] = []
    with Sandbox(clock=clock, retry_delays=(5, 30, 60), sleep=slept.append, resend_on_error_status=True) as sandbox:
        receiver = Receiver(sandbox)
        try:
            sandbox.set_callback_url(receiver.url)
            sandbox.push_ticket()
            receiver.fail_next(10)
            delivery = sandbox.push_ticket()
            assert delivery is not None
            assert not delivery.ok
            assert slept == [5, 30, 60]
            assert [a.delay_before for a in delivery.attempts] == [0, 5, 30, 60]
        finally:
            receiver.close()


def test_failed_verification_means_no_post(
    sandbox: Sandbox, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.fail_next(4, gets=True)
    with caplog.at_level("WARNING", logger="wecom_suite.sandbox"):
        delivery = sandbox.push_ticket()
    assert "URL verification (GET) of suite_ticket" in caplog.text
    assert "HTTP 500" in caplog.text
    assert delivery is not None
    assert not delivery.ok
    assert len(delivery.verification) == 4
    assert delivery.attempts == []
    assert receiver.posts() == []


def test_rotated_key_new_pushes_need_the_new_key_and_the_old_one_is_previous(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    old = sandbox.settings.encoding_aes_key
    sandbox.push_ticket()
    new = sandbox.rotate_aes_key()
    assert new != old
    assert sandbox.settings.previous_encoding_aes_key == old
    receiver.keys = [old]  # a receiver that was not told about the new key
    delivery = sandbox.push_ticket()
    assert delivery is not None
    assert not delivery.ok
    assert len(receiver.gets()) == 1 + 4  # the URL is verified again with the new key, and fails
    receiver.keys = [new, old]  # current + previous, like CallbackReceiver(previous_encoding_aes_key=...)
    delivery = sandbox.push_ticket()
    assert delivery is not None
    assert delivery.ok
    assert receiver.posts()[-1].event["InfoType"] == "suite_ticket"


def test_ticket_schedule_follows_the_clock(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.advance(599)  # the schedule was armed when the callback URL was set
    assert receiver.posts() == []
    sandbox.advance(1)
    assert [p.event["InfoType"] for p in receiver.posts()] == ["suite_ticket"]
    sandbox.advance(600)
    assert len(receiver.posts()) == 2


def test_admin_actions_push_the_matching_callbacks(sandbox: Sandbox, receiver: Receiver) -> None:
    corp_id = sandbox.company().corp_id
    auth_code = sandbox.install(corp_id, state="st1")
    sandbox.change_auth(corp_id, auth_mode=1)
    sandbox.add_user(corp_id, "zhaoliu", "赵六", [2])
    sandbox.update_user(corp_id, "zhaoliu", position="经理")
    sandbox.remove_user(corp_id, "zhaoliu")
    sandbox.add_department(corp_id, 9, "新部门")
    reset_code = sandbox.reset_permanent_code(corp_id)
    sandbox.cancel_auth(corp_id)
    events = [p.event for p in receiver.posts()]
    assert [(e["InfoType"], e.get("ChangeType")) for e in events] == [
        ("create_auth", None), ("change_auth", None), ("change_contact", "create_user"),
        ("change_contact", "update_user"), ("change_contact", "delete_user"), ("change_contact", "create_party"),
        ("reset_permanent_code", None), ("cancel_auth", None),
    ]
    assert events[0]["AuthCode"] == auth_code
    assert events[0]["State"] == "st1"
    assert events[1]["AuthCorpId"] == corp_id
    assert events[2]["UserID"] == "zhaoliu"
    assert events[2]["Department"] == "2"
    assert events[3]["Position"] == "经理"
    assert events[5]["Id"] == "9"
    assert events[6]["AuthCode"] == reset_code
    assert all(p.outer["ToUserName"] == sandbox.settings.suite_id for p in receiver.posts())


def test_data_callback_uses_the_corp_id_as_receive_id(sandbox: Sandbox) -> None:
    company = sandbox.company()
    receiver = Receiver(sandbox)
    try:
        sandbox.set_data_callback_url(receiver.url + "?corpid=$CORPID$")
        xml = ("<xml><ToUserName><![CDATA[" + company.corp_id + "]]></ToUserName><FromUserName><![CDATA[sys]]>"
               "</FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType>"
               "<Event><![CDATA[change_app_admin]]></Event><AgentID>1</AgentID></xml>")
        delivery = sandbox.push_event(xml, target="data", corp_id=company.corp_id)
        assert delivery.ok
        (post,) = receiver.posts()
        assert post.query["corpid"] == company.corp_id
        assert post.outer["ToUserName"] == company.corp_id
        assert post.outer["AgentID"] == str(company.agent_id)
        assert parse_xml(post.plaintext)["Event"] == "change_app_admin"
    finally:
        receiver.close()


def test_push_event_needs_a_url(sandbox: Sandbox) -> None:
    with pytest.raises(RuntimeError, match="set_callback_url"):
        sandbox.push_event("<xml/>")
    with pytest.raises(RuntimeError, match="set_data_callback_url"):
        sandbox.push_event("<xml/>", target="data")


def test_admin_api_pushes(sandbox: Sandbox, receiver: Receiver, http: httpx.Client) -> None:
    corp_id = sandbox.company().corp_id
    assert http.post("/sandbox/push_ticket").json()["delivery"]["ok"] is True
    code = http.post(f"/sandbox/companies/{corp_id}/install", json={"state": "x1"}).json()["auth_code"]
    assert len(code) == 64
    contacts = http.post(f"/sandbox/companies/{corp_id}/contacts",
                         json={"change_type": "create_user", "userid": "u9", "name": "U9"}).json()
    assert contacts["delivery"]["ok"] is True
    event = http.post("/sandbox/events", json={"xml": "<xml><InfoType>custom_thing</InfoType></xml>"}).json()
    assert event["delivery"]["ok"] is True
    changed = http.post(f"/sandbox/companies/{corp_id}/change_auth", json={"auth_mode": 1})
    assert changed.status_code == 200, changed.text
    assert changed.json()["delivery"]["ok"] is True
    assert changed.json()["delivery"]["deadline"] == 1.0
    reset = http.post(f"/sandbox/companies/{corp_id}/reset_permanent_code")
    assert reset.status_code == 200, reset.text
    reset_code = reset.json()["auth_code"]
    cancelled = http.post(f"/sandbox/companies/{corp_id}/cancel_auth")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["delivery"]["ok"] is True
    events = [p.event for p in receiver.posts()]
    assert [e["InfoType"] for e in events] == ["suite_ticket", "create_auth", "change_contact", "custom_thing",
                                               "change_auth", "reset_permanent_code", "cancel_auth"]
    assert events[4]["AuthCorpId"] == corp_id
    assert events[5]["AuthCode"] == reset_code
    assert events[6]["AuthCorpId"] == corp_id
    authorization = sandbox.company(corp_id).authorization
    assert authorization is not None
    assert authorization.cancelled
    assert authorization.auth_mode == 1
    assert http.post("/sandbox/companies/wwnobody/cancel_auth").status_code == 404
    missing = http.post(f"/sandbox/companies/{corp_id}/contacts", json={"change_type": "delete_user"})
    assert missing.status_code == 400
    assert "'userid' is required" in missing.json()["error"]
    pushes = http.get("/sandbox/pushes").json()["pushes"]
    assert [p["label"] for p in pushes] == ["suite_ticket", "create_auth", "change_contact/create_user", "event",
                                            "change_auth", "reset_permanent_code", "cancel_auth"]
    rotated = http.post("/sandbox/rotate_aes_key").json()
    assert rotated["encoding_aes_key"] == sandbox.settings.encoding_aes_key


def test_every_push_parses_into_its_typed_event(sandbox: Sandbox, receiver: Receiver) -> None:
    """Interop with the events layer: what the sandbox pushes is what wecom_suite.events expects."""
    from wecom_suite.events import (
        CancelAuthEvent,
        ChangeAppAdminEvent,
        ChangeAuthEvent,
        CreateAuthEvent,
        CreateUserEvent,
        DeleteUserEvent,
        ResetPermanentCodeEvent,
        SuiteTicketEvent,
        parse_event,
    )
    from wecom_suite.sandbox.pushes.notifications import data_event_xml

    corp_id = sandbox.company().corp_id
    sandbox.push_ticket()
    auth_code = sandbox.install(corp_id, state="ev1")
    sandbox.change_auth(corp_id)
    sandbox.add_user(corp_id, "qianqi", "钱七", [1, 2])
    sandbox.remove_user(corp_id, "qianqi")
    sandbox.reset_permanent_code(corp_id)
    sandbox.cancel_auth(corp_id)
    events = [parse_event(p.plaintext) for p in receiver.posts()]
    assert [type(e) for e in events] == [SuiteTicketEvent, CreateAuthEvent, ChangeAuthEvent, CreateUserEvent,
                                         DeleteUserEvent, ResetPermanentCodeEvent, CancelAuthEvent]
    assert all(e.suite_id == sandbox.settings.suite_id for e in events)
    create = events[1]
    assert isinstance(create, CreateAuthEvent)
    assert (create.auth_code, create.state) == (auth_code, "ev1")
    user = events[3]
    assert isinstance(user, CreateUserEvent)
    assert user.department == (1, 2)
    assert user.auth_corp_id == corp_id
    assert user.timestamp == int(sandbox.clock.now())
    admin_change = parse_event(data_event_xml(corp_id, "change_app_admin", 1000002, 1_700_000_000))
    assert isinstance(admin_change, ChangeAppAdminEvent)


def test_rotation_mid_run_is_absorbed_by_our_receivers_previous_key_path(
    sandbox: Sandbox, receiver: Receiver, clock: ManualClock
) -> None:
    from wecom_suite.callback import CallbackReceiver
    from wecom_suite.events import SuiteTicketEvent

    s = sandbox.settings
    sandbox.push_ticket()
    sealed_with_old = receiver.posts()[-1]
    old = s.encoding_aes_key
    new = sandbox.rotate_aes_key()
    receiver.keys = [new, old]
    sandbox.push_ticket()
    sealed_with_new = receiver.posts()[-1]

    ours = CallbackReceiver(s.token, old, s.suite_id, clock=clock)
    ours.update_aes_key(new)  # the app learnt the new key; a push sealed before the rotation is still in flight
    late = ours.open(sealed_with_old.query, sealed_with_old.body)
    fresh = ours.open(sealed_with_new.query, sealed_with_new.body)
    assert isinstance(late.event, SuiteTicketEvent)
    assert isinstance(fresh.event, SuiteTicketEvent)
    assert late.event.suite_ticket != fresh.event.suite_ticket
    assert sandbox.emulator.ticket_valid(fresh.event.suite_ticket)


def test_system_events_use_the_provider_corp_id(sandbox: Sandbox, http: httpx.Client) -> None:
    receiver = Receiver(sandbox)
    try:
        http.post("/sandbox/callback_url", json={"kind": "system", "url": receiver.url})
        xml = ("<xml><ServiceCorpId><![CDATA[" + sandbox.settings.provider_corp_id + "]]></ServiceCorpId>"
               "<InfoType><![CDATA[license_pay_success]]></InfoType><TimeStamp>1</TimeStamp></xml>")
        answer = http.post("/sandbox/events", json={"xml": xml, "target": "system"}).json()
        assert answer["delivery"]["ok"] is True
        (post,) = receiver.posts()
        assert post.outer["ToUserName"] == sandbox.settings.provider_corp_id
        assert post.event["InfoType"] == "license_pay_success"
    finally:
        receiver.close()
