"""ID conversion (ID 转换) and contact id translation (通讯录ID转译) endpoints.

With a company token: ``batch/openuserid_to_userid``, ``externalcontact/get_new_external_userid`` (and the
group-chat variant), ``idconvert/unionid_to_external_userid``, ``idconvert/batch/external_userid_to_pending_id``,
``idconvert/external_tagid``, ``idconvert/open_kfid``, ``idconvert/convert_tmp_external_userid``,
``externalcontact/to_service_external_userid`` (代开发). With the suite token:
``service/externalcontact/unionid_to_external_userid_3rd``. With the provider token:
``service/externalcontact/finish_external_userid_migration``, ``service/contact/id_translate`` and
``service/batch/getresult``. The ids come from :mod:`.id_space`; choices the docs leave open are listed in
docs/sandbox.md ("ID conversion").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..rules.directory import SimCompany
from ..rules.id_space import PENDING_ID_LIFETIME, provider_id
from .answer import Answer
from .api_failure import ApiFailure
from .request_params import int_param, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = [
    "contact_id_translate",
    "convert_tmp_external_userid",
    "external_tagid",
    "external_userid_to_pending_id",
    "finish_external_userid_migration",
    "finish_openid_migration",
    "get_new_external_userid",
    "groupchat_get_new_external_userid",
    "open_kfid",
    "openuserid_to_userid",
    "service_batch_getresult",
    "to_service_external_userid",
    "unionid_to_external_userid",
    "unionid_to_external_userid_3rd",
]

OK: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
TRANSLATE_FILES_MAX = 20
BATCH_JOB_LIFETIME = 7 * 86400  # seconds a translation job's result can be read (the sandbox's choice)


def _ids(params: Mapping[str, Any], name: str, limit: int) -> list[str]:
    value = params.get(name)
    if not isinstance(value, list) or not value:
        raise ApiFailure(40058, f"{name} must be a non-empty list")
    if len(value) > limit:
        raise ApiFailure(40058, f"{name} holds at most {limit} ids")
    return [str(item) for item in value]


def _twins(emu: Emulator, company: SimCompany, ids: Sequence[str], prefix: str) -> dict[str, str]:
    """company-subject id -> provider-subject id, and each provider-subject id -> itself."""
    twins: dict[str, str] = {}
    for own in ids:
        twin = provider_id(emu.settings.provider_corp_id, company.corp_id, own, prefix)
        twins[own] = twin
        twins[twin] = twin
    return twins


def _customer_twins(emu: Emulator, company: SimCompany, chat_id: str | None = None) -> dict[str, str]:
    customers = [c.external_userid for c in company.customers.customers.values()
                 if chat_id is None or chat_id in c.chats]
    return _twins(emu, company, customers, "wm")


# ---------------------------------------------------------------------- company token
def openuserid_to_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """open_userid → userid; ``source_agentid`` must be the company's installed app (40056)."""
    company = emu.company_of_corp_token(params)
    if int_param(params, "source_agentid", 0) != company.agent_id:
        raise ApiFailure(40056, "source_agentid is not an app installed in this company")
    by_open = {u.open_userid: u.userid for u in company.users.values()}
    wanted = _ids(params, "open_userid_list", 1000)
    return {
        **OK,
        "userid_list": [{"open_userid": o, "userid": by_open[o]} for o in wanted if o in by_open],
        "invalid_open_userid_list": [o for o in wanted if o not in by_open],
    }


def _new_external_userids(emu: Emulator, company: SimCompany, params: Mapping[str, Any],
                          chat_id: str | None) -> Answer:
    if company.customers.migration_finished and not (company.authorization and company.authorization.customized):
        raise ApiFailure(48002, "the external_userid migration of this company is finished")
    twins = _customer_twins(emu, company, chat_id)
    wanted = _ids(params, "external_userid_list", 1000)
    items = [{"external_userid": e, "new_external_userid": twins[e]} for e in wanted if e in twins]
    return {**OK, "items": items}


def get_new_external_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """转换客户external_userid: unknown ids are left out of ``items``; 48002 after the migration."""
    return _new_external_userids(emu, emu.company_of_corp_token(params), params, None)


def groupchat_get_new_external_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """转换客户群成员external_userid: only members of ``chat_id`` are converted."""
    company = emu.company_of_corp_token(params)
    chat_id = text_param(params, "chat_id")
    if not chat_id:
        raise ApiFailure(40058, "chat_id is required")
    return _new_external_userids(emu, company, params, chat_id)


def _wechat_user(params: Mapping[str, Any]) -> tuple[str, str]:
    unionid, openid = text_param(params, "unionid"), text_param(params, "openid")
    if not unionid or not openid:
        raise ApiFailure(40058, "unionid and openid are both required")
    return unionid, openid


def unionid_to_external_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """unionid → the customer's provider-subject external_userid, else a pending_id (90 days, stable)."""
    company = emu.company_of_corp_token(params)
    unionid, openid = _wechat_user(params)
    if int_param(params, "subject_type", 0) not in (0, 1):
        raise ApiFailure(40058, "subject_type must be 0 or 1")
    customer = company.customers.by_unionid(unionid, openid)
    if customer is not None:
        twin = provider_id(emu.settings.provider_corp_id, company.corp_id, customer.external_userid, "wm")
        return {**OK, "external_userid": twin}
    now = emu.now()
    pending_id, expires_at = company.customers.pending.get(unionid, ("", 0.0))
    if not pending_id or now >= expires_at:
        pending_id = "p" + provider_id(emu.settings.provider_corp_id, company.corp_id, unionid, "")[:30]
        company.customers.pending[unionid] = (pending_id, now + PENDING_ID_LIFETIME)
    return {**OK, "pending_id": pending_id}


def external_userid_to_pending_id(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """external_userid (either subject) → the pending_id asked for its unionid earlier; others left out."""
    company = emu.company_of_corp_token(params)
    chat_id = text_param(params, "chat_id") or None
    wanted = _ids(params, "external_userid", 100)
    now = emu.now()
    result = []
    for customer in company.customers.customers.values():
        if chat_id is not None and chat_id not in customer.chats:
            continue
        twin = provider_id(emu.settings.provider_corp_id, company.corp_id, customer.external_userid, "wm")
        pending_id, expires_at = company.customers.pending.get(customer.unionid, ("", 0.0))
        for asked in (customer.external_userid, twin):
            if asked in wanted and pending_id and now < expires_at:
                result.append({"external_userid": asked, "pending_id": pending_id})
    return {**OK, "result": result}


def external_tagid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """客户标签ID的转换; ids that are neither subject's land in ``invalid_external_tagid_list``."""
    company = emu.company_of_corp_token(params)
    twins = _twins(emu, company, company.customers.tags, "et")
    wanted = _ids(params, "external_tagid_list", 1000)
    return {
        **OK,
        "items": [{"external_tagid": t, "open_external_tagid": twins[t]} for t in wanted if t in twins],
        "invalid_external_tagid_list": [t for t in wanted if t not in twins],
    }


def to_service_external_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """代开发 token only (48001 otherwise): a customer's id → the provider-subject id the third-party app
    sees; an id that is no customer's → 40058 (the docs name no errcode)."""
    company = emu.company_of_corp_token(params)
    if company.authorization is None or not company.authorization.customized:
        raise ApiFailure(48001, "only a 代开发 app's token may convert to the third-party app's id")
    twins = _customer_twins(emu, company)
    wanted = text_param(params, "external_userid")
    if wanted not in twins:
        raise ApiFailure(40058, "external_userid is not a customer of this company")
    return {**OK, "external_userid": twins[wanted]}


def convert_tmp_external_userid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """tmp_external_userid → the provider-subject external_userid of a customer (user_type 1 only; linked
    companies' members are not emulated and land in the invalid list, as do ids of another business type)."""
    company = emu.company_of_corp_token(params)
    business_type, user_type = int_param(params, "business_type", 0), int_param(params, "user_type", 0)
    if business_type not in (1, 2, 3) or user_type not in (1, 2, 3, 4):
        raise ApiFailure(40058, "business_type must be 1..3 and user_type 1..4")
    results, invalid = [], []
    for tmp in _ids(params, "tmp_external_userid_list", 100):
        known = company.customers.temporary.get(tmp)
        if known is None or known[1] != business_type or user_type != 1:
            invalid.append(tmp)
            continue
        twin = provider_id(emu.settings.provider_corp_id, company.corp_id, known[0], "wm")
        results.append({"tmp_external_userid": tmp, "external_userid": twin})
    return {**OK, "results": results, "invalid_tmp_external_userid_list": invalid}


def open_kfid(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """微信客服ID的转换; unknown ids land in ``invalid_open_kfid_list``."""
    company = emu.company_of_corp_token(params)
    twins = _twins(emu, company, company.customers.kf_accounts, "wk")
    wanted = _ids(params, "open_kfid_list", 1000)
    return {
        **OK,
        "items": [{"open_kfid": k, "new_open_kfid": twins[k]} for k in wanted if k in twins],
        "invalid_open_kfid_list": [k for k in wanted if k not in twins],
    }


# ---------------------------------------------------------------------- suite token
def unionid_to_external_userid_3rd(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """The WeChat user's provider-subject external_userid in every authorising company (or ``corpid``'s)."""
    emu.check_suite_token(params)
    unionid, openid = _wechat_user(params)
    corp_id = text_param(params, "corpid")
    everyone = [c for c in emu.companies.values() if c.authorized]
    companies = [emu.authorized_company(corp_id)] if corp_id else everyone
    found = []
    for company in companies:
        customer = company.customers.by_unionid(unionid, openid)
        if customer is not None:
            twin = provider_id(emu.settings.provider_corp_id, company.corp_id, customer.external_userid, "wm")
            found.append({"corpid": company.corp_id, "external_userid": twin})
    return {**OK, "external_userid_info": found}


# ---------------------------------------------------------------------- provider token
def _authorized(emu: Emulator, corp_id: str) -> SimCompany:
    company = emu.companies.get(corp_id)
    if company is None:
        raise ApiFailure(40013)
    if not company.authorized:
        raise ApiFailure(48004, f"corp {corp_id} has not authorised the suite")
    return company


def finish_external_userid_migration(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """设置迁移完成: get_new_external_userid is refused for the company's third-party app afterwards."""
    emu.check_provider_token(params)
    company = _authorized(emu, text_param(params, "corpid"))
    company.customers.migration_finished = True
    return dict(OK)


def finish_openid_migration(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """ID迁移完成状态的设置: ``openid_type`` is a non-empty list of 1 (userid and corpid) and 3 (external
    ids); ``agentid`` names the company's 代开发 app (40056 for any other), without it the third-party app."""
    emu.check_provider_token(params)
    company = _authorized(emu, text_param(params, "corpid"))
    kinds = params.get("openid_type")
    if not isinstance(kinds, list) or not kinds or any(k not in (1, 3) for k in kinds):
        raise ApiFailure(40058, "openid_type must be a non-empty list of 1 (userid and corpid) and 3 (external ids)")
    agent_id = int_param(params, "agentid", 0)
    if agent_id:
        authorization = company.authorization
        if agent_id != company.agent_id or authorization is None or not authorization.customized:
            raise ApiFailure(40056, f"agentid {agent_id} is not a 代开发 app of this provider in {company.corp_id}")
    company.customers.openid_migrated.update((agent_id, int(kind)) for kind in kinds)
    return dict(OK)


def contact_id_translate(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """异步通讯录id转译: accepts any media ids (no upload emulated) and finishes at once; the sandbox announces
    the end (``batch_job_result`` on the system-event URL) on its next tick (``Sandbox.push_job_results``)."""
    emu.check_provider_token(params)
    company = _authorized(emu, text_param(params, "auth_corpid"))
    media = _ids(params, "media_id_list", TRANSLATE_FILES_MAX)
    name, file_format = text_param(params, "output_file_name"), text_param(params, "output_file_format")
    if len(media) > 1 and not name:
        raise ApiFailure(40058, "output_file_name is required for more than one file")
    if file_format not in ("", "pdf"):
        raise ApiFailure(40058, "output_file_format can only be pdf")
    job = emu.book.issue("batch_job", company.corp_id, BATCH_JOB_LIFETIME, length=32,
                         data={"type": "contact_id_translate", "name": name, "files": len(media),
                               "announced": False})
    return {**OK, "jobid": job.value}


def service_batch_getresult(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取异步任务结果: status 3 with the translated file's URL (the sandbox serves no such file)."""
    emu.check_provider_token(params)
    job = emu.book.lookup("batch_job", text_param(params, "jobid"))
    if job is None or job.expired(emu.now()):
        raise ApiFailure(40058, "unknown or expired jobid")
    suffix = "zip" if job.data.get("name") else "xlsx"
    url = f"https://sandbox.invalid/contact_id_translate/{job.value}.{suffix}"
    return {**OK, "status": 3, "type": job.data["type"], "result": {"contact_id_translate": {"url": url}}}
