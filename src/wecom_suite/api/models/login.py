"""Login and user identity answers (登录 / 网页授权)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = [
    "LoginAgent",
    "LoginAuthInfo",
    "LoginCorpInfo",
    "LoginDepartment",
    "LoginInfo",
    "LoginUserInfo",
    "MiniProgramSession",
    "UserDetail3rd",
    "UserInfo3rd",
]


class LoginUserInfo(WeComModel):
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    open_userid: str = ""
    name: str = ""
    avatar: str = ""


class LoginCorpInfo(WeComModel):
    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")


class LoginAgent(WeComModel):
    agent_id: int = Field(validation_alias="agentid", serialization_alias="agentid")
    auth_type: int = 0  # 0 usage, 1 management


class LoginDepartment(WeComModel):
    id: int
    writable: bool = False


class LoginAuthInfo(WeComModel):
    departments: list[LoginDepartment] = Field(
        default_factory=list, validation_alias="department", serialization_alias="department"
    )


class LoginInfo(ApiResult):
    """``service/get_login_info`` (legacy admin QR login, 第三方扫码登录).

    ``user_type``: 1 creator, 2 internal admin, 3 external admin, 4 sub-admin (分级管理员), 5 member.
    """

    user_type: int = Field(default=0, validation_alias="usertype", serialization_alias="usertype")
    user_info: LoginUserInfo = Field(default_factory=lambda: LoginUserInfo.model_validate({}))
    corp_info: LoginCorpInfo = Field(default_factory=lambda: LoginCorpInfo.model_validate({}))
    agents: list[LoginAgent] = Field(default_factory=list, validation_alias="agent", serialization_alias="agent")
    auth_info: LoginAuthInfo = Field(default_factory=LoginAuthInfo)


class UserInfo3rd(ApiResult):
    """``service/auth/getuserinfo3rd`` (获取访问用户身份). A non-member gets only ``openid``."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"user_ticket"})

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    open_userid: str = ""
    user_ticket: str = ""
    expires_in: int = 0
    openid: str = ""

    @property
    def is_member(self) -> bool:
        return bool(self.user_id)


class UserDetail3rd(ApiResult):
    """``service/auth/getuserdetail3rd`` (获取访问用户敏感信息)."""

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    name: str = ""
    gender: str = ""  # "0" undefined, "1" male, "2" female
    avatar: str = ""
    qr_code: str = ""


class MiniProgramSession(ApiResult):
    """``service/miniprogram/jscode2session`` for suites."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"session_key"})

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    session_key: str = ""
    open_userid: str = ""
