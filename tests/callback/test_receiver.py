"""CallbackReceiver: the happy paths, a negative test per reason, key rotation, dedup, fuzzing."""

from __future__ import annotations

import base64
import contextlib
import pathlib
import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from tests.callback.callback_helpers import (
    CORP,
    KEY,
    NOW,
    OTHER_KEY,
    PROVIDER,
    SUITE,
    TOKEN,
    get,
    post,
    raw_post,
    sign,
    ticket_xml,
)
from tests.xml.test_safe_xml import BILLION_LAUGHS, UTF16_DTD, UTF16LE_DTD_NO_BOM, UTF32_DTD, XXE
from wecom_suite.callback import CallbackReceiver, ReplayCache
from wecom_suite.clock import ManualClock
from wecom_suite.crypto import MsgCrypt, compute_signature
from wecom_suite.errors import CallbackError, CallbackReason
from wecom_suite.events import ChangeAppAdminEvent, MessageEvent, SuiteTicketEvent, UpdateUserEvent
from wecom_suite.xml import parse_xml, to_xml

# Reasons the receive path cannot produce: -40003/-40009/-40011 are failures of SHA-1, base64 encoding and
# string formatting, which cannot fail in Python; -40005 is reported as our more specific receive_id_mismatch
# (whose ``official_code`` is -40005).
NEVER_ON_RECEIVE = {
    CallbackReason.COMPUTE_SIGNATURE,
    CallbackReason.ENCODE_BASE64,
    CallbackReason.GEN_RETURN_XML,
    CallbackReason.VALIDATE_RECEIVE_ID,
}


def rejects(reason: CallbackReason, fn: object, *args: object) -> CallbackError:
    assert callable(fn)
    with pytest.raises(CallbackError) as info:
        fn(*args)
    assert info.value.reason is reason, info.value
    assert info.value.hint, f"{reason} has no hint"  # errors say what to do
    return info.value


def test_official_get_vector() -> None:
    receiver = CallbackReceiver(TOKEN, KEY, "wx5823bf96d3bd56c7", clock=ManualClock(1409659589))
    query = {
        "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "timestamp": "1409659589",
        "nonce": "263014780",
        "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
    }
    assert receiver.verify_url(query) == "1616140317555161061"


def test_open_suite_ticket(receiver: CallbackReceiver) -> None:
    query, body = post(ticket_xml("TICKET-1"))
    ctx = receiver.open(query, body)
    assert isinstance(ctx.event, SuiteTicketEvent)
    assert ctx.event.suite_ticket == "TICKET-1"
    assert (ctx.timestamp, ctx.nonce, ctx.receive_id, ctx.to_user_name) == (NOW, "1320562132", SUITE, SUITE)
    assert ctx.msg_signature == query["msg_signature"]
    assert ctx.query is query
    assert ctx.raw_xml == ticket_xml("TICKET-1").encode()
    assert ctx.agent_id is None
    assert len(ctx.random) == 16
    assert len(ctx.digest) == 64
    assert not ctx.duplicate
    assert ctx.info_type == "suite_ticket"
    text = repr(ctx) + repr(receiver)
    assert TOKEN not in text
    assert KEY not in text
    assert "TICKET-1" not in text
    assert repr(MsgCrypt(KEY).key) not in text


def test_envelope_variants_are_accepted(receiver: CallbackReceiver) -> None:
    encrypted = MsgCrypt(KEY).encrypt(ticket_xml(), SUITE)
    query = sign(encrypted)
    for body in [
        f"<xml>\n  <ToUserName><![CDATA[{SUITE}]]></ToUserName>\n  <Encrypt><![CDATA[{encrypted}]]></Encrypt>\n"
        "  <AgentID><![CDATA[]]></AgentID>\n</xml>\n",
        f"<xml><Encrypt>{encrypted}</Encrypt></xml>",
        f'<?xml version="1.0"?><xml><AgentID>7</AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>',
    ]:
        assert isinstance(receiver.open(query, body.encode()).event, SuiteTicketEvent)


def test_data_callback_with_a_callable_receive_id() -> None:
    known = {CORP}
    receiver = CallbackReceiver(TOKEN, KEY, known.__contains__, clock=ManualClock(NOW))
    plain = to_xml(
        {
            "ToUserName": CORP,
            "FromUserName": "sys",
            "CreateTime": NOW,
            "MsgType": "event",
            "Event": "change_app_admin",
            "AgentID": 1000002,
        }
    )
    query, body = post(plain, receive_id=CORP, agent_id="1000002")
    ctx = receiver.open(query, body)
    assert isinstance(ctx.event, ChangeAppAdminEvent)
    assert ctx.agent_id == 1000002
    assert ctx.receive_id == CORP
    known.clear()
    rejects(CallbackReason.TO_USER_NAME_MISMATCH, receiver.open, query, body)


def test_a_control_character_in_a_data_url_text_message_is_replaced() -> None:
    """Lenient text (docs/callbacks.md): \x02 in the plaintext becomes U+FFFD instead of a rejection."""
    receiver = CallbackReceiver(TOKEN, KEY, CORP, clock=ManualClock(NOW))
    plain = (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        f"<CreateTime>{NOW}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[hello\x02world]]></Content><MsgId>1234567890</MsgId><AgentID>1000002</AgentID></xml>"
    )
    ctx = receiver.open(*post(plain, receive_id=CORP, agent_id="1000002"))
    assert isinstance(ctx.event, MessageEvent)
    assert ctx.event.raw["Content"] == "hello\ufffdworld"
    assert ctx.raw_xml == plain.encode()  # what was received is kept as received


def test_a_control_character_in_a_change_contact_name_is_replaced(receiver: CallbackReceiver) -> None:
    plain = to_xml(
        {
            "SuiteId": SUITE,
            "AuthCorpId": CORP,
            "InfoType": "change_contact",
            "TimeStamp": NOW,
            "ChangeType": "update_user",
            "UserID": "chengyuan2",
            "Name": "成员\x02二号",
        }
    )
    ctx = receiver.open(*post(plain))
    assert isinstance(ctx.event, UpdateUserEvent)
    assert ctx.event.name == "成员\ufffd二号"


def test_a_control_character_in_the_outer_body_is_replaced(receiver: CallbackReceiver) -> None:
    query, body = post(ticket_xml())
    body = body.replace(b"</xml>", b"<Note><![CDATA[a\x02b]]></Note></xml>")
    assert isinstance(receiver.open(query, body).event, SuiteTicketEvent)
    rejects(CallbackReason.FORBIDDEN_XML, receiver.open, query, b"<!DOCTYPE xml>\x02" + body)


def test_personal_subject_apps_use_the_empty_receive_id() -> None:
    receiver = CallbackReceiver(TOKEN, KEY, "", clock=ManualClock(NOW))
    query, body = post(ticket_xml(), receive_id="", to_user="")
    assert receiver.open(query, body).receive_id == ""
    query, body = post(ticket_xml(), receive_id=SUITE, to_user="")
    rejects(CallbackReason.RECEIVE_ID_MISMATCH, receiver.open, query, body)


def test_get_verification_with_the_provider_corp_id(receiver: CallbackReceiver) -> None:
    assert receiver.verify_url(get("echo+/=42", receive_id=PROVIDER)) == "echo+/=42"
    rejects(CallbackReason.RECEIVE_ID_MISMATCH, receiver.verify_url, get("x", receive_id="wwstranger"))
    rejects(CallbackReason.MISSING_PARAMETER, receiver.verify_url, {**get("x"), "echostr": ""})


def test_encrypted_reply_round_trips(receiver: CallbackReceiver) -> None:
    reply = receiver.encrypt_reply("<xml><Content>hi</Content></xml>", CORP, nonce="99")
    fields = parse_xml(reply)
    assert fields["TimeStamp"] == str(NOW)
    assert fields["Nonce"] == "99"
    encrypted = str(fields["Encrypt"])
    assert compute_signature(TOKEN, str(NOW), "99", encrypted) == fields["MsgSignature"]
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    theirs = WeChatCrypto(TOKEN, KEY, CORP).decrypt_message(body, fields["MsgSignature"], str(NOW), "99")
    assert theirs == "<xml><Content>hi</Content></xml>"


# -- one negative test per reason -------------------------------------------------------------------


def test_bad_signature(receiver: CallbackReceiver) -> None:
    query, body = post(ticket_xml())
    rejects(CallbackReason.VALIDATE_SIGNATURE, receiver.open, {**query, "msg_signature": "0" * 40}, body)
    rejects(CallbackReason.VALIDATE_SIGNATURE, receiver.open, post(ticket_xml(), token="other")[0], body)


def test_envelope_without_or_with_two_encrypts(receiver: CallbackReceiver) -> None:
    query, body = post(ticket_xml())
    rejects(CallbackReason.PARSE_XML, receiver.open, query, b"<xml><ToUserName>x</ToUserName></xml>")
    encrypted = str(parse_xml(body)["Encrypt"])
    doubled = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    err = rejects(CallbackReason.PARSE_XML, receiver.open, query, doubled.encode())
    assert "2 <Encrypt>" in str(err)
    nested = f"<xml><Encrypt><A>{encrypted}</A></Encrypt></xml>"
    rejects(CallbackReason.PARSE_XML, receiver.open, query, nested.encode())


def test_malformed_and_forbidden_outer_xml(receiver: CallbackReceiver) -> None:
    query, _ = post(ticket_xml())
    rejects(CallbackReason.MALFORMED_XML, receiver.open, query, b"<xml><Encrypt>abc</xml>")
    rejects(CallbackReason.MALFORMED_XML, receiver.open, query, b"")
    rejects(CallbackReason.FORBIDDEN_XML, receiver.open, query, XXE)
    rejects(CallbackReason.FORBIDDEN_XML, receiver.open, query, BILLION_LAUGHS)
    # An entity holding the ciphertext, in UTF-16 so that "<!" is not the bytes b"<!".
    encrypted = str(parse_xml(post(ticket_xml())[1])["Encrypt"])
    smuggled = f'<!DOCTYPE xml [<!ENTITY e "{encrypted}">]><xml><Encrypt>&e;</Encrypt></xml>'.encode("utf-16")
    rejects(CallbackReason.FORBIDDEN_XML, receiver.open, query, smuggled)


def test_forbidden_and_malformed_xml_inside_the_ciphertext(receiver: CallbackReceiver) -> None:
    for payload in (XXE, BILLION_LAUGHS, UTF16_DTD, UTF16LE_DTD_NO_BOM, UTF32_DTD):
        rejects(CallbackReason.FORBIDDEN_XML, receiver.open, *post(payload))
    rejects(CallbackReason.MALFORMED_XML, receiver.open, *post(b"<xml><SuiteId>x</xml>"))
    rejects(CallbackReason.MALFORMED_XML, receiver.open, *post(b"plain text, not xml"))


def test_ciphertext_failures(receiver: CallbackReceiver) -> None:
    rejects(CallbackReason.DECODE_BASE64, receiver.open, *raw_post("not*base64"))
    rejects(CallbackReason.DECODE_BASE64, receiver.open, *raw_post("QUJDRA"))  # truncated
    rejects(CallbackReason.DECRYPT_AES, receiver.open, *raw_post(base64.b64encode(b"x" * 20).decode()))
    rejects(CallbackReason.ILLEGAL_BUFFER, receiver.open, *post(ticket_xml(), key=OTHER_KEY))
    good = str(parse_xml(post(ticket_xml())[1])["Encrypt"])
    raw = bytearray(base64.b64decode(good))
    raw[-1] ^= 0x40
    rejects(CallbackReason.ILLEGAL_BUFFER, receiver.open, *raw_post(base64.b64encode(bytes(raw)).decode()))


def test_oversized_length_prefix(receiver: CallbackReceiver) -> None:
    from tests.crypto.test_msg_crypt import _layout, _raw_encrypt

    encrypted = _raw_encrypt(_layout(ticket_xml().encode(), SUITE.encode(), length=1 << 30))
    err = rejects(CallbackReason.ILLEGAL_BUFFER, receiver.open, *raw_post(encrypted))
    assert "length prefix" in str(err)


def test_wrong_receive_id(receiver: CallbackReceiver) -> None:
    rejects(CallbackReason.RECEIVE_ID_MISMATCH, receiver.open, *post(ticket_xml(), receive_id="wwother", to_user=SUITE))


def test_to_user_name_mismatch(receiver: CallbackReceiver) -> None:
    rejects(CallbackReason.TO_USER_NAME_MISMATCH, receiver.open, *post(ticket_xml(), to_user="wwsomeoneelse"))
    inner = to_xml({"ToUserName": "wwcorpA", "MsgType": "text", "Content": "x"})
    lenient = CallbackReceiver(TOKEN, KEY, lambda rid: True, clock=ManualClock(NOW))
    rejects(CallbackReason.TO_USER_NAME_MISMATCH, lenient.open, *post(inner, receive_id="wwcorpB"))


def test_suite_id_mismatch(receiver: CallbackReceiver) -> None:
    rejects(CallbackReason.SUITE_ID_MISMATCH, receiver.open, *post(ticket_xml(suite="wwanothersuite")))
    unchecked = CallbackReceiver(TOKEN, KEY, SUITE, clock=ManualClock(NOW))
    assert unchecked.open(*post(ticket_xml(suite="wwanothersuite"))).event.suite_id == "wwanothersuite"


def test_corp_id_mismatch() -> None:
    """Inner AuthCorpId/PaidCorpId against an allowed set, ServiceCorpId against the provider (when configured)."""
    allowed = CallbackReceiver(TOKEN, KEY, SUITE, clock=ManualClock(NOW), auth_corp_id={"wwcorpA"})
    change = {"SuiteId": SUITE, "InfoType": "change_auth", "TimeStamp": NOW}
    assert allowed.open(*post(to_xml({**change, "AuthCorpId": "wwcorpA"}))).event.auth_corp_id == "wwcorpA"
    rejects(CallbackReason.CORP_ID_MISMATCH, allowed.open, *post(to_xml({**change, "AuthCorpId": "wwcorpB"})))
    order = {"SuiteId": SUITE, "InfoType": "open_order", "TimeStamp": NOW, "OrderId": "O1"}
    rejects(CallbackReason.CORP_ID_MISMATCH, allowed.open, *post(to_xml({**order, "PaidCorpId": "wwcorpB"})))
    system = CallbackReceiver(TOKEN, KEY, "wwprovider", clock=ManualClock(NOW), provider_corp_id="wwprovider")
    event = {"InfoType": "license_pay_success", "TimeStamp": NOW, "AuthCorpId": "wwcorpA", "OrderId": "OI1"}
    ok = system.open(*post(to_xml({"ServiceCorpId": "wwprovider", **event}), receive_id="wwprovider"))
    assert ok.event.info_type == "license_pay_success"
    rejects(
        CallbackReason.CORP_ID_MISMATCH,
        system.open,
        *post(to_xml({"ServiceCorpId": "wwsomeoneelse", **event}), receive_id="wwprovider"),
    )
    # Unconfigured, nothing is checked (instruction callbacks name any company that installed the suite).
    unchecked = CallbackReceiver(TOKEN, KEY, SUITE, clock=ManualClock(NOW))
    assert unchecked.open(*post(to_xml({**change, "AuthCorpId": "wwcorpB"}))).event.auth_corp_id == "wwcorpB"


def test_stale_and_future_timestamps(receiver: CallbackReceiver, clock: ManualClock) -> None:
    query, body = post(ticket_xml())
    clock.advance(301)
    err = rejects(CallbackReason.STALE_TIMESTAMP, receiver.open, query, body)
    assert "300" in str(err)
    rejects(CallbackReason.STALE_TIMESTAMP, receiver.open, *post(ticket_xml(), ts=NOW + 301 + 301))
    rejects(CallbackReason.STALE_TIMESTAMP, receiver.verify_url, get("x", ts=NOW))
    relaxed = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock, max_timestamp_skew=None)
    assert relaxed.open(query, body).timestamp == NOW
    rejects(CallbackReason.MISSING_PARAMETER, relaxed.open, post(ticket_xml(), ts=-5)[0], body)


def test_body_too_large_is_rejected_before_parsing(clock: ManualClock) -> None:
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock, max_body_size=100)
    err = rejects(CallbackReason.BODY_TOO_LARGE, receiver.open, {}, b"<" * 101)  # not even the params are read
    assert "101" in str(err)
    default = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock)
    rejects(CallbackReason.BODY_TOO_LARGE, default.open, {}, b" " * ((1 << 20) + 1))


def test_missing_parameters(receiver: CallbackReceiver) -> None:
    query, body = post(ticket_xml())
    for name in ("msg_signature", "timestamp", "nonce"):
        partial = {k: v for k, v in query.items() if k != name}
        err = rejects(CallbackReason.MISSING_PARAMETER, receiver.open, partial, body)
        assert name in str(err)
    rejects(CallbackReason.MISSING_PARAMETER, receiver.open, {**query, "timestamp": "12a"}, body)
    rejects(CallbackReason.MISSING_PARAMETER, receiver.open, {**query, "nonce": "n" * 5000}, body)


def test_bad_configuration_is_reported() -> None:
    rejects(CallbackReason.ILLEGAL_AES_KEY, CallbackReceiver, TOKEN, "short", SUITE)
    with pytest.raises(ValueError, match="Token"):
        CallbackReceiver("", KEY, SUITE)
    with pytest.raises(TypeError):
        CallbackReceiver(TOKEN, KEY, 42)  # type: ignore[arg-type]
    rejects(CallbackReason.ENCRYPT_AES, lambda: MsgCrypt(KEY).encrypt("x", SUITE, random=b"short"))


def test_receive_id_mismatch_carries_the_official_code() -> None:
    assert CallbackError(CallbackReason.RECEIVE_ID_MISMATCH).official_code == -40005
    assert CallbackError(CallbackReason.VALIDATE_RECEIVE_ID).official_code == -40005
    assert CallbackError(CallbackReason.STALE_TIMESTAMP).official_code is None


def test_every_receive_reason_has_a_negative_test() -> None:
    """Static: every reason appears in a ``rejects(...)`` call in this file (whatever order tests run in)."""
    source = pathlib.Path(__file__).read_text(encoding="utf-8")
    tested = {CallbackReason[name] for name in re.findall(r"rejects\(\s*CallbackReason\.(\w+)", source)}
    missing = set(CallbackReason) - NEVER_ON_RECEIVE - tested
    assert not missing, missing


# -- key rotation -----------------------------------------------------------------------------------


def test_key_rotation(clock: ManualClock) -> None:
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock)
    rejects(CallbackReason.ILLEGAL_BUFFER, receiver.open, *post(ticket_xml(), key=OTHER_KEY))
    receiver.update_aes_key(OTHER_KEY)
    assert receiver.encoding_aes_key == OTHER_KEY
    assert receiver.previous_encoding_aes_key == KEY
    assert receiver.open(*post(ticket_xml(), key=OTHER_KEY)).info_type == "suite_ticket"
    assert receiver.open(*post(ticket_xml(), key=KEY)).info_type == "suite_ticket"  # the previous key
    assert receiver.verify_url(get("old", receive_id=SUITE, key=KEY)) == "old"
    reply = parse_xml(receiver.encrypt_reply("r", SUITE))
    assert MsgCrypt(OTHER_KEY).decrypt(str(reply["Encrypt"])).message == b"r"  # replies use the new key
    third = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
    receiver.update_aes_key(third)
    rejects(CallbackReason.ILLEGAL_BUFFER, receiver.open, *post(ticket_xml(), key=KEY))
    receiver.update_aes_key(third)  # same key again: nothing moves
    assert receiver.previous_encoding_aes_key == OTHER_KEY
    rejects(CallbackReason.ILLEGAL_AES_KEY, receiver.update_aes_key, "bad")


def test_previous_key_from_the_constructor(clock: ManualClock) -> None:
    receiver = CallbackReceiver(TOKEN, OTHER_KEY, SUITE, previous_encoding_aes_key=KEY, clock=clock)
    assert receiver.open(*post(ticket_xml(), key=KEY)).event.info_type == "suite_ticket"


# -- duplicates -------------------------------------------------------------------------------------


def test_duplicates_are_recognised_by_content(receiver: CallbackReceiver, clock: ManualClock) -> None:
    first = receiver.open(*post(ticket_xml("A")))
    assert not first.duplicate
    assert not receiver.open(*post(ticket_xml("A"))).duplicate  # not acknowledged yet: deliver again
    receiver.acknowledge(first)
    clock.advance(5)
    again = receiver.open(*post(ticket_xml("A"), ts=NOW + 5, nonce="other"))  # WeCom's redelivery
    assert again.duplicate
    assert again.digest == first.digest
    same_second = receiver.open(*post(ticket_xml("B")))
    assert not same_second.duplicate
    assert same_second.digest != first.digest


def test_replay_cache_is_bounded_and_expires() -> None:
    clock = ManualClock(0)
    cache = ReplayCache(max_entries=2, ttl=10, clock=clock)
    for d in ("a", "b", "c"):
        cache.add(d)
    assert "a" not in cache
    assert "b" in cache
    assert "c" in cache
    assert len(cache) == 2
    clock.advance(11)
    assert "c" not in cache
    cache.add("d")
    cache.discard("d")
    assert "d" not in cache
    with pytest.raises(ValueError, match="at least 1"):
        ReplayCache(max_entries=0)


# -- fuzzing ----------------------------------------------------------------------------------------

_ANY_TEXT = st.one_of(st.text(max_size=60), st.from_regex(r"[0-9]{1,12}", fullmatch=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    signature=_ANY_TEXT,
    timestamp=_ANY_TEXT,
    nonce=_ANY_TEXT,
    echostr=_ANY_TEXT,
    body=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
)
def test_random_input_raises_only_callback_error(
    receiver: CallbackReceiver, signature: str, timestamp: str, nonce: str, echostr: str, body: bytes
) -> None:
    query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
    for call in (lambda: receiver.open(query, body), lambda: receiver.verify_url(query)):
        with contextlib.suppress(CallbackError):
            call()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plaintext=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_random_signed_plaintext_raises_only_callback_error(receiver: CallbackReceiver, plaintext: bytes) -> None:
    with contextlib.suppress(CallbackError):
        receiver.open(*post(plaintext))


@settings(max_examples=100, deadline=None)
@given(message=st.text(max_size=200), receive_id=st.text(max_size=40))
def test_round_trip_through_the_receiver(message: str, receive_id: str) -> None:
    receiver = CallbackReceiver(TOKEN, KEY, lambda rid: True, clock=ManualClock(NOW), max_timestamp_skew=None)
    echo = MsgCrypt(KEY).encrypt(message, receive_id)
    assert receiver.verify_url({**sign(echo), "echostr": echo}) == message


def test_concurrent_opens_during_a_key_rotation(clock: ManualClock) -> None:
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock)
    requests = [post(ticket_xml(f"T{i}"), key=KEY) for i in range(30)]
    problems: list[str] = []
    start = threading.Barrier(5)

    def work(offset: int) -> None:
        start.wait()
        for round_ in range(10):
            for i in range(30):
                j = (i + offset + round_) % 30
                try:
                    event = receiver.open(*requests[j]).event
                except CallbackError as exc:  # pragma: no cover - the failure this test exists to catch
                    problems.append(repr(exc))
                    continue
                if event.raw["SuiteTicket"] != f"T{j}":
                    problems.append(f"request {j} decrypted to {event.raw['SuiteTicket']!r}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    start.wait()
    receiver.update_aes_key(OTHER_KEY)  # KEY becomes the previous key while the workers run
    for t in threads:
        t.join()
    assert problems == []
    assert receiver.open(*post(ticket_xml(), key=OTHER_KEY)).event.info_type == "suite_ticket"
