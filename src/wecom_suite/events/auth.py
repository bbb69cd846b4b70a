"""Suite lifecycle events (授权): ticket, install, change, cancel, reset, special and data permissions."""

from __future__ import annotations

from typing import ClassVar

from ..xml import XmlDict
from .base import Field, InstructionEvent, integer, node, text
from .info_type import InfoType

__all__ = [
    "AgreeExternalUseridMigrationEvent",
    "ApproveSpecialAuthEvent",
    "AuthDataPermissionEvent",
    "CancelAuthEvent",
    "CancelSpecialAuthEvent",
    "ChangeAuthEvent",
    "CorpArchAuthEvent",
    "CreateAuthEvent",
    "DeviceDataAuthChangeEvent",
    "ExpireRemindDataPermissionEvent",
    "ResetPermanentCodeEvent",
    "SuiteTicketEvent",
]


class SuiteTicketEvent(InstructionEvent):
    """suite_ticket: pushed every 10 minutes, valid 30; needed to fetch the suite_access_token.

    https://developer.work.weixin.qq.com/document/path/90628
    """

    __slots__ = ("suite_ticket",)
    INFO_TYPE = InfoType.SUITE_TICKET
    FIELDS: ClassVar[tuple[Field, ...]] = (("suite_ticket", "SuiteTicket", text),)
    suite_ticket: str

    def __repr__(self) -> str:  # the ticket is a credential: never print it
        return f"SuiteTicketEvent(suite_id={self.suite_id!r}, timestamp={self.timestamp})"


class CreateAuthEvent(InstructionEvent):
    """create_auth (授权成功通知): exchange ``auth_code`` for a permanent code within 10 minutes.

    https://developer.work.weixin.qq.com/document/path/90642
    """

    __slots__ = ("auth_code", "extra_info", "state")
    INFO_TYPE = InfoType.CREATE_AUTH
    FIELDS: ClassVar[tuple[Field, ...]] = (
        ("auth_code", "AuthCode", text),
        ("state", "State", text),
        ("extra_info", "ExtraInfo", node),
    )
    auth_code: str
    state: str
    extra_info: XmlDict

    def __repr__(self) -> str:
        return f"CreateAuthEvent(suite_id={self.suite_id!r}, state={self.state!r})"


class ChangeAuthEvent(InstructionEvent):
    """change_auth (变更授权通知): no diff is sent; call get_auth_info.

    https://developer.work.weixin.qq.com/document/path/90642
    """

    __slots__ = ("extra_info", "state")
    INFO_TYPE = InfoType.CHANGE_AUTH
    FIELDS: ClassVar[tuple[Field, ...]] = (("state", "State", text), ("extra_info", "ExtraInfo", node))
    state: str
    extra_info: XmlDict


class CancelAuthEvent(InstructionEvent):
    """cancel_auth (取消授权通知): the permanent code is dead; delete the corp's data.

    https://developer.work.weixin.qq.com/document/path/90642
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CANCEL_AUTH


class ResetPermanentCodeEvent(InstructionEvent):
    """reset_permanent_code (代开发 重置永久授权码): fetch the new secret with ``auth_code``.

    https://developer.work.weixin.qq.com/document/path/97175
    """

    __slots__ = ("auth_code",)
    INFO_TYPE = InfoType.RESET_PERMANENT_CODE
    FIELDS: ClassVar[tuple[Field, ...]] = (("auth_code", "AuthCode", text),)
    auth_code: str

    def __repr__(self) -> str:
        return f"ResetPermanentCodeEvent(suite_id={self.suite_id!r})"


class CorpArchAuthEvent(InstructionEvent):
    """corp_arch_auth (上下游/企业架构授权).

    https://developer.work.weixin.qq.com/document/path/97378
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CORP_ARCH_AUTH


class _SpecialAuthEvent(InstructionEvent):
    __slots__ = ("auth_type",)
    FIELDS: ClassVar[tuple[Field, ...]] = (("auth_type", "AuthType", text),)
    auth_type: str


class ApproveSpecialAuthEvent(_SpecialAuthEvent):
    """approve_special_auth (特殊权限授权, e.g. 获客助手 ``customer_acquisition``).

    https://developer.work.weixin.qq.com/document/path/98959
    """

    __slots__ = ()
    INFO_TYPE = InfoType.APPROVE_SPECIAL_AUTH


class CancelSpecialAuthEvent(_SpecialAuthEvent):
    """cancel_special_auth (特殊权限取消).

    https://developer.work.weixin.qq.com/document/path/98959
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CANCEL_SPECIAL_AUTH


class AuthDataPermissionEvent(_SpecialAuthEvent):
    """auth_data_permission (数据权限授权成功): the company granted (or renewed) one data permission,
    named by ``auth_type`` (e.g. ``data_zone_chat``); one event per permission.

    https://developer.work.weixin.qq.com/document/path/101587
    """

    __slots__ = ()
    INFO_TYPE = InfoType.AUTH_DATA_PERMISSION


class ExpireRemindDataPermissionEvent(_SpecialAuthEvent):
    """expire_remind_data_permission (数据权限即将到期): seven days before the ``auth_type`` permission
    expires, sent once.

    https://developer.work.weixin.qq.com/document/path/101587
    """

    __slots__ = ()
    INFO_TYPE = InfoType.EXPIRE_REMIND_DATA_PERMISSION


class DeviceDataAuthChangeEvent(InstructionEvent):
    """device_data_auth_change (设备数据授权变更).

    https://developer.work.weixin.qq.com/document/path/96103
    """

    __slots__ = ("agent_id",)
    INFO_TYPE = InfoType.DEVICE_DATA_AUTH_CHANGE
    FIELDS: ClassVar[tuple[Field, ...]] = (("agent_id", "AgentID", integer),)
    agent_id: int | None


class AgreeExternalUseridMigrationEvent(InstructionEvent):
    """agree_external_userid_migration (同意external_userid迁移); field set unconfirmed.

    https://developer.work.weixin.qq.com/document/path/95327
    """

    __slots__ = ()
    INFO_TYPE = InfoType.AGREE_EXTERNAL_USERID_MIGRATION
