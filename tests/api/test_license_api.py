"""Every interface-license API (接口许可) through its typed ``license_*`` method, sync and async (the ``api``
fixture), over loopback against the sandbox: a single-company purchase carried through activation, queries,
transfer and renewal; a multi-company purchase paid from the prepaid balance and shared downstream;
cancelling; documented errcodes; and the client's rules (provider token refresh, no blind resend of writes)."""

from __future__ import annotations

from typing import Any

import pytest

from wecom_suite.api.endpoints import LICENSE_APIS
from wecom_suite.api.models import (
    AccountBalance,
    ActivedAccountList,
    ActiveInfoByCode,
    ActiveInfoByUser,
    ActiveInfoList,
    ApiResult,
    AppLicenseInfo,
    AutoActiveStatus,
    BatchActiveResult,
    LicenseJob,
    LicenseOrderAccounts,
    LicenseOrderCreated,
    LicenseOrderInfo,
    LicenseOrderList,
    NewOrderJob,
    NewOrderJobResult,
    PayJobResult,
    RenewOrderJob,
    ShareActiveCodeResult,
    TransferResults,
    UnionOrder,
)
from wecom_suite.errors import RequestMayHaveReachedWeCom, WeComError
from wecom_suite.sandbox import Sandbox

DAY = 86400


def buy(corp_id: str, base: int = 1, external: int = 0, months: int = 1) -> dict[str, Any]:
    return {"corpid": corp_id, "account_count": {"base_count": base, "external_contact_count": external},
            "account_duration": {"months": months}}


async def test_single_company_purchase_activation_queries_transfer_and_renewal(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id  # installed by the ``store`` fixture
    created = await api.license_create_new_order(corp_id, "boss", base_count=2, external_contact_count=1, months=1)
    assert isinstance(created, LicenseOrderCreated)
    order = await api.license_get_order(created.order_id)
    assert isinstance(order, LicenseOrderInfo)
    assert (order.order.order_status, order.order.corp_id, order.order.account_count.base_count) == (0, corp_id, 2)
    assert order.order.account_duration.months == 1
    sandbox.emulator.pay_license_order(created.order_id)
    listed = await api.license_list_order(corp_id=corp_id)
    assert isinstance(listed, LicenseOrderList)
    assert [(o.order_id, o.order_type) for o in listed.order_list] == [(created.order_id, 1)]
    accounts = await api.license_list_order_account(created.order_id, limit=2)
    assert isinstance(accounts, LicenseOrderAccounts)
    assert (len(accounts.account_list), accounts.has_more) == (2, 1)
    rest = await api.license_list_order_account(created.order_id, cursor=accounts.next_cursor)
    every = accounts.account_list + rest.account_list
    base1, base2 = (a.active_code for a in every if a.type == 1)
    (external,) = (a.active_code for a in every if a.type == 2)

    activated = await api.license_active_account(corp_id, base1, "zhangsan")
    assert isinstance(activated, ApiResult)
    assert activated.errcode == 0
    batch = await api.license_batch_active_account(corp_id, [(base2, "lisi"), (external, "zhangsan")])
    assert isinstance(batch, BatchActiveResult)
    assert [(r.active_code, r.errcode) for r in batch.active_result] == [(base2, 0), (external, 0)]
    info = await api.license_get_active_info_by_code(corp_id, base1)
    assert isinstance(info, ActiveInfoByCode)
    assert (info.active_info.status, info.active_info.user_id) == (2, "zhangsan")
    assert info.active_info.expire_time == info.active_info.active_time + 31 * DAY
    many = await api.license_batch_get_active_info_by_code(corp_id, [base1, base2, "nope"])
    assert isinstance(many, ActiveInfoList)
    assert (len(many.active_info_list), many.invalid_active_code_list) == (2, ["nope"])
    active = await api.license_list_actived_account(corp_id)
    assert isinstance(active, ActivedAccountList)
    assert sorted((a.user_id, a.type) for a in active.account_list) == [("lisi", 1), ("zhangsan", 1),
                                                                         ("zhangsan", 2)]
    by_user = await api.license_get_active_info_by_user(corp_id, "zhangsan")
    assert isinstance(by_user, ActiveInfoByUser)
    assert (by_user.active_status, len(by_user.active_info_list)) == (1, 2)

    moved = await api.license_batch_transfer_license(corp_id, [("zhangsan", "wangwu"), ("nobody", "lisi")])
    assert isinstance(moved, TransferResults)
    assert [r.errcode for r in moved.transfer_result] == [0, 701019]  # documented: not a member
    wangwu = await api.license_get_active_info_by_user(corp_id, "wangwu")
    assert sorted(i.active_code for i in wangwu.active_info_list) == sorted([base1, external])

    job = await api.license_create_renew_order_job(corp_id, [("wangwu", 1), ("peter-not-here", 1)])
    assert isinstance(job, RenewOrderJob)
    assert [(a.user_id, a.errcode) for a in job.invalid_account_list] == [("peter-not-here", 701019)]
    renewal = await api.license_submit_order_job(job.jobid, "boss", months=2)
    sandbox.emulator.pay_license_order(renewal.order_id)
    renewed = await api.license_get_active_info_by_code(corp_id, base1)
    assert renewed.active_info.expire_time == info.active_info.expire_time + 62 * DAY

    app = await api.license_get_app_license_info(corp_id, sandbox.settings.suite_id, app_id=1)
    assert isinstance(app, AppLicenseInfo)
    assert app.license_status == 1
    assert app.trial_info.end_time > app.trial_info.start_time
    assert (await api.license_set_auto_active_status(corp_id, 1)).errcode == 0
    status = await api.license_get_auto_active_status(corp_id)
    assert isinstance(status, AutoActiveStatus)
    assert status.auto_active_status == 1
    assert sandbox.counters["service/get_provider_token"] == 1  # one provider token served every call


async def test_multi_company_purchase_paid_from_the_balance_then_shared(api: Any, sandbox: Sandbox) -> None:
    first, second, stranger = list(sandbox.companies)
    sandbox.authorize(second)
    job = await api.license_create_new_order_job([buy(first, base=2), buy(stranger)])
    assert isinstance(job, NewOrderJob)
    assert [(f.corp_id, f.errcode) for f in job.invalid_list] == [(stranger, 701015)]
    more = await api.license_create_new_order_job([buy(second, base=1, external=1, months=2)], jobid=job.jobid)
    assert more.jobid == job.jobid
    submitted = await api.license_submit_new_order_job(job.jobid, "boss")
    assert isinstance(submitted, NewOrderJob)
    result = await api.license_new_order_job_result(job.jobid)
    assert isinstance(result, NewOrderJobResult)
    assert (result.status, result.fail_list) == (1, [])
    page = await api.license_get_union_order(result.order_id, limit=1)
    assert isinstance(page, UnionOrder)
    assert (page.order.order_type, page.order.order_status, page.has_more) == (8, 0, 1)
    tail = await api.license_get_union_order(result.order_id, cursor=page.next_cursor)
    buys = {b.corp_id: b for b in page.buy_list + tail.buy_list}
    assert (buys[first].account_count.base_count, buys[second].account_duration.months) == (2, 2)

    sandbox.emulator.licenses.balance = page.order.price + 700
    before = await api.license_get_account_balance()
    assert isinstance(before, AccountBalance)
    assert before.balance == page.order.price + 700
    paying = await api.license_submit_pay_job(result.order_id, "boss")
    assert isinstance(paying, LicenseJob)
    paid = await api.license_pay_job_result(paying.jobid)
    assert isinstance(paid, PayJobResult)
    assert (paid.paid, paid.pay_job_result) == (True, None)
    assert (await api.license_get_account_balance()).balance == 700  # the price came off the balance
    assert (await api.license_get_union_order(result.order_id)).order.order_status == 1
    codes = (await api.license_list_order_account(buys[first].sub_order_id)).account_list
    assert len(codes) == 2

    shared = await api.license_batch_share_active_code(first, second, [codes[0].active_code, "LANOSUCH"])
    assert isinstance(shared, ShareActiveCodeResult)
    assert [(r.active_code, r.errcode) for r in shared.share_result] == [("LANOSUCH", 701002)]  # failures only
    moved = await api.license_get_active_info_by_code(second, codes[0].active_code)
    assert moved.active_info.status == 1
    linked = await api.license_batch_share_active_code(first, second, [codes[1].active_code], corp_link_type=1)
    assert linked.share_result == []  # 企业互联: every code moved, so nothing is listed
    assert (await api.license_get_active_info_by_code(second, codes[1].active_code)).active_info.status == 1
    with pytest.raises(WeComError) as bad_link:
        await api.license_batch_share_active_code(first, second, ["LA"], corp_link_type=2)
    assert bad_link.value.errcode == 40058
    with pytest.raises(WeComError) as caught:
        await api.license_submit_pay_job(result.order_id, "boss")  # already paid
    assert caught.value.errcode == 701084


async def test_cancel_order_and_a_balance_too_small(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    created = await api.license_create_new_order(corp_id, "boss", base_count=3, months=1)
    cancelled = await api.license_cancel_order(created.order_id, corp_id=corp_id)
    assert cancelled.errcode == 0
    assert (await api.license_get_order(created.order_id)).order.order_status == 2
    with pytest.raises(WeComError) as again:
        await api.license_cancel_order(created.order_id, corp_id=corp_id)
    assert again.value.errcode == 701084  # documented: the order is not waiting for payment

    unpaid = await api.license_create_new_order(corp_id, "boss", base_count=1, months=1)
    sandbox.emulator.licenses.balance = 0
    job = await api.license_submit_pay_job(unpaid.order_id, "boss")
    failed = await api.license_pay_job_result(job.jobid)
    assert failed.status == 3
    assert failed.errcode == 0  # the query succeeded; the payment did not
    assert failed.pay_job_result is not None
    assert failed.pay_job_result.errcode == 90433
    assert (await api.license_get_order(unpaid.order_id)).order.order_status == 0


async def test_every_license_api_has_a_typed_method_and_was_served(api: Any, sandbox: Sandbox) -> None:
    await test_single_company_purchase_activation_queries_transfer_and_renewal(api, sandbox)
    await test_multi_company_purchase_paid_from_the_balance_then_shared(api, sandbox)
    await test_cancel_order_and_a_balance_too_small(api, sandbox)
    for name, endpoint in LICENSE_APIS.items():
        assert callable(getattr(api.raw, f"license_{name}")), name
        assert sandbox.counters[endpoint.name] >= 1, name
    assert len(LICENSE_APIS) == 25  # docs/sandbox.md and docs/api.md say so


async def test_account_balance_is_read_with_a_refreshed_provider_token(api: Any, sandbox: Sandbox) -> None:
    """充值账户余额查询 is a GET under service/; an expired provider token (42009) is renewed once."""
    start = await api.license_get_account_balance()
    assert isinstance(start, AccountBalance)
    assert start.balance == sandbox.emulator.licenses.balance > 0
    sandbox.expire_token("provider_token")
    sandbox.emulator.licenses.balance = 1234
    assert (await api.license_get_account_balance()).balance == 1234
    assert sandbox.counters["service/get_account_balance"] == 3  # ok, the 42009 answer, the retry
    assert sandbox.counters["service/get_provider_token"] == 2
    raw = await api.license_api("get_account_balance")
    assert raw.model_extra == {"balance": 1234}


async def test_license_api_by_name_keeps_the_raw_fields(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    created = await api.license_api("create_new_order", {"corpid": corp_id, "buyer_userid": "boss",
                                                         "account_count": {"base_count": 1},
                                                         "account_duration": {"months": 1}})
    assert created.model_extra["order_id"]  # the escape hatch: WeCom's fields as sent
    typed = await api.license_get_order(created.model_extra["order_id"])
    assert typed.order.account_count.base_count == 1
    with pytest.raises(ValueError, match="unknown license API"):
        await api.license_api("no_such_api", {})


async def test_license_refusals_raise_with_the_errcode(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    with pytest.raises(WeComError) as caught:
        await api.license_active_account(corp_id, "LANOSUCH", "lisi")
    assert caught.value.errcode == 701002
    assert "e=701002" in caught.value.hint
    stranger = list(sandbox.companies)[2]
    with pytest.raises(WeComError) as ordering:
        await api.license_create_new_order(stranger, "boss", base_count=1, months=1)
    assert ordering.value.errcode == 701015


async def test_expired_provider_token_is_refreshed_once(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    assert (await api.license_get_auto_active_status(corp_id)).auto_active_status == 0
    sandbox.expire_token("provider_token")  # WeCom says 42009 next time
    await api.license_set_auto_active_status(corp_id, 1)
    assert sandbox.counters["service/get_provider_token"] == 2
    assert sandbox.counters["license/set_auto_active_status"] == 2  # the 42009 answer, then the retry
    assert (await api.license_get_auto_active_status(corp_id)).auto_active_status == 1


async def test_license_writes_are_never_resent_blindly_but_reads_are(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    sandbox.faults.errcode("license/create_new_order", -1)
    with pytest.raises(RequestMayHaveReachedWeCom):
        await api.license_create_new_order(corp_id, "boss", base_count=1, months=1)
    assert sandbox.counters["license/create_new_order"] == 1
    sandbox.faults.errcode("license/list_order", -1)
    assert (await api.license_list_order()).order_list == []  # nothing was ordered by the busy call
    assert sandbox.counters["license/list_order"] == 2
    sandbox.faults.errcode("license/submit_pay_job", -1)
    with pytest.raises(RequestMayHaveReachedWeCom):
        await api.license_submit_pay_job("OI-ANY", "boss")
    assert sandbox.counters["license/submit_pay_job"] == 1


async def test_each_license_query_and_job_refuses_with_its_documented_errcode(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    unknown_corp = "wwnosuchcorp"
    job = await api.license_create_new_order_job([buy(corp_id)])
    await api.license_submit_new_order_job(job.jobid, "boss")
    single = await api.license_create_new_order(corp_id, "boss", base_count=1, months=1)
    refusals = {
        "submit_new_order_job": (api.license_submit_new_order_job(job.jobid, "boss"), 40058),  # submitted once
        "new_order_job_result": (api.license_new_order_job_result("no-such-job"), 40058),
        "get_union_order": (api.license_get_union_order(single.order_id), 40058),  # not a union order
        "get_order": (api.license_get_order("OI-NOSUCH"), 701005),
        "list_order_account": (api.license_list_order_account("OI-NOSUCH"), 701005),
        "list_order": (api.license_list_order(start_time=10, end_time=5), 40058),
        "submit_order_job": (api.license_submit_order_job("no-such-job", "boss", months=1), 40058),
        "create_renew_order_job": (api.license_create_renew_order_job(corp_id, []), 40058),
        "batch_active_account": (api.license_batch_active_account(unknown_corp, [("LA", "lisi")]), 48004),
        "get_active_info_by_code": (api.license_get_active_info_by_code(unknown_corp, "LA"), 40013),
        "batch_get_active_info_by_code": (api.license_batch_get_active_info_by_code(corp_id, ["LA1"]), 701010),
        "list_actived_account": (api.license_list_actived_account(unknown_corp), 40013),
        "get_active_info_by_user": (api.license_get_active_info_by_user(corp_id, "nobody"), 701019),
        "batch_transfer_license": (api.license_batch_transfer_license(unknown_corp, [("a", "b")]), 48004),
        "batch_share_active_code": (api.license_batch_share_active_code(corp_id, corp_id, ["LA"]), 40058),
        "get_app_license_info": (api.license_get_app_license_info(corp_id, "wwnotthesuite"), 40083),
        "set_auto_active_status": (api.license_set_auto_active_status(corp_id, 2), 40058),
        "get_auto_active_status": (api.license_get_auto_active_status(unknown_corp), 48004),
        "pay_job_result": (api.license_pay_job_result("no-such-job"), 40058),
        "create_new_order_job": (api.license_create_new_order_job([buy(unknown_corp)]), 701015),
    }
    for name, (call, errcode) in refusals.items():
        with pytest.raises(WeComError) as caught:
            await call
        assert caught.value.errcode == errcode, name
