"""Token endpoints (docs/protocol.md §3.2): provider, suite and company tokens, and the 代开发 ``gettoken``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..rules.lifetimes import LIFETIMES
from .answer import Answer
from .api_failure import ApiFailure
from .request_params import same_secret, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = ["get_corp_token", "get_provider_token", "get_suite_token", "gettoken"]


def get_provider_token(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    if text_param(params, "corpid") != emu.settings.provider_corp_id:
        raise ApiFailure(40013)
    if not same_secret(text_param(params, "provider_secret"), emu.settings.provider_secret):
        raise ApiFailure(40001, "provider_secret")
    token = emu.book.issue("provider_token", emu.settings.provider_corp_id, LIFETIMES["provider_token"], reuse=True)
    return {
        "errcode": 0,
        "errmsg": "ok",
        "provider_access_token": token.value,
        "expires_in": token.remaining(emu.now()),
    }


def get_suite_token(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    if text_param(params, "suite_id") != emu.settings.suite_id:
        raise ApiFailure(40083)
    if not same_secret(text_param(params, "suite_secret"), emu.settings.suite_secret):
        raise ApiFailure(40080)
    if not emu.ticket_valid(text_param(params, "suite_ticket")):
        raise ApiFailure(40085)
    token = emu.book.issue("suite_token", emu.settings.suite_id, LIFETIMES["suite_token"], reuse=True)
    return {
        "errcode": 0,
        "errmsg": "ok",
        "suite_access_token": token.value,
        "expires_in": token.remaining(emu.now()),
    }


def get_corp_token(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """A third-party suite's company token. A 代开发 company's permanent code is its app secret, good
    only for ``gettoken``: WeCom answers 40084 here (as providers report, e.g.
    https://github.com/w7corp/easywechat/issues/2569), so a client on the wrong path fails loudly."""
    emu.check_suite_token(params)
    company = emu.company_by_permanent_code(params)
    if company.authorization is not None and company.authorization.customized:
        raise ApiFailure(40084, "a 代开发 app's permanent code is its secret: use gettoken")
    return emu.corp_token_answer(company)


def gettoken(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """代开发: ``gettoken?corpid=AUTH_CORPID&corpsecret=PERMANENT_CODE``."""
    corp_id, secret = text_param(params, "corpid"), text_param(params, "corpsecret")
    if not corp_id:
        raise ApiFailure(41002)
    if not secret:
        raise ApiFailure(41004)
    company = emu.companies.get(corp_id)
    if company is None:
        raise ApiFailure(40013)
    auth = company.authorization
    if auth is None or auth.cancelled or not auth.customized or not same_secret(auth.permanent_code, secret):
        raise ApiFailure(40001, "corpsecret")
    return emu.corp_token_answer(company)
