"""Interface licenses (接口许可) over loopback HTTP: order -> pay -> accounts -> activate -> query -> transfer,
renewal, lifetimes on the sandbox's clock, the provider-token rules, and counters/faults on every license path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox

from .conftest import provider_token, suite_token

DAY = 86400
LICENSE_PATHS = [
    "create_new_order", "create_renew_order_job", "submit_order_job", "list_order", "get_order",
    "list_order_account", "active_account", "batch_active_account", "get_active_info_by_code",
    "batch_get_active_info_by_code", "list_actived_account", "get_active_info_by_user", "batch_transfer_license",
    "get_app_license_info", "set_auto_active_status", "get_auto_active_status", "create_new_order_job",
    "submit_new_order_job", "new_order_job_result", "get_union_order", "cancel_order", "submit_pay_job",
    "pay_job_result", "batch_share_active_code",
]


class Licenses:
    """Calls ``/cgi-bin/license/<name>`` with a provider token fetched over HTTP (fresh after clock moves)."""

    def __init__(self, sandbox: Sandbox, http: httpx.Client) -> None:
        self.sandbox, self.http = sandbox, http
        self.corp_id = sandbox.company().corp_id
        sandbox.authorize(self.corp_id)

    def __call__(self, name: str, **body: Any) -> dict[str, Any]:
        token = provider_token(self.sandbox, self.http)
        answer: dict[str, Any] = self.http.post(
            f"/cgi-bin/license/{name}", params={"provider_access_token": token}, json=body
        ).json()
        return answer

    def ok(self, name: str, **body: Any) -> dict[str, Any]:
        answer = self(name, **body)
        assert answer["errcode"] == 0, answer
        return answer

    def bought(self, base: int = 2, external: int = 1, months: int = 1) -> list[dict[str, Any]]:
        """A paid new-purchase order's accounts (active_code + type)."""
        order_id = self.ok("create_new_order", corpid=self.corp_id, buyer_userid="boss",
                           account_count={"base_count": base, "external_contact_count": external},
                           account_duration={"months": months})["order_id"]
        self.sandbox.emulator.pay_license_order(order_id)
        accounts: list[dict[str, Any]] = self.ok("list_order_account", order_id=order_id)["account_list"]
        return accounts


@pytest.fixture
def lic(sandbox: Sandbox, http: httpx.Client) -> Licenses:
    return Licenses(sandbox, http)


def codes_of(accounts: list[dict[str, Any]], kind: int) -> list[str]:
    return [a["active_code"] for a in accounts if a["type"] == kind]


def test_order_then_pay_then_accounts(lic: Licenses, clock: ManualClock) -> None:
    created = lic.ok("create_new_order", corpid=lic.corp_id, buyer_userid="boss",
                     account_count={"base_count": 3, "external_contact_count": 1},
                     account_duration={"months": 2, "days": 3})
    order_id = created["order_id"]
    unpaid = lic.ok("get_order", order_id=order_id)["order"]
    assert (unpaid["order_status"], unpaid["order_type"], unpaid["corpid"]) == (0, 1, lic.corp_id)
    assert unpaid["account_count"] == {"base_count": 3, "external_contact_count": 1}
    assert unpaid["account_duration"] == {"months": 2, "days": 3}
    assert "pay_time" not in unpaid
    assert lic.ok("list_order_account", order_id=order_id)["account_list"] == []  # nothing bought before paying
    clock.advance(60)
    lic.sandbox.emulator.pay_license_order(order_id)
    paid = lic.ok("get_order", order_id=order_id)["order"]
    assert (paid["order_status"], paid["pay_time"]) == (1, int(clock.now()))
    first = lic.ok("list_order_account", order_id=order_id, limit=3)
    assert (len(first["account_list"]), first["has_more"]) == (3, 1)
    rest = lic.ok("list_order_account", order_id=order_id, limit=3, cursor=first["next_cursor"])
    assert (len(rest["account_list"]), rest["has_more"], rest["next_cursor"]) == (1, 0, "")
    accounts = first["account_list"] + rest["account_list"]
    assert sorted(a["type"] for a in accounts) == [1, 1, 1, 2]
    assert len({a["active_code"] for a in accounts}) == 4
    info = lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=accounts[0]["active_code"])
    assert info["active_info"]["status"] == 1  # 未绑定
    assert "userid" not in info["active_info"]
    with pytest.raises(ValueError, match="already paid"):
        lic.sandbox.emulator.pay_license_order(order_id)


def test_list_order_filters_by_company_and_time(lic: Licenses, clock: ManualClock) -> None:
    other = list(lic.sandbox.companies)[1]
    lic.sandbox.authorize(other)
    body = {"buyer_userid": "boss", "account_count": {"base_count": 1}, "account_duration": {"months": 1}}
    mine = lic.ok("create_new_order", corpid=lic.corp_id, **body)["order_id"]
    clock.advance(DAY)
    theirs = lic.ok("create_new_order", corpid=other, **body)["order_id"]
    every = lic.ok("list_order")["order_list"]
    assert [o["order_id"] for o in every] == [mine, theirs]
    assert lic.ok("list_order", corpid=other)["order_list"] == [{"order_id": theirs, "order_type": 1}]
    now = int(clock.now())
    assert [o["order_id"] for o in lic.ok("list_order", start_time=now - 10, end_time=now)["order_list"]] == [theirs]
    page = lic.ok("list_order", limit=1)
    assert (page["has_more"], [o["order_id"] for o in page["order_list"]]) == (1, [mine])
    assert lic("list_order", start_time=now)["errcode"] == 40058  # both bounds or neither
    assert lic("list_order", start_time=now, end_time=now - 1)["errcode"] == 40058
    assert lic("list_order", limit=1001)["errcode"] == 40058
    assert lic("list_order", cursor="not-a-cursor")["errcode"] == 40058


def test_activate_query_and_transfer(lic: Licenses, clock: ManualClock) -> None:
    accounts = lic.bought(base=2, external=1, months=1)
    base1, base2 = codes_of(accounts, 1)
    (external,) = codes_of(accounts, 2)
    clock.advance(100)
    lic.ok("active_account", corpid=lic.corp_id, active_code=base1, userid="zhangsan")
    info = lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=base1)["active_info"]
    now = int(clock.now())
    assert (info["status"], info["userid"], info["active_time"], info["expire_time"]) == (2, "zhangsan", now,
                                                                                          now + 31 * DAY)
    assert lic("active_account", corpid=lic.corp_id, active_code=base1, userid="lisi")["errcode"] == 701003
    assert lic("active_account", corpid=lic.corp_id, active_code=base2, userid="zhangsan")["errcode"] == 701011
    assert lic("active_account", corpid=lic.corp_id, active_code=base2, userid="ghost")["errcode"] == 701019
    batch = lic.ok("batch_active_account", corpid=lic.corp_id, active_list=[
        {"active_code": base2, "userid": "lisi"},
        {"active_code": external, "userid": "zhangsan"},
        {"active_code": "LANOSUCHCODE", "userid": "wangwu"},
    ])["active_result"]
    assert [r["errcode"] for r in batch] == [0, 0, 701002]
    many = lic.ok("batch_get_active_info_by_code", corpid=lic.corp_id, active_code_list=[base1, external, "nope"])
    assert [i["userid"] for i in many["active_info_list"]] == ["zhangsan", "zhangsan"]
    assert many["invalid_active_code_list"] == ["nope"]
    listed = lic.ok("list_actived_account", corpid=lic.corp_id)["account_list"]
    assert sorted((a["userid"], a["type"]) for a in listed) == [("lisi", 1), ("zhangsan", 1), ("zhangsan", 2)]
    by_user = lic.ok("get_active_info_by_user", corpid=lic.corp_id, userid="zhangsan")
    assert by_user["active_status"] == 1
    assert sorted(i["active_code"] for i in by_user["active_info_list"]) == sorted([base1, external])
    assert lic.ok("get_active_info_by_user", corpid=lic.corp_id, userid="wangwu")["active_status"] == 0

    moved = lic.ok("batch_transfer_license", corpid=lic.corp_id, transfer_list=[
        {"handover_userid": "zhangsan", "takeover_userid": "wangwu"},  # moves both of zhangsan's accounts
        {"handover_userid": "lisi", "takeover_userid": "wangwu"},  # wangwu now has a base account
        {"handover_userid": "zhangsan", "takeover_userid": "lisi"},  # zhangsan has nothing left
        {"handover_userid": "ghost", "takeover_userid": "lisi"},
    ])["transfer_result"]
    assert [r["errcode"] for r in moved] == [0, 701018, 701016, 701019]
    assert lic.ok("get_active_info_by_user", corpid=lic.corp_id, userid="zhangsan")["active_status"] == 0
    wangwu = lic.ok("get_active_info_by_user", corpid=lic.corp_id, userid="wangwu")["active_info_list"]
    assert sorted(i["active_code"] for i in wangwu) == sorted([base1, external])
    back = [{"handover_userid": "wangwu", "takeover_userid": "zhangsan"}]
    again = lic.ok("batch_transfer_license", corpid=lic.corp_id, transfer_list=back)
    assert again["transfer_result"][0]["errcode"] == 701017  # moved within 30 days
    clock.advance(30 * DAY)
    assert lic.ok("batch_transfer_license", corpid=lic.corp_id, transfer_list=back)["transfer_result"][0][
        "errcode"] == 0


def test_accounts_expire_and_renewal_extends_them(lic: Licenses, clock: ManualClock) -> None:
    (code,) = codes_of(lic.bought(base=1, external=0, months=1), 1)
    lic.ok("active_account", corpid=lic.corp_id, active_code=code, userid="zhangsan")
    first_expiry = int(clock.now()) + 31 * DAY
    job = lic.ok("create_renew_order_job", corpid=lic.corp_id, account_list=[
        {"userid": "zhangsan", "type": 1},
        {"userid": "lisi", "type": 1},  # no account to renew
        {"userid": "ghost", "type": 1},
        {"userid": "zhangsan", "type": 3},
    ])
    assert [(i["userid"], i["errcode"]) for i in job["invalid_account_list"]] == [
        ("ghost", 701019), ("lisi", 701016), ("zhangsan", 701007)]
    assert lic("submit_order_job", jobid=job["jobid"], account_duration={"months": 2})["errcode"] == 40058  # buyer
    order_id = lic.ok("submit_order_job", jobid=job["jobid"], buyer_userid="boss",
                      account_duration={"months": 2})["order_id"]
    assert lic("submit_order_job", jobid=job["jobid"], buyer_userid="boss",
               account_duration={"months": 2})["errcode"] == 40058  # a job is submitted once
    order = lic.ok("get_order", order_id=order_id)["order"]
    assert (order["order_type"], order["order_status"], order["account_count"]["base_count"]) == (2, 0, 1)
    lic.sandbox.emulator.pay_license_order(order_id)
    assert lic.ok("list_order_account", order_id=order_id)["account_list"] == [
        {"active_code": code, "type": 1, "userid": "zhangsan"}]
    renewed = lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=code)["active_info"]
    assert renewed["expire_time"] == first_expiry + 62 * DAY
    clock.advance(31 * DAY + 1)
    assert lic.ok("get_active_info_by_user", corpid=lic.corp_id, userid="zhangsan")["active_status"] == 1
    clock.advance(62 * DAY)
    assert lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=code)["active_info"]["status"] == 3
    assert lic.ok("list_actived_account", corpid=lic.corp_id)["account_list"] == []
    expired = lic.ok("create_renew_order_job", corpid=lic.corp_id, account_list=[{"userid": "zhangsan", "type": 1}])
    assert expired["invalid_account_list"][0]["errcode"] == 701016
    assert lic("submit_order_job", jobid=expired["jobid"], buyer_userid="boss",
               account_duration={"months": 1})["errcode"] == 701010


def test_unbound_codes_expire_after_a_year(lic: Licenses, clock: ManualClock) -> None:
    (code,) = codes_of(lic.bought(base=1, external=0), 1)
    clock.advance(365 * DAY)
    assert lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=code)["active_info"]["status"] == 3
    assert lic("active_account", corpid=lic.corp_id, active_code=code, userid="lisi")["errcode"] == 701012


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"account_count": {"base_count": 0}, "account_duration": {"months": 1}}, 40058),
        ({"account_count": {"base_count": -1, "external_contact_count": 2}, "account_duration": {"months": 1}},
         40058),
        ({"account_count": {"base_count": 1}, "account_duration": {"months": 61}}, 40058),
        ({"account_count": {"base_count": 1}, "account_duration": {}}, 40058),
        ({"account_count": {"base_count": 1}, "account_duration": {"months": "x"}}, 40058),
        ({"account_count": [1], "account_duration": {"months": 1}}, 40058),
        ({"account_count": {"base_count": 10_001}, "account_duration": {"months": 1}}, 40058),
        ({"account_count": {"base_count": 1}, "account_duration": {"months": 1}, "buyer_userid": ""}, 40058),
    ],
)
def test_create_new_order_rejects_bad_bodies(lic: Licenses, body: dict[str, Any], errcode: int) -> None:
    assert lic("create_new_order", **{"corpid": lic.corp_id, "buyer_userid": "boss", **body})["errcode"] == errcode


def test_errors_for_companies_codes_and_lists(lic: Licenses) -> None:
    sandbox = lic.sandbox
    stranger = list(sandbox.companies)[2]  # never installed the suite
    order = {"buyer_userid": "boss", "account_count": {"base_count": 1}, "account_duration": {"months": 1}}
    assert lic("create_new_order", corpid=stranger, **order)["errcode"] == 701015
    assert lic("create_renew_order_job", corpid=stranger, account_list=[{"userid": "peter", "type": 1}])[
        "errcode"] == 701015
    assert lic("get_order", order_id="OINOSUCHORDER")["errcode"] == 701005
    assert lic("list_order_account", order_id="")["errcode"] == 701005
    (code,) = codes_of(lic.bought(base=1, external=0), 1)
    sandbox.authorize(stranger)
    assert lic("active_account", corpid=stranger, active_code=code, userid="peter")["errcode"] == 701002
    assert lic("get_active_info_by_code", corpid=stranger, active_code=code)["errcode"] == 701002
    assert lic("get_active_info_by_code", corpid="wwnosuchcorp", active_code=code)["errcode"] == 40013
    assert lic("batch_get_active_info_by_code", corpid=lic.corp_id, active_code_list=["a", "b"])["errcode"] == 701010
    assert lic("batch_get_active_info_by_code", corpid=lic.corp_id, active_code_list=[])["errcode"] == 40058
    too_many = [{"active_code": code, "userid": "lisi"}] * 1001
    assert lic("batch_active_account", corpid=lic.corp_id, active_list=too_many)["errcode"] == 40058
    assert lic("batch_active_account", corpid=lic.corp_id, active_list=["x"])["errcode"] == 40058
    assert lic("get_active_info_by_user", corpid=lic.corp_id, userid="ghost")["errcode"] == 701019
    assert lic("batch_transfer_license", corpid=lic.corp_id, transfer_list=[
        {"handover_userid": "lisi", "takeover_userid": "lisi"}])["transfer_result"][0]["errcode"] == 40058
    assert lic("create_renew_order_job", corpid=lic.corp_id, jobid="nosuchjob",
               account_list=[{"userid": "lisi", "type": 1}])["errcode"] == 40058
    sandbox.cancel_auth(lic.corp_id)  # accounts stay readable, but nothing can be activated any more
    assert lic.ok("get_active_info_by_code", corpid=lic.corp_id, active_code=code)["active_info"]["status"] == 1
    assert lic("active_account", corpid=lic.corp_id, active_code=code, userid="lisi")["errcode"] == 48004


def test_app_license_info_and_auto_active_status(lic: Licenses) -> None:
    other = list(lic.sandbox.companies)[1]
    lic.sandbox.authorize(other)
    suite_id = lic.sandbox.settings.suite_id
    info = lic.ok("get_app_license_info", corpid=lic.corp_id, suite_id=suite_id, appid=1)
    assert info["license_status"] == 1
    assert info["trail_info"]["end_time"] > info["trail_info"]["start_time"]
    assert lic("get_app_license_info", corpid=lic.corp_id, suite_id="wwother")["errcode"] == 40083
    assert lic.ok("get_auto_active_status", corpid=lic.corp_id)["auto_active_status"] == 0
    lic.ok("set_auto_active_status", corpid=lic.corp_id, auto_active_status=1)
    assert lic.ok("get_auto_active_status", corpid=lic.corp_id)["auto_active_status"] == 1
    assert lic.ok("get_auto_active_status", corpid=other)["auto_active_status"] == 0  # per company
    assert lic("set_auto_active_status", corpid=lic.corp_id, auto_active_status=2)["errcode"] == 40058
    assert lic("get_auto_active_status", corpid=list(lic.sandbox.companies)[2])["errcode"] == 48004


@pytest.mark.parametrize("name", LICENSE_PATHS)
def test_every_license_api_needs_a_current_provider_token(
    sandbox: Sandbox, http: httpx.Client, clock: ManualClock, name: str
) -> None:
    path = f"/cgi-bin/license/{name}"
    assert http.post(path, json={}).json()["errcode"] == 41001
    assert http.post(path, params={"provider_access_token": "forged"}, json={}).json()["errcode"] == 40082
    wrong_kind = suite_token(sandbox, http)  # a suite token is not a provider token
    assert http.post(path, params={"provider_access_token": wrong_kind}, json={}).json()["errcode"] == 40082
    token = provider_token(sandbox, http)
    clock.advance(7201)
    assert http.post(path, params={"provider_access_token": token}, json={}).json()["errcode"] == 42009
    assert sandbox.counters[f"license/{name}"] == 4


@pytest.mark.parametrize("name", LICENSE_PATHS)
def test_counters_and_faults_cover_every_license_api(sandbox: Sandbox, http: httpx.Client, name: str) -> None:
    path = f"/cgi-bin/license/{name}"
    sandbox.faults.errcode(f"license/{name}", -1)
    sandbox.faults.http_error(f"license/{name}", 503)
    token = provider_token(sandbox, http)
    busy = http.post(path, params={"provider_access_token": token}, json={}).json()
    assert busy["errcode"] == -1
    assert http.post(path, params={"provider_access_token": token}, json={}).status_code == 503
    after = http.post(path, params={"provider_access_token": token}, json={})
    assert after.status_code == 200
    assert after.json()["errcode"] not in (-1, 40082, 42009)  # faults used up: the license rules answer again
    assert sandbox.counters[f"license/{name}"] == 3


def test_paying_pushes_license_pay_success_to_the_system_event_url(lic: Licenses) -> None:
    """``Sandbox.pay_license_order`` plays the provider paying in its console: WeCom then tells the provider's
    系统事件接收URL (receive id = ToUserName = the provider corp id), which our own receiver and events parse."""
    from wecom_suite.callback import CallbackReceiver
    from wecom_suite.events import LicensePaySuccessEvent

    from .conftest import Receiver

    sandbox = lic.sandbox
    system = Receiver(sandbox)
    sandbox.set_system_callback_url(system.url)
    try:
        order_id = lic.ok("create_new_order", corpid=lic.corp_id, buyer_userid="boss",
                          account_count={"base_count": 1}, account_duration={"months": 1})["order_id"]
        order = sandbox.pay_license_order(order_id)
        assert len(order.active_codes) == 1
        posts = [r for r in system.requests if r.method == "POST"]
        assert len(posts) == 1
        assert posts[0].error == ""
        settings = sandbox.settings
        assert posts[0].outer["ToUserName"] == settings.provider_corp_id
        ours = CallbackReceiver(settings.token, settings.encoding_aes_key, settings.provider_corp_id,
                                clock=sandbox.clock)
        event = ours.open(posts[0].query, posts[0].body).event
        assert isinstance(event, LicensePaySuccessEvent)
        assert (event.service_corp_id, event.auth_corp_id) == (settings.provider_corp_id, lic.corp_id)
        assert (event.order_id, event.buyer_user_id) == (order_id, "boss")
    finally:
        system.close()


def test_sharing_lists_only_the_codes_that_failed(lic: Licenses) -> None:
    """https://developer.work.weixin.qq.com/document/path/97193: share_result holds the failures only;
    corp_link_type is 0 (上下游, the default) or 1 (企业互联)."""
    target = list(lic.sandbox.companies)[1]
    lic.sandbox.authorize(target)
    first, second = codes_of(lic.bought(base=2, external=0), 1)
    moved = lic.ok("batch_share_active_code", from_corpid=lic.corp_id, to_corpid=target,
                   share_list=[{"active_code": first}, {"active_code": "LANOSUCH"}])
    assert [(r["active_code"], r["errcode"]) for r in moved["share_result"]] == [("LANOSUCH", 701002)]
    assert moved["share_result"][0]["errmsg"]
    linked = lic.ok("batch_share_active_code", from_corpid=lic.corp_id, to_corpid=target, corp_link_type=1,
                    share_list=[{"active_code": second}])
    assert linked["share_result"] == []
    assert lic.ok("get_active_info_by_code", corpid=target, active_code=second)["active_info"]["status"] == 1
    again = lic("batch_share_active_code", from_corpid=lic.corp_id, to_corpid=target, corp_link_type=3,
                share_list=[{"active_code": first}])
    assert again["errcode"] == 40058


def test_balance_payment_lowers_the_balance_that_get_account_balance_reads(
    lic: Licenses, http: httpx.Client, clock: ManualClock
) -> None:
    """充值账户余额查询 (GET, https://developer.work.weixin.qq.com/document/path/100137) reads the balance, in fen,
    that submit_pay_job draws from; the usual provider-token errcodes apply."""
    sandbox = lic.sandbox

    def balance() -> dict[str, Any]:
        token = provider_token(sandbox, http)
        answer: dict[str, Any] = http.get("/cgi-bin/service/get_account_balance",
                                          params={"provider_access_token": token}).json()
        return answer

    start = balance()
    assert (start["errcode"], start["balance"]) == (0, sandbox.emulator.licenses.balance)
    order_id = lic.ok("create_new_order", corpid=lic.corp_id, buyer_userid="boss",
                      account_count={"base_count": 2}, account_duration={"months": 1})["order_id"]
    price = lic.ok("get_order", order_id=order_id)["order"]["price"]
    assert price > 0
    lic.ok("submit_pay_job", order_id=order_id, payer_userid="boss")
    assert balance()["balance"] == start["balance"] - price
    assert http.get("/cgi-bin/service/get_account_balance").json()["errcode"] == 41001
    token = provider_token(sandbox, http)
    clock.advance(7201)
    expired = http.get("/cgi-bin/service/get_account_balance", params={"provider_access_token": token}).json()
    assert expired["errcode"] == 42009
