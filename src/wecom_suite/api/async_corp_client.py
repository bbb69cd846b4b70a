"""``AsyncCorpClient``: ordinary corp APIs with one authorising company's access_token (asyncio)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from .bound_methods import async_method
from .corp_calls import CorpCalls
from .endpoint_spec import ApiCall

if TYPE_CHECKING:
    from .async_client import AsyncSuiteClient

__all__ = ["AsyncCorpClient"]

T = TypeVar("T")


class AsyncCorpClient:
    """``async_client.corp(corp_id)``."""

    def __init__(self, parent: AsyncSuiteClient, corp_id: str) -> None:
        self._parent = parent
        self._calls = CorpCalls(corp_id)

    @property
    def corp_id(self) -> str:
        return self._calls.corp_id

    def __repr__(self) -> str:
        return f"AsyncCorpClient(suite_id={self._parent.suite_id!r}, corp_id={self.corp_id!r})"

    async def _execute(self, call: ApiCall[T]) -> T:
        return await self._parent._execute(call)

    async def access_token(self) -> str:
        return await self._parent.corp_token(self.corp_id).token()

    async def jsapi_ticket(self) -> str:
        return await self._parent.jsapi_ticket(self.corp_id).token()

    async def agent_config_ticket(self, agent_id: int) -> str:
        return await self._parent.agent_config_ticket(self.corp_id, agent_id).token()

    get_jsapi_ticket = async_method(CorpCalls.get_jsapi_ticket)
    get_agent_config_ticket = async_method(CorpCalls.get_agent_config_ticket)
    userid_to_openuserid = async_method(CorpCalls.userid_to_openuserid)
    get_app_permissions = async_method(CorpCalls.get_app_permissions)
    get_admin_list = async_method(CorpCalls.get_admin_list)
    get_user_info = async_method(CorpCalls.get_user_info)
    get_user_detail = async_method(CorpCalls.get_user_detail)
    openuserid_to_userid = async_method(CorpCalls.openuserid_to_userid)
    get_new_external_userid = async_method(CorpCalls.get_new_external_userid)
    get_new_external_userid_in_chat = async_method(CorpCalls.get_new_external_userid_in_chat)
    unionid_to_external_userid = async_method(CorpCalls.unionid_to_external_userid)
    external_userid_to_pending_id = async_method(CorpCalls.external_userid_to_pending_id)
    convert_external_tagid = async_method(CorpCalls.convert_external_tagid)
    convert_open_kfid = async_method(CorpCalls.convert_open_kfid)
    to_service_external_userid = async_method(CorpCalls.to_service_external_userid)
    convert_tmp_external_userid = async_method(CorpCalls.convert_tmp_external_userid)
    get_json = async_method(CorpCalls.get_json)
    post_json = async_method(CorpCalls.post_json)
