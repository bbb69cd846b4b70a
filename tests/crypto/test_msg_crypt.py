"""The crypto core: official vectors, interop with wechatpy both ways, and every decrypt failure."""

from __future__ import annotations

import base64
import contextlib
import threading

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as EnterpriseCrypto

from tests.callback.callback_helpers import KEY, OTHER_KEY, SUITE, TOKEN
from wecom_suite.crypto import (
    MsgCrypt,
    check_signature,
    compute_signature,
    decode_encoding_aes_key,
    generate_encoding_aes_key,
)
from wecom_suite.errors import CallbackError, CallbackReason
from wecom_suite.xml import parse_xml

OFFICIAL_RID = "wx5823bf96d3bd56c7"
OFFICIAL_POST = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJ"
    "Ts3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2h"
    "gf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4E"
    "hzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Y"
    "oyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)


def _raw_encrypt(plain: bytes, key: str = KEY) -> str:
    """AES-CBC over already laid-out (and padded) plaintext: for building malformed buffers."""
    k = decode_encoding_aes_key(key)
    enc = Cipher(algorithms.AES(k), modes.CBC(k[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def _layout(msg: bytes, rid: bytes, *, length: int | None = None, pad: int | None = None) -> bytes:
    body = b"R" * 16 + (len(msg) if length is None else length).to_bytes(4, "big") + msg + rid
    n = 32 - len(body) % 32 if pad is None else pad
    return body + bytes((n,)) * n


def test_official_post_vector() -> None:
    assert compute_signature(TOKEN, "1409659813", "1372623149", OFFICIAL_POST) == (
        "477715d11cdb4164915debcba66cb864d751f3e6"
    )
    out = MsgCrypt(KEY).decrypt(OFFICIAL_POST)
    assert out.receive_id == OFFICIAL_RID
    assert out.random == b"0960688932c47ef1"
    fields = parse_xml(out.message)
    assert fields["Content"] == "hello"
    assert fields["MsgId"] == "4561255354251345929"
    assert fields["AgentID"] == "218"


def test_aes_key_decoding() -> None:
    assert decode_encoding_aes_key(KEY).hex() == "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760"
    for bad, words in [("short", "43 characters"), ("!" * 43, "letters, digits"), (KEY + "A", "43 characters")]:
        with pytest.raises(ValueError, match=words):
            decode_encoding_aes_key(bad)
    with pytest.raises(CallbackError) as info:
        MsgCrypt("x" * 42)
    assert info.value.reason is CallbackReason.ILLEGAL_AES_KEY
    fresh = generate_encoding_aes_key()
    assert len(fresh) == 43
    assert len(decode_encoding_aes_key(fresh)) == 32


def test_signature_is_checked_exactly() -> None:
    sig = compute_signature(TOKEN, "1", "2", "abc")
    assert check_signature(TOKEN, "1", "2", "abc", sig)
    assert check_signature(TOKEN, "1", "2", "abc", sig.upper())
    assert not check_signature(TOKEN, "1", "2", "abd", sig)
    assert not check_signature(TOKEN, "1", "2", "abc", sig[:-1])
    assert not check_signature(TOKEN, "1", "2", "abc", "é" * 40)
    assert not check_signature(TOKEN, "1", "2", "\ud800", sig)


def test_we_decrypt_what_wechatpy_encrypts() -> None:
    theirs = WeChatCrypto(TOKEN, KEY, SUITE)
    reply = theirs.encrypt_message("<xml><Content><![CDATA[你好 wechatpy]]></Content></xml>", "55555", 1700000000)
    fields = parse_xml(reply)
    encrypted = fields["Encrypt"]
    assert isinstance(encrypted, str)
    assert check_signature(TOKEN, "1700000000", "55555", encrypted, str(fields["MsgSignature"]))
    out = MsgCrypt(KEY).decrypt(encrypted)
    assert out.receive_id == SUITE
    assert parse_xml(out.message) == {"Content": "你好 wechatpy"}


def test_wechatpy_decrypts_what_we_encrypt() -> None:
    message = "<xml><SuiteId><![CDATA[ww4asffe99e54c0f4c]]></SuiteId><Note><![CDATA[中文 ✓]]></Note></xml>"
    encrypted = MsgCrypt(KEY).encrypt(message, SUITE)
    signature = compute_signature(TOKEN, "1700000000", "42", encrypted)
    body = f"<xml><ToUserName><![CDATA[{SUITE}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    assert WeChatCrypto(TOKEN, KEY, SUITE).decrypt_message(body, signature, "1700000000", "42") == message
    echo = MsgCrypt(KEY).encrypt("echo-123", SUITE)
    echo_sig = compute_signature(TOKEN, "1700000000", "42", echo)
    assert EnterpriseCrypto(TOKEN, KEY, SUITE).check_signature(echo_sig, "1700000000", "42", echo) == "echo-123"


def test_wechatpy_rejects_our_ciphertext_for_another_receive_id() -> None:
    encrypted = MsgCrypt(KEY).encrypt("<xml/>", "someone-else")
    signature = compute_signature(TOKEN, "1", "2", encrypted)
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    with pytest.raises(Exception):
        WeChatCrypto(TOKEN, KEY, SUITE).decrypt_message(body, signature, "1", "2")


@pytest.mark.parametrize(
    ("ciphertext", "reason"),
    [
        ("not base64!!", CallbackReason.DECODE_BASE64),
        ("QUJD", CallbackReason.DECRYPT_AES),  # 3 bytes: not a multiple of 16
        ("QUJDRA", CallbackReason.DECODE_BASE64),  # missing padding: truncated base64
        (base64.b64encode(b"x" * 16).decode(), CallbackReason.ILLEGAL_BUFFER),  # one block: too short
        (_raw_encrypt(_layout(b"<xml/>", b"rid")[:-1] + b"\x00"), CallbackReason.ILLEGAL_BUFFER),  # pad byte 0
        (_raw_encrypt(_layout(b"<xml/>", b"rid")[:-1].ljust(63, b"x") + b"\x21"), CallbackReason.ILLEGAL_BUFFER),  # 33
        (_raw_encrypt(_layout(b"<xml/>" * 3, b"rid", length=10_000)), CallbackReason.ILLEGAL_BUFFER),  # length prefix
        (_raw_encrypt(_layout(b"<xml/>", b"\xff\xfe")), CallbackReason.ILLEGAL_BUFFER),  # receive id not UTF-8
    ],
)
def test_decrypt_failures_have_reasons(ciphertext: str, reason: CallbackReason) -> None:
    with pytest.raises(CallbackError) as info:
        MsgCrypt(KEY).decrypt(ciphertext)
    assert info.value.reason is reason


def test_inconsistent_padding_bytes_are_rejected() -> None:
    good = _layout(b"<xml>hello</xml>", SUITE.encode())
    pad = good[-1]
    assert pad > 2
    broken = good[:-2] + bytes((pad ^ 1,)) + good[-1:]  # last byte says n, one of the n bytes differs
    with pytest.raises(CallbackError) as info:
        MsgCrypt(KEY).decrypt(_raw_encrypt(broken))
    assert info.value.reason is CallbackReason.ILLEGAL_BUFFER
    assert MsgCrypt(KEY).decrypt(_raw_encrypt(good)).message == b"<xml>hello</xml>"


def test_wrong_key_and_tampering_are_rejected() -> None:
    encrypted = MsgCrypt(KEY).encrypt("<xml><A>secret</A></xml>" * 4, SUITE)
    with pytest.raises(CallbackError) as info:
        MsgCrypt(OTHER_KEY).decrypt(encrypted)
    assert info.value.reason in {CallbackReason.ILLEGAL_BUFFER, CallbackReason.DECRYPT_AES}
    raw = bytearray(base64.b64decode(encrypted))
    raw[-20] ^= 0x55  # flips bytes in the last block: its padding no longer checks out
    with pytest.raises(CallbackError) as info:
        MsgCrypt(KEY).decrypt(base64.b64encode(bytes(raw)).decode())
    assert info.value.reason is CallbackReason.ILLEGAL_BUFFER


def test_context_reuse_is_correct_across_messages_and_threads() -> None:
    crypt = MsgCrypt(KEY)
    messages = [(f"<xml><N>{i}</N></xml>" * (i % 7 + 1)).encode() for i in range(40)]
    randoms = [bytes([i]) * 16 for i in range(40)]
    encrypted = [crypt.encrypt(m, f"rid{i}", random=r) for i, (m, r) in enumerate(zip(messages, randoms, strict=False))]
    errors: list[str] = []

    def work(offset: int) -> None:
        for round_ in range(5):
            for j in range(40):
                i = (j + offset + round_) % 40
                out = crypt.decrypt(encrypted[i])
                if (out.message, out.random, out.receive_id) != (messages[i], randoms[i], f"rid{i}"):
                    errors.append(f"message {i} decrypted wrongly")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@settings(max_examples=150, deadline=None)
@given(message=st.text(), receive_id=st.text(), random=st.binary(min_size=16, max_size=16))
def test_round_trip_random_unicode(message: str, receive_id: str, random: bytes) -> None:
    crypt = MsgCrypt(KEY)
    out = crypt.decrypt(crypt.encrypt(message, receive_id, random=random))
    assert out.message.decode("utf-8") == message
    assert out.receive_id == receive_id
    assert out.random == random


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.text(), st.binary()))
def test_decrypt_of_garbage_raises_only_callback_error(data: str | bytes) -> None:
    with contextlib.suppress(CallbackError):
        MsgCrypt(KEY).decrypt(data)
