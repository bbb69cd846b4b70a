"""Registration (推广注册) and paid-edition orders, §3.8-3.9 (interface licenses: ``license_endpoints``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..rules.lifetimes import LIFETIMES
from .answer import Answer
from .api_failure import ApiFailure
from .request_params import STATE_RE, int_param, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = [
    "get_order",
    "get_order_list",
    "get_register_code",
    "get_register_info",
    "prolong_try",
]


def get_register_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_provider_token(params)
    if not text_param(params, "template_id"):
        raise ApiFailure(84019)
    state = text_param(params, "state")
    if not STATE_RE.fullmatch(state):
        raise ApiFailure(84025)
    code = emu.book.issue(
        "register_code",
        emu.settings.provider_corp_id,
        LIFETIMES["register_code"],
        length=32,
        data={"state": state, "corp_name": text_param(params, "corp_name")},
    )
    return {
        "errcode": 0,
        "errmsg": "ok",
        "register_code": code.value,
        "expires_in": int(LIFETIMES["register_code"]),
    }


def get_register_info(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_provider_token(params)
    value = text_param(params, "register_code")
    if not value:
        raise ApiFailure(84021)
    item = emu.book.lookup("register_code", value)
    if item is None:
        raise ApiFailure(84022)
    corp_id = emu.registrations.get(value)
    if corp_id is None:
        if item.expired(emu.now()):
            raise ApiFailure(84022)
        raise ApiFailure(84024)
    company = emu.companies[corp_id]
    admin = company.admins[0]
    token = emu.book.issue("corp_token", corp_id, LIFETIMES["corp_token"], reuse=True)
    return {
        "errcode": 0,
        "errmsg": "ok",
        "corpid": corp_id,
        "contact_sync": {"access_token": token.value, "expires_in": token.remaining(emu.now())},
        "auth_user_info": {"userid": admin.userid, "open_userid": admin.open_userid},
        "state": item.data.get("state", ""),
    }


def get_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    order = emu.orders.get(text_param(params, "orderid"))
    if order is None:
        raise ApiFailure(40058, "orderid")
    return {"errcode": 0, "errmsg": "ok", "order": order.as_json()}


def get_order_list(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    start, end = int_param(params, "start_time", 0), int_param(params, "end_time", 2**31)
    if end < start:
        raise ApiFailure(40058, "end_time is before start_time")
    chosen = [o for o in emu.orders.values() if start <= o.order_time <= end]
    return {
        "errcode": 0,
        "errmsg": "ok",
        "has_more": 0,
        "order_list": [{"orderid": o.orderid, "order_type": o.order_type} for o in chosen],
    }


def prolong_try(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    emu.authorized_company(text_param(params, "buyer_corpid"))
    days = int_param(params, "prolong_days", 0)
    if not 1 <= days <= 60:
        raise ApiFailure(40058, "prolong_days must be 1..60")
    return {"errcode": 0, "errmsg": "ok", "try_end_time": int(emu.now()) + days * 86400}

