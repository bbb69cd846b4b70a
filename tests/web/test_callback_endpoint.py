"""EventRouter and CallbackEndpoint: dispatch rules, status codes, hooks, dedup and logging."""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import urlencode

import pytest

from tests.callback.callback_helpers import CORP, KEY, NOW, SUITE, TOKEN, get, post, ticket_xml
from wecom_suite.callback import CallbackContext, CallbackReceiver, EventRouter
from wecom_suite.clock import ManualClock
from wecom_suite.crypto import MsgCrypt
from wecom_suite.errors import CallbackError, CallbackReason
from wecom_suite.events import ContactChangeType, InfoType
from wecom_suite.web import CallbackEndpoint, WebRequest, WebResponse, callback_error_response
from wecom_suite.xml import parse_xml, to_xml


def contact(change_type: str, user: str = "u1") -> str:
    return to_xml(
        {
            "SuiteId": SUITE,
            "AuthCorpId": CORP,
            "InfoType": "change_contact",
            "TimeStamp": NOW,
            "ChangeType": change_type,
            "UserID": user,
        }
    )


def request(query: dict[str, str], body: bytes = b"", method: str = "POST") -> WebRequest:
    return WebRequest.from_raw(method, "/wecom/callback", urlencode(query), {"content-type": "text/xml"}, body)


@pytest.fixture
def router() -> EventRouter:
    return EventRouter()


@pytest.fixture
def endpoint(receiver: CallbackReceiver, router: EventRouter) -> CallbackEndpoint:
    return CallbackEndpoint(receiver, router)


def test_router_precedence(receiver: CallbackReceiver, router: EventRouter) -> None:
    seen: list[str] = []

    @router.on(InfoType.CHANGE_CONTACT, change_type=ContactChangeType.CREATE_USER)
    def created(ctx: CallbackContext) -> None:
        seen.append("created")

    @router.on("change_contact")
    def any_contact(ctx: CallbackContext) -> None:
        seen.append("contact")

    @router.default
    def fallback(ctx: CallbackContext) -> str:
        seen.append("default")
        return "reply"

    assert router.dispatch(receiver.open(*post(contact("create_user")))) is None
    assert router.dispatch(receiver.open(*post(contact("delete_user")))) is None
    assert router.dispatch(receiver.open(*post(ticket_xml()))) == "reply"
    assert seen == ["created", "contact", "default"]
    assert EventRouter().dispatch(receiver.open(*post(ticket_xml()))) is None  # nothing registered
    router.add("suite_ticket", lambda ctx: "ticket")
    assert router.dispatch(receiver.open(*post(ticket_xml()))) == "ticket"


def test_get_echoes_the_plaintext_keeping_plus(endpoint: CallbackEndpoint) -> None:
    query = get("a+b c/=")
    raw_qs = "&".join(f"{k}={v}" for k, v in query.items())  # '+' unescaped, as WeCom sends it
    response = endpoint.handle(WebRequest.from_raw("GET", "/cb", raw_qs, {}, b""))
    assert (response.status, response.body) == (200, b"a+b c/=")


def test_post_dispatches_once_and_answers_success(endpoint: CallbackEndpoint, router: EventRouter) -> None:
    tickets: list[str] = []
    router.on("suite_ticket")(lambda ctx: tickets.append(ctx.event.suite_ticket))  # type: ignore[attr-defined,func-returns-value]
    query, body = post(ticket_xml("T1"))
    first = endpoint.handle(request(query, body))
    again = endpoint.handle(request(*post(ticket_xml("T1"), nonce="9")))  # re-encrypted redelivery
    assert (first.status, first.body, again.status, again.body) == (200, b"success", 200, b"success")
    assert tickets == ["T1"]


def test_distinct_events_in_the_same_second_are_all_dispatched(endpoint: CallbackEndpoint, router: EventRouter) -> None:
    users: list[str] = []
    router.on("change_contact")(lambda ctx: users.append(ctx.event.raw["UserID"]))  # type: ignore[func-returns-value]
    for user in ("a", "b", "c"):
        assert endpoint.handle(request(*post(contact("update_user", user)))).body == b"success"
    assert users == ["a", "b", "c"]


def test_a_failing_handler_gets_500_and_the_redelivery_is_dispatched(
    endpoint: CallbackEndpoint, router: EventRouter, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    @router.on("suite_ticket")
    def flaky(ctx: CallbackContext) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is down")

    query, body = post(ticket_xml("T2"))
    with caplog.at_level(logging.ERROR, logger="wecom_suite.callback"):
        failed = endpoint.handle(request(query, body))
    assert failed.status == 500
    assert b"the callback was not recorded" in failed.body
    assert "database is down" in caplog.text
    assert "suite_ticket" in caplog.text
    assert endpoint.handle(request(query, body)).body == b"success"
    assert endpoint.handle(request(query, body)).body == b"success"
    assert len(calls) == 2


def test_rejections_are_400_with_the_reason_and_log_no_secrets(
    endpoint: CallbackEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    query, body = post(ticket_xml(), key="0123456789abcdefghijklmnopqrstuvwxyzABCDEFG")
    with caplog.at_level(logging.WARNING, logger="wecom_suite.callback"):
        response = endpoint.handle(request(query, body))
    assert response.status == 400
    assert response.body.startswith(b"illegal_buffer: ")
    assert response.headers["x-wecom-callback-reason"] == "illegal_buffer"
    assert "illegal_buffer" in caplog.text
    assert TOKEN not in caplog.text
    assert KEY not in caplog.text
    bad_sig = endpoint.handle(request({**post(ticket_xml())[0], "msg_signature": "f" * 40}, body))
    assert bad_sig.status == 400
    assert bad_sig.body.startswith(b"validate_signature")
    assert endpoint.handle(request({}, b"")).status == 400
    assert endpoint.handle(request({}, b"", method="PUT")).status == 405


def test_handlers_can_reply_with_encrypted_content(receiver: CallbackReceiver, router: EventRouter) -> None:
    router.on("text")(lambda ctx: "<xml><Content>pong</Content></xml>")
    plain = to_xml({"ToUserName": CORP, "FromUserName": "zs", "CreateTime": NOW, "MsgType": "text", "Content": "ping"})
    data_receiver = CallbackReceiver(TOKEN, KEY, CORP, clock=receiver.clock)
    response = CallbackEndpoint(data_receiver, router).handle(request(*post(plain, receive_id=CORP, nonce="77")))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/xml")
    fields = parse_xml(response.body)
    assert fields["Nonce"] == "77"
    decrypted = MsgCrypt(KEY).decrypt(str(fields["Encrypt"]))
    assert (decrypted.message, decrypted.receive_id) == (b"<xml><Content>pong</Content></xml>", CORP)


def test_interceptor_and_error_handler_hooks(receiver: CallbackReceiver, router: EventRouter) -> None:
    seen: list[str] = []

    def interceptor(req: WebRequest) -> WebResponse | None:
        return WebResponse.text("blocked", 403) if req.remote_addr == "6.6.6.6" else None

    def error_handler(req: WebRequest, exc: Exception) -> WebResponse | None:
        seen.append(type(exc).__name__)
        if isinstance(exc, CallbackError) and exc.reason is CallbackReason.STALE_TIMESTAMP:
            return WebResponse.text("too old", 400)
        return None

    @router.on("suite_ticket")
    def boom(ctx: CallbackContext) -> None:
        raise KeyError("x")

    endpoint = CallbackEndpoint(receiver, router, error_handler=error_handler, interceptor=interceptor)
    query, body = post(ticket_xml())
    blocked = WebRequest("POST", "/", query, {}, body, remote_addr="6.6.6.6")
    assert endpoint.handle(blocked).status == 403
    stale = endpoint.handle(request(*post(ticket_xml(), ts=NOW - 1000)))
    assert (stale.status, stale.body) == (400, b"too old")
    assert endpoint.handle(request(query, body)).status == 500
    assert seen == ["CallbackError", "KeyError"]

    def broken_handler(req: WebRequest, exc: Exception) -> WebResponse | None:
        raise RuntimeError("oops")

    fallback = CallbackEndpoint(receiver, EventRouter(), error_handler=broken_handler)
    assert fallback.handle(request({}, b"")).status == 400


def test_callback_error_response() -> None:
    response = callback_error_response(CallbackError(CallbackReason.BODY_TOO_LARGE, "2 MiB"))
    assert (response.status, response.body) == (400, b"body_too_large: 2 MiB")
    assert callback_error_response(CallbackError("stale_timestamp")).body == b"stale_timestamp"


def test_context_is_immutable(receiver: CallbackReceiver) -> None:
    ctx = receiver.open(*post(ticket_xml()))
    with pytest.raises(AttributeError):
        ctx.duplicate = True  # type: ignore[misc]
    assert dataclasses.replace(ctx, duplicate=True).duplicate


def test_clock_is_injected_everywhere() -> None:
    clock = ManualClock(NOW)
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock)
    clock.advance(10_000)
    assert parse_xml(receiver.encrypt_reply("x", SUITE))["TimeStamp"] == str(NOW + 10_000)


@pytest.mark.parametrize("answer", ["raises", "none", "theirs"])
def test_the_endpoint_and_suite_app_share_one_error_fallback(
    receiver: CallbackReceiver, router: EventRouter, answer: str, caplog: pytest.LogCaptureFixture
) -> None:
    """One ``answer_error``: an error handler that raises or returns None leaves our 400, one line logged
    the same way by both hosts; a response it returns wins."""
    from wecom_suite.app.suite_app import SuiteApp
    from wecom_suite.stores import MemoryStore

    def error_handler(req: WebRequest, exc: Exception) -> WebResponse | None:
        if answer == "raises":
            raise RuntimeError("the user's handler broke")
        return WebResponse.text("theirs", 418) if answer == "theirs" else None

    app = SuiteApp(
        suite_id=SUITE,
        suite_secret="s" * 32,
        token=TOKEN,
        encoding_aes_key=KEY,
        store_url="memory://",
        store=MemoryStore(),
        start_worker=False,
        error_handler=error_handler,
    )
    endpoint = CallbackEndpoint(receiver, router, error_handler=error_handler)
    try:
        with caplog.at_level(logging.ERROR):
            answers = [
                endpoint.handle(WebRequest.from_raw("GET", "/", b"", {}, b"")),
                app.handle(WebRequest.from_raw("GET", "/wecom/callback/instruction", b"", {}, b"")),
            ]
    finally:
        app.close()
    expected = 418 if answer == "theirs" else 400
    assert [a.status for a in answers] == [expected, expected]
    assert answers[0].body == answers[1].body
    broke = [r.getMessage() for r in caplog.records if "error handler" in r.getMessage()]
    assert broke == (
        ["the callback error handler raised; answering as if it were not set"] * 2 if answer == "raises" else []
    )
