"""Paid-edition orders (付费版本订单). Only the outline is documented, so the typed fields are the
common ones and the rest stays in ``model_extra``."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from .base import ApiResult, WeComModel

__all__ = ["Order", "OrderList", "OrderSummary"]


class Order(ApiResult):
    """``service/get_order``."""

    order_id: str = Field(default="", validation_alias="orderid", serialization_alias="orderid")
    order_status: int = 0
    order_type: int = 0
    paid_corp_id: str = Field(default="", validation_alias="paid_corpid", serialization_alias="paid_corpid")
    suite_id: str = Field(default="", validation_alias="suiteid", serialization_alias="suiteid")
    edition_id: str = ""
    edition_name: str = ""
    price: int = 0
    user_count: int = 0
    order_period: int = 0
    order_time: int = 0
    paid_time: int = 0
    begin_time: int = 0
    end_time: int = 0

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        """Accept the detail either at the top level or nested under ``order`` (both shapes are seen)."""
        if isinstance(data, dict) and isinstance(data.get("order"), dict):
            return {**data["order"], **{k: v for k, v in data.items() if k != "order"}}
        return data


class OrderSummary(WeComModel):
    order_id: str = Field(default="", validation_alias="orderid", serialization_alias="orderid")
    order_status: int = 0
    paid_corp_id: str = Field(default="", validation_alias="paid_corpid", serialization_alias="paid_corpid")


class OrderList(ApiResult):
    """``service/get_order_list``."""

    order_list: list[OrderSummary] = Field(default_factory=list)
