"""``parse_event``: plaintext callback XML (or its dict) -> the typed event for its InfoType."""

from __future__ import annotations

from ..xml import XmlDict, parse_xml
from . import auth, contact, data, external_contact, license, orders, sharing
from .base import DataEvent, Event, InstructionEvent, UnknownEvent
from .contact import ChangeContactEvent

__all__ = ["EVENT_CLASSES", "event_from_dict", "parse_event"]


def _instruction_classes() -> dict[str, type[InstructionEvent]]:
    out: dict[str, type[InstructionEvent]] = {}
    for module in (auth, contact, external_contact, license, orders, sharing):
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and issubclass(cls, InstructionEvent) and cls.INFO_TYPE:
                out.setdefault(str(cls.INFO_TYPE), cls)
    return out


EVENT_CLASSES: dict[str, type[InstructionEvent]] = _instruction_classes()
"""InfoType -> event class (the base class for types with per-ChangeType variants)."""

_CONTACT_VARIANTS: dict[str, type[ChangeContactEvent]] = {
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

_DATA_EVENTS: dict[str, type[DataEvent]] = {
    cls.EVENT: cls for cls in (data.ChangeAppAdminEvent, data.UnlicensedNotifyEvent)
}


def event_from_dict(raw: XmlDict) -> Event:
    """Pick the class for an already-parsed document; never raises for unknown types."""
    info_type = raw.get("InfoType")
    if isinstance(info_type, str):
        if info_type == "change_contact":
            change_type = raw.get("ChangeType")
            variant = _CONTACT_VARIANTS.get(change_type) if isinstance(change_type, str) else None
            return (variant or ChangeContactEvent)(raw)
        return EVENT_CLASSES.get(info_type, UnknownEvent)(raw)
    msg_type = raw.get("MsgType")
    if isinstance(msg_type, str):
        if msg_type == "event":
            name = raw.get("Event")
            return _DATA_EVENTS.get(name if isinstance(name, str) else "", DataEvent)(raw)
        return data.MessageEvent(raw)
    return UnknownEvent(raw)


def parse_event(xml: bytes | str | XmlDict) -> Event:
    """Parse a decrypted callback into its typed event.

    Unknown InfoTypes become :class:`UnknownEvent` and unknown fields stay in ``event.raw``; only bad
    XML raises (``CallbackError`` with ``malformed_xml`` or ``forbidden_xml``).
    """
    raw = xml if isinstance(xml, dict) else parse_xml(xml)
    return event_from_dict(raw)
