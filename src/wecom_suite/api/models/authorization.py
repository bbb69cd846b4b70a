"""Install / authorisation answers (授权): pre-auth code, permanent code, auth info, admins, QR codes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = [
    "AdminInfo",
    "AdminList",
    "AppQrcode",
    "AuthCorpInfo",
    "AuthInfo",
    "AuthInfoAgent",
    "AuthInfoDepartment",
    "AuthInfoEx",
    "AuthUserInfo",
    "CustomizedAuthUrl",
    "DealerCorpInfo",
    "EditionAgent",
    "EditionInfo",
    "PermanentCodeInfo",
    "PermanentCodeInfoV2",
    "PreAuthCode",
    "Privilege",
    "RegisterCodeInfo",
    "SharedFrom",
]


class PreAuthCode(ApiResult):
    """``service/get_pre_auth_code`` (预授权码): one install session, valid 20 minutes."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"pre_auth_code"})

    pre_auth_code: str
    expires_in: int = 1200


class DealerCorpInfo(WeComModel):
    """The reseller (代理服务商) the company installed through."""

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    corp_name: str = ""


class AuthCorpInfo(WeComModel):
    """The authorising company (授权方企业信息)."""

    corp_id: str = Field(validation_alias="corpid", serialization_alias="corpid")
    corp_name: str = ""
    corp_type: str = ""  # verified | unverified
    corp_square_logo_url: str = ""
    corp_round_logo_url: str = ""  # legacy
    corp_user_max: int = 0
    corp_agent_max: int = 0  # legacy
    corp_full_name: str = ""
    verified_end_time: int = 0
    subject_type: int = 0  # 1 enterprise, 2 government/public, 3 other, 4 team (团队号)
    corp_wxqrcode: str = ""
    corp_scale: str = ""
    corp_industry: str = ""
    corp_sub_industry: str = ""
    location: str = ""


class Privilege(WeComModel):
    """Visible range (可见范围, ``allow_*``) and extra contacts range (``extra_*``) of an agent."""

    level: int = 0
    allow_party: list[int] = Field(default_factory=list)
    allow_user: list[str] = Field(default_factory=list)
    allow_tag: list[int] = Field(default_factory=list)
    extra_party: list[int] = Field(default_factory=list)
    extra_user: list[str] = Field(default_factory=list)
    extra_tag: list[int] = Field(default_factory=list)


class SharedFrom(WeComModel):
    """Set when the app was shared to this company (0 企业互联, 1 上下游)."""

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    share_type: int = 0


class AuthInfoAgent(WeComModel):
    """One installed agent (应用) inside the company: ``auth_info.agent[]``."""

    agent_id: int = Field(validation_alias="agentid", serialization_alias="agentid")
    name: str = ""
    round_logo_url: str = ""
    square_logo_url: str = ""
    app_id: int = Field(default=0, validation_alias="appid", serialization_alias="appid")
    auth_mode: int = 0  # 0 admin authorisation (管理员授权), 1 member authorisation (成员授权)
    is_customized_app: bool = False
    auth_from_thirdapp: bool = False
    privilege: Privilege = Field(default_factory=Privilege)
    shared_from: SharedFrom | None = None


class AuthInfoDepartment(WeComModel):
    """Legacy (企业号) authorised department."""

    id: int
    name: str = ""
    parent_id: int = Field(default=0, validation_alias="parentid", serialization_alias="parentid")
    writable: bool = False


class AuthInfo(WeComModel):
    agents: list[AuthInfoAgent] = Field(default_factory=list, validation_alias="agent", serialization_alias="agent")
    departments: list[AuthInfoDepartment] = Field(
        default_factory=list, validation_alias="department", serialization_alias="department"
    )


class AuthUserInfo(WeComModel):
    """The admin who installed (授权管理员). ``name``/``avatar`` are not real data for new apps."""

    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    open_userid: str = ""
    name: str = ""
    avatar: str = ""
    email: str = ""  # legacy
    mobile: str = ""  # legacy


class RegisterCodeInfo(WeComModel):
    """Present when the company was created via 推广注册."""

    register_code: str = ""
    template_id: str = ""
    state: str = ""


class EditionAgent(WeComModel):
    """Paid-edition status of one agent (付费版本)."""

    agent_id: int = Field(validation_alias="agentid", serialization_alias="agentid")
    edition_id: str = ""
    edition_name: str = ""
    app_status: int = 0  # 0 unpaid .. 7 over user limit past the 7-day grace (docs/protocol.md §3.3)
    user_limit: int = 0
    expired_time: int = 0
    is_virtual_version: bool = False
    is_shared_from_other_corp: bool = False


class EditionInfo(WeComModel):
    agents: list[EditionAgent] = Field(default_factory=list, validation_alias="agent", serialization_alias="agent")

    def for_agent(self, agent_id: int) -> EditionAgent | None:
        """The edition of one installed agent, or None."""
        return next((agent for agent in self.agents if agent.agent_id == agent_id), None)


class AuthInfoEx(ApiResult):
    """``service/get_auth_info``: what a company authorised (the seed's AuthInfoEx, widened)."""

    auth_corp_info: AuthCorpInfo
    auth_info: AuthInfo = Field(default_factory=AuthInfo)
    dealer_corp_info: DealerCorpInfo | None = None
    edition_info: EditionInfo | None = None

    @property
    def edition(self) -> EditionAgent | None:
        """The paid edition (付费版本) of the suite's app in this company: ``edition_id``, ``app_status``,
        ``user_limit``, ``expired_time``. None for a suite without editions. Call ``get_auth_info`` again
        on ``change_editon`` to refresh it (https://developer.work.weixin.qq.com/document/path/90604)."""
        if self.edition_info is None or not self.edition_info.agents:
            return None
        ids = [agent.agent_id for agent in self.auth_info.agents]
        found = next((e for e in map(self.edition_info.for_agent, ids) if e is not None), None)
        return found or self.edition_info.agents[0]


class PermanentCodeInfo(AuthInfoEx):
    """``service/get_permanent_code`` (永久授权码). ``access_token`` is absent for 代开发 apps, where
    ``permanent_code`` is the app's secret."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"permanent_code", "access_token"})

    permanent_code: str
    access_token: str = ""
    expires_in: int = 0
    auth_user_info: AuthUserInfo = Field(default_factory=lambda: AuthUserInfo.model_validate({}))
    register_code_info: RegisterCodeInfo | None = None
    state: str = ""

    @property
    def corp_id(self) -> str:
        return self.auth_corp_info.corp_id

    @property
    def is_customized_app(self) -> bool:
        """True for a 代开发 app: the permanent code is then the app secret for ``gettoken``."""
        return any(agent.is_customized_app for agent in self.auth_info.agents)


class PermanentCodeInfoV2(ApiResult):
    """``service/v2/get_permanent_code``: only the code, the company and the admin; call
    ``get_auth_info`` for the rest and ``get_corp_token`` for a token."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"permanent_code"})

    permanent_code: str
    auth_corp_info: AuthCorpInfo
    auth_user_info: AuthUserInfo = Field(default_factory=lambda: AuthUserInfo.model_validate({}))
    register_code_info: RegisterCodeInfo | None = None
    state: str = ""

    @property
    def corp_id(self) -> str:
        return self.auth_corp_info.corp_id


class AdminInfo(WeComModel):
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    open_userid: str = ""
    auth_type: int = 0  # 0 usage (发消息权限), 1 management (管理权限)


class AdminList(ApiResult):
    """``service/get_admin_list`` (应用的管理员列表)."""

    admins: list[AdminInfo] = Field(default_factory=list, validation_alias="admin", serialization_alias="admin")


class AppQrcode(ApiResult):
    """``service/get_app_qrcode``: ``qrcode`` (a URL) for ``result_type=2``; ``image`` (PNG bytes) for 1."""

    qrcode: str = ""
    image: bytes | None = Field(default=None, repr=False)


class CustomizedAuthUrl(ApiResult):
    """``service/get_customized_auth_url`` (代开发带参授权链接), valid 10 days."""

    qrcode_url: str
    expires_in: int = 0
