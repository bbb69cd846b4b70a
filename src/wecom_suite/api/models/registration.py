"""推广注册 (register a new company through the provider) answers; field details are unconfirmed,
so everything else WeCom sends is kept in ``model_extra``."""

from __future__ import annotations

from pydantic import Field

from .authorization import AuthUserInfo
from .base import ApiResult

__all__ = ["RegisterCode", "RegisterInfo"]


class RegisterCode(ApiResult):
    """``service/get_register_code``."""

    register_code: str
    expires_in: int = 0


class RegisterInfo(ApiResult):
    """``service/get_register_info``."""

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    contact_sync: dict[str, object] | None = None
    auth_user_info: AuthUserInfo = Field(default_factory=lambda: AuthUserInfo.model_validate({}))
    state: str = ""
