"""Request builders for every suite-level API (服务商 / 第三方应用接口). Pure: they return
:class:`ApiCall` values; the clients run them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from ..errors import ConfigError
from ..redaction import redact
from . import endpoints as ep
from .endpoint_spec import ApiCall, TokenKind, builds
from .id_calls import IdConvertCalls
from .license_calls import LicenseCalls, license_call
from .models import (
    AdminList,
    ApiResult,
    AppQrcode,
    AuthInfoEx,
    CorpAccessTokenInfo,
    CustomizedAuthUrl,
    LoginInfo,
    MiniProgramSession,
    OpenCorpId,
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
from .models.legacy_agent import AgentInfo, SetAgentParameters

__all__ = ["SuiteCalls", "TokenChoice"]

TokenChoice = Literal["suite", "provider", "none"]
_TOKEN_CHOICES: dict[str, TokenKind] = {
    "suite": TokenKind.SUITE, "provider": TokenKind.PROVIDER, "none": TokenKind.NONE,
}


def _drop_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class SuiteCalls(LicenseCalls, IdConvertCalls):
    """Knows the suite's identity and secrets; builds the request for each suite API (the license and
    ID-conversion builders come from the two mixins)."""

    __slots__ = ("provider_corp_id", "provider_secret", "suite_id", "suite_secret")

    def __init__(
        self,
        suite_id: str,
        suite_secret: str,
        *,
        provider_corp_id: str | None = None,
        provider_secret: str | None = None,
    ) -> None:
        if not suite_id:
            raise ConfigError("suite_id", "must not be empty")
        if not suite_secret:
            raise ConfigError("suite_secret", "must not be empty")
        if bool(provider_corp_id) != bool(provider_secret):
            raise ConfigError("provider_secret", "give both provider_corp_id and provider_secret, or neither")
        self.suite_id = suite_id
        self.suite_secret = suite_secret
        self.provider_corp_id = provider_corp_id
        self.provider_secret = provider_secret

    def __repr__(self) -> str:
        return (
            f"SuiteCalls(suite_id={self.suite_id!r}, suite_secret={redact(self.suite_secret)}, "
            f"provider_corp_id={self.provider_corp_id!r})"
        )

    # -- tokens (docs/protocol.md §3.2) -----------------------------------------------------------------------------
    @builds(ep.GET_SUITE_TOKEN)
    def get_suite_token(self, suite_ticket: str) -> ApiCall[SuiteAccessToken]:
        """获取第三方应用凭证: a fresh suite_access_token (uncached; the client's ``suite_token``
        manager caches it)."""
        body = {"suite_id": self.suite_id, "suite_secret": self.suite_secret, "suite_ticket": suite_ticket}
        return ApiCall(ep.GET_SUITE_TOKEN, body=body)

    @builds(ep.GET_PROVIDER_TOKEN)
    def get_provider_token(self) -> ApiCall[ProviderAccessToken]:
        """获取服务商凭证: a fresh provider_access_token (uncached). ConfigError at once when the suite has no
        provider_corp_id / provider_secret."""
        if not self.provider_corp_id or not self.provider_secret:
            raise ConfigError("provider_secret", "provider APIs need provider_corp_id and provider_secret")
        body = {"corpid": self.provider_corp_id, "provider_secret": self.provider_secret}
        return ApiCall(ep.GET_PROVIDER_TOKEN, body=body)

    @builds(ep.GET_CORP_TOKEN)
    def get_corp_token(self, corp_id: str, permanent_code: str) -> ApiCall[CorpAccessTokenInfo]:
        """获取企业凭证: a fresh access_token of an authorising company (uncached)."""
        return ApiCall(ep.GET_CORP_TOKEN, body={"auth_corpid": corp_id, "permanent_code": permanent_code})

    @builds(ep.GETTOKEN)
    def get_customized_corp_token(self, corp_id: str, permanent_code: str) -> ApiCall[CorpAccessTokenInfo]:
        """代开发 apps: the permanent code is the app secret, so the token comes from ``gettoken``."""
        return ApiCall(ep.GETTOKEN, params={"corpid": corp_id, "corpsecret": permanent_code})

    # -- install / authorisation (docs/protocol.md §3.3) ------------------------------------------------------------
    @builds(ep.GET_PRE_AUTH_CODE)
    def get_pre_auth_code(self) -> ApiCall[PreAuthCode]:
        """获取预授权码: starts one install session (valid 20 minutes)."""
        return ApiCall(ep.GET_PRE_AUTH_CODE)

    @builds(ep.SET_SESSION_INFO)
    def set_session_info(
        self, pre_auth_code: str, *, auth_type: int = 0, app_ids: Sequence[int] | None = None
    ) -> ApiCall[ApiResult]:
        """设置授权配置: ``auth_type=1`` is a test authorisation (for apps not yet online)."""
        session: dict[str, Any] = {"auth_type": auth_type}
        if app_ids is not None:
            session["appid"] = list(app_ids)
        return ApiCall(ep.SET_SESSION_INFO, body={"pre_auth_code": pre_auth_code, "session_info": session})

    @builds(ep.GET_PERMANENT_CODE)
    def get_permanent_code(self, auth_code: str) -> ApiCall[PermanentCodeInfo]:
        """获取企业永久授权码. The auth_code is single use: persist the answer before anything else."""
        return ApiCall(ep.GET_PERMANENT_CODE, body={"auth_code": auth_code})

    @builds(ep.GET_PERMANENT_CODE_V2)
    def get_permanent_code_v2(self, auth_code: str) -> ApiCall[PermanentCodeInfoV2]:
        """The fast v2 variant: code, company and admin only."""
        return ApiCall(ep.GET_PERMANENT_CODE_V2, body={"auth_code": auth_code})

    @builds(ep.GET_AUTH_INFO)
    def get_auth_info(self, corp_id: str, permanent_code: str) -> ApiCall[AuthInfoEx]:
        """获取企业授权信息."""
        return ApiCall(ep.GET_AUTH_INFO, body={"auth_corpid": corp_id, "permanent_code": permanent_code})

    @builds(ep.GET_AUTH_INFO_V2)
    def get_auth_info_v2(self, corp_id: str, permanent_code: str) -> ApiCall[AuthInfoEx]:
        """获取企业授权信息 (v2): the same answer as ``get_auth_info`` plus ``auth_corp_info.corp_ex_name``
        (the company's other names); unknown fields are kept in the model."""
        return ApiCall(ep.GET_AUTH_INFO_V2, body={"auth_corpid": corp_id, "permanent_code": permanent_code})

    @builds(ep.GET_ADMIN_LIST)
    def get_admin_list(self, corp_id: str, agent_id: int) -> ApiCall[AdminList]:
        """获取应用的管理员列表 with the suite token: WeCom no longer maintains this path; prefer
        ``client.corp(corp_id).get_admin_list()`` (``agent/get_admin_list``, the company token)."""
        return ApiCall(ep.GET_ADMIN_LIST, body={"auth_corpid": corp_id, "agentid": agent_id})

    @builds(ep.GET_APP_QRCODE)
    def get_app_qrcode(
        self, *, app_id: int | None = None, state: str | None = None, style: int | None = None, result_type: int = 2
    ) -> ApiCall[AppQrcode]:
        """获取应用二维码: ``result_type=2`` gives a URL, 1 the PNG bytes (``AppQrcode.image``)."""
        body = _drop_none(suite_id=self.suite_id, appid=app_id, state=state, style=style, result_type=result_type)
        return ApiCall(ep.GET_APP_QRCODE, body=body)

    # -- login / identity (docs/protocol.md §3.4) -------------------------------------------------------------------
    @builds(ep.GET_LOGIN_INFO)
    def get_login_info(self, auth_code: str) -> ApiCall[LoginInfo]:
        """获取登录用户信息 (legacy admin QR login); uses the provider token as ``access_token``."""
        return ApiCall(ep.GET_LOGIN_INFO, body={"auth_code": auth_code})

    @builds(ep.GET_USER_INFO_3RD)
    def get_user_info_3rd(self, code: str) -> ApiCall[UserInfo3rd]:
        """获取访问用户身份 from an OAuth2 / web-login ``code`` (single use, 5 minutes)."""
        return ApiCall(ep.GET_USER_INFO_3RD, params={"code": code})

    @builds(ep.GET_USER_DETAIL_3RD)
    def get_user_detail_3rd(self, user_ticket: str) -> ApiCall[UserDetail3rd]:
        """获取访问用户敏感信息 with the ``user_ticket`` from :meth:`get_user_info_3rd`."""
        return ApiCall(ep.GET_USER_DETAIL_3RD, body={"user_ticket": user_ticket})

    @builds(ep.JSCODE2SESSION)
    def jscode2session(self, js_code: str) -> ApiCall[MiniProgramSession]:
        """Mini-program login for suites."""
        return ApiCall(ep.JSCODE2SESSION, params={"js_code": js_code, "grant_type": "authorization_code"})

    # -- id conversion, 代开发 link, 推广注册 (docs/protocol.md §3.6–3.8) ----------------------------------------
    @builds(ep.CORPID_TO_OPENCORPID)
    def corpid_to_opencorpid(self, corp_id: str) -> ApiCall[OpenCorpId]:
        """明文corpid转密文 (provider token)."""
        return ApiCall(ep.CORPID_TO_OPENCORPID, body={"corpid": corp_id})

    @builds(ep.GET_CUSTOMIZED_AUTH_URL)
    def get_customized_auth_url(self, state: str, template_ids: Iterable[str]) -> ApiCall[CustomizedAuthUrl]:
        """获取带参授权链接 for 代开发 templates (1..9 template ids, state ``[a-zA-Z0-9]`` ≤ 32 bytes)."""
        return ApiCall(ep.GET_CUSTOMIZED_AUTH_URL, body={"state": state, "templateid_list": list(template_ids)})

    @builds(ep.GET_REGISTER_CODE)
    def get_register_code(
        self,
        template_id: str,
        *,
        corp_name: str | None = None,
        admin_name: str | None = None,
        admin_mobile: str | None = None,
        state: str | None = None,
        follow_user: str | None = None,
    ) -> ApiCall[RegisterCode]:
        """推广注册: a register code for a new company."""
        body = _drop_none(
            template_id=template_id, corp_name=corp_name, admin_name=admin_name, admin_mobile=admin_mobile,
            state=state, follow_user=follow_user,
        )
        return ApiCall(ep.GET_REGISTER_CODE, body=body)

    @builds(ep.GET_REGISTER_INFO)
    def get_register_info(self, register_code: str) -> ApiCall[RegisterInfo]:
        """查询注册状态."""
        return ApiCall(ep.GET_REGISTER_INFO, body={"register_code": register_code})

    # -- paid editions and interface licenses (docs/protocol.md §3.9) -----------------------------------------------
    @builds(ep.GET_ORDER)
    def get_order(self, order_id: str) -> ApiCall[Order]:
        """获取订单详情 (paid editions, 付费版本)."""
        return ApiCall(ep.GET_ORDER, body={"orderid": order_id})

    @builds(ep.GET_ORDER_LIST)
    def get_order_list(self, start_time: int, end_time: int, *, test_mode: int = 0) -> ApiCall[OrderList]:
        """获取订单列表 created in [start_time, end_time] (Unix seconds)."""
        return ApiCall(ep.GET_ORDER_LIST, body={"start_time": start_time, "end_time": end_time, "test_mode": test_mode})

    @builds(ep.PROLONG_TRY)
    def prolong_try(self, buyer_corp_id: str, prolong_days: int, *, app_id: int | None = None) -> ApiCall[ApiResult]:
        """延长试用期 (changes state: never resent after an ambiguous failure)."""
        body = _drop_none(buyer_corpid=buyer_corp_id, prolong_days=prolong_days, appid=app_id)
        return ApiCall(ep.PROLONG_TRY, body=body)

    @builds(None, page=ep.LICENSE_OVERVIEW_PAGE, about="the overview; each license API has a page of its own")
    def license_api(self, name: str, body: Mapping[str, Any] | None = None) -> ApiCall[ApiResult]:
        """Any 接口许可 API by name (``license/<name>``, or ``get_account_balance``; provider token) with a raw
        body, e.g. ``"get_app_license_info"``; the answer keeps every field in ``model_extra`` (as before the typed
        ``license_<name>`` methods existed — prefer those). ValueError at once for a name that is not one."""
        return license_call(name, dict(body or {}), raw=True)

    # -- legacy 企业号 (docs/protocol.md §3.10) ------------------------------------------------------------------------
    @builds(ep.GET_AGENT)
    def get_agent(self, corp_id: str, permanent_code: str, agent_id: int) -> ApiCall[AgentInfo]:
        """获取企业号应用 (the seed's GetAgent): a legacy 企业号 API no longer in the official docs."""
        body = {"suite_id": self.suite_id, "auth_corpid": corp_id, "permanent_code": permanent_code,
                "agentid": agent_id}
        return ApiCall(ep.GET_AGENT, body=body)

    @builds(ep.SET_AGENT)
    def set_agent(self, corp_id: str, permanent_code: str, agent: SetAgentParameters) -> ApiCall[ApiResult]:
        """设置企业号应用 (the seed's SetAgent): a legacy 企业号 API no longer in the official docs."""
        body = {"suite_id": self.suite_id, "auth_corpid": corp_id, "permanent_code": permanent_code,
                "agent": agent.to_json()}
        return ApiCall(ep.SET_AGENT, body=body)

    # -- anything not wrapped yet -------------------------------------------------------------
    @builds(None, page=ep.ERRCODES_PAGE, about="the errcodes; the API called has a page of its own")
    def get_json(
        self, path: str, params: Mapping[str, str] | None = None, *, token: TokenChoice = "suite"  # noqa: S107
    ) -> ApiCall[dict[str, Any]]:
        """GET ``/cgi-bin/<path>`` with the chosen token; the answer is the JSON dict (errcode checked)."""
        return ApiCall(ep.ad_hoc_endpoint("GET", path, _TOKEN_CHOICES[token]), params=dict(params or {}))

    @builds(None, page=ep.ERRCODES_PAGE, about="the errcodes; the API called has a page of its own")
    def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        token: TokenChoice = "suite",  # noqa: S107
        params: Mapping[str, str] | None = None,
        idempotent: bool = False,
    ) -> ApiCall[dict[str, Any]]:
        """POST JSON to ``/cgi-bin/<path>``. Pass ``idempotent=True`` for reads so that timeouts and
        5xx are retried."""
        endpoint = ep.ad_hoc_endpoint("POST", path, _TOKEN_CHOICES[token], idempotent=idempotent)
        return ApiCall(endpoint, params=dict(params or {}), body=body)
