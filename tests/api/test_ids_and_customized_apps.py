"""The company-token admin list, 代开发 (customized app) identity calls end to end, permanent-code reset,
ID conversion, contact id translation and edition info — each endpoint sync and async (the ``api``
fixture) over loopback against the sandbox, with at least one documented errcode each."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from wecom_suite.api import AsyncCorpClient, AsyncSuiteClient, CorpClient, SuiteClient
from wecom_suite.api.models import (
    AdminList,
    BatchJobResult,
    ContactIdTranslateJob,
    CorpUserDetail,
    CorpUserInfo,
    EditionAgent,
    ExternalTagIdList,
    ExternalUserIdInfo3rd,
    NewExternalUserIdList,
    OpenKfIdList,
    PendingIdList,
    PermanentCodeInfo,
    ServiceExternalUserId,
    TmpExternalUserIdList,
    UnionIdConversion,
    UserIdList,
)
from wecom_suite.errors import WeComError
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import CompanyRecord, MemoryStore

DOC = "https://developer.work.weixin.qq.com/document/path/"


def record_of(suite_id: str, info: PermanentCodeInfo) -> CompanyRecord:
    kept = info.model_dump(by_alias=True, exclude={"permanent_code", "access_token", "expires_in"})
    return CompanyRecord(suite_id, info.corp_id, info.permanent_code, corp_name=info.auth_corp_info.corp_name,
                         auth_info=kept)


async def errcode_of(call: Any) -> int:
    with pytest.raises(WeComError) as caught:
        await call
    return caught.value.errcode


async def install_customized(api: Any, sandbox: Sandbox, store: MemoryStore, corp_id: str) -> PermanentCodeInfo:
    """The company authorises the 代开发 template; the app layer stores what get_permanent_code answered."""
    info: PermanentCodeInfo = await api.get_permanent_code(sandbox.install_customized(corp_id, push=False))
    assert info.is_customized_app
    store.companies.save_company(record_of(sandbox.settings.suite_id, info))
    return info


# -- app admins with the company token --------------------------------------------------------------
async def test_admin_list_with_the_company_token(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    admins = await api.corp(company.corp_id).get_admin_list()
    assert isinstance(admins, AdminList)
    assert [(a.user_id, a.auth_type) for a in admins.admins] == [(u.userid, 1) for u in company.admins]
    sandbox.change_auth(company.corp_id, auth_mode=1)  # member authorisation: no admin list
    assert (await api.corp(company.corp_id).get_admin_list()).admins == []
    assert sandbox.counters["agent/get_admin_list"] == 2
    sandbox.cancel_auth(company.corp_id)  # the cached token dies (40014), the refetch is refused
    assert await errcode_of(api.corp(company.corp_id).get_admin_list()) == 40084


# -- 代开发: from install_customized to corp API calls with the template's token ------------------------
async def test_customized_app_identity_end_to_end(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = list(sandbox.companies.values())[1]
    await install_customized(api, sandbox, store, company.corp_id)
    corp = api.corp(company.corp_id)
    member = next(iter(company.users))
    code = sandbox.issue_oauth_code(company.corp_id, member, scope="snsapi_privateinfo")
    who = await corp.get_user_info(code)
    assert isinstance(who, CorpUserInfo)
    assert (who.user_id, who.is_member, who.expires_in) == (member, True, 1800)
    assert who.user_ticket
    assert who.user_ticket not in repr(who)
    detail = await corp.get_user_detail(who.user_ticket)
    assert isinstance(detail, CorpUserDetail)
    assert (detail.user_id, detail.gender) == (member, company.users[member].gender)
    assert await errcode_of(corp.get_user_info(code)) == 40029  # single use
    assert await errcode_of(corp.get_user_detail(who.user_ticket)) == 84015  # single use here too
    stranger = sandbox.issue_oauth_code(None)
    assert (await corp.get_user_info(stranger)).openid.startswith("o")
    admins = await corp.get_admin_list()
    assert [a.user_id for a in admins.admins] == [u.userid for u in company.admins]
    assert sandbox.counters["gettoken"] == 1  # one template token served every call
    assert sandbox.counters["service/get_corp_token"] == 0


async def test_third_party_token_is_refused_by_the_customized_identity_calls(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()  # installed as the third-party suite
    code = sandbox.issue_oauth_code(company.corp_id, next(iter(company.users)))
    assert await errcode_of(api.corp(company.corp_id).get_user_info(code)) == 48001


async def test_reset_permanent_code_of_a_customized_app(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = list(sandbox.companies.values())[1]
    first = await install_customized(api, sandbox, store, company.corp_id)
    assert (await api.corp(company.corp_id).get_admin_list()).admins
    renewed = await api.get_permanent_code(sandbox.reset_permanent_code(company.corp_id))
    assert renewed.permanent_code != first.permanent_code
    assert await errcode_of(api.get_customized_corp_token(company.corp_id, first.permanent_code)) == 40001
    store.companies.save_company(record_of(sandbox.settings.suite_id, renewed))
    assert (await api.corp(company.corp_id).get_admin_list()).admins  # old token dropped, new secret used
    assert sandbox.counters["gettoken"] == 3  # first secret, the refused old one, the new one


# -- ID conversion with the company token -----------------------------------------------------------
async def test_openuserid_to_userid(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    user = next(iter(company.users.values()))
    corp = api.corp(company.corp_id)
    back = await corp.openuserid_to_userid([user.open_userid, "wo-bogus"], company.agent_id)
    assert isinstance(back, UserIdList)
    assert [(m.open_userid, m.user_id) for m in back.user_id_list] == [(user.open_userid, user.userid)]
    assert back.invalid_open_userid_list == ["wo-bogus"]
    assert await errcode_of(corp.openuserid_to_userid([user.open_userid], 1)) == 40056


async def test_external_userid_upgrade_and_migration(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    customers = list(company.customers.customers.values())
    own_ids = [c.external_userid for c in customers]
    converted = await corp.get_new_external_userid([*own_ids, "wm-unknown"])
    assert isinstance(converted, NewExternalUserIdList)
    new_ids = {i.external_userid: i.new_external_userid for i in converted.items}
    assert set(new_ids) == set(own_ids)
    assert not set(new_ids.values()) & set(own_ids)
    again = await corp.get_new_external_userid(list(new_ids.values()))  # provider-subject ids come back as-is
    assert {i.external_userid: i.new_external_userid for i in again.items} == {v: v for v in new_ids.values()}

    (in_chat,) = [c for c in customers if c.chats]
    chat = await corp.get_new_external_userid_in_chat(in_chat.chats[0], own_ids)
    assert [(i.external_userid, i.new_external_userid) for i in chat.items] == [
        (in_chat.external_userid, new_ids[in_chat.external_userid])]
    assert await errcode_of(corp.get_new_external_userid_in_chat("", own_ids)) == 40058

    assert (await api.finish_external_userid_migration(company.corp_id)).errcode == 0
    assert await errcode_of(corp.get_new_external_userid(own_ids)) == 48002
    assert await errcode_of(api.finish_external_userid_migration(list(sandbox.companies)[2])) == 48004


async def test_unionid_pending_id_and_the_suite_token_lookup(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    customer = next(iter(company.customers.customers.values()))
    known = await corp.unionid_to_external_userid(customer.unionid, customer.openid, subject_type=1)
    assert isinstance(known, UnionIdConversion)
    upgraded = await corp.get_new_external_userid([customer.external_userid])
    assert (known.external_userid, known.pending_id) == (upgraded.items[0].new_external_userid, "")

    later = await corp.unionid_to_external_userid("oU-new-visitor", "oP-new-visitor")
    assert (later.external_userid, bool(later.pending_id)) == ("", True)
    assert (await corp.unionid_to_external_userid("oU-new-visitor", "oP-new-visitor")).pending_id == later.pending_id
    joined = company.customers.add(company.corp_id, "oU-new-visitor", "oP-new-visitor")  # becomes a customer
    pending = await corp.external_userid_to_pending_id([joined.external_userid, customer.external_userid])
    assert isinstance(pending, PendingIdList)
    assert [(r.external_userid, r.pending_id) for r in pending.result] == [(joined.external_userid,
                                                                           later.pending_id)]
    assert await errcode_of(corp.unionid_to_external_userid(customer.unionid, "")) == 40058
    assert await errcode_of(corp.external_userid_to_pending_id(["x"] * 101)) == 40058

    found = await api.unionid_to_external_userid_3rd(customer.unionid, customer.openid)
    assert isinstance(found, ExternalUserIdInfo3rd)
    assert [(i.corp_id, i.external_userid) for i in found.external_userid_info] == [
        (company.corp_id, known.external_userid)]
    one = await api.unionid_to_external_userid_3rd(customer.unionid, customer.openid, corp_id=company.corp_id)
    assert one.external_userid_info == found.external_userid_info
    stranger = list(sandbox.companies)[2]
    assert await errcode_of(api.unionid_to_external_userid_3rd(customer.unionid, customer.openid,
                                                                corp_id=stranger)) == 48004


async def test_tag_and_kf_id_conversion(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    tags = await corp.convert_external_tagid([*company.customers.tags, "et-bogus"])
    assert isinstance(tags, ExternalTagIdList)
    assert [t.external_tagid for t in tags.items] == company.customers.tags
    assert all(t.open_external_tagid != t.external_tagid for t in tags.items)
    assert tags.invalid_external_tagid_list == ["et-bogus"]
    kf = await corp.convert_open_kfid([*company.customers.kf_accounts, "wk-bogus"])
    assert isinstance(kf, OpenKfIdList)
    twin = kf.items[0].new_open_kfid
    assert (kf.items[0].open_kfid, kf.invalid_open_kfid_list) == (company.customers.kf_accounts[0], ["wk-bogus"])
    assert (await corp.convert_open_kfid([twin])).items[0].new_open_kfid == twin  # already provider-subject
    assert await errcode_of(corp.convert_external_tagid([])) == 40058
    assert await errcode_of(corp.convert_open_kfid(["k"] * 1001)) == 40058


async def test_temporary_ids_from_meetings_and_forms(api: Any, sandbox: Sandbox) -> None:
    company = sandbox.company()
    corp = api.corp(company.corp_id)
    customer = next(iter(company.customers.customers.values()))
    meeting = company.customers.tmp_external_userid(company.corp_id, customer.external_userid, business_type=1)
    converted = await corp.convert_tmp_external_userid([meeting, "tmp-bogus"], business_type=1, user_type=1)
    assert isinstance(converted, TmpExternalUserIdList)
    upgraded = await corp.get_new_external_userid([customer.external_userid])
    assert [(r.tmp_external_userid, r.external_userid) for r in converted.results] == [
        (meeting, upgraded.items[0].new_external_userid)]
    assert converted.invalid_tmp_external_userid_list == ["tmp-bogus"]
    as_form = await corp.convert_tmp_external_userid([meeting], business_type=2, user_type=1)
    assert as_form.invalid_tmp_external_userid_list == [meeting]  # issued for a meeting, not a form
    assert await errcode_of(corp.convert_tmp_external_userid([meeting], business_type=4, user_type=1)) == 40058


async def test_customized_app_ids_to_the_third_party_apps(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = list(sandbox.companies.values())[1]
    await install_customized(api, sandbox, store, company.corp_id)
    corp = api.corp(company.corp_id)
    customer = next(iter(company.customers.customers.values()))
    mapped = await corp.to_service_external_userid(customer.external_userid)
    assert isinstance(mapped, ServiceExternalUserId)
    assert mapped.external_userid not in (customer.external_userid, "")
    assert (await corp.to_service_external_userid(mapped.external_userid)).external_userid == mapped.external_userid
    assert await errcode_of(corp.to_service_external_userid("wm-not-a-customer")) == 40058
    third_party = sandbox.company()
    assert await errcode_of(api.corp(third_party.corp_id).to_service_external_userid(
        next(iter(third_party.customers.customers)))) == 48001


# -- ID迁移完成状态的设置 (provider token) -----------------------------------------------------------------
async def test_finish_openid_migration_for_third_party_and_customized_apps(
    api: Any, sandbox: Sandbox, store: MemoryStore
) -> None:
    """https://developer.work.weixin.qq.com/document/path/99375 and /99378: 48004 for a company without the
    app, 40058 for an unknown openid_type, 40056 for an agentid that is not a 代开发 app of the provider."""
    first, second, stranger = list(sandbox.companies)
    done = await api.finish_openid_migration(first, [1, 3])
    assert done.errcode == 0
    assert sandbox.companies[first].customers.openid_migrated == {(0, 1), (0, 3)}
    assert sandbox.counters["service/finish_openid_migration"] == 1
    assert await errcode_of(api.finish_openid_migration(stranger, [3])) == 48004
    assert await errcode_of(api.finish_openid_migration(first, [2])) == 40058
    not_customized = sandbox.companies[first].agent_id
    assert await errcode_of(api.finish_openid_migration(first, [1], agent_id=not_customized)) == 40056

    customized = sandbox.companies[second]
    await install_customized(api, sandbox, store, second)
    assert (await api.finish_openid_migration(second, [3], agent_id=customized.agent_id)).errcode == 0
    assert customized.customers.openid_migrated == {(customized.agent_id, 3)}
    assert await errcode_of(api.finish_openid_migration(second, [1], agent_id=customized.agent_id + 1)) == 40056
    assert sandbox.companies[first].customers.openid_migrated == {(0, 1), (0, 3)}  # the other company untouched


# -- contact id translation (provider token) --------------------------------------------------------
async def test_contact_id_translate_job(api: Any, sandbox: Sandbox) -> None:
    corp_id = sandbox.company().corp_id
    job = await api.contact_id_translate(corp_id, ["media-1", "media-2"], output_file_name="名单",
                                         output_file_format="pdf")
    assert isinstance(job, ContactIdTranslateJob)
    result = await api.get_batch_result(job.jobid)
    assert isinstance(result, BatchJobResult)
    assert (result.status, result.type) == (3, "contact_id_translate")
    assert result.url.endswith(".zip")
    assert await errcode_of(api.contact_id_translate(corp_id, ["a", "b"])) == 40058  # two files need a name
    assert await errcode_of(api.get_batch_result("no-such-job")) == 40058
    assert sandbox.counters["service/contact/id_translate"] == 2


# -- edition info (for change_editon) ---------------------------------------------------------------
async def test_auth_info_exposes_the_edition(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = sandbox.company()
    record = store.companies.get_company(sandbox.settings.suite_id, company.corp_id)
    assert record is not None
    info = await api.get_auth_info(company.corp_id, record.permanent_code)
    assert isinstance(info.edition, EditionAgent)
    assert (info.edition.agent_id, info.edition.edition_id) == (company.agent_id, "sandbox-edition")
    assert info.edition.app_status == 5
    assert info.edition_info is not None
    assert info.edition_info.for_agent(company.agent_id) is info.edition
    assert info.edition_info.for_agent(1) is None
    assert await errcode_of(api.get_auth_info(company.corp_id, "not-the-code")) == 40084


async def test_auth_info_v2_adds_the_other_names(api: Any, sandbox: Sandbox, store: MemoryStore) -> None:
    company = sandbox.company()
    record = store.companies.get_company(sandbox.settings.suite_id, company.corp_id)
    assert record is not None
    info = await api.get_auth_info_v2(company.corp_id, record.permanent_code)
    assert info.auth_corp_info.corp_id == company.corp_id
    assert info.model_dump(by_alias=True)["auth_corp_info"]["corp_ex_name"]["name_list"].endswith("简称")
    assert info.edition is not None  # the same typed answer as v1
    assert await errcode_of(api.get_auth_info_v2(company.corp_id, "not-the-code")) == 40084
    assert sandbox.counters["service/v2/get_auth_info"] == 2


# -- what the generated methods show ----------------------------------------------------------------
GENERIC = {"get_json", "post_json", "get_agent", "set_agent", "get_permanent_code_v2"}


@pytest.mark.parametrize("shell", [SuiteClient, AsyncSuiteClient, CorpClient, AsyncCorpClient])
def test_generated_methods_show_their_model_and_doc_page(shell: type) -> None:
    generated = [(name, fn) for name, fn in vars(shell).items() if callable(fn) and hasattr(fn, "__wrapped__")]
    assert len(generated) >= 10
    for name, method in generated:
        returned = inspect.signature(method).return_annotation
        assert "ApiCall" not in str(returned), name
        if name not in GENERIC:
            assert DOC in (method.__doc__ or ""), f"{shell.__name__}.{name} names no official doc page"
