"""Every wrapped endpoint, sync and async (the ``api`` fixture), over loopback against the sandbox."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from wecom_suite.api import AsyncSuiteClient, SuiteClient
from wecom_suite.api.models import (
    AdminList,
    AgentInfo,
    AppLicenseInfo,
    AppQrcode,
    AuthInfoEx,
    AutoActiveStatus,
    CorpAccessTokenInfo,
    JsapiTicket,
    LoginInfo,
    OpenUserIdList,
    PermanentCodeInfo,
    PermanentCodeInfoV2,
    ProviderAccessToken,
    SetAgentParameters,
    SuiteAccessToken,
)
from wecom_suite.errors import CompanyNotFound, InvalidParameter, OneTimeCodeInvalid, TicketNotFound
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import CompanyRecord, CompanyState, MemoryStore
from wecom_suite.tokens import jsapi_ticket_key


def companies(sandbox: Sandbox) -> list[Any]:
    return list(sandbox.companies.values())


def record_of(suite_id: str, info: PermanentCodeInfo) -> CompanyRecord:
    """What the app layer stores after get_permanent_code: the code plus everything else WeCom sent."""
    kept = info.model_dump(by_alias=True, exclude={"permanent_code", "access_token", "expires_in"})
    return CompanyRecord(suite_id, info.corp_id, info.permanent_code, corp_name=info.auth_corp_info.corp_name,
                         auth_info=kept)


# -- tokens ----------------------------------------------------------------------------------------
async def test_token_endpoints(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    ticket = store.tickets.get_ticket(sandbox.settings.suite_id).ticket
    suite = await api.get_suite_token(ticket)
    assert isinstance(suite, SuiteAccessToken)
    assert suite.expires_in == 7200
    provider = await api.get_provider_token()
    assert isinstance(provider, ProviderAccessToken)
    assert provider.provider_access_token
    company = sandbox.company()
    permanent_code = store.companies.get_company(sandbox.settings.suite_id, company.corp_id).permanent_code  # type: ignore[union-attr]
    corp = await api.get_corp_token(company.corp_id, permanent_code)
    assert isinstance(corp, CorpAccessTokenInfo)
    assert corp.access_token


async def test_token_managers_cache_and_share_one_fetch(api: Any, sandbox: Sandbox) -> None:
    manager = api.manager("suite_token")
    first = await manager.token()
    for _ in range(3):
        await api.get_pre_auth_code()
    assert await manager.token() == first
    assert sandbox.counters["service/get_suite_token"] == 1
    assert sandbox.counters["service/get_pre_auth_code"] == 3


async def test_stale_ticket_says_what_to_do(api: Any, sandbox: Sandbox, clock: Any) -> None:
    clock.advance(1801)  # no push for over 30 minutes: the stored suite_ticket is too old to use
    with pytest.raises(TicketNotFound) as caught:
        await api.get_pre_auth_code()
    assert "refresh ticket" in caught.value.hint
    assert sandbox.counters["service/get_pre_auth_code"] == 0


# -- install / authorisation -----------------------------------------------------------------------
async def test_install_flow_pre_auth_code_session_and_permanent_code(api: Any, sandbox: Sandbox) -> None:
    pre = await api.get_pre_auth_code()
    assert (await api.set_session_info(pre.pre_auth_code, auth_type=1)).errcode == 0
    corp = companies(sandbox)[1]
    auth_code = sandbox.install(corp.corp_id, state="st1", push=False)
    info = await api.get_permanent_code(auth_code)
    assert isinstance(info, PermanentCodeInfo)
    assert info.corp_id == corp.corp_id
    assert info.state == "st1"
    assert info.access_token
    assert info.auth_info.agents[0].agent_id == corp.agent_id
    assert info.auth_user_info.user_id
    with pytest.raises(OneTimeCodeInvalid) as caught:  # single use: WeCom answers 40078
        await api.get_permanent_code(auth_code)
    assert caught.value.errcode == 40078

    auth = await api.get_auth_info(corp.corp_id, info.permanent_code)
    assert isinstance(auth, AuthInfoEx)
    assert auth.auth_corp_info.corp_id == corp.corp_id
    assert auth.edition_info is not None
    assert auth.edition_info.agents[0].agent_id == corp.agent_id


async def test_permanent_code_v2(api: Any, sandbox: Sandbox) -> None:
    corp = companies(sandbox)[2]
    info = await api.get_permanent_code_v2(sandbox.install(corp.corp_id, push=False))
    assert isinstance(info, PermanentCodeInfoV2)
    assert info.corp_id == corp.corp_id
    assert info.permanent_code


async def test_admin_list_and_qrcode(api: Any, sandbox: Sandbox) -> None:
    corp = sandbox.company()
    admins = await api.get_admin_list(corp.corp_id, corp.agent_id)
    assert isinstance(admins, AdminList)
    assert admins.admins[0].user_id == corp.admins[0].userid
    url = await api.get_app_qrcode(state="s1")
    assert isinstance(url, AppQrcode)
    assert url.qrcode.startswith("http")
    image = await api.get_app_qrcode(result_type=1)
    assert image.image is not None
    assert image.image.startswith(b"\x89PNG")


# -- login / identity ------------------------------------------------------------------------------
async def test_login_info_with_the_provider_token(api: Any, sandbox: Sandbox) -> None:
    corp = sandbox.company()
    user = corp.admins[0].userid
    info = await api.get_login_info(sandbox.issue_login_code(corp.corp_id, user, usertype=2))
    assert isinstance(info, LoginInfo)
    assert (info.user_type, info.user_info.user_id, info.corp_info.corp_id) == (2, user, corp.corp_id)
    assert sandbox.counters["service/get_provider_token"] == 1
    assert sandbox.counters["service/get_suite_token"] == 0


async def test_oauth_user_info_and_detail(api: Any, sandbox: Sandbox) -> None:
    corp = sandbox.company()
    user = corp.admins[0].userid
    code = sandbox.issue_oauth_code(corp.corp_id, user, scope="snsapi_privateinfo")
    info = await api.get_user_info_3rd(code)
    assert (info.corp_id, info.user_id, info.is_member) == (corp.corp_id, user, True)
    assert info.user_ticket
    detail = await api.get_user_detail_3rd(info.user_ticket)
    assert detail.user_id == user
    outsider = await api.get_user_info_3rd(sandbox.issue_oauth_code(None))
    assert outsider.openid
    assert not outsider.is_member
    with pytest.raises(OneTimeCodeInvalid):
        await api.get_user_info_3rd(code)  # used


async def test_mini_program_login(api: Any, sandbox: Sandbox) -> None:
    corp = sandbox.company()
    user = corp.admins[0].userid
    session = await api.jscode2session(sandbox.issue_oauth_code(corp.corp_id, user))
    assert (session.corp_id, session.user_id) == (corp.corp_id, user)
    assert session.session_key
    assert session.session_key not in repr(session)


# -- ids, 代开发 link, 推广注册 ----------------------------------------------------------------------
async def test_provider_endpoints(api: Any, sandbox: Sandbox) -> None:
    corp = sandbox.company()
    open_id = await api.corpid_to_opencorpid(corp.corp_id)
    assert open_id.open_corp_id == sandbox.emulator.open_corpid(corp.corp_id)
    link = await api.get_customized_auth_url("abc", [sandbox.settings.template_id])
    assert link.qrcode_url.startswith("http")
    assert link.expires_in == 864000
    code = await api.get_register_code(sandbox.settings.template_id, corp_name="新公司", state="r1")
    with pytest.raises(InvalidParameter) as caught:
        await api.get_register_info(code.register_code)
    assert caught.value.errcode == 84024
    assert caught.value.hint
    sandbox.emulator.complete_registration(code.register_code)
    info = await api.get_register_info(code.register_code)
    assert info.corp_id
    assert info.state == "r1"


# -- orders and licenses ---------------------------------------------------------------------------
async def test_orders_and_licenses(api: Any, sandbox: Sandbox) -> None:
    clock = sandbox.clock
    corp = sandbox.company()
    order = sandbox.emulator.create_order(corp.corp_id)
    detail = await api.get_order(order.orderid)
    assert (detail.order_id, detail.paid_corp_id, detail.price) == (order.orderid, corp.corp_id, order.price)
    listed = await api.get_order_list(int(clock.now()) - 10, int(clock.now()) + 10)
    assert [o.order_id for o in listed.order_list] == [order.orderid]
    prolonged = await api.prolong_try(corp.corp_id, 7)
    assert prolonged.model_extra["try_end_time"] == int(clock.now()) + 7 * 86400
    body = {"corpid": corp.corp_id, "suite_id": sandbox.settings.suite_id}
    info = await api.license_get_app_license_info(body["corpid"], body["suite_id"])
    assert isinstance(info, AppLicenseInfo)
    assert info.license_status == 1
    assert info.trial_info.end_time > info.trial_info.start_time
    assert (await api.license_api("list_order", {"corpid": corp.corp_id})).model_extra["order_list"] == []
    await api.license_set_auto_active_status(corp.corp_id, 1)
    status = await api.license_get_auto_active_status(corp.corp_id)
    assert isinstance(status, AutoActiveStatus)
    assert status.auto_active_status == 1


# -- legacy 企业号 ----------------------------------------------------------------------------------
async def test_legacy_get_and_set_agent(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    corp = sandbox.company()
    permanent_code = store.companies.get_company(sandbox.settings.suite_id, corp.corp_id).permanent_code  # type: ignore[union-attr]
    agent = await api.get_agent(corp.corp_id, permanent_code, corp.agent_id)
    assert isinstance(agent, AgentInfo)
    assert agent.agent_id == corp.agent_id
    result = await api.set_agent(corp.corp_id, permanent_code, SetAgentParameters(agent_id=corp.agent_id, name="x"))
    assert result.errcode == 0


# -- not wrapped yet -------------------------------------------------------------------------------
async def test_get_json_and_post_json(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    pre = await api.get_json("service/get_pre_auth_code")
    assert pre["pre_auth_code"]
    corp = sandbox.company()
    permanent_code = store.companies.get_company(sandbox.settings.suite_id, corp.corp_id).permanent_code  # type: ignore[union-attr]
    body = {"auth_corpid": corp.corp_id, "permanent_code": permanent_code}
    auth = await api.post_json("service/get_auth_info", body, idempotent=True)
    assert auth["auth_corp_info"]["corpid"] == corp.corp_id
    opened = await api.post_json("/cgi-bin/service/corpid_to_opencorpid", {"corpid": corp.corp_id}, token="provider")
    assert opened["open_corpid"]


# -- a company's own APIs --------------------------------------------------------------------------
async def test_corp_client(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    jsapi = await corp.get_jsapi_ticket()
    assert isinstance(jsapi, JsapiTicket)
    assert jsapi.ticket
    agent_ticket = await corp.get_agent_config_ticket()
    assert agent_ticket.ticket
    assert agent_ticket.ticket != jsapi.ticket
    users = list(company.users)
    ids = await corp.userid_to_openuserid([users[0], "nobody"])
    assert isinstance(ids, OpenUserIdList)
    assert ids.open_userid_list[0].user_id == users[0]
    assert ids.invalid_userid_list == ["nobody"]
    user = await corp.get_json("user/get", {"userid": users[0]})
    assert user["userid"] == users[0]
    agent = await corp.get_json("agent/get", {"agentid": str(company.agent_id)})
    assert agent["agentid"] == company.agent_id
    permissions = await corp.get_app_permissions()
    assert permissions.app_permissions
    assert await corp.access_token()
    assert sandbox.counters["service/get_corp_token"] == 1  # one company token, cached


async def test_corp_client_for_a_customized_app_uses_gettoken(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = companies(sandbox)[1]
    info = await api.get_permanent_code(sandbox.install_customized(company.corp_id, push=False))
    assert info.is_customized_app
    assert not info.access_token  # 代开发: no token in the answer; the permanent code is the app secret
    direct = await api.get_customized_corp_token(company.corp_id, info.permanent_code)
    assert direct.access_token
    sandbox.counters.reset()
    store.companies.save_company(record_of(sandbox.settings.suite_id, info))
    ticket = await api.corp(company.corp_id).get_jsapi_ticket()
    assert ticket.ticket
    assert sandbox.counters["gettoken"] == 1
    assert sandbox.counters["service/get_corp_token"] == 0


async def test_corp_client_needs_an_installed_company(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    with pytest.raises(CompanyNotFound) as missing:
        await api.corp("wwnotinstalled").get_jsapi_ticket()
    assert "install" in missing.value.hint
    company = sandbox.company()
    record = store.companies.get_company(sandbox.settings.suite_id, company.corp_id)
    assert record is not None
    store.companies.save_company(CompanyRecord(record.suite_id, record.corp_id, record.permanent_code,
                                     state=CompanyState.REVOKED))
    with pytest.raises(CompanyNotFound) as revoked:
        await api.corp(company.corp_id).get_jsapi_ticket()
    assert revoked.value.revoked


async def test_js_sdk_tickets_are_cached(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    first = await corp.jsapi_ticket()
    assert await corp.jsapi_ticket() == first
    agent = await corp.agent_config_ticket(company.agent_id)
    assert await corp.agent_config_ticket(company.agent_id) == agent
    assert agent != first
    assert sandbox.counters["get_jsapi_ticket"] == 1
    assert sandbox.counters["ticket/get"] == 1
    assert store.tokens.get_token(jsapi_ticket_key(sandbox.settings.suite_id, company.corp_id)) is not None


async def test_concurrent_callers_share_one_token_fetch(api: Any, sandbox: Sandbox) -> None:
    if api.flavour == "async":
        codes = await asyncio.gather(*(api.raw.get_pre_auth_code() for _ in range(8)))
    else:
        codes = []
        threads = [threading.Thread(target=lambda: codes.append(api.raw.get_pre_auth_code())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len({c.pre_auth_code for c in codes}) == 8
    assert sandbox.counters["service/get_suite_token"] == 1


async def test_sync_and_async_clients_on_one_store_share_tokens(
    sandbox: Sandbox, store: MemoryStore, clock: Any
) -> None:
    settings = sandbox.settings
    common = {"store": store, "base_url": settings.api_base_url, "clock": clock}
    with SuiteClient(settings.suite_id, settings.suite_secret, **common) as sync_client:
        sync_client.corp(sandbox.company().corp_id).get_jsapi_ticket()
        async with AsyncSuiteClient(settings.suite_id, settings.suite_secret, **common) as async_client:
            await async_client.corp(sandbox.company().corp_id).get_jsapi_ticket()
            await async_client.get_pre_auth_code()
    assert sandbox.counters["service/get_suite_token"] == 1
    assert sandbox.counters["service/get_corp_token"] == 1
