"""``parse_event``: plaintext callback XML (or its dict) -> the typed event for its InfoType / Event / MsgType."""

from __future__ import annotations

from ..xml import XmlDict, parse_xml
from . import auth, chat_archive, contact, data, external_contact, license, messages, order_events, sharing
from .base import DataEvent, Event, InstructionEvent, UnknownEvent
from .contact import ChangeContactEvent
from .data_types import EventType
from .info_type import InfoType
from .messages import MessageEvent

__all__ = [
    "CONTACT_VARIANTS",
    "DATA_EVENT_CLASSES",
    "DUAL_SHAPE_EVENTS",
    "EVENT_CLASSES",
    "MESSAGE_CLASSES",
    "event_from_dict",
    "parse_event",
]


def _instruction_classes() -> dict[str, type[InstructionEvent]]:
    out: dict[str, type[InstructionEvent]] = {}
    for module in (auth, chat_archive, contact, external_contact, license, order_events, sharing):
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and issubclass(cls, InstructionEvent) and cls.INFO_TYPE:
                out.setdefault(str(cls.INFO_TYPE), cls)
    return out


EVENT_CLASSES: dict[str, type[InstructionEvent]] = _instruction_classes()
"""InfoType -> event class (the base class for types with per-ChangeType variants)."""

CONTACT_VARIANTS: dict[str, type[ChangeContactEvent]] = {
    str(cls.CHANGE_TYPE): cls
    for cls in (
        contact.CreateUserEvent,
        contact.UpdateUserEvent,
        contact.DeleteUserEvent,
        contact.CreatePartyEvent,
        contact.UpdatePartyEvent,
        contact.DeletePartyEvent,
        contact.UpdateTagEvent,
    )
}
"""change_contact ChangeType -> its subclass of :class:`ChangeContactEvent`."""

DATA_EVENT_CLASSES: dict[str, type[DataEvent]] = {
    str(cls.EVENT): cls
    for name in data.__all__
    if isinstance(cls := getattr(data, name), type) and issubclass(cls, DataEvent) and cls.EVENT
}
"""Data-URL ``Event`` -> event class."""

MESSAGE_CLASSES: dict[str, type[MessageEvent]] = {
    str(cls.MSG_TYPE): cls
    for name in messages.__all__
    if isinstance(cls := getattr(messages, name), type) and issubclass(cls, MessageEvent) and cls.MSG_TYPE
}
"""Data-URL ``MsgType`` (a member's message) -> message class."""

DUAL_SHAPE_EVENTS: frozenset[str] = frozenset(
    str(event)
    for event in (
        EventType.CHANGE_CONTACT,
        EventType.CHANGE_SCHOOL_CONTACT,
        EventType.BATCH_JOB_RESULT,
        EventType.SHARE_AGENT_CHANGE,
        EventType.SHARE_CHAIN_CHANGE,
        EventType.CHANGE_EXTERNAL_CONTACT,
        EventType.CHANGE_EXTERNAL_CHAT,
        EventType.CHANGE_EXTERNAL_TAG,
        EventType.CUSTOMER_ACQUISITION,
    )
)
"""``Event`` values that are also InfoTypes with the same fields: on the data URL (代开发 and
internal-app style) they parse into the instruction-event class, so one handler serves both URLs."""


def _instruction(info_type: str, raw: XmlDict) -> Event:
    if info_type == InfoType.CHANGE_CONTACT:
        change_type = raw.get("ChangeType")
        variant = CONTACT_VARIANTS.get(change_type) if isinstance(change_type, str) else None
        return (variant or ChangeContactEvent)(raw)
    return EVENT_CLASSES.get(info_type, UnknownEvent)(raw)


def event_from_dict(raw: XmlDict) -> Event:
    """Pick the class for an already-parsed document; never raises for unknown types.

    ``InfoType`` documents (instruction and system-event URLs) go by InfoType; ``MsgType=event``
    documents, and ``Event`` documents without a MsgType (``sys_approval_change`` on the instruction
    URL), go by ``Event``; other ``MsgType`` documents are members' messages.
    """
    info_type = raw.get("InfoType")
    if isinstance(info_type, str):
        return _instruction(info_type, raw)
    msg_type = raw.get("MsgType")
    name = raw.get("Event")
    if isinstance(name, str) and (msg_type == "event" or msg_type is None):
        cls = DATA_EVENT_CLASSES.get(name)
        if cls is not None:
            return cls(raw)
        if name in DUAL_SHAPE_EVENTS:
            return _instruction(name, raw)
        return DataEvent(raw)
    if isinstance(msg_type, str):
        return MESSAGE_CLASSES.get(msg_type, MessageEvent)(raw) if msg_type != "event" else DataEvent(raw)
    return UnknownEvent(raw)


def parse_event(xml: bytes | str | XmlDict) -> Event:
    """Parse a decrypted callback into its typed event.

    Unknown InfoTypes become :class:`UnknownEvent`, unknown data events :class:`DataEvent`, unknown
    message types :class:`~wecom_suite.events.messages.MessageEvent`; unknown fields stay in
    ``event.raw``. Only bad XML raises (``CallbackError`` with ``malformed_xml`` or ``forbidden_xml``).
    """
    raw = xml if isinstance(xml, dict) else parse_xml(xml)
    return event_from_dict(raw)
