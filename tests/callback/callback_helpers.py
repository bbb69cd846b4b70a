"""Helpers for the callback tests: build signed, encrypted requests the way WeCom does."""

from __future__ import annotations

from wecom_suite.callback import CallbackReceiver
from wecom_suite.clock import ManualClock
from wecom_suite.crypto import MsgCrypt, compute_signature
from wecom_suite.xml import to_xml

TOKEN = "QDG6eK"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SUITE = "ww4asffe99e54c0f4c"
PROVIDER = "wwprovider00000001"
CORP = "wxf8b4f85f3a794e77"
NOW = 1_700_000_000


def ticket_xml(ticket: str = "asdfasfdasdfasdf", *, suite: str = SUITE, ts: int = NOW) -> str:
    return to_xml({"SuiteId": suite, "InfoType": "suite_ticket", "TimeStamp": ts, "SuiteTicket": ticket})


def sign(encrypted: str, *, ts: int = NOW, nonce: str = "1320562132", token: str = TOKEN) -> dict[str, str]:
    return {"msg_signature": compute_signature(token, str(ts), nonce, encrypted), "timestamp": str(ts), "nonce": nonce}


def post(
    plaintext: str | bytes,
    *,
    receive_id: str = SUITE,
    to_user: str | None = None,
    key: str = KEY,
    ts: int = NOW,
    nonce: str = "1320562132",
    token: str = TOKEN,
    agent_id: str = "",
) -> tuple[dict[str, str], bytes]:
    """A (query, body) pair for a POSTed callback."""
    encrypted = MsgCrypt(key).encrypt(plaintext, receive_id)
    body = to_xml({"ToUserName": receive_id if to_user is None else to_user, "Encrypt": encrypted, "AgentID": agent_id})
    return sign(encrypted, ts=ts, nonce=nonce, token=token), body.encode()


def raw_post(
    encrypted: str, *, to_user: str = SUITE, ts: int = NOW, nonce: str = "1320562132"
) -> tuple[dict[str, str], bytes]:
    """A (query, body) pair around an arbitrary (possibly broken) ciphertext, correctly signed."""
    body = to_xml({"ToUserName": to_user, "Encrypt": encrypted, "AgentID": ""})
    return sign(encrypted, ts=ts, nonce=nonce), body.encode()


def get(echo: str, *, receive_id: str = PROVIDER, key: str = KEY, ts: int = NOW) -> dict[str, str]:
    encrypted = MsgCrypt(key).encrypt(echo, receive_id)
    return {**sign(encrypted, ts=ts), "echostr": encrypted}


def new_receiver(clock: ManualClock) -> CallbackReceiver:
    """The receiver WeCom's requests above are built for: suite and provider receive ids, on ``clock``."""
    return CallbackReceiver(TOKEN, KEY, {SUITE, PROVIDER}, clock=clock, suite_id=SUITE)
