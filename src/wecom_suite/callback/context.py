"""What one verified, decrypted callback carried (the seed's ``Request``), plus the parsed event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from ..events import Event
from ..redaction import redact

__all__ = ["CallbackContext"]


class CallbackContext(NamedTuple):
    """Everything about one callback. ``aes_key`` and ``token`` are secrets: never in ``repr``.

    Immutable (a named tuple, which is cheap to build on the hot path); ``ctx._replace(...)`` derives
    a modified copy.

    ``digest`` (sha256 hex of receive id + plaintext) identifies the content across redeliveries and
    is the inbox id; ``duplicate`` says this content was already handled.
    """

    token: str
    query: Mapping[str, str]
    msg_signature: str
    timestamp: int
    nonce: str
    to_user_name: str
    agent_id: int | None
    encrypted: str
    raw_xml: bytes
    event: Event
    aes_key: bytes
    random: bytes
    receive_id: str
    digest: str
    duplicate: bool = False

    @property
    def info_type(self) -> str:
        return self.event.info_type

    def __repr__(self) -> str:
        return (
            f"CallbackContext(event={self.event!r}, timestamp={self.timestamp}, nonce={self.nonce!r}, "
            f"receive_id={self.receive_id!r}, to_user_name={self.to_user_name!r}, agent_id={self.agent_id!r}, "
            f"digest={self.digest[:12]!r}, duplicate={self.duplicate}, token={redact(self.token)}, "
            f"aes_key=<redacted {len(self.aes_key)} bytes>)"
        )
