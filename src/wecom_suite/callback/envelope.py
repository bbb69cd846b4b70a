"""The outer POST body: ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``, docs/protocol.md §1.6."""

from __future__ import annotations

from typing import NamedTuple

from ..errors import CallbackError, CallbackReason
from ..xml import parse_xml

__all__ = ["Envelope", "parse_envelope"]


class Envelope(NamedTuple):
    """The unencrypted wrapper WeCom POSTs: the addressee, the ciphertext and the agent id (data URL)."""

    to_user_name: str
    encrypt: str
    agent_id: str


def parse_envelope(body: bytes) -> Envelope:
    """Parse the outer XML with the one safe parser; exactly one non-empty ``<Encrypt>`` text is required.

    Raises ``CallbackError``: ``malformed_xml``/``forbidden_xml`` from the parser, ``parse_xml`` (-40002)
    for a missing, repeated or nested ``<Encrypt>`` or a non-text ``<ToUserName>``/``<AgentID>``.
    """
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
