"""``SuiteApp``: the service a provider deploys — callbacks, install flow, company registry, clients.

Modelled on slack_bolt's ``App`` with its OAuth flow and installation store. A ``SuiteApp`` is a
:class:`~wecom_suite.web.WebHandler`, so every web adapter (ASGI, WSGI, Flask, Django, FastAPI)
serves it, under ``config.url_prefix``:

=====================================  ==================================================
``GET  {prefix}/callback/instruction``  URL verification (指令回调URL), provider corp id
``POST {prefix}/callback/instruction``  instruction callbacks: recorded, ``success``, processed after
``GET  {prefix}/callback/data``         URL verification (数据回调URL), provider corp id
``POST {prefix}/callback/data``         data callbacks from installed companies, handled at once
``GET  {prefix}/callback/system``       URL verification (系统事件接收URL), provider corp id
``POST {prefix}/callback/system``       provider system events (``ServiceCorpId``): recorded, ``success``,
                                        then the handlers (needs ``provider_corp_id``)
``GET  {prefix}/install``               start an install (pre_auth_code, state, WeCom's install page)
``GET  {prefix}/install/callback``      WeCom's redirect back with the auth_code
=====================================  ==================================================
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..api.async_client import AsyncSuiteClient
from ..api.client import SuiteClient
from ..callback.context import CallbackContext
from ..callback.delivery import DeliveryOutcome, dispatch_once
from ..callback.receive_id import ReceiveIdSpec
from ..callback.receiver import CallbackReceiver
from ..callback.router import EventRouter, Handler
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import CallbackError, CompanyNotFound
from ..events import (
    CreateAuthEvent,
    DataEvent,
    Event,
    InstructionEvent,
    ResetPermanentCodeEvent,
    SuiteTicketEvent,
    parse_event,
)
from ..stores.records import CompanyState, InboxItem
from ..stores.store import Store
from ..stores.url import open_store
from ..tokens.manager import TokenManager
from ..tokens.refresher import TokenRefresher
from ..web.asgi import ASGIAdapter
from ..web.callback_endpoint import callback_error_response
from ..web.request import WebRequest
from ..web.response import WebResponse
from ..web.wsgi import WSGIAdapter
from .company import Company
from .config import SuiteConfig, redact_store_url
from .inbox_worker import InboxWorker
from .install_flow import InstallFlow
from .lifecycle import SuiteLifecycle
from .paths import DATA_PATH, INSTALL_CALLBACK_PATH, INSTALL_PATH, INSTRUCTION_PATH, SYSTEM_PATH, console_urls

__all__ = ["SuiteApp"]

logger = logging.getLogger("wecom_suite.app")

H = TypeVar("H", bound=Handler)


class SuiteApp:
    """One suite (第三方应用) as a service.

    >>> app = SuiteApp.from_env()
    >>> @app.on("change_contact", change_type="create_user")
    ... def welcome(ctx): ...

    Instruction callbacks are written to the store's inbox before ``success`` is answered and are
    processed by a worker thread: first the default lifecycle (tickets, installs, changes,
    cancellations), then the handlers registered with :meth:`on`. Handlers may therefore run again
    after a crash or a failure (they are retried with backoff): make them idempotent.

    Provider system events (系统事件: ``license_pay_success``, ``register_corp``, ...) arriving at
    ``{prefix}/callback/system`` take the same path, without a built-in lifecycle: only the handlers
    registered with :meth:`on` run. The endpoint needs ``provider_corp_id``.
    """

    def __init__(
        self,
        config: SuiteConfig | None = None,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        start_worker: bool = True,
        warm_tokens: bool = False,
        **settings: Any,
    ) -> None:
        if config is None:
            config = SuiteConfig.from_mapping(settings)
        elif settings:
            config = replace(config, **settings)
        self.config = config
        self.clock = clock or DEFAULT_CLOCK
        self._owns_store = store is None
        self.store: Store = store if store is not None else open_store(config.store_url, clock=self.clock)
        self._async_transport = async_transport
        self.client = SuiteClient(
            config.suite_id,
            config.suite_secret,
            store=self.store,
            provider_corp_id=config.provider_corp_id if config.provider_secret else None,
            provider_secret=config.provider_secret,
            base_url=config.api_base_url,
            transport=transport,
            clock=self.clock,
        )
        self._async_client: AsyncSuiteClient | None = None
        self._async_lock = threading.Lock()
        self.router = EventRouter()
        self.lifecycle = SuiteLifecycle(config.suite_id, self.store, self.client, clock=self.clock)
        self.install_flow = InstallFlow(
            config, self.store, self.client, self.lifecycle.redemption.redeem, clock=self.clock
        )
        # WeCom addresses instruction callbacks to the suite id; one report shows the provider corp id in
        # ToUserName, so that is accepted too (protocol reference §1.6).
        self._instruction = self._receiver({config.suite_id, config.provider_corp_id} - {""}, config.suite_id)
        self._verification = self._receiver(self._verification_receive_id)
        self._data = self._receiver(self._is_installed_corp)
        # System events are encrypted with the provider corp id and carry it as ServiceCorpId (§1.7).
        provider = config.provider_corp_id
        self._system = self._receiver(provider, provider_corp_id=provider) if provider else None
        # Whose inbox (and so whose handlers) gets the system events this URL receives; a SuiteGroup points
        # every suite of one provider at the same app, since WeCom has one system-event URL per provider.
        self.system_event_app: SuiteApp = self
        self.worker = InboxWorker(
            self.store, config.suite_id, self.process, clock=self.clock, lease_seconds=config.inbox_lease_seconds
        )
        # The seed's token daemon, opt-in: refresh the suite token and every active company's token as
        # they come due, so requests rarely wait on WeCom. Safe in every process: refreshes share the lease.
        self.refresher = TokenRefresher(self.warm_token_managers, clock=self.clock) if warm_tokens else None
        if start_worker:
            self.start()

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_env(cls, **kwargs: Any) -> SuiteApp:
        """Settings from ``WECOM_*`` environment variables (see docs/configuration.md)."""
        options = {
            k: kwargs.pop(k) for k in ("store", "clock", "transport", "async_transport", "start_worker") if k in kwargs
        }
        return cls(SuiteConfig.from_env(**kwargs), **options)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, suite: str | None = None, **options: Any) -> SuiteApp:
        """The suite of a TOML file (``suite=`` picks one by name when the file has several)."""
        return cls(SuiteConfig.from_toml(path, suite=suite), **options)

    # -- handlers -----------------------------------------------------------------------------------

    def on(self, info_type: str | Enum, *, change_type: str | Enum | None = None) -> Callable[[H], H]:
        """Register a handler for an InfoType (or a data event's Event/MsgType); it runs after the lifecycle."""
        return self.router.on(info_type, change_type=change_type)

    def default(self, handler: H) -> H:
        """Register the handler for everything no other handler takes."""
        return self.router.default(handler)

    # -- companies ----------------------------------------------------------------------------------

    def corp(self, corp_id: str) -> Company:
        """The installed company ``corp_id``; raises :class:`CompanyNotFound` if absent or revoked."""
        record = self.store.get_company(self.config.suite_id, corp_id)
        if record is None or not record.active:
            raise CompanyNotFound(self.config.suite_id, corp_id, revoked=record is not None)
        return Company(record, self.client.corp(corp_id), lambda: self.async_client.corp(corp_id))

    def company_of(self, event: Event) -> Company | None:
        """The active company an event is about, for handlers: by ``AuthCorpId``, or for ``create_auth`` /
        ``reset_permanent_code`` (which carry only an auth code) the company the lifecycle installed."""
        corp_id = event.auth_corp_id
        if not corp_id and isinstance(event, (CreateAuthEvent, ResetPermanentCodeEvent)):
            record = self.lifecycle.redemption.lookup(event.auth_code)
            corp_id = record.corp_id if record is not None else ""
        if not corp_id:
            return None
        try:
            return self.corp(corp_id)
        except CompanyNotFound:
            return None

    @property
    def async_client(self) -> AsyncSuiteClient:
        """The asyncio twin of ``client`` (same store, same tokens), made on first use."""
        with self._async_lock:
            if self._async_client is None:
                self._async_client = AsyncSuiteClient(
                    self.config.suite_id,
                    self.config.suite_secret,
                    store=self.store,
                    provider_corp_id=self.config.provider_corp_id if self.config.provider_secret else None,
                    provider_secret=self.config.provider_secret,
                    base_url=self.config.api_base_url,
                    transport=self._async_transport,
                    clock=self.clock,
                )
            return self._async_client

    # -- web ----------------------------------------------------------------------------------------

    def urls(self, base_url: str | None = None) -> dict[str, str]:
        """The URLs to enter in the provider console, under ``base_url`` (default: ``public_base_url``)."""
        return console_urls(
            base_url or self.config.public_base_url or "http://localhost:8000",
            self.config.url_prefix,
            system_events=bool(self.config.provider_corp_id),
        )

    def route(self, path: str) -> str | None:
        """The endpoint a request path names, with or without the prefix (adapters may strip it)."""
        prefix = self.config.url_prefix
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
        path = path.rstrip("/")
        if path in (INSTRUCTION_PATH, DATA_PATH, SYSTEM_PATH, INSTALL_PATH, INSTALL_CALLBACK_PATH):
            return path
        return None

    def handles(self, path: str) -> bool:
        return self.route(path) is not None

    def handle(self, request: WebRequest) -> WebResponse:
        endpoint = self.route(request.path)
        if endpoint is None:
            return WebResponse.text("not found", status=404)
        method = request.method.upper()
        if endpoint in (INSTALL_PATH, INSTALL_CALLBACK_PATH):
            if method != "GET":  # not even HEAD: both endpoints have effects (a pre_auth_code, a used state)
                return _method_not_allowed("GET")
            return self.install_flow.begin(request) if endpoint == INSTALL_PATH else self.install_flow.complete(request)
        if method not in ("GET", "POST"):
            return _method_not_allowed("GET, POST")
        if endpoint == SYSTEM_PATH:
            if self._system is None:
                return _system_events_off()
            if method == "GET":
                return self._verify_url(request, self._system)
            return self._receive_system(request, self._system)
        if method == "GET":
            return self._verify_url(request, self._verification)
        if endpoint == INSTRUCTION_PATH:
            return self._receive_instruction(request)
        return self._receive_data(request)

    def asgi(self) -> ASGIAdapter:
        """An ASGI application (uvicorn, hypercorn, or mounted in Starlette/FastAPI)."""
        return ASGIAdapter(self)

    def wsgi(self) -> WSGIAdapter:
        """A WSGI application (gunicorn, uWSGI, or mounted in Flask/Django)."""
        return WSGIAdapter(self)

    # -- callbacks ----------------------------------------------------------------------------------

    def _receiver(
        self, receive_id: ReceiveIdSpec, suite_id: str | None = None, *, provider_corp_id: str | None = None
    ) -> CallbackReceiver:
        return CallbackReceiver(
            self.config.token,
            self.config.encoding_aes_key,
            receive_id,
            previous_encoding_aes_key=self.config.previous_encoding_aes_key,
            clock=self.clock,
            suite_id=suite_id,
            provider_corp_id=provider_corp_id,
        )

    def _verification_receive_id(self, receive_id: str) -> bool:
        """GET verification is encrypted with the provider corp id (§1.7); lenient when it is not configured."""
        if not self.config.provider_corp_id:
            return True
        return receive_id in (self.config.provider_corp_id, self.config.suite_id)

    def _is_installed_corp(self, receive_id: str) -> bool:
        """Data callbacks are encrypted with the authorising corp's id: it must be an active company."""
        record = self.store.get_company(self.config.suite_id, receive_id)
        return record is not None and record.active

    def _verify_url(self, request: WebRequest, receiver: CallbackReceiver) -> WebResponse:
        try:
            return WebResponse.text(receiver.verify_url(request.query))
        except CallbackError as exc:
            logger.warning("suite %s: URL verification rejected: %s", self.config.name, exc)
            return callback_error_response(exc)

    def _receive_instruction(self, request: WebRequest) -> WebResponse:
        """Record first, answer ``success`` second, process in the worker third."""
        try:
            ctx = self._instruction.open(request.query, request.body)
        except CallbackError as exc:
            logger.warning("suite %s: instruction callback rejected: %s", self.config.name, exc)
            return callback_error_response(exc)
        event = ctx.event
        if isinstance(event, SuiteTicketEvent):
            # Stored before answering: it is one small write, and the worker itself may need the ticket
            # (a suite token) to process an install that arrives right behind it.
            try:
                self.lifecycle.store_ticket(event)
            except Exception:  # the store is down: 503 (WeCom re-sends), as _record answers
                logger.exception("suite %s: could not store a suite_ticket", self.config.name)
                return WebResponse.text("store unavailable; WeCom will retry", status=503)
        return self._record(ctx, "callback")

    def _receive_system(self, request: WebRequest, receiver: CallbackReceiver) -> WebResponse:
        """A provider system event: the same inbox and worker as instruction callbacks."""
        try:
            ctx = receiver.open(request.query, request.body)
        except CallbackError as exc:
            logger.warning("suite %s: system event rejected: %s", self.config.name, exc)
            return callback_error_response(exc)
        return self.system_event_app._record(ctx, "system event")

    def _record(self, ctx: CallbackContext, kind: str) -> WebResponse:
        """Write to the inbox (once per content digest), answer ``success``, wake the worker."""
        event = ctx.event
        item = InboxItem(
            id=ctx.digest, suite_id=self.config.suite_id, payload=ctx.raw_xml, received_at=self.clock.now()
        )
        try:
            recorded = self.store.put(item)
        except Exception:
            logger.exception("suite %s: could not record a %s %s", self.config.name, event.info_type, kind)
            return WebResponse.text("store unavailable; WeCom will retry", status=503)
        logger.info(
            "suite %s: %s %s%s %s",
            self.config.name,
            kind,
            event.info_type,
            f" from {event.auth_corp_id}" if event.auth_corp_id else "",
            "recorded" if recorded else "already recorded (redelivery ignored)",
        )
        if recorded:
            self.worker.notify()
        return WebResponse.text("success")

    def _receive_data(self, request: WebRequest) -> WebResponse:
        """Data callbacks go straight to the handlers: they may want to reply, and WeCom waits 5 s."""
        try:
            ctx = self._data.open(request.query, request.body)
        except CallbackError as exc:
            logger.warning("suite %s: data callback rejected: %s", self.config.name, exc)
            return callback_error_response(exc)
        logger.info("suite %s: data callback %s from %s", self.config.name, ctx.event.info_type, ctx.receive_id)
        try:
            outcome, reply = dispatch_once(self._data, self.router, ctx)
        except Exception as exc:
            logger.exception("suite %s: data callback handler failed; WeCom will deliver it again", self.config.name)
            return WebResponse.text(f"handler failed ({type(exc).__name__}); WeCom will deliver this again", 500)
        if outcome is DeliveryOutcome.PENDING:
            return WebResponse.text("an identical delivery is still being handled; deliver again", 503)
        if reply is None:
            return WebResponse.text("success")
        return WebResponse.xml(self._data.encrypt_reply(reply, ctx.receive_id))

    # -- processing ---------------------------------------------------------------------------------

    def process(self, item: InboxItem) -> None:
        """Process one recorded callback: the lifecycle (instruction callbacks only), then the user's handlers."""
        event = parse_event(item.payload)
        system = _is_system_event(event)
        if not system and not isinstance(event, DataEvent):  # data events are not expected here; handlers only
            self.lifecycle.apply(event)
        addressee = self.config.provider_corp_id if system else self.config.suite_id
        ctx = CallbackContext(
            token=self.config.token,
            query={},
            msg_signature="",
            timestamp=event.timestamp,
            nonce="",
            to_user_name=addressee,
            agent_id=None,
            encrypted="",
            raw_xml=item.payload,
            event=event,
            aes_key=b"",
            random=b"",
            receive_id=addressee,
            digest=item.id,
            duplicate=False,
        )
        self.router.dispatch(ctx)

    def process_pending(self) -> int:
        """Process every recorded callback that is ready now (synchronously); how many were claimed."""
        return self.worker.drain()

    # -- lifetime -----------------------------------------------------------------------------------

    def warm_token_managers(self) -> list[TokenManager]:
        """The suite token plus every active company's token: what ``warm_tokens=True`` keeps fresh."""
        suite_id = self.config.suite_id
        companies = self.store.list_companies(suite_id, state=CompanyState.ACTIVE)
        return [self.client.suite_token, *(self.client.corp_token(c.corp_id) for c in companies)]

    def start(self) -> None:
        """Start the inbox worker (and the token refresher when ``warm_tokens=True``)."""
        self.worker.start()
        if self.refresher is not None:
            self.refresher.start()

    def close(self) -> None:
        if self.refresher is not None:
            self.refresher.stop()
        self.worker.stop()
        self.client.close()
        if self._owns_store:
            self.store.close()

    async def aclose(self) -> None:
        """``close()`` plus the async client's connections (for asyncio applications)."""
        if self._async_client is not None:
            await self._async_client.aclose()
        self.close()

    def __enter__(self) -> SuiteApp:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"SuiteApp(name={self.config.name!r}, suite_id={self.config.suite_id!r}, "
            f"store={redact_store_url(self.store.url)!r})"
        )


def _method_not_allowed(allowed: str) -> WebResponse:
    response = WebResponse.text("method not allowed", status=405)
    response.headers["allow"] = allowed
    return response


def _is_system_event(event: Event) -> bool:
    """A provider system event (系统事件): its envelope names the provider (``ServiceCorpId``), not a suite."""
    return isinstance(event, InstructionEvent) and bool(event.service_corp_id) and not event.suite_id


def _system_events_off() -> WebResponse:
    """The system-event URL without ``provider_corp_id``: say which setting turns it on."""
    response = WebResponse.text(
        "the system event URL (系统事件接收URL) is off: set provider_corp_id (WECOM_PROVIDER_CORP_ID) to your "
        "provider corp id (服务商CorpID, from the provider console), then restart",
        status=404,
    )
    response.headers["x-wecom-callback-reason"] = "provider_corp_id_required"
    return response
