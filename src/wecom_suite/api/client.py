"""``SuiteClient``: the blocking shell (httpx.Client) over the sans-I/O call flow.

It moves bytes, hands out tokens from the :class:`~wecom_suite.tokens.TokenManager` s and sleeps;
every endpoint and every retry decision lives in :mod:`.suite_calls` / :mod:`.call_flow`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..clock import Clock
from ..flow import run
from ..tokens.grant import TokenGrant
from ..tokens.manager import TokenManager
from ..tokens.policy import RefreshPolicy
from .bound_methods import sync_method
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
from .corp_client import CorpClient
from .endpoint_spec import ApiCall, HttpRequest, TokenKind, TokenRef
from .log_redaction import install_log_redaction
from .retry_policy import RetryPolicy
from .suite_calls import SuiteCalls
from .transport_outcome import HttpAnswer, TransportFailure, transport_failure

__all__ = ["SuiteClient"]

T = TypeVar("T")


class SuiteClient:
    """Every service API of one suite (第三方应用), blocking.

    Tokens are never asked of the caller: the suite token comes from the newest ``suite_ticket`` in
    ``store``, a company's token from its permanent code in ``store``. ``sleep`` (default
    ``time.sleep``) is used only between retries; tests pass ``ManualClock.advance``.
    """

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
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        token_policy: RefreshPolicy | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self._core = ClientCore(
            suite_id, suite_secret, store=store, provider_corp_id=provider_corp_id, provider_secret=provider_secret,
            base_url=base_url, timeout=timeout, clock=clock, retry=retry, token_policy=token_policy,
        )
        self._calls: SuiteCalls = self._core.calls
        self._sleep = sleep or time.sleep
        install_log_redaction()
        self._http = httpx.Client(base_url=self._core.base_url, timeout=timeout, transport=transport)
        self._managers: ManagerTable[TokenManager] = ManagerTable(self._new_manager)

    def __repr__(self) -> str:
        return self._core.describe("SuiteClient")

    @property
    def suite_id(self) -> str:
        return self._core.suite_id

    # -- token managers --------------------------------------------------------------------------
    @property
    def suite_token(self) -> TokenManager:
        """The cached ``suite_access_token`` (``.token()``, ``.refresh()``, ``.invalidate(t)``)."""
        return self._managers.get(TokenRef(TokenKind.SUITE))

    @property
    def provider_token(self) -> TokenManager:
        """The cached ``provider_access_token`` (needs ``provider_corp_id`` + ``provider_secret``)."""
        return self._managers.get(TokenRef(TokenKind.PROVIDER))

    def corp_token(self, corp_id: str) -> TokenManager:
        """The cached ``access_token`` of one authorising company."""
        return self._managers.get(TokenRef(TokenKind.CORP, corp_id))

    def jsapi_ticket(self, corp_id: str) -> TokenManager:
        """The cached ``jsapi_ticket`` of one company (for ``wx.config``)."""
        return self._managers.get(TicketRef(corp_id))

    def agent_config_ticket(self, corp_id: str, agent_id: int) -> TokenManager:
        """The cached ``agent_config`` ticket of the app in one company (for ``wx.agentConfig``)."""
        return self._managers.get(TicketRef(corp_id, agent_id))

    def _new_manager(self, ref: CredentialRef) -> TokenManager:
        core = self._core

        def fetch() -> TokenGrant:
            return grant_of(self._execute(core.fetch_call(ref)))

        return TokenManager(core.store, core.store_key(ref), fetch, clock=core.clock, policy=core.token_policy)

    def corp(self, corp_id: str) -> CorpClient:
        """Ordinary corp APIs (``get_json``, ``post_json``, jsapi tickets, ...) with that company's token."""
        return CorpClient(self, corp_id)

    # -- the shell -------------------------------------------------------------------------------
    def _execute(self, call: ApiCall[T]) -> T:
        """Run the call flow: the only place this client does I/O."""
        return run(call_flow(call, self._core.retry), self._step)

    def _step(self, step: Step) -> Any:
        if isinstance(step, Send):
            return self._send(step.request)
        if isinstance(step, NeedToken):
            return self._managers.get(step.ref).token()
        if isinstance(step, DropToken):
            return self._managers.get(step.ref).invalidate(step.token)
        return self._sleep(step.seconds)

    def _send(self, request: HttpRequest) -> HttpAnswer | TransportFailure:
        try:
            response = self._http.request(
                request.method, request.path, params=request.params, content=request.content, headers=request.headers
            )
        except httpx.TransportError as exc:
            return transport_failure(exc)
        return HttpAnswer(response.status_code, response.headers.get("content-type", ""), response.content)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SuiteClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- every endpoint, from the one builder each -------------------------------------------------
    get_suite_token = sync_method(SuiteCalls.get_suite_token)
    get_provider_token = sync_method(SuiteCalls.get_provider_token)
    get_corp_token = sync_method(SuiteCalls.get_corp_token)
    get_customized_corp_token = sync_method(SuiteCalls.get_customized_corp_token)
    get_pre_auth_code = sync_method(SuiteCalls.get_pre_auth_code)
    set_session_info = sync_method(SuiteCalls.set_session_info)
    get_permanent_code = sync_method(SuiteCalls.get_permanent_code)
    get_permanent_code_v2 = sync_method(SuiteCalls.get_permanent_code_v2)
    get_auth_info = sync_method(SuiteCalls.get_auth_info)
    get_auth_info_v2 = sync_method(SuiteCalls.get_auth_info_v2)
    get_admin_list = sync_method(SuiteCalls.get_admin_list)
    get_app_qrcode = sync_method(SuiteCalls.get_app_qrcode)
    get_login_info = sync_method(SuiteCalls.get_login_info)
    get_user_info_3rd = sync_method(SuiteCalls.get_user_info_3rd)
    get_user_detail_3rd = sync_method(SuiteCalls.get_user_detail_3rd)
    jscode2session = sync_method(SuiteCalls.jscode2session)
    corpid_to_opencorpid = sync_method(SuiteCalls.corpid_to_opencorpid)
    get_customized_auth_url = sync_method(SuiteCalls.get_customized_auth_url)
    get_register_code = sync_method(SuiteCalls.get_register_code)
    get_register_info = sync_method(SuiteCalls.get_register_info)
    get_order = sync_method(SuiteCalls.get_order)
    get_order_list = sync_method(SuiteCalls.get_order_list)
    prolong_try = sync_method(SuiteCalls.prolong_try)
    license_api = sync_method(SuiteCalls.license_api)
    license_create_new_order = sync_method(SuiteCalls.license_create_new_order)
    license_create_renew_order_job = sync_method(SuiteCalls.license_create_renew_order_job)
    license_submit_order_job = sync_method(SuiteCalls.license_submit_order_job)
    license_create_new_order_job = sync_method(SuiteCalls.license_create_new_order_job)
    license_submit_new_order_job = sync_method(SuiteCalls.license_submit_new_order_job)
    license_new_order_job_result = sync_method(SuiteCalls.license_new_order_job_result)
    license_list_order = sync_method(SuiteCalls.license_list_order)
    license_get_order = sync_method(SuiteCalls.license_get_order)
    license_get_union_order = sync_method(SuiteCalls.license_get_union_order)
    license_list_order_account = sync_method(SuiteCalls.license_list_order_account)
    license_cancel_order = sync_method(SuiteCalls.license_cancel_order)
    license_submit_pay_job = sync_method(SuiteCalls.license_submit_pay_job)
    license_pay_job_result = sync_method(SuiteCalls.license_pay_job_result)
    license_get_account_balance = sync_method(SuiteCalls.license_get_account_balance)
    license_active_account = sync_method(SuiteCalls.license_active_account)
    license_batch_active_account = sync_method(SuiteCalls.license_batch_active_account)
    license_get_active_info_by_code = sync_method(SuiteCalls.license_get_active_info_by_code)
    license_batch_get_active_info_by_code = sync_method(SuiteCalls.license_batch_get_active_info_by_code)
    license_list_actived_account = sync_method(SuiteCalls.license_list_actived_account)
    license_get_active_info_by_user = sync_method(SuiteCalls.license_get_active_info_by_user)
    license_batch_transfer_license = sync_method(SuiteCalls.license_batch_transfer_license)
    license_batch_share_active_code = sync_method(SuiteCalls.license_batch_share_active_code)
    license_get_app_license_info = sync_method(SuiteCalls.license_get_app_license_info)
    license_set_auto_active_status = sync_method(SuiteCalls.license_set_auto_active_status)
    license_get_auto_active_status = sync_method(SuiteCalls.license_get_auto_active_status)
    unionid_to_external_userid_3rd = sync_method(SuiteCalls.unionid_to_external_userid_3rd)
    finish_external_userid_migration = sync_method(SuiteCalls.finish_external_userid_migration)
    finish_openid_migration = sync_method(SuiteCalls.finish_openid_migration)
    contact_id_translate = sync_method(SuiteCalls.contact_id_translate)
    get_batch_result = sync_method(SuiteCalls.get_batch_result)
    get_agent = sync_method(SuiteCalls.get_agent)
    set_agent = sync_method(SuiteCalls.set_agent)
    get_json = sync_method(SuiteCalls.get_json)
    post_json = sync_method(SuiteCalls.post_json)
