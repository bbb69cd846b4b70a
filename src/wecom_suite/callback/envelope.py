"""The outer POST body (``RequestHttpBody``): ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import CallbackError, CallbackReason
from ..xml import XmlDict, XmlValue, parse_xml

__all__ = ["Envelope", "parse_envelope"]


class Envelope(NamedTuple):
    """The unencrypted wrapper WeCom POSTs: the addressee, the ciphertext and the agent id (data URL)."""

    to_user_name: str
    encrypt: str
    agent_id: str


_OPEN = b"<Encrypt><![CDATA["
_CLOSE = b"]]></Encrypt>"
# The exact shape WeCom sends, checked with ``startswith``/``find`` so that the large ciphertext is only
# ever scanned by C-level byte searches: ToUserName, then Encrypt, then an optional AgentID.
_HEAD = b"<xml><ToUserName><![CDATA["
_MIDDLE = b"]]></ToUserName><Encrypt><![CDATA["
_TO_USER = re.compile(rb"[A-Za-z0-9_.@-]{0,128}")
_TAIL = re.compile(rb"(?:<AgentID>(?:<!\[CDATA\[([0-9]{0,18})\]\]>|([0-9]{0,18}))</AgentID>)?</xml>[ \t\n]*")
_new_tuple = tuple.__new__


def _canonical(body: bytes) -> Envelope | None:
    if not body.startswith(_HEAD):
        return None
    middle = body.find(_MIDDLE, len(_HEAD))
    if middle < 0:
        return None
    to_user = body[len(_HEAD) : middle]
    start = middle + len(_MIDDLE)
    end = body.find(_CLOSE, start)
    if end < 0 or _TO_USER.fullmatch(to_user) is None:
        return None
    tail = _TAIL.fullmatch(body, end + len(_CLOSE))
    value = body[start:end]
    if tail is None or not value or b"]]>" in value:
        return None
    try:
        encrypt = value.decode("ascii")
    except UnicodeDecodeError:
        return None
    agent = tail.group(1) or tail.group(2) or b""
    return _new_tuple(Envelope, (to_user.decode("ascii"), encrypt, agent.decode("ascii")))


def _cut_ciphertext(body: bytes) -> tuple[XmlDict, str] | None:
    """Fast path: lift the (large, inert) CDATA ciphertext out with ``find`` and parse only the small rest.

    Accepted only when the rest is a valid document whose sole ``<Encrypt>`` is the empty one left
    behind, so the result always equals what parsing the whole body would give; else None.
    """
    start = body.find(_OPEN)
    if start < 0:
        return None
    end = body.find(_CLOSE, start)
    if end < 0 or body.count(b"<Encrypt") != 1:
        return None
    value = body[start + len(_OPEN) : end]
    if b"]]>" in value or not value.isascii():
        return None
    try:
        fields = parse_xml(body[:start] + b"<Encrypt></Encrypt>" + body[end + len(_CLOSE) :])
    except CallbackError:
        return None
    if fields.get("Encrypt") != "":
        return None
    return fields, value.decode("ascii")


def parse_envelope(body: bytes) -> Envelope:
    """Parse the outer XML safely; exactly one non-empty ``<Encrypt>`` leaf is required (-40002)."""
    canonical = _canonical(body)
    if canonical is not None:
        return canonical
    cut = _cut_ciphertext(body)
    if cut is not None:
        fields, encrypt_text = cut
        encrypt: XmlValue | None = encrypt_text
    else:
        fields = parse_xml(body)
        encrypt = fields.get("Encrypt")
    if isinstance(encrypt, list):
        raise CallbackError(CallbackReason.PARSE_XML, f"the body has {len(encrypt)} <Encrypt> elements, expected one")
    if not isinstance(encrypt, str) or not encrypt.strip():
        raise CallbackError(CallbackReason.PARSE_XML, "the body has no <Encrypt> text")
    to_user = fields.get("ToUserName", "")
    agent = fields.get("AgentID", "")
    if not isinstance(to_user, str) or not isinstance(agent, str):
        raise CallbackError(CallbackReason.PARSE_XML, "<ToUserName> and <AgentID> must be single text elements")
    return Envelope(to_user_name=to_user, encrypt=encrypt, agent_id=agent.strip())
