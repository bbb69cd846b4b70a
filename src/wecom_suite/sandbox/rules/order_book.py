"""Paid-edition orders (付费应用订单) the sandbox's admin actions create, for ``service/get_order``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Order"]


@dataclass
class Order:
    """A paid-edition order (付费应用订单), created by the sandbox's admin actions."""

    orderid: str
    paid_corpid: str
    suiteid: str
    order_time: int
    edition_id: str = "sandbox-edition"
    edition_name: str = "标准版"
    price: int = 10000
    user_count: int = 50
    order_period: int = 365
    order_status: int = 1
    order_type: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "orderid": self.orderid,
            "order_status": self.order_status,
            "order_type": self.order_type,
            "paid_corpid": self.paid_corpid,
            "suiteid": self.suiteid,
            "appid": 1,
            "edition_id": self.edition_id,
            "edition_name": self.edition_name,
            "price": self.price,
            "user_count": self.user_count,
            "order_period": self.order_period,
            "order_time": self.order_time,
            "paid_time": self.order_time,
            "begin_time": self.order_time,
            "end_time": self.order_time + self.order_period * 86400,
            **self.extra,
        }
