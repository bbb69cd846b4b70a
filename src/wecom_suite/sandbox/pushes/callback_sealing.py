"""Sealing a callback the way WeCom sends it (sans-I/O): encrypt, sign, wrap in the XML envelope.

POST: ``?msg_signature=&timestamp=&nonce=`` + ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``;
GET URL verification: ``?msg_signature=&timestamp=&nonce=&echostr=`` expecting the plaintext back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from ...crypto import MsgCrypt, compute_signature
from ...xml import to_xml

__all__ = ["SealedCallback", "random_nonce", "seal_post", "seal_verification", "with_query"]


@dataclass(frozen=True)
class SealedCallback:
    """One HTTP request ready to send; ``expected_echo`` is the plaintext a GET must answer with."""

    method: str
    url: str
    body: bytes = b""
    expected_echo: str | None = field(default=None, repr=False)


def random_nonce() -> str:
    """WeCom's nonces are digits."""
    return str(secrets.randbelow(10**10))


def with_query(url: str, params: dict[str, str]) -> str:
    """Append ``params`` to ``url`` (keeping any query it already has, e.g. ``?corpid=...``)."""
    parts = urlsplit(url)
    query = urlencode(params)
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))


def seal_post(
    url: str,
    *,
    token: str,
    encoding_aes_key: str,
    receive_id: str,
    to_user_name: str,
    agent_id: str,
    plaintext: str,
    timestamp: int,
    nonce: str | None = None,
) -> SealedCallback:
    nonce = nonce or random_nonce()
    encrypted = MsgCrypt(encoding_aes_key).encrypt(plaintext, receive_id)
    signature = compute_signature(token, str(timestamp), nonce, encrypted)
    body = to_xml({"ToUserName": to_user_name, "Encrypt": encrypted, "AgentID": agent_id})
    query = {"msg_signature": signature, "timestamp": str(timestamp), "nonce": nonce}
    return SealedCallback("POST", with_query(url, query), body.encode("utf-8"))


def seal_verification(
    url: str,
    *,
    token: str,
    encoding_aes_key: str,
    receive_id: str,
    timestamp: int,
    nonce: str | None = None,
    echo: str | None = None,
) -> SealedCallback:
    nonce = nonce or random_nonce()
    echo = echo or str(secrets.randbelow(10**19))
    echostr = MsgCrypt(encoding_aes_key).encrypt(echo, receive_id)
    signature = compute_signature(token, str(timestamp), nonce, echostr)
    query = {"msg_signature": signature, "timestamp": str(timestamp), "nonce": nonce, "echostr": echostr}
    return SealedCallback("GET", with_query(url, query), expected_echo=echo)
