"""Provider system events (系统事件): interface licenses (接口许可), 推广注册, advanced API billing."""

from __future__ import annotations

from ..xml import XmlDict, XmlValue, as_list
from .base import InstructionEvent, integer, node, text
from .info_type import InfoType

__all__ = [
    "AdvancedApiEvent",
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
    """license_pay_success (接口许可 支付成功)."""

    __slots__ = ("buyer_user_id", "order_id")
    INFO_TYPE = InfoType.LICENSE_PAY_SUCCESS
    FIELDS = (("order_id", "OrderId", text), ("buyer_user_id", "BuyerUserId", text))
    order_id: str
    buyer_user_id: str


class LicenseRefundEvent(InstructionEvent):
    """license_refund (接口许可 退款); ``order_status`` 1 = refunded, 2 = refund rejected."""

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


class AutoActivateEvent(InstructionEvent):
    """auto_activate (自动激活): ``scene`` 1/2/3; ``accounts`` are the ``AccountList`` dicts."""

    __slots__ = ("accounts", "scene")
    INFO_TYPE = InfoType.AUTO_ACTIVATE
    FIELDS = (("scene", "Scene", integer), ("accounts", "AccountList", _accounts))
    scene: int | None
    accounts: list[XmlValue]


class RegisterCorpEvent(InstructionEvent):
    """register_corp (推广注册完成). ``contact_sync_access_token`` is a credential: not in repr."""

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
    """Base of the advanced_api_* billing events (高级接口): ``advance_api_type`` names the API family."""

    __slots__ = ("advance_api_type",)
    FIELDS = (("advance_api_type", "AdvanceApiType", text),)
    advance_api_type: str


class AdvancedApiPaySuccessEvent(AdvancedApiEvent):
    """advanced_api_pay_success."""

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_PAY_SUCCESS


class AdvancedApiRefundEvent(AdvancedApiEvent):
    """advanced_api_refund."""

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_REFUND


class AdvancedApiInsufficientEvent(AdvancedApiEvent):
    """advanced_api_insufficient (额度不足)."""

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_INSUFFICIENT


class AdvancedApiTrialExpiredEvent(AdvancedApiEvent):
    """advanced_api_trial_expired (试用到期)."""

    __slots__ = ()
    INFO_TYPE = InfoType.ADVANCED_API_TRIAL_EXPIRED
