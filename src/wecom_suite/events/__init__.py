"""Typed callback events: one class per InfoType (指令回调) plus data-callback events (数据回调)."""

from .auth import *  # noqa: F403
from .auth import __all__ as _auth
from .base import DataEvent, Event, InstructionEvent, UnknownEvent
from .contact import *  # noqa: F403
from .contact import __all__ as _contact
from .data import ChangeAppAdminEvent, MessageEvent, UnlicensedNotifyEvent
from .external_contact import *  # noqa: F403
from .external_contact import __all__ as _external
from .info_type import InfoType
from .license import *  # noqa: F403
from .license import __all__ as _license
from .orders import *  # noqa: F403
from .orders import __all__ as _orders
from .parser import EVENT_CLASSES, event_from_dict, parse_event
from .sharing import ShareAgentChangeEvent, ShareChainChangeEvent

__all__ = [
    "EVENT_CLASSES",
    "ChangeAppAdminEvent",
    "DataEvent",
    "Event",
    "InfoType",
    "InstructionEvent",
    "MessageEvent",
    "ShareAgentChangeEvent",
    "ShareChainChangeEvent",
    "UnknownEvent",
    "UnlicensedNotifyEvent",
    "event_from_dict",
    "parse_event",
    *_auth,
    *_contact,
    *_external,
    *_license,
    *_orders,
]
