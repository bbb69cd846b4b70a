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
# The exact shape WeCom sends, checked with ``startswith``/``find``/``rfind`` so that the large ciphertext
# is only ever scanned by C-level byte searches: ToUserName, then Encrypt, then an optional AgentID.
_HEAD = b"<xml><ToUserName><![CDATA["
_MIDDLE = b"]]></ToUserName><Encrypt><![CDATA["
_TO_USER = re.compile(rb"[A-Za-z0-9_.@-]{0,128}")
_TAIL = re.compile(rb"(?:<AgentID>(?:<!\[CDATA\[([0-9]{0,18})\]\]>|([0-9]{0,18}))</AgentID>)?</xml>[ \t\n]*")
_COMMON_TAILS = {  # what follows ``</Encrypt>`` in nearly every delivery -> the agent id, without a regex
    b"<AgentID><![CDATA[]]></AgentID></xml>": "",
    b"</xml>": "",
    b"<AgentID></AgentID></xml>": "",
}
_new_tuple = tuple.__new__


def _canonical(body: bytes) -> Envelope | None:
    """WeCom's exact shape in a handful of C-level searches, or None to let the general parser decide.

    The closing ``]]></Encrypt>`` is searched from the end (the tail is short), and the ciphertext is then
    only probed with ``memchr`` for ``<`` and ``]``: with neither inside, the span is one CDATA section
    holding the sole ``<Encrypt>``, exactly what a full parse would report.
    """
    if not body.startswith(_HEAD):
        return None
    middle = body.find(_MIDDLE, 26, 26 + 128 + 34)  # len(_HEAD) = 26; ToUserName is at most 128 bytes
    if middle < 0:
        return None
    start = middle + 34  # len(_MIDDLE)
    end = body.rfind(_CLOSE, start)
    if end <= start:
        return None
    value = body[start:end]
    if b"<" in value or b"]" in value or not value.isascii():
        return None
    to_user = body[26:middle]
    if not to_user.isalnum() and _TO_USER.fullmatch(to_user) is None:
        return None
    tail = body[end + 13 :]  # len(_CLOSE) = 13
    agent = _COMMON_TAILS.get(tail)
    if agent is None:
        match = _TAIL.fullmatch(tail)
        if match is None:
            return None
        agent = (match.group(1) or match.group(2) or b"").decode("ascii")
    return _new_tuple(Envelope, (to_user.decode("ascii"), value.decode("ascii"), agent))


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
