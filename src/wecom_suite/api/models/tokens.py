"""Access tokens and JS-SDK tickets as WeCom returns them (凭证 / jsapi_ticket)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import ApiResult

__all__ = ["CorpAccessTokenInfo", "JsapiTicket", "ProviderAccessToken", "SuiteAccessToken"]


class SuiteAccessToken(ApiResult):
    """``service/get_suite_token`` (第三方应用凭证)."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"suite_access_token"})

    suite_access_token: str
    expires_in: int = 7200


class ProviderAccessToken(ApiResult):
    """``service/get_provider_token`` (服务商凭证)."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"provider_access_token"})

    provider_access_token: str
    expires_in: int = 7200


class CorpAccessTokenInfo(ApiResult):
    """A company's ``access_token`` (授权方企业凭证): ``service/get_corp_token`` or, for 代开发, ``gettoken``."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"access_token"})

    access_token: str
    expires_in: int = 7200


class JsapiTicket(ApiResult):
    """``get_jsapi_ticket`` (for ``wx.config``) or ``ticket/get?type=agent_config`` (for ``wx.agentConfig``)."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"ticket"})

    ticket: str
    expires_in: int = Field(default=7200)
