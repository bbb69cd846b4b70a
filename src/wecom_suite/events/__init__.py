"""Typed callback events: one class per InfoType (指令回调 / 系统事件), data-URL Event and MsgType (数据回调).

Each family module's ``__all__`` is exported whole (``from .<family> import *``), so a class added to a
family is exported by adding it to that module's ``__all__``, as ``events/parser.py`` registers it."""

from .auth import *  # noqa: F403
from .auth import __all__ as _auth
from .base import DataEvent, Event, InstructionEvent, UnknownEvent
from .chat_archive import *  # noqa: F403
from .chat_archive import __all__ as _chat_archive
from .contact import *  # noqa: F403
from .contact import __all__ as _contact
from .coverage import coverage_rows, coverage_table
from .data import *  # noqa: F403
from .data import __all__ as _data
from .data_types import EventType, MsgType
from .external_contact import *  # noqa: F403
from .external_contact import __all__ as _external
from .info_type import InfoType
from .license import *  # noqa: F403
from .license import __all__ as _license
from .messages import *  # noqa: F403
from .messages import __all__ as _messages
from .order_events import *  # noqa: F403
from .order_events import __all__ as _orders
from .parser import (
    CONTACT_VARIANTS,
    DATA_EVENT_CLASSES,
    DUAL_SHAPE_EVENTS,
    EVENT_CLASSES,
    MESSAGE_CLASSES,
    event_from_dict,
    parse_event,
)
from .sharing import *  # noqa: F403
from .sharing import __all__ as _sharing

__all__ = [
    "CONTACT_VARIANTS",
    "DATA_EVENT_CLASSES",
    "DUAL_SHAPE_EVENTS",
    "EVENT_CLASSES",
    "MESSAGE_CLASSES",
    "DataEvent",
    "Event",
    "EventType",
    "InfoType",
    "InstructionEvent",
    "MsgType",
    "UnknownEvent",
    "coverage_rows",
    "coverage_table",
    "event_from_dict",
    "parse_event",
    *_auth,
    *_chat_archive,
    *_contact,
    *_data,
    *_external,
    *_license,
    *_messages,
    *_orders,
    *_sharing,
]
