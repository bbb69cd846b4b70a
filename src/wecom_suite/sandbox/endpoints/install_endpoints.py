"""Install and authorisation endpoints (docs/protocol.md §3.3, §3.7): pre_auth_code, permanent code, auth info, QR."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..rules.lifetimes import LIFETIMES
from .answer import Answer, BinaryAnswer
from .api_failure import ApiFailure
from .request_params import STATE_RE, int_param, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = [
    "get_admin_list",
    "get_app_qrcode",
    "get_auth_info",
    "get_customized_auth_url",
    "get_permanent_code",
    "get_permanent_code_v2",
    "get_pre_auth_code",
    "set_session_info",
]

# The smallest valid PNG: get_app_qrcode's binary answer (result_type 1).
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def get_pre_auth_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    code = emu.book.issue("pre_auth_code", emu.settings.suite_id, LIFETIMES["pre_auth_code"], data={"auth_type": 0})
    return {
        "errcode": 0,
        "errmsg": "ok",
        "pre_auth_code": code.value,
        "expires_in": int(LIFETIMES["pre_auth_code"]),
    }


def set_session_info(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    item = emu.pre_auth_code(text_param(params, "pre_auth_code"))
    session = params.get("session_info") or {}
    if not isinstance(session, Mapping):
        raise ApiFailure(40058, "session_info must be an object")
    auth_type = int_param(session, "auth_type", 0)
    if auth_type not in (0, 1):
        raise ApiFailure(40058, "auth_type must be 0 or 1")
    appids = session.get("appid") or []
    if appids:
        raise ApiFailure(40086, "this suite has no multi-app appids")
    item.data["auth_type"] = auth_type
    return {"errcode": 0, "errmsg": "ok"}


def _permanent_code_answer(emu: Emulator, params: Mapping[str, Any], *, full: bool) -> Answer:
    emu.check_suite_token(params)
    value = text_param(params, "auth_code")
    if len(value) < 64:
        raise ApiFailure(40058, "auth_code exceed min length 64")
    item = emu.book.lookup("auth_code", value)
    if item is None or item.used or item.expired(emu.now()):
        raise ApiFailure(40078)
    company = emu.companies.get(item.subject)
    if company is None or company.authorization is None or company.authorization.cancelled:
        raise ApiFailure(40078)
    item.used = True
    auth = company.authorization
    if item.data.get("reset"):
        # 代开发 reset_permanent_code: the new secret replaces the old one when it is fetched.
        auth.permanent_code = secrets.token_urlsafe(48)
        emu.book.revoke("corp_token", company.corp_id)
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "permanent_code": auth.permanent_code}
    installer = company.users.get(auth.installer_userid)
    answer["auth_user_info"] = {
        "userid": installer.userid if installer else "",
        "open_userid": installer.open_userid if installer else "",
        "name": installer.userid if installer else "",
        "avatar": "",
    }
    answer["state"] = auth.state
    if full:
        if not auth.customized:
            token = emu.book.issue("corp_token", company.corp_id, LIFETIMES["corp_token"], reuse=True)
            answer["access_token"] = token.value
            answer["expires_in"] = token.remaining(emu.now())
        answer.update(emu.auth_info(company))
    else:
        answer["auth_corp_info"] = {"corpid": company.corp_id, "corp_name": company.corp_name}
    return answer


def get_permanent_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    return _permanent_code_answer(emu, params, full=True)


def get_permanent_code_v2(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    return _permanent_code_answer(emu, params, full=False)


def get_auth_info(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    company = emu.company_by_permanent_code(params)
    return {"errcode": 0, "errmsg": "ok", **emu.auth_info(company)}


def get_auth_info_v2(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """v2 (documented for 代开发, page 100795): get_auth_info's answer plus the company's other names."""
    emu.check_suite_token(params)
    info = emu.auth_info(emu.company_by_permanent_code(params))
    corp = dict(info.get("auth_corp_info") or {})
    corp["corp_ex_name"] = {"name_list": f"{corp.get('corp_name', '')} 简称"}
    return {"errcode": 0, "errmsg": "ok", **info, "auth_corp_info": corp}


def get_admin_list(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    company = emu.authorized_company(text_param(params, "auth_corpid"))
    if int_param(params, "agentid", 0) != company.agent_id:
        raise ApiFailure(40056)
    admins = [{"userid": u.userid, "open_userid": u.open_userid, "auth_type": 1} for u in company.admins]
    return {"errcode": 0, "errmsg": "ok", "admin": admins}


def get_app_qrcode(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_suite_token(params)
    if text_param(params, "suite_id") not in ("", emu.settings.suite_id):
        raise ApiFailure(40083)
    state = text_param(params, "state")
    if len(state.encode()) > 32:
        raise ApiFailure(40058, "state exceeds 32 bytes")
    if int_param(params, "result_type", 1) == 1:
        return BinaryAnswer(TINY_PNG, "image/png")
    query = urlencode({"suite_id": emu.settings.suite_id, "qrcode": "1", "state": state})
    url = f"{emu.settings.install_base_url}/3rdapp/install?{query}"
    return {"errcode": 0, "errmsg": "ok", "qrcode": url}


def get_customized_auth_url(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    emu.check_provider_token(params)
    templates = params.get("templateid_list") or []
    if not isinstance(templates, list) or not templates:
        raise ApiFailure(84019)
    if any(t != emu.settings.template_id for t in templates):
        raise ApiFailure(84020)
    state = text_param(params, "state")
    if len(state) > 32 or not STATE_RE.fullmatch(state):
        raise ApiFailure(84025)
    link = emu.book.issue(
        "customized_link", emu.settings.template_id, LIFETIMES["customized_link"], length=32, data={"state": state}
    )
    url = (
        f"{emu.settings.install_base_url}/3rdapp/install?suite_id={emu.settings.template_id}"
        f"&customized_link={link.value}&state={state}"
    )
    return {"errcode": 0, "errmsg": "ok", "qrcode_url": url, "expires_in": int(LIFETIMES["customized_link"])}
