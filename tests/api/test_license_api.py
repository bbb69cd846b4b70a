"""All 16 interface-license APIs (接口许可) through ``license_api``, sync and async (the ``api`` fixture),
over loopback against the sandbox: one purchase carried through activation, queries, transfer and renewal,
plus the client's rules as they apply to them (provider token refresh, no blind resend of writes)."""

from __future__ import annotations

from typing import Any

import pytest

from wecom_suite.api.endpoints import LICENSE_APIS
from wecom_suite.errors import RequestMayHaveReachedWeCom, WeComError
from wecom_suite.sandbox import Sandbox

DAY = 86400


async def extra(api: Any, name: str, **body: Any) -> dict[str, Any]:
    """The answer's fields beyond errcode/errmsg (license answers are ``ApiResult`` with ``model_extra``)."""
    result = await api.license_api(name, body)
    assert result.errcode == 0
    fields: dict[str, Any] = dict(result.model_extra)
    return fields


async def test_every_license_api_over_loopback(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id  # installed by the ``store`` fixture
    called: set[str] = set()

    async def call(name: str, **body: Any) -> dict[str, Any]:
        called.add(name)
        return await extra(api, name, **body)

    order_id = (await call("create_new_order", corpid=corp_id, buyer_userid="boss",
                           account_count={"base_count": 2, "external_contact_count": 1},
                           account_duration={"months": 1}))["order_id"]
    assert (await call("get_order", order_id=order_id))["order"]["order_status"] == 0
    sandbox.emulator.pay_license_order(order_id)
    assert [o["order_id"] for o in (await call("list_order", corpid=corp_id))["order_list"]] == [order_id]
    accounts = (await call("list_order_account", order_id=order_id))["account_list"]
    base1, base2 = (a["active_code"] for a in accounts if a["type"] == 1)
    (external,) = (a["active_code"] for a in accounts if a["type"] == 2)

    await call("active_account", corpid=corp_id, active_code=base1, userid="zhangsan")
    batch = await call("batch_active_account", corpid=corp_id, active_list=[
        {"active_code": base2, "userid": "lisi"}, {"active_code": external, "userid": "zhangsan"}])
    assert [r["errcode"] for r in batch["active_result"]] == [0, 0]
    info = (await call("get_active_info_by_code", corpid=corp_id, active_code=base1))["active_info"]
    assert (info["status"], info["userid"]) == (2, "zhangsan")
    many = await call("batch_get_active_info_by_code", corpid=corp_id, active_code_list=[base1, base2, "nope"])
    assert (len(many["active_info_list"]), many["invalid_active_code_list"]) == (2, ["nope"])
    listed = (await call("list_actived_account", corpid=corp_id))["account_list"]
    assert sorted((a["userid"], a["type"]) for a in listed) == [("lisi", 1), ("zhangsan", 1), ("zhangsan", 2)]
    assert (await call("get_active_info_by_user", corpid=corp_id, userid="zhangsan"))["active_status"] == 1

    moved = await call("batch_transfer_license", corpid=corp_id,
                       transfer_list=[{"handover_userid": "zhangsan", "takeover_userid": "wangwu"}])
    assert moved["transfer_result"][0]["errcode"] == 0
    wangwu = await call("get_active_info_by_user", corpid=corp_id, userid="wangwu")
    assert sorted(i["active_code"] for i in wangwu["active_info_list"]) == sorted([base1, external])

    job = await call("create_renew_order_job", corpid=corp_id, account_list=[{"userid": "wangwu", "type": 1}])
    assert job["invalid_account_list"] == []
    renewal = (await call("submit_order_job", jobid=job["jobid"], buyer_userid="boss",
                          account_duration={"months": 2}))["order_id"]
    sandbox.emulator.pay_license_order(renewal)
    renewed = (await call("get_active_info_by_code", corpid=corp_id, active_code=base1))["active_info"]
    assert renewed["expire_time"] == info["expire_time"] + 62 * DAY

    license_info = await call("get_app_license_info", corpid=corp_id, suite_id=sandbox.settings.suite_id, appid=1)
    assert license_info["license_status"] == 1
    await call("set_auto_active_status", corpid=corp_id, auto_active_status=1)
    assert (await call("get_auto_active_status", corpid=corp_id))["auto_active_status"] == 1

    assert called == set(LICENSE_APIS)
    for name in LICENSE_APIS:
        assert sandbox.counters[f"license/{name}"] >= 1
    assert sandbox.counters["service/get_provider_token"] == 1  # one provider token served every call


async def test_license_refusals_raise_with_the_errcode(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    with pytest.raises(WeComError) as caught:
        await api.license_api("active_account", {"corpid": corp_id, "active_code": "LANOSUCH", "userid": "lisi"})
    assert caught.value.errcode == 701002
    assert "e=701002" in caught.value.hint
    stranger = list(sandbox.companies)[2]
    with pytest.raises(WeComError) as ordering:
        await api.license_api("create_new_order", {"corpid": stranger, "buyer_userid": "boss",
                                                   "account_count": {"base_count": 1},
                                                   "account_duration": {"months": 1}})
    assert ordering.value.errcode == 701015


async def test_expired_provider_token_is_refreshed_once(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    assert (await extra(api, "get_auto_active_status", corpid=corp_id))["auto_active_status"] == 0
    sandbox.expire_token("provider_token")  # WeCom says 42009 next time
    await api.license_api("set_auto_active_status", {"corpid": corp_id, "auto_active_status": 1})
    assert sandbox.counters["service/get_provider_token"] == 2
    assert sandbox.counters["license/set_auto_active_status"] == 2  # the 42009 answer, then the retry
    assert (await extra(api, "get_auto_active_status", corpid=corp_id))["auto_active_status"] == 1


async def test_license_writes_are_never_resent_blindly_but_reads_are(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    sandbox.faults.errcode("license/create_new_order", -1)
    with pytest.raises(RequestMayHaveReachedWeCom):
        await api.license_api("create_new_order", {"corpid": corp_id, "buyer_userid": "boss",
                                                   "account_count": {"base_count": 1},
                                                   "account_duration": {"months": 1}})
    assert sandbox.counters["license/create_new_order"] == 1
    sandbox.faults.errcode("license/list_order", -1)
    assert (await extra(api, "list_order"))["order_list"] == []  # nothing was ordered by the busy call
    assert sandbox.counters["license/list_order"] == 2
