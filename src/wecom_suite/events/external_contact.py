"""Customer-contact events (客户联系): external contacts, customer groups, customer tags, 获客助手."""

from __future__ import annotations

from ..xml import XmlValue
from .base import InstructionEvent, as_enum, integer, items, text
from .info_type import InfoType
from .wire_enum import WireEnum

__all__ = [
    "ChangeExternalChatEvent",
    "ChangeExternalContactEvent",
    "ChangeExternalTagEvent",
    "CustomerAcquisitionChangeType",
    "CustomerAcquisitionEvent",
    "CustomerAcquisitionPermitChangeEvent",
    "ExternalChatChangeType",
    "ExternalChatUpdateDetail",
    "ExternalContactChangeType",
    "ExternalTagChangeType",
    "ExternalTagType",
]


class ExternalContactChangeType(WireEnum):
    """``ChangeType`` of change_external_contact."""

    ADD_EXTERNAL_CONTACT = "add_external_contact"
    EDIT_EXTERNAL_CONTACT = "edit_external_contact"
    ADD_HALF_EXTERNAL_CONTACT = "add_half_external_contact"
    DEL_EXTERNAL_CONTACT = "del_external_contact"
    DEL_FOLLOW_USER = "del_follow_user"
    TRANSFER_FAIL = "transfer_fail"
    MSG_AUDIT_APPROVED = "msg_audit_approved"



class ExternalChatChangeType(WireEnum):
    """``ChangeType`` of change_external_chat (客户群)."""

    CREATE = "create"
    UPDATE = "update"
    DISMISS = "dismiss"



class ExternalChatUpdateDetail(WireEnum):
    """``UpdateDetail`` of a change_external_chat ``update``."""

    ADD_MEMBER = "add_member"
    DEL_MEMBER = "del_member"
    CHANGE_OWNER = "change_owner"
    CHANGE_NAME = "change_name"
    CHANGE_NOTICE = "change_notice"



class ExternalTagChangeType(WireEnum):
    """``ChangeType`` of change_external_tag (客户标签)."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SHUFFLE = "shuffle"



class ExternalTagType(WireEnum):
    """``TagType`` of change_external_tag."""

    TAG = "tag"
    TAG_GROUP = "tag_group"



class CustomerAcquisitionChangeType(WireEnum):
    """``ChangeType`` of customer_acquisition (获客助手)."""

    BALANCE_LOW = "balance_low"
    BALANCE_EXHAUSTED = "balance_exhausted"
    BALANCE_INCREASED = "balance_increased"
    QUOTA_EXPIRE_SOON = "quota_expire_soon"
    LINK_UNAVAILABLE = "link_unavailable"
    DELETE_LINK = "delete_link"
    OPEN_PROFILE = "open_profile"
    FRIEND_REQUEST = "friend_request"
    CUSTOMER_START_CHAT = "customer_start_chat"
    MESSAGE_FROM_CUSTOMER = "message_from_customer"
    DEL_FOLLOW_USER = "del_follow_user"
    # the 获客助手组件 (component) kinds: the provider's own quota and price
    SERVICE_BALANCE_LOW = "service_balance_low"
    SERVICE_BALANCE_EXHAUSTED = "service_balance_exhausted"
    SERVICE_BALANCE_CONSUMED = "service_balance_consumed"
    CHANGE_PRICE = "change_price"



class ChangeExternalContactEvent(InstructionEvent):
    """change_external_contact (客户变更). ``welcome_code`` is short-lived (send_welcome_msg).

    https://developer.work.weixin.qq.com/document/path/92277
    """

    __slots__ = ("external_user_id", "fail_reason", "source", "state", "user_id", "welcome_code")
    INFO_TYPE = InfoType.CHANGE_EXTERNAL_CONTACT
    FIELDS = (
        ("user_id", "UserID", text),
        ("external_user_id", "ExternalUserID", text),
        ("state", "State", text),
        ("welcome_code", "WelcomeCode", text),
        ("source", "Source", text),
        ("fail_reason", "FailReason", text),
    )
    user_id: str
    external_user_id: str
    state: str
    welcome_code: str
    source: str
    fail_reason: str

    @property
    def change_type(self) -> ExternalContactChangeType | str:
        return as_enum(ExternalContactChangeType, text(self.raw.get("ChangeType")))


def _member_items(value: XmlValue | None) -> tuple[str, ...]:
    return tuple(v for v in items(value) if isinstance(v, str))


class ChangeExternalChatEvent(InstructionEvent):
    """change_external_chat (客户群变更); member fields only on add_member / del_member updates.

    https://developer.work.weixin.qq.com/document/path/92277
    """

    __slots__ = (
        "chat_id",
        "cur_mem_ver",
        "join_scene",
        "last_mem_ver",
        "mem_change_cnt",
        "mem_change_list",
        "quit_scene",
    )
    INFO_TYPE = InfoType.CHANGE_EXTERNAL_CHAT
    FIELDS = (
        ("chat_id", "ChatId", text),
        ("join_scene", "JoinScene", integer),
        ("quit_scene", "QuitScene", integer),
        ("mem_change_cnt", "MemChangeCnt", integer),
        ("mem_change_list", "MemChangeList", _member_items),
        ("last_mem_ver", "LastMemVer", text),
        ("cur_mem_ver", "CurMemVer", text),
    )
    chat_id: str
    join_scene: int | None
    quit_scene: int | None
    mem_change_cnt: int | None
    mem_change_list: tuple[str, ...]
    last_mem_ver: str
    cur_mem_ver: str

    @property
    def change_type(self) -> ExternalChatChangeType | str:
        return as_enum(ExternalChatChangeType, text(self.raw.get("ChangeType")))

    @property
    def update_detail(self) -> ExternalChatUpdateDetail | str:
        return as_enum(ExternalChatUpdateDetail, text(self.raw.get("UpdateDetail")))


class ChangeExternalTagEvent(InstructionEvent):
    """change_external_tag (客户标签变更).

    https://developer.work.weixin.qq.com/document/path/92277
    """

    __slots__ = ("id", "strategy_id")
    INFO_TYPE = InfoType.CHANGE_EXTERNAL_TAG
    FIELDS = (("id", "Id", text), ("strategy_id", "StrategyId", integer))
    id: str
    strategy_id: int | None

    @property
    def change_type(self) -> ExternalTagChangeType | str:
        return as_enum(ExternalTagChangeType, text(self.raw.get("ChangeType")))

    @property
    def tag_type(self) -> ExternalTagType | str:
        return as_enum(ExternalTagType, text(self.raw.get("TagType")))


class CustomerAcquisitionEvent(InstructionEvent):
    """customer_acquisition (获客助手事件): quota, link and conversion events, told apart by ``change_type``.

    Fields are present only for the kinds that carry them: ``link_id`` (link events), ``state`` (the
    link's customer_channel), ``user_id``/``external_user_id`` (conversions), ``chat_key`` (message_from_customer;
    valid 30 minutes, for customer_acquisition/get_chat_info: not in the repr), ``expire_time`` (Unix
    seconds) and ``expire_quota_num`` (quota_expire_soon), ``price`` (change_price, in 分) and
    ``effective_time`` (Unix seconds).
    https://developer.work.weixin.qq.com/document/path/97402 (and the component's events:
    https://developer.work.weixin.qq.com/document/path/99485)
    """

    __slots__ = (
        "chat_key",
        "effective_time",
        "expire_quota_num",
        "expire_time",
        "external_user_id",
        "link_id",
        "price",
        "state",
        "user_id",
    )
    INFO_TYPE = InfoType.CUSTOMER_ACQUISITION
    FIELDS = (
        ("link_id", "LinkId", text),
        ("state", "State", text),
        ("user_id", "UserID", text),
        ("external_user_id", "ExternalUserID", text),
        ("chat_key", "ChatKey", text),
        ("expire_time", "ExpireTime", integer),
        ("expire_quota_num", "ExpireQuotaNum", integer),
        ("price", "Price", integer),
        ("effective_time", "EffectiveTime", integer),
    )
    link_id: str
    state: str
    user_id: str
    external_user_id: str
    chat_key: str
    expire_time: int | None
    expire_quota_num: int | None
    price: int | None
    effective_time: int | None

    @property
    def change_type(self) -> CustomerAcquisitionChangeType | str:
        return as_enum(CustomerAcquisitionChangeType, text(self.raw.get("ChangeType")))


class CustomerAcquisitionPermitChangeEvent(InstructionEvent):
    """customer_acquisition_permit_change (客户可建联成员范围变动): the range of members customers may
    reach through a 营销获客 app changed. No ChangeType and no other fields: re-read the range.

    https://developer.work.weixin.qq.com/document/path/92277
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CUSTOMER_ACQUISITION_PERMIT_CHANGE
