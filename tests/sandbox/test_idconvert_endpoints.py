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
                  "service/batch/getresult", "service/finish_openid_migration", "service/get_account_balance"]


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


def test_finish_openid_migration_checks_its_body(sandbox: Sandbox, http: httpx.Client) -> None:
    """openid_type is a list of 1 and 3 (https://developer.work.weixin.qq.com/document/path/99375); agentid only
    for the company's 代开发 app (/99378)."""
    corp_id = sandbox.company().corp_id
    sandbox.authorize(corp_id)
    params = {"provider_access_token": provider_token(sandbox, http)}

    def post(**body: object) -> int:
        answer = http.post("/cgi-bin/service/finish_openid_migration", params=params, json=body).json()
        return int(answer["errcode"])

    assert post(corpid=corp_id, openid_type=3) == 40058  # not a list
    assert post(corpid=corp_id, openid_type=[]) == 40058
    assert post(corpid=corp_id, openid_type=[1, 2]) == 40058
    assert post(corpid="wwnosuchcorp", openid_type=[1]) == 40013
    assert post(corpid=corp_id, openid_type=[1], agentid=sandbox.company().agent_id) == 40056  # not 代开发
    assert sandbox.company().customers.openid_migrated == set()
    assert post(corpid=corp_id, openid_type=[3, 1]) == 0
    assert sandbox.company().customers.openid_migrated == {(0, 1), (0, 3)}


def test_id_translate_end_is_pushed_once_to_the_system_event_url(sandbox: Sandbox, http: httpx.Client) -> None:
    """The job finishes at once; the next advance() announces it as batch_job_result
    (https://developer.work.weixin.qq.com/document/path/91875), sealed for the provider corp id."""
    from wecom_suite.callback import CallbackReceiver
    from wecom_suite.events import BatchJobResultEvent

    from .conftest import Receiver

    corp_id = sandbox.company().corp_id
    sandbox.authorize(corp_id)
    params = {"provider_access_token": provider_token(sandbox, http)}
    body = {"auth_corpid": corp_id, "media_id_list": ["media-1"]}
    unheard = http.post("/cgi-bin/service/contact/id_translate", params=params, json=body).json()["jobid"]
    sandbox.advance(1)
    assert sandbox.push_job_results() == []  # no system-event URL: nothing to tell
    system = Receiver(sandbox)
    sandbox.set_system_callback_url(system.url)
    try:
        job_id = http.post("/cgi-bin/service/contact/id_translate", params=params, json=body).json()["jobid"]
        assert [r for r in system.requests if r.method == "POST"] == []  # announced afterwards, not in the answer
        sandbox.advance(1)
        posts = [r for r in system.requests if r.method == "POST"]
        assert len(posts) == 1
        settings = sandbox.settings
        ours = CallbackReceiver(settings.token, settings.encoding_aes_key, settings.provider_corp_id,
                                clock=sandbox.clock)
        event = ours.open(posts[0].query, posts[0].body).event
        assert isinstance(event, BatchJobResultEvent)
        assert (event.service_corp_id, event.auth_corp_id) == (settings.provider_corp_id, corp_id)
        assert (event.job_id, event.job_type) == (job_id, "contact_id_translate")
        assert job_id != unheard
        assert sandbox.push_job_results() == []  # once only
        sandbox.advance(1)
        assert len([r for r in system.requests if r.method == "POST"]) == 1
    finally:
        system.close()
