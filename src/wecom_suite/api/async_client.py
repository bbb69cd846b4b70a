"""``AsyncSuiteClient``: the asyncio shell (httpx.AsyncClient) over the same sans-I/O call flow as
:class:`~wecom_suite.api.client.SuiteClient`; only the way bytes move and time passes differs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..clock import Clock
from ..flow import run_async
from ..tokens.async_manager import AsyncTokenManager
from ..tokens.grant import TokenGrant
from ..tokens.policy import RefreshPolicy
from .async_corp_client import AsyncCorpClient
from .bound_methods import async_method
from .call_flow import DropToken, NeedToken, Send, Step, call_flow
from .client_core import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientCore,
    ClientStore,
    CredentialRef,
    ManagerTable,
    TicketRef,
    grant_of,
)
from .endpoint_spec import ApiCall, HttpRequest, TokenKind, TokenRef
from .log_redaction import install_log_redaction
from .retry_policy import RetryPolicy
from .suite_calls import SuiteCalls
from .transport_outcome import HttpAnswer, TransportFailure, transport_failure

__all__ = ["AsyncSuiteClient"]

T = TypeVar("T")


class AsyncSuiteClient:
    """Every service API of one suite, ``async``. Same arguments as ``SuiteClient``; ``sleep``
    defaults to ``asyncio.sleep``."""

    def __init__(
        self,
        suite_id: str,
        suite_secret: str,
        *,
        store: ClientStore,
        provider_corp_id: str | None = None,
        provider_secret: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        token_policy: RefreshPolicy | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        self._core = ClientCore(
            suite_id, suite_secret, store=store, provider_corp_id=provider_corp_id, provider_secret=provider_secret,
            base_url=base_url, timeout=timeout, clock=clock, retry=retry, token_policy=token_policy,
        )
        self._calls: SuiteCalls = self._core.calls
        self._sleep = sleep or asyncio.sleep
        install_log_redaction()
        self._http = httpx.AsyncClient(base_url=self._core.base_url, timeout=timeout, transport=transport)
        self._managers: ManagerTable[AsyncTokenManager] = ManagerTable(self._new_manager)

    def __repr__(self) -> str:
        return self._core.describe("AsyncSuiteClient")

    @property
    def suite_id(self) -> str:
        return self._core.suite_id

    @property
    def suite_token(self) -> AsyncTokenManager:
        return self._managers.get(TokenRef(TokenKind.SUITE))

    @property
    def provider_token(self) -> AsyncTokenManager:
        return self._managers.get(TokenRef(TokenKind.PROVIDER))

    def corp_token(self, corp_id: str) -> AsyncTokenManager:
        return self._managers.get(TokenRef(TokenKind.CORP, corp_id))

    def jsapi_ticket(self, corp_id: str) -> AsyncTokenManager:
        """The cached ``jsapi_ticket`` of one company (for ``wx.config``)."""
        return self._managers.get(TicketRef(corp_id))

    def agent_config_ticket(self, corp_id: str, agent_id: int) -> AsyncTokenManager:
        """The cached ``agent_config`` ticket of the app in one company (for ``wx.agentConfig``)."""
        return self._managers.get(TicketRef(corp_id, agent_id))

    def _new_manager(self, ref: CredentialRef) -> AsyncTokenManager:
        core = self._core

        async def fetch() -> TokenGrant:
            call = await asyncio.to_thread(core.fetch_call, ref)  # reads the store (blocking backends)
            return grant_of(await self._execute(call))

        return AsyncTokenManager(core.store, core.store_key(ref), fetch, clock=core.clock, policy=core.token_policy)

    def corp(self, corp_id: str) -> AsyncCorpClient:
        return AsyncCorpClient(self, corp_id)

    async def _execute(self, call: ApiCall[T]) -> T:
        """Run the call flow: the only place this client does I/O."""
        return await run_async(call_flow(call, self._core.retry), self._step)

    async def _step(self, step: Step) -> Any:
        if isinstance(step, Send):
            return await self._send(step.request)
        if isinstance(step, NeedToken):
            return await self._managers.get(step.ref).token()
        if isinstance(step, DropToken):
            return await self._managers.get(step.ref).invalidate(step.token)
        return await self._sleep(step.seconds)

    async def _send(self, request: HttpRequest) -> HttpAnswer | TransportFailure:
        try:
            response = await self._http.request(
                request.method, request.path, params=request.params, content=request.content, headers=request.headers
            )
        except httpx.TransportError as exc:
            return transport_failure(exc)
        return HttpAnswer(response.status_code, response.headers.get("content-type", ""), response.content)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncSuiteClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    get_suite_token = async_method(SuiteCalls.get_suite_token)
    get_provider_token = async_method(SuiteCalls.get_provider_token)
    get_corp_token = async_method(SuiteCalls.get_corp_token)
    get_customized_corp_token = async_method(SuiteCalls.get_customized_corp_token)
    get_pre_auth_code = async_method(SuiteCalls.get_pre_auth_code)
    set_session_info = async_method(SuiteCalls.set_session_info)
    get_permanent_code = async_method(SuiteCalls.get_permanent_code)
    get_permanent_code_v2 = async_method(SuiteCalls.get_permanent_code_v2)
    get_auth_info = async_method(SuiteCalls.get_auth_info)
    get_auth_info_v2 = async_method(SuiteCalls.get_auth_info_v2)
    get_admin_list = async_method(SuiteCalls.get_admin_list)
    get_app_qrcode = async_method(SuiteCalls.get_app_qrcode)
    get_login_info = async_method(SuiteCalls.get_login_info)
    get_user_info_3rd = async_method(SuiteCalls.get_user_info_3rd)
    get_user_detail_3rd = async_method(SuiteCalls.get_user_detail_3rd)
    jscode2session = async_method(SuiteCalls.jscode2session)
    corpid_to_opencorpid = async_method(SuiteCalls.corpid_to_opencorpid)
    get_customized_auth_url = async_method(SuiteCalls.get_customized_auth_url)
    get_register_code = async_method(SuiteCalls.get_register_code)
    get_register_info = async_method(SuiteCalls.get_register_info)
    get_order = async_method(SuiteCalls.get_order)
    get_order_list = async_method(SuiteCalls.get_order_list)
    prolong_try = async_method(SuiteCalls.prolong_try)
    license_api = async_method(SuiteCalls.license_api)
    license_create_new_order = async_method(SuiteCalls.license_create_new_order)
    license_create_renew_order_job = async_method(SuiteCalls.license_create_renew_order_job)
    license_submit_order_job = async_method(SuiteCalls.license_submit_order_job)
    license_create_new_order_job = async_method(SuiteCalls.license_create_new_order_job)
    license_submit_new_order_job = async_method(SuiteCalls.license_submit_new_order_job)
    license_new_order_job_result = async_method(SuiteCalls.license_new_order_job_result)
    license_list_order = async_method(SuiteCalls.license_list_order)
    license_get_order = async_method(SuiteCalls.license_get_order)
    license_get_union_order = async_method(SuiteCalls.license_get_union_order)
    license_list_order_account = async_method(SuiteCalls.license_list_order_account)
    license_cancel_order = async_method(SuiteCalls.license_cancel_order)
    license_submit_pay_job = async_method(SuiteCalls.license_submit_pay_job)
    license_pay_job_result = async_method(SuiteCalls.license_pay_job_result)
    license_get_account_balance = async_method(SuiteCalls.license_get_account_balance)
    license_active_account = async_method(SuiteCalls.license_active_account)
    license_batch_active_account = async_method(SuiteCalls.license_batch_active_account)
    license_get_active_info_by_code = async_method(SuiteCalls.license_get_active_info_by_code)
    license_batch_get_active_info_by_code = async_method(SuiteCalls.license_batch_get_active_info_by_code)
    license_list_actived_account = async_method(SuiteCalls.license_list_actived_account)
    license_get_active_info_by_user = async_method(SuiteCalls.license_get_active_info_by_user)
    license_batch_transfer_license = async_method(SuiteCalls.license_batch_transfer_license)
    license_batch_share_active_code = async_method(SuiteCalls.license_batch_share_active_code)
    license_get_app_license_info = async_method(SuiteCalls.license_get_app_license_info)
    license_set_auto_active_status = async_method(SuiteCalls.license_set_auto_active_status)
    license_get_auto_active_status = async_method(SuiteCalls.license_get_auto_active_status)
    unionid_to_external_userid_3rd = async_method(SuiteCalls.unionid_to_external_userid_3rd)
    finish_external_userid_migration = async_method(SuiteCalls.finish_external_userid_migration)
    finish_openid_migration = async_method(SuiteCalls.finish_openid_migration)
    contact_id_translate = async_method(SuiteCalls.contact_id_translate)
    get_batch_result = async_method(SuiteCalls.get_batch_result)
    get_agent = async_method(SuiteCalls.get_agent)
    set_agent = async_method(SuiteCalls.set_agent)
    get_json = async_method(SuiteCalls.get_json)
    post_json = async_method(SuiteCalls.post_json)
