"""``CorpClient``: ordinary corp APIs with one authorising company's access_token (blocking)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from .bound_methods import sync_method
from .corp_calls import CorpCalls
from .endpoint_spec import ApiCall

if TYPE_CHECKING:
    from .client import SuiteClient

__all__ = ["CorpClient"]

T = TypeVar("T")


class CorpClient:
    """``client.corp(corp_id)``: the token is that company's, from its permanent code in the store."""

    def __init__(self, parent: SuiteClient, corp_id: str) -> None:
        self._parent = parent
        self._calls = CorpCalls(corp_id)

    @property
    def corp_id(self) -> str:
        return self._calls.corp_id

    def __repr__(self) -> str:
        return f"CorpClient(suite_id={self._parent.suite_id!r}, corp_id={self.corp_id!r})"

    def _execute(self, call: ApiCall[T]) -> T:
        return self._parent._execute(call)

    def access_token(self) -> str:
        """The company's current access_token (cached, refreshed when due)."""
        return self._parent.corp_token(self.corp_id).token()

    def jsapi_ticket(self) -> str:
        """The company's ``jsapi_ticket``, cached for its lifetime (WeCom allows 400 fetches an hour)."""
        return self._parent.jsapi_ticket(self.corp_id).token()

    def agent_config_ticket(self, agent_id: int) -> str:
        """The app's ``agent_config`` ticket, cached (100 fetches an hour per app)."""
        return self._parent.agent_config_ticket(self.corp_id, agent_id).token()

    get_jsapi_ticket = sync_method(CorpCalls.get_jsapi_ticket)
    get_agent_config_ticket = sync_method(CorpCalls.get_agent_config_ticket)
    userid_to_openuserid = sync_method(CorpCalls.userid_to_openuserid)
    get_app_permissions = sync_method(CorpCalls.get_app_permissions)
    get_admin_list = sync_method(CorpCalls.get_admin_list)
    get_user_info = sync_method(CorpCalls.get_user_info)
    get_user_detail = sync_method(CorpCalls.get_user_detail)
    openuserid_to_userid = sync_method(CorpCalls.openuserid_to_userid)
    get_new_external_userid = sync_method(CorpCalls.get_new_external_userid)
    get_new_external_userid_in_chat = sync_method(CorpCalls.get_new_external_userid_in_chat)
    unionid_to_external_userid = sync_method(CorpCalls.unionid_to_external_userid)
    external_userid_to_pending_id = sync_method(CorpCalls.external_userid_to_pending_id)
    convert_external_tagid = sync_method(CorpCalls.convert_external_tagid)
    convert_open_kfid = sync_method(CorpCalls.convert_open_kfid)
    to_service_external_userid = sync_method(CorpCalls.to_service_external_userid)
    convert_tmp_external_userid = sync_method(CorpCalls.convert_tmp_external_userid)
    get_json = sync_method(CorpCalls.get_json)
    post_json = sync_method(CorpCalls.post_json)
