"""Request builders for ordinary corp APIs called with one authorising company's access_token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import endpoints as ep
from .endpoint_spec import ApiCall, TokenKind, builds
from .models import (
    AdminList,
    AppPermissions,
    CorpUserDetail,
    CorpUserInfo,
    ExternalTagIdList,
    JsapiTicket,
    NewExternalUserIdList,
    OpenKfIdList,
    OpenUserIdList,
    PendingIdList,
    ServiceExternalUserId,
    TmpExternalUserIdList,
    UnionIdConversion,
    UserIdList,
)

__all__ = ["CorpCalls"]


class CorpCalls:
    """Builds the corp-token calls of one company (``corp_id``); the client supplies its token."""

    __slots__ = ("corp_id",)

    def __init__(self, corp_id: str) -> None:
        if not corp_id:
            raise ValueError("corp_id must not be empty")
        self.corp_id = corp_id

    def __repr__(self) -> str:
        return f"CorpCalls(corp_id={self.corp_id!r})"

    @builds(ep.GET_JSAPI_TICKET)
    def get_jsapi_ticket(self) -> ApiCall[JsapiTicket]:
        """企业的 jsapi_ticket for ``wx.config`` (400/hour per company: cache it for its 7200 s)."""
        return ApiCall(ep.GET_JSAPI_TICKET, corp_id=self.corp_id)

    @builds(ep.GET_AGENT_CONFIG_TICKET)
    def get_agent_config_ticket(self) -> ApiCall[JsapiTicket]:
        """应用的 jsapi_ticket for ``wx.agentConfig`` (100/hour per app)."""
        return ApiCall(ep.GET_AGENT_CONFIG_TICKET, params={"type": "agent_config"}, corp_id=self.corp_id)

    @builds(ep.USERID_TO_OPENUSERID)
    def userid_to_openuserid(self, user_ids: Iterable[str]) -> ApiCall[OpenUserIdList]:
        """明文userid转open_userid (up to 1000 per call)."""
        return ApiCall(ep.USERID_TO_OPENUSERID, body={"userid_list": list(user_ids)}, corp_id=self.corp_id)

    @builds(ep.GET_APP_PERMISSIONS)
    def get_app_permissions(self) -> ApiCall[AppPermissions]:
        """获取应用权限详情."""
        return ApiCall(ep.GET_APP_PERMISSIONS, body={}, corp_id=self.corp_id)

    @builds(ep.AGENT_GET_ADMIN_LIST)
    def get_admin_list(self) -> ApiCall[AdminList]:
        """获取应用管理员列表 (the app is the token's): third-party and 代开发 apps alike; empty in member
        authorisation mode (成员授权). Replaces the suite-token ``service/get_admin_list``."""
        return ApiCall(ep.AGENT_GET_ADMIN_LIST, body={}, corp_id=self.corp_id)

    # -- who is visiting (代开发 apps: the company token replaces the suite token) -------------------
    @builds(ep.AUTH_GET_USER_INFO)
    def get_user_info(self, code: str) -> ApiCall[CorpUserInfo]:
        """获取访问用户身份 from an OAuth2 / web-login ``code`` (single use, 5 minutes; never resent)."""
        return ApiCall(ep.AUTH_GET_USER_INFO, params={"code": code}, corp_id=self.corp_id)

    @builds(ep.AUTH_GET_USER_DETAIL)
    def get_user_detail(self, user_ticket: str) -> ApiCall[CorpUserDetail]:
        """获取访问用户敏感信息 with the ``user_ticket`` of :meth:`get_user_info` (snsapi_privateinfo)."""
        return ApiCall(ep.AUTH_GET_USER_DETAIL, body={"user_ticket": user_ticket}, corp_id=self.corp_id)

    # -- id conversion (ID 转换) ------------------------------------------------------------------
    @builds(ep.OPENUSERID_TO_USERID)
    def openuserid_to_userid(self, open_userids: Iterable[str], source_agent_id: int) -> ApiCall[UserIdList]:
        """open_userid → the company's userid (≤ 1000), for ids that ``source_agent_id``'s app obtained.
        WeCom documents it for a self-built app's token (自建应用); see docs/api.md."""
        body = {"open_userid_list": list(open_userids), "source_agentid": source_agent_id}
        return ApiCall(ep.OPENUSERID_TO_USERID, body=body, corp_id=self.corp_id)

    @builds(ep.GET_NEW_EXTERNAL_USERID)
    def get_new_external_userid(self, external_userids: Iterable[str]) -> ApiCall[NewExternalUserIdList]:
        """转换客户external_userid: company-subject → provider-subject (≤ 1000, 200 advised). Refused
        once the migration is finished for the company."""
        return ApiCall(ep.GET_NEW_EXTERNAL_USERID, body={"external_userid_list": list(external_userids)},
                       corp_id=self.corp_id)

    @builds(ep.GROUPCHAT_GET_NEW_EXTERNAL_USERID)
    def get_new_external_userid_in_chat(
        self, chat_id: str, external_userids: Iterable[str]
    ) -> ApiCall[NewExternalUserIdList]:
        """转换客户群成员external_userid: the same for members of the group chat ``chat_id`` who are not the
        company's contacts."""
        body = {"chat_id": chat_id, "external_userid_list": list(external_userids)}
        return ApiCall(ep.GROUPCHAT_GET_NEW_EXTERNAL_USERID, body=body, corp_id=self.corp_id)

    @builds(ep.UNIONID_TO_EXTERNAL_USERID)
    def unionid_to_external_userid(
        self, unionid: str, openid: str, *, subject_type: int = 0
    ) -> ApiCall[UnionIdConversion]:
        """unionid转换为第三方external_userid: ``external_userid`` of a customer, else a ``pending_id``
        (90 days). ``subject_type`` 0: the mini program / official account belongs to the company, 1: to
        the provider."""
        body = {"unionid": unionid, "openid": openid, "subject_type": subject_type}
        return ApiCall(ep.UNIONID_TO_EXTERNAL_USERID, body=body, corp_id=self.corp_id)

    @builds(ep.EXTERNAL_USERID_TO_PENDING_ID)
    def external_userid_to_pending_id(
        self, external_userids: Iterable[str], *, chat_id: str | None = None
    ) -> ApiCall[PendingIdList]:
        """external_userid查询pending_id (≤ 100): links new customers to unionids asked about before."""
        body: dict[str, Any] = {"external_userid": list(external_userids)}
        if chat_id is not None:
            body["chat_id"] = chat_id
        return ApiCall(ep.EXTERNAL_USERID_TO_PENDING_ID, body=body, corp_id=self.corp_id)

    @builds(ep.CONVERT_EXTERNAL_TAGID)
    def convert_external_tagid(self, external_tagids: Iterable[str]) -> ApiCall[ExternalTagIdList]:
        """客户标签ID的转换: tag or tag-group ids, company subject → provider subject (≤ 1000)."""
        return ApiCall(ep.CONVERT_EXTERNAL_TAGID, body={"external_tagid_list": list(external_tagids)},
                       corp_id=self.corp_id)

    @builds(ep.TO_SERVICE_EXTERNAL_USERID)
    def to_service_external_userid(self, external_userid: str) -> ApiCall[ServiceExternalUserId]:
        """代开发应用external_userid转换 (a 代开发 app's token): the external_userid the provider's third-party
        app in the same company knows the customer by. Not needed once the 代开发 app is upgraded."""
        return ApiCall(ep.TO_SERVICE_EXTERNAL_USERID, body={"external_userid": external_userid},
                       corp_id=self.corp_id)

    @builds(ep.CONVERT_TMP_EXTERNAL_USERID)
    def convert_tmp_external_userid(
        self, tmp_external_userids: Iterable[str], *, business_type: int, user_type: int
    ) -> ApiCall[TmpExternalUserIdList]:
        """tmp_external_userid的转换 (≤ 100): ``business_type`` 1 meeting, 2 form (收集表), 3 smart sheet;
        ``user_type`` 1 customer, 2 企业互联, 3 上下游, 4 互联企业 (圈子)."""
        body = {"business_type": business_type, "user_type": user_type,
                "tmp_external_userid_list": list(tmp_external_userids)}
        return ApiCall(ep.CONVERT_TMP_EXTERNAL_USERID, body=body, corp_id=self.corp_id)

    @builds(ep.CONVERT_OPEN_KFID)
    def convert_open_kfid(self, open_kfids: Iterable[str]) -> ApiCall[OpenKfIdList]:
        """微信客服ID的转换: company subject → provider subject (≤ 1000)."""
        return ApiCall(ep.CONVERT_OPEN_KFID, body={"open_kfid_list": list(open_kfids)}, corp_id=self.corp_id)

    @builds(None, page=ep.ERRCODES_PAGE, about="the errcodes; the API called has a page of its own")
    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> ApiCall[dict[str, Any]]:
        """GET ``/cgi-bin/<path>?access_token=<company token>&...``; the answer is the JSON dict."""
        return ApiCall(ep.ad_hoc_endpoint("GET", path, TokenKind.CORP), params=dict(params or {}), corp_id=self.corp_id)

    @builds(None, page=ep.ERRCODES_PAGE, about="the errcodes; the API called has a page of its own")
    def post_json(
        self, path: str, body: Mapping[str, Any], *, params: Mapping[str, str] | None = None, idempotent: bool = False
    ) -> ApiCall[dict[str, Any]]:
        """POST JSON with the company's token. ``idempotent=True`` lets timeouts and 5xx be retried."""
        endpoint = ep.ad_hoc_endpoint("POST", path, TokenKind.CORP, idempotent=idempotent)
        return ApiCall(endpoint, params=dict(params or {}), body=body, corp_id=self.corp_id)
