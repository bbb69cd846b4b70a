"""Corp APIs called with a company token (scoped to that company), and the legacy 企业号 agent APIs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..rules.directory import SimCompany, SimUser
from ..rules.lifetimes import LIFETIMES
from .answer import Answer
from .api_failure import ApiFailure
from .request_params import int_param, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = [
    "agent_get",
    "agent_get_admin_list",
    "agent_get_permissions",
    "auth_getuserdetail",
    "auth_getuserinfo",
    "batch_userid_to_openuserid",
    "department_list",
    "get_agent",
    "get_jsapi_ticket",
    "set_agent",
    "ticket_get",
    "user_get",
    "user_list",
    "user_simplelist",
]


def get_jsapi_ticket(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    ticket = emu.book.issue("jsapi_ticket", company.corp_id, LIFETIMES["jsapi_ticket"], reuse=True)
    return {"errcode": 0, "errmsg": "ok", "ticket": ticket.value, "expires_in": ticket.remaining(emu.now())}


def ticket_get(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    if text_param(params, "type") != "agent_config":
        raise ApiFailure(40058, "type must be agent_config")
    ticket = emu.book.issue("agent_ticket", company.corp_id, LIFETIMES["agent_ticket"], reuse=True)
    return {"errcode": 0, "errmsg": "ok", "ticket": ticket.value, "expires_in": ticket.remaining(emu.now())}


def user_get(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    user = company.users.get(text_param(params, "userid"))
    if user is None:
        raise ApiFailure(60111)
    return {"errcode": 0, "errmsg": "ok", **user.as_json()}


def _department_ids(emu: Emulator, company: SimCompany, params: Mapping[str, Any], name: str) -> set[int]:
    root = int_param(params, name, 1) if params.get(name) not in (None, "") else 1
    if root not in company.departments:
        raise ApiFailure(60123 if root else 40058, f"department {root} not found")
    ids = {root}
    if int_param(params, "fetch_child", 0) or name == "id":
        grew = True
        while grew:
            children = {d.id for d in company.departments.values() if d.parentid in ids} - ids
            grew = bool(children)
            ids |= children
    return ids


def _users_in(emu: Emulator, company: SimCompany, params: Mapping[str, Any]) -> list[SimUser]:
    ids = _department_ids(emu, company, params, "department_id")
    return [u for u in company.users.values() if ids & set(u.department)]


def user_simplelist(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    users = [
        {"userid": u.userid, "name": u.userid, "department": u.department, "open_userid": u.open_userid}
        for u in _users_in(emu, company, params)
    ]
    return {"errcode": 0, "errmsg": "ok", "userlist": users}


def user_list(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    return {"errcode": 0, "errmsg": "ok", "userlist": [u.as_json() for u in _users_in(emu, company, params)]}


def department_list(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    ids = _department_ids(emu, company, params, "id")
    return {
        "errcode": 0,
        "errmsg": "ok",
        "department": [d.as_json() for d in company.departments.values() if d.id in ids],
    }


def agent_get(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    if int_param(params, "agentid", 0) != company.agent_id:
        raise ApiFailure(40056)
    return {"errcode": 0, "errmsg": "ok", **emu.agent_json(company)}


def agent_get_permissions(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.company_of_corp_token(params)
    return {"errcode": 0, "errmsg": "ok", "app_permissions": ["contact:base", "contact:sensitive:user_name"]}


def agent_get_admin_list(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取应用管理员列表 (the token's app): empty in member-authorisation mode (auth_mode 1)."""
    company = emu.company_of_corp_token(params)
    auth = company.authorization
    if auth is not None and auth.auth_mode == 1:
        return {"errcode": 0, "errmsg": "ok", "admin": []}
    return {"errcode": 0, "errmsg": "ok", "admin": [{"userid": u.userid, "auth_type": 1} for u in company.admins]}


USER_TICKET_LIFETIME = 1800  # seconds; auth/getuserinfo's user_ticket (getuserinfo3rd's lives 7200 s)


def _customized_company(emu: Emulator, params: Mapping[str, Any]) -> SimCompany:
    """The company of a 代开发 app's token; a third-party suite's token gets 48001 (it has getuserinfo3rd)."""
    company = emu.company_of_corp_token(params)
    if company.authorization is None or not company.authorization.customized:
        raise ApiFailure(48001, "third-party suites use service/auth/getuserinfo3rd")
    return company


def auth_getuserinfo(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取访问用户身份 for 代开发 apps: a code from ``issue_oauth_code`` for this company (40029 otherwise)."""
    company = _customized_company(emu, params)
    item = emu.book.lookup("oauth_code", text_param(params, "code"))
    if item is None or item.used or item.expired(emu.now()) or item.subject not in ("", company.corp_id):
        raise ApiFailure(40029)
    item.used = True
    if not item.subject:
        return {"errcode": 0, "errmsg": "ok", "openid": item.data["openid"]}
    user = company.users[item.data["userid"]]
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "userid": user.userid}
    if item.data.get("scope") == "snsapi_privateinfo":
        ticket = emu.book.issue("user_ticket", company.corp_id, USER_TICKET_LIFETIME, data={"userid": user.userid})
        answer.update(user_ticket=ticket.value, expires_in=USER_TICKET_LIFETIME)
    return answer


def auth_getuserdetail(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取访问用户敏感信息 for 代开发 apps: 84015 unknown/used/other company's ticket, 84014 expired."""
    company = _customized_company(emu, params)
    item = emu.book.lookup("user_ticket", text_param(params, "user_ticket"))
    if item is None or item.used or item.subject != company.corp_id:
        raise ApiFailure(84015)
    if item.expired(emu.now()):
        raise ApiFailure(84014)
    item.used = True
    user = company.users[item.data["userid"]]
    return {
        "errcode": 0, "errmsg": "ok", "userid": user.userid, "gender": user.gender,
        "avatar": f"https://sandbox.invalid/avatar/{user.open_userid}",
        "qr_code": f"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode={user.open_userid}",
        "mobile": "", "email": f"{user.userid}@sandbox.invalid", "biz_mail": "", "address": "",
    }


def batch_userid_to_openuserid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    company = emu.company_of_corp_token(params)
    userids = params.get("userid_list")
    if not isinstance(userids, list) or not userids:
        raise ApiFailure(40058, "userid_list must be a non-empty list")
    if len(userids) > 1000:
        raise ApiFailure(40058, "at most 1000 userids per call")
    found = [{"userid": u, "open_userid": company.users[u].open_userid} for u in userids if u in company.users]
    missing = [u for u in userids if u not in company.users]
    return {"errcode": 0, "errmsg": "ok", "open_userid_list": found, "invalid_userid_list": missing}


def get_agent(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    company = emu.company_by_permanent_code(params)
    if int_param(params, "agentid", 0) != company.agent_id:
        raise ApiFailure(40056)
    return {"errcode": 0, "errmsg": "ok", **emu.agent_json(company)}


def set_agent(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    company = emu.company_by_permanent_code(params)
    agent = params.get("agent")
    if not isinstance(agent, Mapping):
        raise ApiFailure(40058, "agent must be an object")
    if int_param(agent, "agentid", 0) != company.agent_id:
        raise ApiFailure(40056)
    return {"errcode": 0, "errmsg": "ok"}
