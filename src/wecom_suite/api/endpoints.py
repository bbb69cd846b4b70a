"""Every wrapped WeCom API, declared once (docs/api.md lists them). Both clients call these specs."""

from __future__ import annotations

from typing import Any, TypeVar

from . import models as m
from .endpoint_spec import Endpoint, RetrySafety, TokenKind
from .models import (
    AdminList,
    ApiResult,
    AppPermissions,
    AppQrcode,
    AuthInfoEx,
    CorpAccessTokenInfo,
    CustomizedAuthUrl,
    JsapiTicket,
    LoginInfo,
    MiniProgramSession,
    OpenCorpId,
    OpenUserIdList,
    Order,
    OrderList,
    PermanentCodeInfo,
    PermanentCodeInfoV2,
    PreAuthCode,
    ProviderAccessToken,
    RegisterCode,
    RegisterInfo,
    SuiteAccessToken,
    UserDetail3rd,
    UserInfo3rd,
)
from .models.legacy_agent import AgentInfo

__all__ = ["ERRCODES_PAGE", "LICENSE_APIS", "LICENSE_OVERVIEW_PAGE", "ad_hoc_endpoint"]

T = TypeVar("T")

_DOC = "https://developer.work.weixin.qq.com/document/path/"  # + the page number: each endpoint's official page
ERRCODES_PAGE = _DOC + "90455"  # 全局错误码: what get_json / post_json callers read beside their API's own page
LICENSE_OVERVIEW_PAGE = _DOC + "95652"  # 接口调用许可 概述与指引: the license APIs by name (license_api)
NONE, SUITE, PROVIDER, CORP = TokenKind.NONE, TokenKind.SUITE, TokenKind.PROVIDER, TokenKind.CORP
ONE_TIME, WRITE = RetrySafety.ONE_TIME, RetrySafety.NOT_IDEMPOTENT


def _image(body: bytes, content_type: str) -> AppQrcode:
    return AppQrcode(image=body)


def _as_dict(data: dict[str, Any]) -> dict[str, Any]:
    return data


# -- tokens (docs/protocol.md §3.2)
GET_PROVIDER_TOKEN = Endpoint(
    "service/get_provider_token", "POST", "/cgi-bin/service/get_provider_token", NONE,
    ProviderAccessToken.model_validate, errcode_optional=True, page=_DOC + "91200",
)
GET_SUITE_TOKEN = Endpoint(
    "service/get_suite_token", "POST", "/cgi-bin/service/get_suite_token", NONE,
    SuiteAccessToken.model_validate, errcode_optional=True, page=_DOC + "90600",
)
GET_CORP_TOKEN = Endpoint(
    "service/get_corp_token", "POST", "/cgi-bin/service/get_corp_token", SUITE,
    CorpAccessTokenInfo.model_validate, errcode_optional=True, page=_DOC + "90605",
)
GETTOKEN = Endpoint(  # 代开发: corpsecret = the permanent code
    "gettoken", "GET", "/cgi-bin/gettoken", NONE, CorpAccessTokenInfo.model_validate, errcode_optional=True,
    page=_DOC + "97164",
)

# -- install / authorisation (docs/protocol.md §3.3)
GET_PRE_AUTH_CODE = Endpoint(
    "service/get_pre_auth_code", "GET", "/cgi-bin/service/get_pre_auth_code", SUITE, PreAuthCode.model_validate,
    page=_DOC + "90601",
)
SET_SESSION_INFO = Endpoint(
    "service/set_session_info", "POST", "/cgi-bin/service/set_session_info", SUITE, ApiResult.model_validate,
    safety=ONE_TIME, page=_DOC + "90602",
)
GET_PERMANENT_CODE = Endpoint(
    "service/get_permanent_code", "POST", "/cgi-bin/service/get_permanent_code", SUITE,
    PermanentCodeInfo.model_validate, safety=ONE_TIME, errcode_optional=True, page=_DOC + "90603",
)
GET_PERMANENT_CODE_V2 = Endpoint(
    "service/v2/get_permanent_code", "POST", "/cgi-bin/service/v2/get_permanent_code", SUITE,
    PermanentCodeInfoV2.model_validate, safety=ONE_TIME, page=_DOC + "100776",
)
GET_AUTH_INFO = Endpoint(
    "service/get_auth_info", "POST", "/cgi-bin/service/get_auth_info", SUITE, AuthInfoEx.model_validate,
    page=_DOC + "90604",
)
GET_AUTH_INFO_V2 = Endpoint(
    "service/v2/get_auth_info", "POST", "/cgi-bin/service/v2/get_auth_info", SUITE, AuthInfoEx.model_validate,
    page=_DOC + "100795",
)
GET_ADMIN_LIST = Endpoint(
    "service/get_admin_list", "POST", "/cgi-bin/service/get_admin_list", SUITE, AdminList.model_validate,
    page=_DOC + "90606",
)
GET_APP_QRCODE = Endpoint(
    "service/get_app_qrcode", "POST", "/cgi-bin/service/get_app_qrcode", SUITE, AppQrcode.model_validate,
    parse_binary=_image, page=_DOC + "95430",
)

# -- login / identity (docs/protocol.md §3.4)
GET_LOGIN_INFO = Endpoint(  # the provider token, but under access_token= (WxJava PR #2253)
    "service/get_login_info", "POST", "/cgi-bin/service/get_login_info", PROVIDER, LoginInfo.model_validate,
    token_param="access_token", safety=ONE_TIME, page=_DOC + "91125",  # noqa: S106
)
GET_USER_INFO_3RD = Endpoint(
    "service/auth/getuserinfo3rd", "GET", "/cgi-bin/service/auth/getuserinfo3rd", SUITE,
    UserInfo3rd.model_validate, safety=ONE_TIME, page=_DOC + "91121",
)
GET_USER_DETAIL_3RD = Endpoint(
    "service/auth/getuserdetail3rd", "POST", "/cgi-bin/service/auth/getuserdetail3rd", SUITE,
    UserDetail3rd.model_validate, safety=ONE_TIME, page=_DOC + "91122",
)
JSCODE2SESSION = Endpoint(
    "service/miniprogram/jscode2session", "GET", "/cgi-bin/service/miniprogram/jscode2session", SUITE,
    MiniProgramSession.model_validate, safety=ONE_TIME, page=_DOC + "92423",
)

# -- JS-SDK tickets (docs/protocol.md §3.5): the company's token, never the suite's
GET_JSAPI_TICKET = Endpoint(
    "get_jsapi_ticket", "GET", "/cgi-bin/get_jsapi_ticket", CORP, JsapiTicket.model_validate, page=_DOC + "90539",
)
GET_AGENT_CONFIG_TICKET = Endpoint(
    "ticket/get", "GET", "/cgi-bin/ticket/get", CORP, JsapiTicket.model_validate, page=_DOC + "90539",
)

# -- id conversion (docs/protocol.md §3.6)
CORPID_TO_OPENCORPID = Endpoint(
    "service/corpid_to_opencorpid", "POST", "/cgi-bin/service/corpid_to_opencorpid", PROVIDER,
    OpenCorpId.model_validate, page=_DOC + "95604",
)
USERID_TO_OPENUSERID = Endpoint(
    "batch/userid_to_openuserid", "POST", "/cgi-bin/batch/userid_to_openuserid", CORP, OpenUserIdList.model_validate,
    page=_DOC + "97062",
)
GET_APP_PERMISSIONS = Endpoint(
    "agent/get_permissions", "POST", "/cgi-bin/agent/get_permissions", CORP, AppPermissions.model_validate,
    page=_DOC + "99052",
)

# -- 代开发 link (docs/protocol.md §3.7) and 推广注册 (docs/protocol.md §3.8)
GET_CUSTOMIZED_AUTH_URL = Endpoint(
    "service/get_customized_auth_url", "POST", "/cgi-bin/service/get_customized_auth_url", PROVIDER,
    CustomizedAuthUrl.model_validate, page=_DOC + "98744",
)
GET_REGISTER_CODE = Endpoint(
    "service/get_register_code", "POST", "/cgi-bin/service/get_register_code", PROVIDER, RegisterCode.model_validate,
    page=_DOC + "90581",
)
GET_REGISTER_INFO = Endpoint(
    "service/get_register_info", "POST", "/cgi-bin/service/get_register_info", PROVIDER, RegisterInfo.model_validate,
    page=_DOC + "90581",
)

# -- paid editions (docs/protocol.md §3.9)
GET_ORDER = Endpoint(
    "service/get_order", "POST", "/cgi-bin/service/get_order", SUITE, Order.model_validate, page=_DOC + "91909",
)
GET_ORDER_LIST = Endpoint(
    "service/get_order_list", "POST", "/cgi-bin/service/get_order_list", SUITE, OrderList.model_validate,
    page=_DOC + "91910",
)
PROLONG_TRY = Endpoint(
    "service/prolong_try", "POST", "/cgi-bin/service/prolong_try", SUITE, ApiResult.model_validate, safety=WRITE,
    page=_DOC + "91913",
)


# -- 接口许可 (interface licenses): provider token, typed answers. Writes are never resent blindly.
def _license(
    name: str, model: type[ApiResult], page: str, safety: RetrySafety = RetrySafety.IDEMPOTENT
) -> Endpoint[ApiResult]:
    return Endpoint(f"license/{name}", "POST", f"/cgi-bin/license/{name}", PROVIDER, model.model_validate,
                    safety=safety, page=_DOC + page)


LICENSE_APIS: dict[str, Endpoint[ApiResult]] = {
    # orders (订单管理)
    "create_new_order": _license("create_new_order", m.LicenseOrderCreated, "95644", WRITE),
    "create_renew_order_job": _license("create_renew_order_job", m.RenewOrderJob, "95646", WRITE),
    "submit_order_job": _license("submit_order_job", m.LicenseOrderCreated, "95646", WRITE),
    "create_new_order_job": _license("create_new_order_job", m.NewOrderJob, "98887", WRITE),
    "submit_new_order_job": _license("submit_new_order_job", m.NewOrderJob, "98887", WRITE),
    "new_order_job_result": _license("new_order_job_result", m.NewOrderJobResult, "98887"),
    "list_order": _license("list_order", m.LicenseOrderList, "95647"),
    "get_order": _license("get_order", m.LicenseOrderInfo, "95648"),
    "get_union_order": _license("get_union_order", m.UnionOrder, "98888"),
    "list_order_account": _license("list_order_account", m.LicenseOrderAccounts, "95649"),
    "cancel_order": _license("cancel_order", ApiResult, "96106", WRITE),
    "submit_pay_job": _license("submit_pay_job", m.LicenseJob, "99420", WRITE),
    "pay_job_result": _license("pay_job_result", m.PayJobResult, "99420"),
    # accounts (账号管理)
    "active_account": _license("active_account", ApiResult, "95553", WRITE),
    "batch_active_account": _license("batch_active_account", m.BatchActiveResult, "95553", WRITE),
    "get_active_info_by_code": _license("get_active_info_by_code", m.ActiveInfoByCode, "95552"),
    "batch_get_active_info_by_code": _license("batch_get_active_info_by_code", m.ActiveInfoList, "95552"),
    "list_actived_account": _license("list_actived_account", m.ActivedAccountList, "95544"),
    "get_active_info_by_user": _license("get_active_info_by_user", m.ActiveInfoByUser, "95555"),
    "batch_transfer_license": _license("batch_transfer_license", m.TransferResults, "95673", WRITE),
    "batch_share_active_code": _license("batch_share_active_code", m.ShareActiveCodeResult, "96059", WRITE),
    # app state and auto-activation (许可自动激活)
    "get_app_license_info": _license("get_app_license_info", m.AppLicenseInfo, "95844"),
    "set_auto_active_status": _license("set_auto_active_status", ApiResult, "95873", WRITE),
    "get_auto_active_status": _license("get_auto_active_status", m.AutoActiveStatus, "95874"),
    # the prepaid balance (充值账户) that balance payment draws from: a GET under service/, not license/
    "get_account_balance": Endpoint(
        "service/get_account_balance", "GET", "/cgi-bin/service/get_account_balance", PROVIDER,
        m.AccountBalance.model_validate, page=_DOC + "100137",
    ),
}

# -- app admins with the company token (the new path; service/get_admin_list is no longer maintained)
AGENT_GET_ADMIN_LIST = Endpoint(
    "agent/get_admin_list", "POST", "/cgi-bin/agent/get_admin_list", CORP, AdminList.model_validate,
    page=_DOC + "100072",
)

# -- who is visiting, for 代开发 apps (the company token instead of the suite token)
AUTH_GET_USER_INFO = Endpoint(
    "auth/getuserinfo", "GET", "/cgi-bin/auth/getuserinfo", CORP, m.CorpUserInfo.model_validate, safety=ONE_TIME,
    page=_DOC + "96442",
)
AUTH_GET_USER_DETAIL = Endpoint(
    "auth/getuserdetail", "POST", "/cgi-bin/auth/getuserdetail", CORP, m.CorpUserDetail.model_validate,
    safety=ONE_TIME, page=_DOC + "96443",
)

# -- id conversion with the company token (ID 转换接口)
OPENUSERID_TO_USERID = Endpoint(
    "batch/openuserid_to_userid", "POST", "/cgi-bin/batch/openuserid_to_userid", CORP, m.UserIdList.model_validate,
    page=_DOC + "95884",
)
GET_NEW_EXTERNAL_USERID = Endpoint(
    "externalcontact/get_new_external_userid", "POST", "/cgi-bin/externalcontact/get_new_external_userid", CORP,
    m.NewExternalUserIdList.model_validate, page=_DOC + "97107",
)
GROUPCHAT_GET_NEW_EXTERNAL_USERID = Endpoint(
    "externalcontact/groupchat/get_new_external_userid", "POST",
    "/cgi-bin/externalcontact/groupchat/get_new_external_userid", CORP, m.NewExternalUserIdList.model_validate,
    page=_DOC + "97107",
)
UNIONID_TO_EXTERNAL_USERID = Endpoint(
    "idconvert/unionid_to_external_userid", "POST", "/cgi-bin/idconvert/unionid_to_external_userid", CORP,
    m.UnionIdConversion.model_validate, page=_DOC + "97108",
)
EXTERNAL_USERID_TO_PENDING_ID = Endpoint(
    "idconvert/batch/external_userid_to_pending_id", "POST", "/cgi-bin/idconvert/batch/external_userid_to_pending_id",
    CORP, m.PendingIdList.model_validate, page=_DOC + "97108",
)
CONVERT_EXTERNAL_TAGID = Endpoint(
    "idconvert/external_tagid", "POST", "/cgi-bin/idconvert/external_tagid", CORP, m.ExternalTagIdList.model_validate,
    page=_DOC + "96169",
)
TO_SERVICE_EXTERNAL_USERID = Endpoint(
    "externalcontact/to_service_external_userid", "POST", "/cgi-bin/externalcontact/to_service_external_userid",
    CORP, m.ServiceExternalUserId.model_validate, page=_DOC + "95195",
)
CONVERT_TMP_EXTERNAL_USERID = Endpoint(
    "idconvert/convert_tmp_external_userid", "POST", "/cgi-bin/idconvert/convert_tmp_external_userid", CORP,
    m.TmpExternalUserIdList.model_validate, page=_DOC + "98729",
)
CONVERT_OPEN_KFID = Endpoint(
    "idconvert/open_kfid", "POST", "/cgi-bin/idconvert/open_kfid", CORP, m.OpenKfIdList.model_validate,
    page=_DOC + "97110",
)

# -- id conversion with the suite / provider token
UNIONID_TO_EXTERNAL_USERID_3RD = Endpoint(
    "service/externalcontact/unionid_to_external_userid_3rd", "POST",
    "/cgi-bin/service/externalcontact/unionid_to_external_userid_3rd", SUITE, m.ExternalUserIdInfo3rd.model_validate,
    page=_DOC + "95878",
)
FINISH_EXTERNAL_USERID_MIGRATION = Endpoint(
    "service/externalcontact/finish_external_userid_migration", "POST",
    "/cgi-bin/service/externalcontact/finish_external_userid_migration", PROVIDER, ApiResult.model_validate,
    safety=WRITE, page=_DOC + "96516",
)
FINISH_OPENID_MIGRATION = Endpoint(
    "service/finish_openid_migration", "POST", "/cgi-bin/service/finish_openid_migration", PROVIDER,
    ApiResult.model_validate, safety=WRITE, page=_DOC + "99375",
)
CONTACT_ID_TRANSLATE = Endpoint(
    "service/contact/id_translate", "POST", "/cgi-bin/service/contact/id_translate", PROVIDER,
    m.ContactIdTranslateJob.model_validate, safety=WRITE, page=_DOC + "91846",
)
SERVICE_BATCH_GETRESULT = Endpoint(
    "service/batch/getresult", "GET", "/cgi-bin/service/batch/getresult", PROVIDER, m.BatchJobResult.model_validate,
    page=_DOC + "91882",
)

# -- legacy 企业号 (§3.10)
# Legacy 企业号 suites: WeCom no longer documents these two (no official page).
GET_AGENT = Endpoint("service/get_agent", "POST", "/cgi-bin/service/get_agent", SUITE, AgentInfo.model_validate)
SET_AGENT = Endpoint(
    "service/set_agent", "POST", "/cgi-bin/service/set_agent", SUITE, ApiResult.model_validate, safety=WRITE,
)


def ad_hoc_endpoint(
    method: str, path: str, token: TokenKind, *, idempotent: bool | None = None
) -> Endpoint[dict[str, Any]]:
    """An endpoint not wrapped yet (``get_json`` / ``post_json``): the answer stays a dict.

    ``idempotent`` defaults to True for GET and False for POST (a POST is not resent after a
    failure that may have reached WeCom, unless the caller says it is safe).
    """
    method = method.upper()
    if not path.startswith("/"):
        path = "/cgi-bin/" + path
    safe = (method == "GET") if idempotent is None else idempotent
    name = path.removeprefix("/cgi-bin/")
    return Endpoint(name, method, path, token, _as_dict, safety=RetrySafety.IDEMPOTENT if safe else WRITE)
