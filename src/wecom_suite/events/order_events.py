"""Paid-app order events (付费应用订单); the corp is ``PaidCorpId``, also exposed as ``auth_corp_id``."""

from __future__ import annotations

from ..xml import XmlDict
from .base import InstructionEvent, text
from .info_type import InfoType

__all__ = [
    "CancelOrderEvent",
    "ChangeEditionEvent",
    "ChangeOrderEvent",
    "OpenOrderEvent",
    "OrderEvent",
    "PayForAppSuccessEvent",
    "RefundEvent",
]


class OrderEvent(InstructionEvent):
    """Common base of the order events: ``paid_corp_id`` (and ``auth_corp_id``) is the paying corp."""

    __slots__ = ("paid_corp_id",)
    paid_corp_id: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        self.paid_corp_id = text(raw.get("PaidCorpId"))
        self.auth_corp_id = self.auth_corp_id or self.paid_corp_id


class OpenOrderEvent(OrderEvent):
    """open_order (下单成功).

    https://developer.work.weixin.qq.com/document/path/91929
    """

    __slots__ = ("operator_id", "order_id")
    INFO_TYPE = InfoType.OPEN_ORDER
    FIELDS = (("order_id", "OrderId", text), ("operator_id", "OperatorId", text))
    order_id: str
    operator_id: str


class ChangeOrderEvent(OrderEvent):
    """change_order (改单): the order got a new id.

    https://developer.work.weixin.qq.com/document/path/91930
    """

    __slots__ = ("new_order_id", "old_order_id")
    INFO_TYPE = InfoType.CHANGE_ORDER
    FIELDS = (("old_order_id", "OldOrderId", text), ("new_order_id", "NewOrderId", text))
    old_order_id: str
    new_order_id: str


class PayForAppSuccessEvent(OrderEvent):
    """pay_for_app_success (支付成功).

    https://developer.work.weixin.qq.com/document/path/91931
    """

    __slots__ = ("order_id",)
    INFO_TYPE = InfoType.PAY_FOR_APP_SUCCESS
    FIELDS = (("order_id", "OrderId", text),)
    order_id: str


class RefundEvent(OrderEvent):
    """refund (退款).

    https://developer.work.weixin.qq.com/document/path/91932
    """

    __slots__ = ("order_id",)
    INFO_TYPE = InfoType.REFUND
    FIELDS = (("order_id", "OrderId", text),)
    order_id: str


class ChangeEditionEvent(OrderEvent):
    """change_editon (sic; 版本变更): call get_auth_info for the new edition_info.

    https://developer.work.weixin.qq.com/document/path/91933
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CHANGE_EDITON


class CancelOrderEvent(OrderEvent):
    """cancel_order (取消订单).

    https://developer.work.weixin.qq.com/document/path/99353
    """

    __slots__ = ("order_id",)
    INFO_TYPE = InfoType.CANCEL_ORDER
    FIELDS = (("order_id", "OrderId", text),)
    order_id: str
