"""User identity endpoints (docs/protocol.md §3.4, §3.6): login info, OAuth2/web-login codes, mini programs, ids."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..rules.lifetimes import LIFETIMES
from .answer import Answer
from .api_failure import ApiFailure
from .request_params import text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = ["corpid_to_opencorpid", "get_login_info", "getuserdetail3rd", "getuserinfo3rd", "jscode2session"]


def get_login_info(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_provider_token(params, "access_token")
    item = emu.book.lookup("login_code", text_param(params, "auth_code"))
    if item is None or item.used or item.expired(emu.now()):
        raise ApiFailure(40029)
    item.used = True
    company = emu.companies[item.subject]
    user = company.users[item.data["userid"]]
    return {
        "errcode": 0,
        "errmsg": "ok",
        "usertype": item.data.get("usertype", 1),
        "user_info": {"userid": user.userid, "open_userid": user.open_userid, "name": user.userid, "avatar": ""},
        "corp_info": {"corpid": company.corp_id},
        "agent": [{"agentid": company.agent_id, "auth_type": 1}],
        "auth_info": {"department": [{"id": d, "writable": True} for d in sorted(company.departments)]},
    }


def getuserinfo3rd(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    item = emu.book.lookup("oauth_code", text_param(params, "code"))
    if item is None or item.used or item.expired(emu.now()):
        raise ApiFailure(40029)
    item.used = True
    if not item.subject:
        return {"errcode": 0, "errmsg": "ok", "openid": item.data["openid"]}
    company = emu.companies[item.subject]
    user = company.users[item.data["userid"]]
    answer: dict[str, Any] = {
        "errcode": 0,
        "errmsg": "ok",
        "corpid": company.corp_id,
        "userid": user.userid,
        "open_userid": user.open_userid,
    }
    if item.data.get("scope") == "snsapi_privateinfo":
        ticket = emu.book.issue("user_ticket", company.corp_id, LIFETIMES["user_ticket"], data={"userid": user.userid})
        answer["user_ticket"] = ticket.value
        answer["expires_in"] = int(LIFETIMES["user_ticket"])
    return answer


def getuserdetail3rd(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    item = emu.book.lookup("user_ticket", text_param(params, "user_ticket"))
    if item is None or item.used:
        raise ApiFailure(84015)
    if item.expired(emu.now()):
        raise ApiFailure(84014)
    item.used = True
    company = emu.companies[item.subject]
    user = company.users[item.data["userid"]]
    return {
        "errcode": 0,
        "errmsg": "ok",
        "corpid": company.corp_id,
        "userid": user.userid,
        "name": user.userid,
        "gender": user.gender,
        "avatar": f"https://sandbox.invalid/avatar/{user.open_userid}",
        "qr_code": f"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode={user.open_userid}",
    }


def jscode2session(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """Mini program login (小程序登录): a code from :meth:`issue_oauth_code` works as ``js_code``."""
    emu.check_suite_token(params)
    item = emu.book.lookup("oauth_code", text_param(params, "js_code"))
    if item is None or item.used or item.expired(emu.now()) or not item.subject:
        raise ApiFailure(40029)
    item.used = True
    user = emu.companies[item.subject].users[item.data["userid"]]
    return {
        "errcode": 0,
        "errmsg": "ok",
        "corpid": item.subject,
        "userid": user.userid,
        "session_key": secrets.token_urlsafe(16),
        "open_userid": user.open_userid,
    }


def corpid_to_opencorpid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_provider_token(params)
    corp_id = text_param(params, "corpid")
    if corp_id not in emu.companies:
        raise ApiFailure(40013)
    return {"errcode": 0, "errmsg": "ok", "open_corpid": emu.open_corpid(corp_id)}
