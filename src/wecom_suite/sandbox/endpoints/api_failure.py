"""How the sandbox answers an API call that WeCom would refuse: an errcode and a WeCom-looking errmsg."""

from __future__ import annotations

import secrets
from typing import Any

__all__ = ["ERRMSG", "ApiFailure"]

# The errmsg text WeCom uses for each code the sandbox can return (global error codes, 全局错误码).
ERRMSG: dict[int, str] = {
    -1: "system busy",
    40001: "invalid credential",
    40003: "invalid userid",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40056: "invalid agentid",
    40058: "invalid parameter",
    40077: "invalid pre_auth_code",
    40078: "invalid auth_code",
    40080: "invalid suite_secret",
    40082: "invalid suite_access_token",
    40083: "invalid suite_id",
    40084: "invalid permanent_code",
    40085: "invalid suite_ticket",
    40086: "invalid third-party app appid",
    40093: "invalid jsapi_ticket",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "secret missing",
    41025: "permanent_code missing",
    42001: "access_token expired",
    42007: "pre_auth_code expired",
    42009: "suite_access_token expired",
    45009: "api freq out of limit",
    47001: "data format error",
    48004: "auth relation invalid",
    48005: "api forbidden",
    60111: "userid not found",
    60123: "invalid party id",
    84014: "user ticket expired",
    84015: "invalid user ticket",
    84019: "missing templateid",
    84020: "templateid not exist",
    84021: "missing register_code",
    84022: "invalid register_code",
    84024: "no register info",
    84025: "invalid state",
    # interface licenses (接口许可), as WeCom words them
    701002: "invalid license account",
    701003: "active code already bound",
    701005: "invalid license order",
    701007: "invalid account type",
    701010: "all active codes are invalid",
    701011: "userid already bound",
    701012: "active code beyond its binding period",
    701015: "no third-party or customized-app authorisation, ordering not allowed",
    701016: "account not activated or expired",
    701017: "account transferred within 30 days",
    701018: "takeover user already has an account of the same type",
    701019: "invalid userid or userid of another corp",
    701084: "order is not waiting for payment",
    90433: "prepaid balance insufficient",
    48001: "api unauthorized",
    48002: "api forbidden for this app",
}


class ApiFailure(Exception):
    """Raised by the emulator's rules; the HTTP layer turns it into WeCom's JSON error body (HTTP 200)."""

    def __init__(self, errcode: int, detail: str = "") -> None:
        self.errcode = errcode
        self.detail = detail
        super().__init__(f"{errcode}: {self.errmsg}")

    @property
    def errmsg(self) -> str:
        text = ERRMSG.get(self.errcode, "error")
        if self.detail:
            text = f"{text}: {self.detail}"
        return (
            f"{text}, hint: [{secrets.token_hex(6)}], from ip: 127.0.0.1, "
            f"more info at https://open.work.weixin.qq.com/devtool/query?e={self.errcode}"
        )

    def body(self) -> dict[str, Any]:
        return {"errcode": self.errcode, "errmsg": self.errmsg}
