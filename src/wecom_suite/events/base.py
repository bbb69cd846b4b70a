"""The event base classes and the cheap field converters every typed event uses.

Events are plain ``__slots__`` classes filled from a per-class field table: each entry of ``FIELDS``
names an attribute, the XML tag it comes from and the converter that turns the text into the value.
``raw`` always keeps every field as received, so fields WeCom adds later are never lost; a field that is
a credential (:data:`SECRET_FIELDS`: a suite_ticket, an auth code, ...) is kept there as a
:class:`~wecom_suite.redaction.SecretText`, so no repr or dict form of ``raw`` shows it. Handlers read it
from the typed attribute (``event.suite_ticket``, ``event.auth_code``), a plain ``str``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, TypeVar, cast

from ..redaction import SecretText
from ..xml import XmlDict, XmlValue

__all__ = [
    "SECRET_FIELDS",
    "DataEvent",
    "Event",
    "Field",
    "InstructionEvent",
    "UnknownEvent",
    "as_enum",
    "csv_ints",
    "csv_strs",
    "decimal",
    "integer",
    "items",
    "node",
    "seal_secret_fields",
    "text",
]

E = TypeVar("E", bound=Enum)


def text(value: XmlValue | None) -> str:
    """A leaf as ``str``; a missing or non-leaf value becomes ``""`` (the original stays in ``raw``)."""
    return value if isinstance(value, str) else ""


def integer(value: XmlValue | None) -> int | None:
    """A decimal leaf as ``int``; missing, empty or non-numeric -> ``None``."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def decimal(value: XmlValue | None) -> float | None:
    """A decimal leaf such as a latitude (``"30.0"``) as ``float``; missing or malformed -> ``None``."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None  # no NaN / inf
    return None


def csv_strs(value: XmlValue | None) -> tuple[str, ...]:
    """``"a,b,c"`` -> ``("a", "b", "c")``; empty -> ``()``."""
    if isinstance(value, str) and value:
        parts = value.split(",")
        return tuple(part for part in parts if part) if "" in parts else tuple(parts)
    return ()


def csv_ints(value: XmlValue | None) -> tuple[int, ...]:
    """``"1,2,3"`` -> ``(1, 2, 3)``; entries that are not integers are skipped (``raw`` keeps them)."""
    parts = csv_strs(value)
    try:
        return tuple(map(int, parts))  # the common case, at C speed
    except ValueError:
        pass
    out: list[int] = []
    for part in parts:
        try:
            out.append(int(part))
        except ValueError:
            continue
    return tuple(out)


def node(value: XmlValue | None) -> XmlDict:
    """A nested element as a dict (``{}`` when absent or a leaf)."""
    return value if isinstance(value, dict) else {}


def items(value: XmlValue | None) -> list[XmlValue]:
    """The children of a list element (``<List><Item>..</Item><Item>..</Item></List>``), whatever their tag."""
    if not isinstance(value, dict):
        return []
    out: list[XmlValue] = []
    for child in value.values():
        if isinstance(child, list):
            out.extend(child)
        else:
            out.append(child)
    return out


def as_enum(enum: type[E], value: str) -> E | str:
    """The enum member for ``value``, or the plain string for values WeCom added after this release."""
    try:
        return enum(value)
    except ValueError:
        return value


Field = tuple[str, str, Callable[[Any], Any]]  # (attribute, XML tag, converter)

SECRET_FIELDS: frozenset[str] = frozenset(
    {"SuiteTicket", "AuthCode", "PermanentCode", "Token", "AccessToken", "ChatKey"}
)
"""Elements whose text is a credential, at any depth: the suite_ticket, the auth code (create_auth,
reset_permanent_code), a permanent code, the one-fetch ``Token`` of the chat-archive and 微信客服 events,
register_corp's ``ContactSync/AccessToken`` and customer_acquisition's ``ChatKey``. In ``event.raw``
they are :class:`~wecom_suite.redaction.SecretText`; a new event with a credential adds its element here."""


def _sealed(value: XmlValue, secret: bool = False) -> XmlValue:
    """``value`` with every credential leaf (under a :data:`SECRET_FIELDS` element, repeated or nested
    too) as ``SecretText``: a copy of the dicts and lists on the way to one, the very same object when
    there is none (the common case).

    The result is still typed ``XmlValue``: those few leaves hold a ``SecretText`` where the type says
    ``str``, so every reader of ordinary fields keeps its types; nothing in the package reads them from
    ``raw`` (the typed attributes are filled from the document as received).
    """
    if isinstance(value, str):
        return cast(str, SecretText(value)) if secret else value
    if isinstance(value, dict):
        changed: XmlDict = {}
        for tag, child in value.items():
            hidden = secret or tag in SECRET_FIELDS
            if isinstance(child, str):  # the common leaf, without a call
                if hidden:
                    changed[tag] = cast(str, SecretText(child))
            elif (sealed := _sealed(child, hidden)) is not child:
                changed[tag] = sealed
        return {**value, **changed} if changed else value
    items = [_sealed(child, secret) for child in value]
    return items if any(new is not old for new, old in zip(items, value, strict=True)) else value


seal_secret_fields = _sealed
"""The same walk for other readers of a document (``wecom-suite inbox show``): ``value`` with every
:data:`SECRET_FIELDS` leaf a ``SecretText``."""


class Event:
    """Base of every parsed callback. ``info_type`` is the InfoType (or the data event's Event/MsgType).

    Documents of either shape fill the common attributes: instruction callbacks (``InfoType``,
    ``TimeStamp``, ``AuthCorpId``) and data-URL callbacks (``Event`` or ``MsgType``, ``CreateTime``,
    ``ToUserName``), so an event WeCom sends on both URLs (e.g. ``change_contact``) parses into one class.
    """

    __slots__ = ("_raw", "_sealed_raw", "auth_corp_id", "info_type", "suite_id", "timestamp")

    FIELDS: ClassVar[tuple[Field, ...]] = ()
    # Fields every class of a family has (e.g. ``ServiceCorpId`` on instruction events), filled before FIELDS.
    COMMON_FIELDS: ClassVar[tuple[Field, ...]] = ()
    _ALL_FIELDS: ClassVar[tuple[Field, ...]] = ()  # COMMON_FIELDS + FIELDS, set per subclass

    info_type: str
    timestamp: int
    suite_id: str
    auth_corp_id: str

    def __init__(self, raw: XmlDict) -> None:
        self._raw = raw  # as parsed; ``raw`` hands out the sealed copy
        self._sealed_raw: XmlDict | None = None
        get = raw.get
        value = get("InfoType")
        if value.__class__ is str:
            self.info_type = value
            data_shape = False
        else:  # a data-URL shaped document (``MsgType``/``Event``, no InfoType): key it by its Event
            value = get("Event")
            self.info_type = value if value.__class__ is str else text(get("MsgType"))
            data_shape = True
        value = get("TimeStamp")
        self.timestamp = (
            int(value) if value.__class__ is str and value.isascii() and value.isdigit() and len(value) < 19 else 0
        )
        value = get("SuiteId")
        self.suite_id = value if value.__class__ is str else ""
        value = get("AuthCorpId")
        self.auth_corp_id = value if value.__class__ is str else ""
        if data_shape:  # data-URL shape: the corp is the ToUserName, the time the CreateTime
            self.auth_corp_id = self.auth_corp_id or text(get("ToUserName"))
            self.timestamp = self.timestamp or (integer(get("CreateTime")) or 0)
        for attr, tag, convert in self._ALL_FIELDS:
            setattr(self, attr, convert(get(tag)))

    @property
    def raw(self) -> XmlDict:
        """Every field of the document as parsed (nested dicts, lists for repeated tags), credentials sealed.

        Sealed on first access, not in ``__init__``: the receive path builds an event for every callback
        and most never have their ``raw`` read. The caller's dict is never changed (sealing copies).
        """
        sealed = self._sealed_raw
        if sealed is None:
            sealed = self._sealed_raw = cast(XmlDict, _sealed(self._raw))
        return sealed

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = (*cls.COMMON_FIELDS, *cls.FIELDS)
        for attr, _tag, _convert in table:
            if not attr.isidentifier():
                raise TypeError(f"{cls.__name__}.FIELDS: {attr!r} is not an attribute name")
        cls._ALL_FIELDS = table

    @property
    def change_type(self) -> str:
        """The ``ChangeType`` when the event has one (``""`` otherwise); typed subclasses narrow it."""
        return text(self._raw.get("ChangeType"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(info_type={self.info_type!r}, auth_corp_id={self.auth_corp_id!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Event) and other._raw == self._raw

    def __hash__(self) -> int:  # events are values keyed by their raw fields
        return hash((type(self).__name__, self.info_type, self.timestamp))


class InstructionEvent(Event):
    """An instruction-callback (指令回调) or system event (系统事件) keyed by ``InfoType``.

    ``service_corp_id`` is set on provider system events (their envelope has ``ServiceCorpId`` rather
    than ``SuiteId``).
    """

    __slots__ = ("service_corp_id",)

    INFO_TYPE: ClassVar[str] = ""
    COMMON_FIELDS: ClassVar[tuple[Field, ...]] = (("service_corp_id", "ServiceCorpId", text),)
    service_corp_id: str


class UnknownEvent(InstructionEvent):
    """An InfoType this release does not know: kept whole in ``raw``, never an error."""

    __slots__ = ()


class DataEvent(Event):
    """A data-callback (数据回调) message or event (``MsgType`` / ``Event``): what members of installed
    companies send the app, and the events about it, in the internal-app format.

    ``info_type`` is the ``Event`` for ``MsgType=event`` (or no MsgType) and the ``MsgType`` otherwise,
    so the router dispatches both kinds by one key. ``auth_corp_id`` is the ``ToUserName`` (the
    authorising corp), ``from_user_name`` the member's UserID (``sys`` for system events),
    ``create_time`` Unix seconds, ``agent_id`` the app's id in that company (``None`` when absent).
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("agent_id", "create_time", "event", "from_user_name", "msg_type", "to_user_name")

    EVENT: ClassVar[str] = ""
    msg_type: str
    event: str
    to_user_name: str
    from_user_name: str
    create_time: int
    agent_id: int | None

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        get = raw.get
        self.msg_type = text(get("MsgType"))
        self.event = text(get("Event"))
        self.to_user_name = text(get("ToUserName"))
        self.from_user_name = text(get("FromUserName"))
        self.create_time = integer(get("CreateTime")) or 0
        self.agent_id = integer(get("AgentID"))
        # sys_approval_change can arrive without a MsgType (instruction URL): key it by its Event too
        self.info_type = self.event if self.msg_type in ("event", "") else self.msg_type
        self.timestamp = self.timestamp or self.create_time
        self.auth_corp_id = self.auth_corp_id or self.to_user_name
