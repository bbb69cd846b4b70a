"""What a handler is given: the parsed event plus where it came from.

Two kinds, one per way an event reaches a handler:

* ``CallbackContext``: a callback just verified and decrypted by ``CallbackReceiver.open`` (the seed's
  ``Request``), handled while WeCom waits for the answer;
* ``InboxContext``: a callback recorded in the durable inbox earlier and processed by the worker, so
  there is no request any more, only the recorded item.

Both are frozen, slotted dataclasses that print no secret: the Token and the EncodingAESKey stay in the
``CallbackReceiver``, so no repr, ``dataclasses.asdict``, ``copy`` or pickle of a context holds them. The
plaintext (``raw_xml``), which holds a suite_ticket or an auth code, is a
:class:`~wecom_suite.redaction.RedactedBytes`: still ``bytes`` for the handler, but its repr and str (and
so those of ``dataclasses.asdict(ctx)``) show only its length; the event's credentials are likewise
sealed in ``event.raw`` (``events.SECRET_FIELDS``). Derive a modified copy with
``dataclasses.replace(ctx, duplicate=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

from ..events import Event
from ..redaction import RedactedBytes

__all__ = ["CallbackContext", "EventContext", "InboxContext"]


@dataclass(frozen=True, slots=True)
class CallbackContext:
    """One verified, decrypted callback.

    ``digest`` (sha256 hex of receive id + plaintext) identifies the content across redeliveries and
    is the inbox id; ``duplicate`` says this content was already handled, by the receiver's in-memory
    replay cache (``CallbackEndpoint`` fills it). ``SuiteApp`` deduplicates in the durable inbox instead:
    a copy of a recorded callback is answered before any handler runs, so its handlers always see
    ``duplicate=False``. ``random`` is the 16-byte random prefix of the plaintext; ``raw_xml`` the
    plaintext bytes as received (``RedactedBytes``).
    """

    query: Mapping[str, str] = field(repr=False)
    msg_signature: str = field(repr=False)
    timestamp: int
    nonce: str
    to_user_name: str
    agent_id: int | None
    encrypted: str = field(repr=False)
    raw_xml: bytes = field(repr=False)
    event: Event
    random: bytes = field(repr=False)
    receive_id: str
    digest: str
    duplicate: bool = False

    def __post_init__(self) -> None:
        _redact_plaintext(self)

    @property
    def info_type(self) -> str:
        """The event's InfoType (or, for data callbacks, its Event/MsgType)."""
        return self.event.info_type


@dataclass(frozen=True, slots=True)
class InboxContext:
    """One callback recorded in the inbox (``InboxItem``), being processed by the worker.

    ``digest`` is the inbox item id (the same content digest ``CallbackContext`` had); ``receive_id``
    the addressee it was recorded for (the suite id, or the provider corp id for system events);
    ``auth_corp_id`` the authorising company when the event names one (else ``""``); ``attempts`` how
    many times processing was tried before this one; ``received_at`` when it was recorded (Unix seconds).
    """

    event: Event
    raw_xml: bytes = field(repr=False)
    digest: str
    receive_id: str
    auth_corp_id: str
    attempts: int
    received_at: float

    def __post_init__(self) -> None:
        _redact_plaintext(self)

    @property
    def info_type(self) -> str:
        """The event's InfoType (or, for data callbacks, its Event/MsgType)."""
        return self.event.info_type

    @property
    def duplicate(self) -> bool:
        """Always False: the inbox records each content once."""
        return False


def _redact_plaintext(ctx: CallbackContext | InboxContext) -> None:
    """``raw_xml`` as ``RedactedBytes``, whatever bytes the constructor was given (one copy of ~1 KB)."""
    if type(ctx.raw_xml) is not RedactedBytes:
        object.__setattr__(ctx, "raw_xml", RedactedBytes(ctx.raw_xml))


EventContext = Union[CallbackContext, InboxContext]
"""What a router handler receives: handlers take either kind (``ctx.event``, ``ctx.info_type``,
``ctx.digest``, ``ctx.raw_xml`` and ``ctx.receive_id`` are on both)."""
