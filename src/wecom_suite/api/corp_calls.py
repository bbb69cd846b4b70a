"""Request builders for ordinary corp APIs called with one authorising company's access_token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import endpoints as ep
from .endpoint import ApiCall, TokenKind
from .models import AppPermissions, JsapiTicket, OpenUserIdList

__all__ = ["CorpCalls"]


class CorpCalls:
    __slots__ = ("corp_id",)

    def __init__(self, corp_id: str) -> None:
        if not corp_id:
            raise ValueError("corp_id must not be empty")
        self.corp_id = corp_id

    def __repr__(self) -> str:
        return f"CorpCalls(corp_id={self.corp_id!r})"

    def get_jsapi_ticket(self) -> ApiCall[JsapiTicket]:
        """企业的 jsapi_ticket for ``wx.config`` (400/hour per company: cache it for its 7200 s)."""
        return ApiCall(ep.GET_JSAPI_TICKET, corp_id=self.corp_id)

    def get_agent_config_ticket(self) -> ApiCall[JsapiTicket]:
        """应用的 jsapi_ticket for ``wx.agentConfig`` (100/hour per app)."""
        return ApiCall(ep.GET_AGENT_CONFIG_TICKET, params={"type": "agent_config"}, corp_id=self.corp_id)

    def userid_to_openuserid(self, user_ids: Iterable[str]) -> ApiCall[OpenUserIdList]:
        """明文userid转open_userid (up to 1000 per call)."""
        return ApiCall(ep.USERID_TO_OPENUSERID, body={"userid_list": list(user_ids)}, corp_id=self.corp_id)

    def get_app_permissions(self) -> ApiCall[AppPermissions]:
        """获取应用权限详情."""
        return ApiCall(ep.GET_APP_PERMISSIONS, body={}, corp_id=self.corp_id)

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> ApiCall[dict[str, Any]]:
        """GET ``/cgi-bin/<path>?access_token=<company token>&...``; the answer is the JSON dict."""
        return ApiCall(ep.ad_hoc_endpoint("GET", path, TokenKind.CORP), params=dict(params or {}), corp_id=self.corp_id)

    def post_json(
        self, path: str, body: Mapping[str, Any], *, params: Mapping[str, str] | None = None, idempotent: bool = False
    ) -> ApiCall[dict[str, Any]]:
        """POST JSON with the company's token. ``idempotent=True`` lets timeouts and 5xx be retried."""
        endpoint = ep.ad_hoc_endpoint("POST", path, TokenKind.CORP, idempotent=idempotent)
        return ApiCall(endpoint, params=dict(params or {}), body=body, corp_id=self.corp_id)
