"""The sandbox's ID-conversion, 代开发 identity and multi-company licence rules over loopback HTTP, plus the
sans-I/O pieces they rest on (the id space, the licence book): credentials per path, lifetimes on the
sandbox's clock, and the refusals the docs name."""

from __future__ import annotations

import httpx
import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.endpoints.api_failure import ApiFailure
from wecom_suite.sandbox.rules.id_space import PENDING_ID_LIFETIME, provider_id, sample_customers
from wecom_suite.sandbox.rules.license_book import LicenseBook, OrderStatus

from .conftest import corp_token, provider_token, suite_token

CORP_PATHS = [
    "agent/get_admin_list", "auth/getuserinfo", "auth/getuserdetail", "batch/openuserid_to_userid",
    "externalcontact/get_new_external_userid", "externalcontact/groupchat/get_new_external_userid",
    "idconvert/unionid_to_external_userid", "idconvert/batch/external_userid_to_pending_id",
    "idconvert/external_tagid", "idconvert/open_kfid", "idconvert/convert_tmp_external_userid",
    "externalcontact/to_service_external_userid",
]
PROVIDER_PATHS = ["service/externalcontact/finish_external_userid_migration", "service/contact/id_translate",
                  "service/batch/getresult"]


@pytest.mark.parametrize("path", CORP_PATHS)
def test_corp_paths_want_a_live_company_token(
    sandbox: Sandbox, http: httpx.Client, clock: ManualClock, path: str
) -> None:
    corp_id = sandbox.company().corp_id
    assert http.post(f"/cgi-bin/{path}", params={"access_token": "forged"}, json={}).json()["errcode"] == 40014
    token = corp_token(sandbox, http, corp_id)
    clock.advance(7201)
    assert http.post(f"/cgi-bin/{path}", params={"access_token": token}, json={}).json()["errcode"] == 42001
    assert sandbox.counters[path] == 2


@pytest.mark.parametrize("path", PROVIDER_PATHS)
def test_provider_paths_refuse_a_suite_token(sandbox: Sandbox, http: httpx.Client, path: str) -> None:
    wrong = suite_token(sandbox, http)
    answer = http.post(f"/cgi-bin/{path}", params={"provider_access_token": wrong}, json={}).json()
    assert answer["errcode"] == 40082


def test_unionid_lookup_3rd_wants_the_suite_token(sandbox: Sandbox, http: httpx.Client) -> None:
    path = "/cgi-bin/service/externalcontact/unionid_to_external_userid_3rd"
    wrong = provider_token(sandbox, http)
    assert http.post(path, params={"suite_access_token": wrong}, json={}).json()["errcode"] == 40082
    token = suite_token(sandbox, http)
    assert http.post(path, params={"suite_access_token": token}, json={"unionid": "u"}).json()["errcode"] == 40058


def test_pending_id_lives_ninety_days_on_the_sandbox_clock(
    sandbox: Sandbox, http: httpx.Client, clock: ManualClock
) -> None:
    corp_id = sandbox.company().corp_id
    body = {"unionid": "oU-visitor", "openid": "oP-visitor"}

    def ask() -> str:
        token = corp_token(sandbox, http, corp_id)
        answer = http.post("/cgi-bin/idconvert/unionid_to_external_userid", params={"access_token": token},
                           json=body).json()
        assert answer["errcode"] == 0, answer
        return str(answer["pending_id"])

    first = ask()
    clock.advance(PENDING_ID_LIFETIME - 1)
    assert ask() == first
    clock.advance(1)
    assert ask() == first  # a fresh pending_id is derived the same way: stable per company and unionid
    stored, expires_at = sandbox.company().customers.pending["oU-visitor"]
    assert (stored, expires_at) == (first, clock.now() + PENDING_ID_LIFETIME)


def test_provider_subject_ids_differ_per_provider_and_company() -> None:
    assert provider_id("wwP1", "wwA", "wm1", "wm") == provider_id("wwP1", "wwA", "wm1", "wm")
    assert len({provider_id(p, c, "wm1", "wm") for p in ("wwP1", "wwP2") for c in ("wwA", "wwB")}) == 4
    directory = sample_customers("wwA")
    assert len(directory.customers) == 2
    assert sum(1 for c in directory.customers.values() if c.chats) == 1
    assert directory.by_unionid("nobody", "nobody") is None


def test_admin_list_is_empty_in_member_authorisation_mode(sandbox: Sandbox, http: httpx.Client) -> None:
    corp_id = sandbox.company().corp_id
    token = corp_token(sandbox, http, corp_id)
    path = "/cgi-bin/agent/get_admin_list"
    assert http.post(path, params={"access_token": token}, json={}).json()["admin"]
    sandbox.change_auth(corp_id, auth_mode=1)
    assert http.post(path, params={"access_token": token}, json={}).json()["admin"] == []


def test_customized_getuserinfo_refuses_another_companys_code(sandbox: Sandbox, http: httpx.Client) -> None:
    first, second = list(sandbox.companies)[:2]
    sandbox.install_customized(second, push=False)
    answer = http.get("/cgi-bin/gettoken", params={"corpid": second,
                                                   "corpsecret": sandbox.emulator.permanent_code(second)}).json()
    sandbox.authorize(first)
    code = sandbox.issue_oauth_code(first, next(iter(sandbox.companies[first].users)))
    refused = http.get("/cgi-bin/auth/getuserinfo", params={"access_token": answer["access_token"], "code": code})
    assert refused.json()["errcode"] == 40029


# -- the licence book, sans I/O ---------------------------------------------------------------------
def test_union_orders_pay_their_sub_orders_and_refuse_cancelling_one() -> None:
    book = LicenseBook()
    job = book.add_to_new_order_job([("wwA", 2, 0, 1, 0), ("wwB", 0, 1, 0, 31)], "")
    book.submit_new_order_job(job.jobid, "boss", now=1000)
    union = book.order(job.order_id)
    assert union.price == sum(sub.price for sub in union.sub_orders) > 0
    with pytest.raises(ApiFailure) as sub_cancel:
        book.cancel(union.sub_orders[0].order_id, "wwA")
    assert sub_cancel.value.errcode == 40058
    book.pay(union.order_id, now=2000)
    assert [s.order_status for s in union.sub_orders] == [OrderStatus.PAID, OrderStatus.PAID]
    assert len(book.accounts) == 3
    with pytest.raises(ApiFailure) as late:
        book.cancel(union.order_id, "")
    assert late.value.errcode == 701084
    with pytest.raises(ApiFailure) as too_many:
        book.add_to_new_order_job([("wwA", 1, 0, 1, 0)] * 11, "")
    assert too_many.value.errcode == 40058


def test_sharing_moves_only_unbound_codes_of_the_source() -> None:
    book = LicenseBook()
    order = book.new_order("wwA", "boss", 2, 0, 1, 0, now=0)
    book.pay(order.order_id, now=0)
    bound, free = order.active_codes
    book.activate("wwA", bound, "zhangsan", now=10)
    assert book.share("wwA", "wwB", bound, now=20) == 701003
    assert book.share("wwB", "wwA", free, now=20) == 701002
    assert book.share("wwA", "wwB", free, now=20) == 0
    assert book.account("wwB", free).corp_id == "wwB"
