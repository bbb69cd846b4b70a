"""``SuiteApp``: the service a provider deploys — callbacks, install flow, company registry, clients.

Modelled on slack_bolt's ``App`` with its OAuth flow and installation store. A ``SuiteApp`` is a
:class:`~wecom_suite.web.WebHandler`, so every web adapter (ASGI, WSGI, Flask, Django, FastAPI)
serves it, under ``config.url_prefix``:

=====================================  ==================================================
``GET  {prefix}/callback/instruction``  URL verification (指令回调URL), provider corp id
``POST {prefix}/callback/instruction``  instruction callbacks: recorded, ``success``, processed after
``GET  {prefix}/callback/data``         URL verification (数据回调URL), provider corp id
``POST {prefix}/callback/data``         data callbacks from members of installed companies: recorded, ``success``
                                        (or a passive reply from a synchronous handler), processed after
``GET  {prefix}/callback/system``       URL verification (系统事件接收URL), provider corp id
``POST {prefix}/callback/system``       provider system events (``ServiceCorpId``): recorded, ``success``,
                                        then the handlers (needs ``provider_corp_id``)
``GET  {prefix}/install``               start an install (pre_auth_code, state, WeCom's install page)
``GET  {prefix}/install/callback``      WeCom's redirect back with the auth_code
``GET  {prefix}/login``                 a member signs in: in-app OAuth2 or web QR login (docs/signin.md)
``GET  {prefix}/login/callback``        WeCom's redirect back with the code: ``@on_login`` or a hand-off
``GET  {prefix}/healthz``, ``/readyz``  liveness and readiness probes, JSON (docs/operations-console.md)
``GET  /metrics``                       Prometheus metrics, when :mod:`wecom_suite.metrics` is on
``{prefix}/console``                    the operator console, when ``console_token`` is set
=====================================  ==================================================
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from enum import Enum
from types import TracebackType
from typing import TypeVar

import httpx
from pydantic import SecretStr
from typing_extensions import Unpack

from .. import metrics
from ..api.async_client import AsyncSuiteClient
from ..api.client import SuiteClient
from ..callback.context import CallbackContext, InboxContext
from ..callback.receive_id import ReceiveIdSpec
from ..callback.receiver import CallbackReceiver
from ..callback.router import EventRouter, Handler
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import CallbackError, CompanyNotFound, DeadLetter, DeadLetterReason, NotReadyYet
from ..events import (
    CancelAuthEvent,
    ChangeAuthEvent,
    CreateAuthEvent,
    Event,
    ResetPermanentCodeEvent,
    SuiteTicketEvent,
    parse_event,
)
from ..redaction import redact_store_url
from ..stores.records import SUITE_QUEUE, CallbackSource, CompanyRecord, CompanyState, InboxItem
from ..stores.sealed import warn_if_plain
from ..stores.store import Store
from ..tokens.manager import TokenManager
from ..tokens.refresher import TokenRefresher
from ..web.asgi import ASGIAdapter
from ..web.callback_endpoint import ErrorHandler, Interceptor, answer_error, callback_error_response, intercept
from ..web.request import WebRequest
from ..web.response import WebResponse
from ..web.wsgi import WSGIAdapter
from .browser_state import BrowserStates
from .client_options import ClientOptions, client_options
from .company import Company
from .config import SuiteConfig, open_configured_store, reveal
from .console import Console
from .handoff import Handoff, Handoffs, HandoffSigner
from .inbox_worker import DeliveryPolicy, InboxWorker
from .install_flow import InstallFlow
from .lifecycle import SuiteLifecycle
from .login_flow import LoginFlow, LoginHandler
from .operator_routes import is_operator_path, operator_response
from .options import SuiteAppOptions, show_options, split_settings
from .pages import page_request
from .paths import (
    DATA_PATH,
    INSTALL_CALLBACK_PATH,
    INSTALL_PATH,
    INSTRUCTION_PATH,
    LOGIN_CALLBACK_PATH,
    LOGIN_PATH,
    SYSTEM_PATH,
    console_urls,
)
from .recent_callbacks import RecentCallback, RecentCallbacks

__all__ = ["SuiteApp"]

logger = logging.getLogger("wecom_suite.app")

H = TypeVar("H", bound=Handler)
L = TypeVar("L", bound=LoginHandler)
_LOGIN_PATHS = (LOGIN_PATH, LOGIN_CALLBACK_PATH)


class SuiteApp:
    """One suite (第三方应用) as a service.

    >>> app = SuiteApp.from_env()
    >>> @app.on("change_contact", change_type="create_user")
    ... def welcome(ctx): ...

    Every callback URL records first: a verified callback is written to the store's inbox, then
    answered, then processed by worker threads (docs/delivery.md): first the default lifecycle
    (tickets, installs, changes, cancellations) for instruction callbacks, then the handlers
    registered with :meth:`on`. Handlers run at least once, one at a time per company in WeCom's
    order; a failing one is retried with backoff and ends as a dead letter an operator can retry
    (``wecom-suite inbox``). Make handlers idempotent.

    Data callbacks (数据回调) take the same path. A handler registered with ``reply=True`` runs at once
    instead, within ``reply_deadline`` seconds, and its answer is sent back encrypted (被动回复); if it
    fails or runs late, the callback stays in the inbox and is retried there, and WeCom gets ``success``.

    Provider system events (系统事件: ``license_pay_success``, ``register_corp``, ...) arriving at
    ``{prefix}/callback/system`` take the same path, without a built-in lifecycle. The endpoint needs
    ``provider_corp_id``.

    ``interceptor`` runs before anything else on every callback URL (a response short-circuits it);
    ``error_handler`` sees each rejected callback (``CallbackError``) and each failure to record one,
    and may return the response to send instead of ours (the seed's ``ServerFrontend`` hooks).
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
        interceptor: Interceptor | None = None,
        error_handler: ErrorHandler | None = None,
        delivery: DeliveryPolicy | None = None,
        # The settings: SuiteConfig's fields (docs/configuration.md); None means not given.
        suite_id: str | None = None,
        suite_secret: str | SecretStr | None = None,
        token: str | SecretStr | None = None,
        encoding_aes_key: str | SecretStr | None = None,
        previous_encoding_aes_key: str | SecretStr | None = None,
        provider_corp_id: str | None = None,
        provider_secret: str | SecretStr | None = None,
        store_url: str | SecretStr | None = None,
        cache_url: str | SecretStr | None = None,
        api_base_url: str | None = None,
        auth_type: str | None = None,
        install_base_url: str | None = None,
        install_url_style: str | None = None,
        public_base_url: str | None = None,
        success_redirect_url: str | None = None,
        login_redirect_url: str | None = None,
        allowed_return_urls: str | None = None,
        login_mode: str | None = None,
        login_scope: str | None = None,
        login_base_url: str | None = None,
        secret_key: str | SecretStr | None = None,
        console_token: str | SecretStr | None = None,
        url_prefix: str | None = None,
        name: str | None = None,
        inbox_lease_seconds: float | str | None = None,
        inbox_workers: int | str | None = None,
        inbox_max_attempts: int | str | None = None,
        inbox_dedup_days: float | str | None = None,
        warm_tokens: bool | str | None = None,
        reply_deadline: float | str | None = None,
    ) -> None:
        """``config``, or the settings as keyword arguments over the ``WECOM_*`` variables of ``os.environ``
        (both: the keywords win over ``config``). A setting given as ``None`` is not given, as everywhere.

        Objects: ``store`` (default: opened from ``store_url``; the app then closes it), ``clock``,
        ``transport``/``async_transport`` (httpx, e.g. for the sandbox), ``interceptor`` and
        ``error_handler`` (the class docstring), ``delivery`` (the inbox worker's policy; default from the
        ``inbox_*`` settings), ``start_worker`` (False: ``with``, the ASGI lifespan and requests do not
        start the workers; only ``start()`` does, docs/design.md). Raises ``ConfigError`` naming every bad
        setting at once. Constructing starts no thread.
        """
        arguments = dict(locals())  # the settings, by the names of SuiteConfig's fields
        settings = {k: v for k, v in arguments.items() if k in SuiteConfig.model_fields and v is not None}
        if config is None:
            config = SuiteConfig.from_mapping(settings)
        elif settings:  # the config's values, with the keywords over them (not the environment's)
            config = SuiteConfig.from_mapping({**config.settings(), **settings}, env={})
        self.config = config
        self.clock = clock or DEFAULT_CLOCK
        self._owns_store = store is None
        self.store: Store = (
            store
            if store is not None
            else open_configured_store(config, self.clock)
        )
        warn_if_plain(self.store)  # once per process: secrets at rest need WECOM_SECRET_KEY
        self._async_transport = async_transport
        self.interceptor = interceptor
        self.error_handler = error_handler
        self.reply_deadline = config.reply_deadline  # seconds a reply=True handler may run
        self.client = SuiteClient(**self._client_options(), transport=transport)
        self._async_client: AsyncSuiteClient | None = None
        self._async_lock = threading.Lock()
        self.router = EventRouter()
        self.lifecycle = SuiteLifecycle(config.suite_id, self.store, self.client, clock=self.clock)
        # Signed, single-use hand-offs to the provider's site after an install or a sign-in (docs/signin.md).
        signer = HandoffSigner(reveal(config.secret_key or config.suite_secret), config.suite_id)
        self.handoffs = Handoffs(signer, self.store.install_states, self.clock)
        self.install_flow = InstallFlow(
            config, self.store.install_states, self.client, self._redeem, clock=self.clock, handoffs=self.handoffs
        )
        login_states = BrowserStates(self.store.install_states, config.suite_id, config.name, self.clock)
        self.login_flow = LoginFlow(config, login_states, self.handoffs, self.client, self._is_installed_corp)
        # Every authenticated callback is recorded (signature + AES prove WeCom sent it): the instruction URL
        # also carries corp-addressed events (sys_approval_change), and the data URL carries companies whose
        # install may still be in flight; processing, not the receiver, decides what to do with them.
        self._instruction = self._receiver(_any_receive_id, config.suite_id, match_inner_to_user_name=False)
        self._verification = self._receiver(self._verification_receive_id)
        self._data = self._receiver(_any_receive_id)
        # System events are encrypted with the provider corp id and carry it as ServiceCorpId (docs/protocol.md).
        provider = config.provider_corp_id
        self._system = self._receiver(provider, provider_corp_id=provider) if provider else None
        policy = delivery or DeliveryPolicy(
            workers=config.inbox_workers,
            lease_seconds=config.inbox_lease_seconds,
            max_attempts=config.inbox_max_attempts,
            dedup_window_seconds=config.inbox_dedup_days * 86_400,
        )
        self.worker = InboxWorker(self.store.inbox, config.suite_id, self.process, clock=self.clock, policy=policy)
        self._arrival_lock = threading.Lock()
        self._last_arrival = 0.0
        self._replies: ThreadPoolExecutor | None = None
        self._replies_lock = threading.Lock()
        # The seed's token daemon, opt-in: refresh the suite token and every active company's token as
        # they come due, so requests rarely wait on WeCom. Safe in every process: refreshes share the lease.
        self.refresher = TokenRefresher(self.warm_token_managers, clock=self.clock) if config.warm_tokens else None
        # Constructing starts no thread (nor does opening the store). start() starts the workers; so does
        # autostart() -- the context manager, the ASGI lifespan, the first request this app serves -- unless
        # start_worker=False. The first served request is WSGI's lifespan: a forked child starts its own.
        self._auto_start = start_worker
        self._autostarted = False
        self._started = False
        self._start_lock = threading.Lock()
        # The operator's views (docs/operations-console.md): the console only with a console_token.
        self.recent = RecentCallbacks() if config.console_token else None
        self.console = Console(self, reveal(config.console_token)) if config.console_token else None
        metrics.watch(self)

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Unpack[SuiteAppOptions]) -> SuiteApp:
        """Settings from ``WECOM_*`` variables in ``env`` (default ``os.environ``); keyword settings win.

        Takes every keyword ``SuiteApp(...)`` takes (docs/configuration.md)."""
        settings, objects = split_settings(options)
        return cls(SuiteConfig.from_env(env, **settings), **objects)

    @classmethod
    def from_toml(
        cls,
        path: str | os.PathLike[str],
        *,
        suite: str | None = None,
        env: Mapping[str, str] | None = None,
        **options: Unpack[SuiteAppOptions],
    ) -> SuiteApp:
        """The suite of a TOML file (``suite=`` picks one by name when the file has several).

        ``WECOM_*`` variables in ``env`` (default ``os.environ``) and keyword settings win over the file;
        takes every keyword ``SuiteApp(...)`` takes."""
        settings, objects = split_settings(options)
        return cls(SuiteConfig.from_toml(path, suite=suite, env=env, **settings), **objects)

    # -- handlers -----------------------------------------------------------------------------------

    def on(
        self, info_type: str | Enum, *, change_type: str | Enum | None = None, reply: bool = False
    ) -> Callable[[H], H]:
        """Register a handler for an InfoType (or a data event's Event/MsgType); it runs after the lifecycle.

        ``reply=True`` (data URL only): run it while WeCom waits, and send what it returns as the passive
        encrypted reply; see the class docstring for what happens when it fails or runs late."""
        return self.router.on(info_type, change_type=change_type, reply=reply)

    def default(self, handler: H) -> H:
        """Register the handler for everything no other handler takes."""
        return self.router.default(handler)

    def on_login(self, handler: L) -> L:
        """Register the handler of ``{prefix}/login/callback``: it gets a :class:`~.login_flow.SignIn` and
        returns the response (set the site's own session, redirect); None falls back to the hand-off."""
        self.login_flow.set_handler(handler)
        return handler

    def verify_handoff(self, token: str, *, kind: str | None = "login") -> Handoff:
        """The :class:`~.handoff.Handoff` a ``?wecom_handoff=`` token carries; raises ``HandoffError``
        unless it is genuine, for this suite, of ``kind`` (``"login"``, ``"install"`` or None for
        either), unexpired and not used before (each token verifies once)."""
        return self.handoffs.verify(token, kind=kind)

    # -- companies ----------------------------------------------------------------------------------

    def corp(self, corp_id: str) -> Company:
        """The installed company ``corp_id``; raises :class:`CompanyNotFound` if absent or revoked."""
        record = self.store.companies.get_company(self.config.suite_id, corp_id)
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
                self._async_client = AsyncSuiteClient(**self._client_options(), transport=self._async_transport)
            return self._async_client

    def _client_options(self) -> ClientOptions:
        """What both clients are built from (one factory, shared with the CLI: the clients cannot drift)."""
        return client_options(self.config, self.store, self.clock)

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
        if path in (INSTRUCTION_PATH, DATA_PATH, SYSTEM_PATH, INSTALL_PATH, INSTALL_CALLBACK_PATH, *_LOGIN_PATHS):
            return path
        if is_operator_path(path):  # healthz, readyz, metrics, console
            return path
        return None

    def handles(self, path: str) -> bool:
        return self.route(path) is not None

    def handle(self, request: WebRequest, *, system_events_to: SuiteApp | None = None) -> WebResponse:
        """Answer one request. ``system_events_to``: the app whose inbox (and handlers) get the system events
        this request carries, default this one; a ``SuiteGroup`` passes the first suite of the provider,
        since WeCom has one system-event URL per provider."""
        endpoint = self.route(request.path)
        if endpoint is None:  # not this app's request (a 404 from a mount): it starts nothing
            return WebResponse.text("not found", status=404)
        if not self._autostarted:
            self.autostart()
        if is_operator_path(endpoint):
            return operator_response(self, request, endpoint)
        method = request.method.upper()
        if endpoint in (INSTALL_PATH, INSTALL_CALLBACK_PATH):
            if method != "GET":  # not even HEAD: both endpoints have effects (a pre_auth_code, a used state)
                return _method_not_allowed("GET")
            flow = self.install_flow
            with page_request(request):  # the pages' language (Accept-Language) and start-again link
                return flow.begin(request) if endpoint == INSTALL_PATH else flow.complete(request)
        if endpoint in _LOGIN_PATHS:
            if method != "GET":  # a new state, a used code: effects again
                return _method_not_allowed("GET")
            with page_request(request):
                return self.login_flow.begin(request) if endpoint == LOGIN_PATH else self.login_flow.complete(request)
        if method not in ("GET", "POST"):
            return _method_not_allowed("GET, POST")
        intercepted = intercept(self.interceptor, request)
        if intercepted is not None:
            return intercepted
        if endpoint == SYSTEM_PATH:
            if self._system is None:
                return _system_events_off()
            if method == "GET":
                return self._verify_url(request, self._system)
            return self._receive(request, self._system, CallbackSource.SYSTEM, system_events_to or self)
        if method == "GET":
            return self._verify_url(request, self._verification)
        if endpoint == INSTRUCTION_PATH:
            return self._receive(request, self._instruction, CallbackSource.INSTRUCTION)
        return self._receive(request, self._data, CallbackSource.DATA)

    def asgi(self) -> ASGIAdapter:
        """An ASGI application (uvicorn, hypercorn, or mounted in Starlette/FastAPI)."""
        return ASGIAdapter(self)

    def wsgi(self) -> WSGIAdapter:
        """A WSGI application (gunicorn, uWSGI, or mounted in Flask/Django)."""
        return WSGIAdapter(self)

    # -- callbacks ----------------------------------------------------------------------------------

    def _receiver(
        self,
        receive_id: ReceiveIdSpec,
        suite_id: str | None = None,
        *,
        provider_corp_id: str | None = None,
        match_inner_to_user_name: bool = True,
    ) -> CallbackReceiver:
        return CallbackReceiver(
            reveal(self.config.token),
            reveal(self.config.encoding_aes_key),
            receive_id,
            previous_encoding_aes_key=reveal(self.config.previous_encoding_aes_key),
            clock=self.clock,
            suite_id=suite_id,
            provider_corp_id=provider_corp_id,
            match_inner_to_user_name=match_inner_to_user_name,
        )

    def _verification_receive_id(self, receive_id: str) -> bool:
        """GET verification uses the provider corp id (docs/protocol.md §1.7); lenient when it is not configured."""
        if not self.config.provider_corp_id:
            return True
        return receive_id in (self.config.provider_corp_id, self.config.suite_id)

    def _is_installed_corp(self, corp_id: str) -> bool:
        """Whether ``corp_id`` is an active company of this suite (sign-in only serves those)."""
        record = self.store.companies.get_company(self.config.suite_id, corp_id)
        return record is not None and record.active

    def _verify_url(self, request: WebRequest, receiver: CallbackReceiver) -> WebResponse:
        try:
            return WebResponse.text(receiver.verify_url(request.query))
        except CallbackError as exc:
            logger.warning("suite %s: URL verification rejected: %s", self.config.name, exc)
            return answer_error(self.error_handler, request, exc, callback_error_response(exc))

    def _receive(
        self, request: WebRequest, receiver: CallbackReceiver, source: CallbackSource, recorder: SuiteApp | None = None
    ) -> WebResponse:
        """Verify, record (in ``recorder``'s inbox, default this app's), answer. Processing happens in the
        inbox worker (or at once, for a reply handler)."""
        since = metrics.started()
        try:
            ctx = receiver.open(request.query, request.body)
        except CallbackError as exc:
            logger.warning("suite %s: %s callback rejected: %s", self.config.name, source.value, exc)
            self._observe(source, None, "", "rejected", "", since)
            return answer_error(self.error_handler, request, exc, callback_error_response(exc))
        event = ctx.event
        if source is CallbackSource.INSTRUCTION and isinstance(event, SuiteTicketEvent):
            # Stored before answering as well: one small write, and the worker may need the ticket (a suite
            # token) for an install that arrives right behind it, behind a queue of other callbacks.
            try:
                self.lifecycle.store_ticket(event)
            except Exception as exc:  # the store is down: 503 (the request failed, so WeCom delivers it again)
                logger.error("suite %s: could not store a suite_ticket: %s", self.config.name,
                             f"{type(exc).__name__}: {exc}")
                self._observe(source, event, "", "store_error", "", since)
                unavailable = WebResponse.text("store unavailable: the callback was not recorded", status=503)
                return answer_error(self.error_handler, request, exc, unavailable)
        app = recorder or self
        replying = source is CallbackSource.DATA and self.router.wants_reply(event)
        item = InboxItem(
            id=ctx.digest,
            suite_id=app.config.suite_id,
            payload=ctx.raw_xml,
            received_at=self._arrival(),
            queue=queue_of(event, source, ctx.receive_id, ctx.digest),
            source=source,
            event_time=_plausible_time(event.timestamp),
            # A reply handler runs now; the worker must not take the item while it does (nor before the
            # lease runs out, should this process die meanwhile).
            not_before=self.clock.now() + app.worker.policy.lease_seconds if replying else 0.0,
        )
        try:
            recorded = app.store.inbox.put(item)
        except Exception as exc:
            logger.error("suite %s: could not record a %s %s callback: %s", self.config.name, event.info_type,
                         source.value, f"{type(exc).__name__}: {exc}")
            response = WebResponse.text("store unavailable: the callback was not recorded", status=503)
            self._observe(source, event, item.queue, "store_error", "", since)
            return answer_error(self.error_handler, request, exc, response)
        _log_recorded(self.config.name, source, event, recorded)
        if not recorded:
            self._observe(source, event, item.queue, "duplicate", item.id, since)
            return WebResponse.text("success")
        if replying:
            answer = self._reply_now(app, item, ctx)
            self._observe(source, event, item.queue, "replied", item.id, since)
            return answer
        app.worker.notify()
        self._observe(source, event, item.queue, "recorded", item.id, since)
        return WebResponse.text("success")

    def _observe(
        self, source: CallbackSource, event: Event | None, queue: str, outcome: str, item_id: str, since: float
    ) -> None:
        """One answered callback, for the metrics and the console's recent list (no payload, no secret)."""
        info_type = event.info_type if event is not None else ""
        metrics.callback_answered(self.config.suite_id, source.value, info_type, outcome, since)
        if self.recent is not None:
            corp = queue if queue and not queue.startswith("auth_code:") else ""
            self.recent.add(RecentCallback(self.clock.now(), source.value, info_type, corp, outcome, item_id))

    def _arrival(self) -> float:
        """Now, but strictly later than the previous arrival in this process: callbacks recorded in the same
        clock tick (a coarse or test clock) keep their arrival order, which breaks ties of WeCom's TimeStamp."""
        with self._arrival_lock:
            now = max(self.clock.now(), self._last_arrival + 1e-6)
            self._last_arrival = now
            return now

    def _reply_now(self, app: SuiteApp, item: InboxItem, ctx: CallbackContext) -> WebResponse:
        """Run a reply handler within the deadline; the item settles in the inbox whatever happens."""
        future = self._reply_pool().submit(self.router.dispatch, ctx)
        future.add_done_callback(lambda done: self._settle_reply(app, item, done))
        try:
            reply = future.result(timeout=self.reply_deadline)
        except FutureTimeout:
            logger.warning("suite %s: reply handler for %s ran past %.1f s; answering success, the reply is lost",
                           self.config.name, ctx.event.info_type, self.reply_deadline)
            return WebResponse.text("success")
        except Exception:  # settled by the callback: retried from the inbox
            return WebResponse.text("success")
        if reply is None:
            return WebResponse.text("success")
        return WebResponse.xml(self._data.encrypt_reply(reply, ctx.receive_id))

    def _settle_reply(self, app: SuiteApp, item: InboxItem, done: Future[str | None]) -> None:
        now = self.clock.now()
        exc = done.exception()
        try:
            if exc is None:
                app.store.inbox.complete(item.id, now=now)
                return
            logger.warning("suite %s: reply handler failed (%s: %s); the callback is retried from the inbox",
                           self.config.name, type(exc).__name__, exc)
            app.store.inbox.retry_later(item.id, not_before=now, error=f"{type(exc).__name__}: {exc}"[:500])
            app.worker.notify()
        except Exception:  # the store went away: the item's not_before passes and the worker takes it
            logger.exception("suite %s: could not settle callback %s after its reply handler", self.config.name,
                             item.id[:12])

    def _reply_pool(self) -> ThreadPoolExecutor:
        with self._replies_lock:
            if self._replies is None:
                self._replies = ThreadPoolExecutor(max_workers=8, thread_name_prefix="wecom-reply")
            return self._replies

    # -- processing ---------------------------------------------------------------------------------

    def process(self, item: InboxItem) -> None:
        """Process one recorded callback: the lifecycle (instruction callbacks), then the user's handlers.

        Raises :class:`DeadLetter` for a payload that no longer parses and :class:`NotReadyYet` while the
        company an event is about is not installed here yet; handlers' exceptions propagate (retried)."""
        try:
            event = parse_event(item.payload)
        except CallbackError as exc:
            raise DeadLetter(DeadLetterReason.MALFORMED_PAYLOAD, f"the stored callback does not parse: {exc}") from None
        if item.source is CallbackSource.INSTRUCTION:
            self.lifecycle.apply(event)
        if item.source is not CallbackSource.SYSTEM and not isinstance(event, _LIFECYCLE_EVENTS):
            corp_id = item.queue if item.source is CallbackSource.DATA else event.auth_corp_id
            if corp_id and self.store.companies.get_company(self.config.suite_id, corp_id) is None:
                raise NotReadyYet(
                    f"{event.info_type} for company {corp_id}, which is not in the registry (yet)",
                    retry_in=5.0,
                    give_up_reason=DeadLetterReason.UNKNOWN_COMPANY,
                )
        addressee = self.config.provider_corp_id if item.source is CallbackSource.SYSTEM else self.config.suite_id
        ctx = InboxContext(
            event=event,
            raw_xml=item.payload,
            digest=item.id,
            receive_id=item.queue if item.source is CallbackSource.DATA else addressee,
            auth_corp_id=event.auth_corp_id,
            attempts=item.attempts,
            received_at=item.received_at,
        )
        self.router.dispatch(ctx)

    def process_pending(self) -> int:
        """Process every recorded callback that is ready now (synchronously); how many were claimed."""
        return self.worker.drain()

    def _redeem(self, auth_code: str) -> tuple[CompanyRecord, bool]:
        """The install redirect's redemption: the same exchange as create_auth's, then the full auth info."""
        company, exchanged = self.lifecycle.redemption.redeem(auth_code)
        try:
            company = self.lifecycle.complete_install(company)
        except Exception as exc:  # the permanent code is stored; create_auth's processing completes the rest
            logger.warning("suite %s: company %s installed; its auth info could not be fetched yet: %s",
                           self.config.name, company.corp_id, f"{type(exc).__name__}: {exc}")
        return company, exchanged

    # -- lifetime -----------------------------------------------------------------------------------

    def warm_token_managers(self) -> list[TokenManager]:
        """The suite token plus every active company's token: what ``warm_tokens=True`` keeps fresh."""
        suite_id = self.config.suite_id
        companies = self.store.companies.list_companies(suite_id, state=CompanyState.ACTIVE)
        return [self.client.suite_token, *(self.client.corp_token(c.corp_id) for c in companies)]

    def start(self) -> None:
        """Start the inbox workers (and the token refresher when ``warm_tokens=True``); idempotent."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
            self.worker.start()
            if self.refresher is not None:
                self.refresher.start()

    def autostart(self) -> None:
        """``start()``, unless the app was made with ``start_worker=False`` or has auto-started before:
        what entering ``with``, the ASGI lifespan startup and the first request this app serves call
        (WSGI servers have no lifespan). After ``stop()``, only an explicit ``start()`` starts again."""
        if not self._auto_start:
            return
        with self._start_lock:
            if self._autostarted:
                return
            self._autostarted = True
        self.start()

    def stop(self) -> None:
        """Stop the background threads (what a lifespan shutdown does); ``start()`` may follow."""
        with self._start_lock:
            self._started = False
            if self.refresher is not None:
                self.refresher.stop()
            self.worker.stop()

    def close(self) -> None:
        """Stop the threads and close the clients, and the store when the app opened it."""
        metrics.unwatch(self)
        self.stop()
        if self._replies is not None:
            self._replies.shutdown(wait=True)
        self.client.close()
        if self._owns_store:
            self.store.close()

    async def aclose(self) -> None:
        """``close()`` plus the async client's connections (for asyncio applications)."""
        if self._async_client is not None:
            await self._async_client.aclose()
        self.close()

    def __enter__(self) -> SuiteApp:
        self.autostart()  # start_worker=False: the caller drives processing (process_pending(), start())
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


show_options(SuiteApp.from_env.__func__, SuiteApp.__init__)  # type: ignore[attr-defined]
show_options(SuiteApp.from_toml.__func__, SuiteApp.__init__)  # type: ignore[attr-defined]


def _method_not_allowed(allowed: str) -> WebResponse:
    response = WebResponse.text("method not allowed", status=405)
    response.headers["allow"] = allowed
    return response


# Events the lifecycle itself checks against the registry (and waits for, or ignores when stale).
_LIFECYCLE_EVENTS = (CreateAuthEvent, ResetPermanentCodeEvent, ChangeAuthEvent, CancelAuthEvent)


_LATEST_TIME = 10**11  # Unix seconds (year ~5138): a TimeStamp beyond it is not WeCom's; order it by arrival


def _plausible_time(timestamp: object) -> int:
    """WeCom's TimeStamp for ordering, or 0 when it is missing or implausible (a hostile or broken value must
    not break the inbox write: it is recorded and ordered by arrival)."""
    return timestamp if isinstance(timestamp, int) and 0 < timestamp < _LATEST_TIME else 0


def _any_receive_id(_receive_id: str) -> bool:
    return True


def queue_of(event: Event, source: CallbackSource, receive_id: str, digest: str) -> str:
    """The ordering queue of a callback: its company (the data URL's receive id, or ``AuthCorpId``); a
    ``create_auth`` (which names no company) a queue of its own, so a stuck one holds no one else; other
    suite-level events the suite's queue."""
    if source is CallbackSource.DATA and receive_id:
        return receive_id
    if event.auth_corp_id:
        return event.auth_corp_id
    if isinstance(event, (CreateAuthEvent, ResetPermanentCodeEvent)):
        return f"auth_code:{digest[:16]}"
    return SUITE_QUEUE


def _log_recorded(name: str, source: CallbackSource, event: Event, recorded: bool) -> None:
    """One line per callback; suite_ticket pushes (every 10 minutes, forever) only at DEBUG."""
    level = logging.DEBUG if isinstance(event, SuiteTicketEvent) else logging.INFO
    logger.log(
        level,
        "suite %s: %s callback %s%s %s",
        name,
        source.value,
        event.info_type,
        f" from {event.auth_corp_id}" if event.auth_corp_id else "",
        "recorded" if recorded else "already recorded (redelivery ignored)",
    )


def _system_events_off() -> WebResponse:
    """The system-event URL without ``provider_corp_id``: say which setting turns it on."""
    response = WebResponse.text(
        "the system event URL (系统事件接收URL) is off: set provider_corp_id (WECOM_PROVIDER_CORP_ID) to your "
        "provider corp id (服务商CorpID, from the provider console), then restart",
        status=404,
    )
    response.headers["x-wecom-callback-reason"] = "provider_corp_id_required"
    return response
