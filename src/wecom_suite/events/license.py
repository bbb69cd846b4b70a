"""Provider system events (系统事件): interface licenses (接口许可), 推广注册, advanced API billing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..xml import XmlDict, XmlValue, as_list
from .base import Field, InstructionEvent, integer, node, text
from .info_type import InfoType

__all__ = [
    "ActivatedAccount",
    "AdvancedApiCancelEvent",
    "AdvancedApiEvent",
    "AdvancedApiExpiredEvent",
    "AdvancedApiInsufficientEvent",
    "AdvancedApiPaySuccessEvent",
    "AdvancedApiRefundEvent",
    "AdvancedApiTrialExpiredEvent",
    "AutoActivateEvent",
    "LicensePaySuccessEvent",
    "LicenseRefundEvent",
    "RegisterCorpEvent",
]


class LicensePaySuccessEvent(InstructionEvent):
    """license_pay_success (接口许可 支付成功): the provider paid an order; ``order_id`` may be a
    sub-order of a multi-company order. Sent to the system-event URL.

    https://developer.work.weixin.qq.com/document/path/97196
    """

    __slots__ = ("buyer_user_id", "order_id")
    INFO_TYPE = InfoType.LICENSE_PAY_SUCCESS
    FIELDS = (("order_id", "OrderId", text), ("buyer_user_id", "BuyerUserId", text))
    order_id: str
    buyer_user_id: str


class LicenseRefundEvent(InstructionEvent):
    """license_refund (接口许可 退款结果); ``order_status`` 1 = refunded, 2 = refund rejected.

    https://developer.work.weixin.qq.com/document/path/95805
    """

    __slots__ = ("order_id", "order_status")
    INFO_TYPE = InfoType.LICENSE_REFUND
    FIELDS = (("order_id", "OrderId", text), ("order_status", "OrderStatus", integer))
    order_id: str
    order_status: int | None


def _accounts(value: XmlValue | None) -> list[XmlValue]:
    """``<AccountList>`` repeated (or holding ``<Item>``s): each account as a dict."""
    out: list[XmlValue] = []
    for entry in as_list(value):
        if isinstance(entry, dict) and "ActiveCode" not in entry and len(entry) == 1:
            out.extend(as_list(next(iter(entry.values()))))
        else:
            out.append(entry)
    return out


@dataclass(frozen=True, slots=True)
class ActivatedAccount:
    """One account of an auto_activate event.

    ``type`` 1 = basic (基础许可), 2 = external contact (互通许可); ``expire_time`` in Unix seconds;
    ``previous_status`` 1 = none active, 2 = active (<= 7 days left), 3 = expired.
    """

    active_code: str
    type: int | None
    expire_time: int | None
    user_id: str
    previous_status: int | None
    previous_active_code: str


class AutoActivateEvent(InstructionEvent):
    """auto_activate (自动激活): WeCom activated a licence for a member on its own.

    ``scene``: 1 the member opened the app, 2 the provider sent a message, 3 an 互通 call. ``accounts``
    are the ``AccountList`` dicts as received; ``activated_accounts`` the same, typed.
    https://developer.work.weixin.qq.com/document/path/95994
    """

    __slots__ = ("accounts", "activated_accounts", "scene")
    INFO_TYPE = InfoType.AUTO_ACTIVATE
    FIELDS = (("scene", "Scene", integer), ("accounts", "AccountList", _accounts))
    scene: int | None
    accounts: list[XmlValue]
    activated_accounts: tuple[ActivatedAccount, ...]

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        out: list[ActivatedAccount] = []
        for entry in self.accounts:
            account = node(entry)
            out.append(
                ActivatedAccount(
                    active_code=text(account.get("ActiveCode")),
                    type=integer(account.get("Type")),
                    expire_time=integer(account.get("ExpireTime")),
                    user_id=text(account.get("UserId")),
                    previous_status=integer(account.get("PreviousStatus")),
                    previous_active_code=text(account.get("PreviousActiveCode")),
                )
            )
        self.activated_accounts = tuple(out)


class RegisterCorpEvent(InstructionEvent):
    """register_corp (推广注册完成). ``contact_sync_access_token`` is a credential: not in repr.

    https://developer.work.weixin.qq.com/document/path/90585
    """

    __slots__ = (
        "auth_user_id",
        "contact_sync_access_token",
        "contact_sync_expires_in",
        "register_code",
        "state",
        "template_id",
    )
    INFO_TYPE = InfoType.REGISTER_CORP
    FIELDS = (
        ("register_code", "RegisterCode", text),
        ("state", "State", text),
        ("template_id", "TemplateId", text),
    )
    register_code: str
    state: str
    template_id: str
    contact_sync_access_token: str
    contact_sync_expires_in: int | None
    auth_user_id: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        sync = node(raw.get("ContactSync"))
        self.contact_sync_access_token = text(sync.get("AccessToken"))
        self.contact_sync_expires_in = integer(sync.get("ExpiresIn"))
        self.auth_user_id = text(node(raw.get("AuthUserInfo")).get("UserId"))


class AdvancedApiEvent(InstructionEvent):
    """Base of the advanced-API billing events (高级接口, system-event URL).

    ``advance_api_type`` names the API family (``"1"`` = 会话内容数据接口); ``chat_archive_edition`` is
    ``ChatArchiveApi/Edition`` where sent (2 = 内外部会话, 3 = 内外部会话及语音通话).
    """

    __slots__ = ("advance_api_type", "chat_archive_edition")
    FIELDS: ClassVar[tuple[Field, ...]] = (("advance_api_type", "AdvanceApiType", text),)
    advance_api_type: str
    chat_archive_edition: int | None

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        self.chat_archive_edition = integer(node(raw.get("ChatArchiveApi")).get("Edition"))


class AdvancedApiPaySuccessEvent(AdvancedApiEvent):
    """advanced_api_pay_success (高级接口 支付成功): ``order_id`` was paid by ``buyer_user_id``.

    https://developer.work.weixin.qq.com/document/path/101401
    """

    __slots__ = ("buyer_user_id", "order_id")
    INFO_TYPE = InfoType.ADVANCED_API_PAY_SUCCESS
    FIELDS = (*AdvancedApiEvent.FIELDS, ("order_id", "OrderId", text), ("buyer_user_id", "BuyerUserId", text))
    order_id: str
    buyer_user_id: str


class AdvancedApiRefundEvent(AdvancedApiEvent):
    """advanced_api_refund (高级接口 退款结果): ``order_status`` 1 = refunded, 2 = refund rejected.

    https://developer.work.weixin.qq.com/document/path/101402
    """

    __slots__ = ("order_id", "order_status")
    INFO_TYPE = InfoType.ADVANCED_API_REFUND
    FIELDS = (*AdvancedApiEvent.FIELDS, ("order_id", "OrderId", text), ("order_status", "OrderStatus", integer))
    order_id: str
    order_status: int | None


class AdvancedApiInsufficientEvent(AdvancedApiEvent):
    """advanced_api_insufficient (接口不足): the company authorised more members than were bought.

    https://developer.work.weixin.qq.com/document/path/100272
    """

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_INSUFFICIENT


class AdvancedApiTrialExpiredEvent(AdvancedApiEvent):
    """advanced_api_trial_expired (接口试用到期): the company's trial of the advanced API ended.

    https://developer.work.weixin.qq.com/document/path/101406
    """

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_TRIAL_EXPIRED


class AdvancedApiExpiredEvent(AdvancedApiEvent):
    """advanced_api_expired (接口购买到期): the bought advanced-API accounts expired.

    ``chat_archive_edition`` says which edition ran out.
    https://developer.work.weixin.qq.com/document/path/100269
    """

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_EXPIRED


class AdvancedApiCancelEvent(AdvancedApiEvent):
    """advanced_api_cancel (高级接口 取消订单通知): the provider cancelled the company's order ``order_id``.

    https://developer.work.weixin.qq.com/document/path/101403
    """

    __slots__ = ("order_id",)
    INFO_TYPE = InfoType.ADVANCED_API_CANCEL
    FIELDS = (*AdvancedApiEvent.FIELDS, ("order_id", "OrderId", text))
    order_id: str
